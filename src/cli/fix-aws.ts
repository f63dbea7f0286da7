/**
 * `ecsguard fix --aws`: rolls the task definition fixes out on a live account (src/fix/rollout.ts).
 *
 * A dry run by default: the account is read (read calls only) and the plan is printed: per family,
 * the revision it starts from, what the new revision changes, what a human must still do, what is
 * not changed and why, the services it would update, and the write calls that would be made
 * (marked as not made). `--apply` makes them, printing each call as it is made; on a terminal it
 * asks first, unless `--yes`; elsewhere `--apply` needs `--yes`.
 *
 * Exit codes: 0 when every read and every call succeeded (a family left alone because only
 * refused controls fail is not a failure); 1 when a read or a call failed, or the confirmation was
 * declined; 2 (thrown ConfigError / AwsCredentialsError, which the CLI turns into 2) for usage and
 * credentials errors.
 */
import { existsSync, writeFileSync } from 'node:fs';
import { createInterface } from 'node:readline/promises';
import { ConfigError } from '../engine/configuration.js';
import { loadConfigFile, type FileConfig } from '../engine/config-file.js';
import { applyRollout, planRollout, type FamilyRollout, type RolloutCall, type RolloutOptions, type RolloutPlan } from '../fix/rollout.js';
import { enabledRegions } from '../sources/aws/regions.js';
import { forTerminal } from '../reporters/terminal.js';

/**
 * The flags `ecsguard fix --aws` takes. Lists may be given as arrays (repeatable options) or as
 * comma-separated strings. `profile` and `awsProfile` both name an AWS profile (`awsProfile` wins).
 */
export interface FixAwsFlags {
  region?: string[] | string;
  allRegions?: boolean;
  profile?: string;
  awsProfile?: string;
  roleArn?: string;
  externalId?: string;
  endpointUrl?: string;
  /** The account ID, when known: skips STS GetCallerIdentity (ECS-compatible endpoints without STS). */
  account?: string;
  family?: string[] | string;
  apply?: boolean;
  yes?: boolean;
  deregisterPrevious?: boolean;
  controls?: string[] | string;
  skipControls?: string[] | string;
  /** The configuration file (default `.ecsguard.yml` when present): its parameters, and skip-controls when not given. */
  config?: string;
  linuxUser?: string;
  windowsUser?: string;
  logGroupPrefix?: string;
  /** `text` (default) or `json`. */
  format?: string;
  /** Write the report to this file instead of standard output (the calls are still printed as made, on standard error). */
  output?: string;
  quiet?: boolean;
}

/** Where {@link runFixAws} writes and how it asks; the process's own streams by default (tests pass their own). */
export interface FixAwsIo {
  stdout(chunk: string): void;
  stderr(chunk: string): void;
  /** Whether a human can answer: standard input and output are both terminals. */
  interactive: boolean;
  /** Asks `question` and resolves true for yes. */
  confirm(question: string): Promise<boolean>;
  /** Show a progress line on standard error while the account is read (standard error is a terminal). */
  progress?: boolean;
}

/** The process's streams; the confirmation reads a line from standard input (the question goes to standard error). */
export function processIo(): FixAwsIo {
  return {
    stdout: (c) => process.stdout.write(c),
    stderr: (c) => process.stderr.write(c),
    interactive: process.stdin.isTTY === true && process.stdout.isTTY === true,
    progress: process.stderr.isTTY === true,
    confirm: async (question) => {
      const rl = createInterface({ input: process.stdin, output: process.stderr });
      try {
        return /^\s*y(es)?\s*$/i.test(await rl.question(question));
      } finally {
        rl.close();
      }
    },
  };
}

function list(v: string[] | string | undefined): string[] | undefined {
  if (v === undefined) return undefined;
  const items = (Array.isArray(v) ? v : [v]).flatMap((x) => x.split(',')).map((x) => x.trim()).filter(Boolean);
  return items;
}

/** The regions to roll out in: --region, --all-regions, or AWS_REGION / AWS_DEFAULT_REGION. Throws ConfigError. */
async function regionsOf(flags: FixAwsFlags): Promise<string[]> {
  const given = list(flags.region) ?? [];
  // `--region "$REGION"` with REGION unset must not fall back to AWS_REGION: the rollout would go to another region.
  if (flags.region !== undefined && given.length === 0) throw new ConfigError('--region names no region: give a region name such as eu-west-1 (repeatable, or comma-separated), or leave --region out to use --all-regions or AWS_REGION');
  if (flags.allRegions && given.length) throw new ConfigError('give either --all-regions or --region, not both');
  const regions = flags.allRegions
    ? await enabledRegions({ profile: flags.awsProfile ?? flags.profile })
    : given.length ? given : process.env.AWS_REGION ? [process.env.AWS_REGION] : process.env.AWS_DEFAULT_REGION ? [process.env.AWS_DEFAULT_REGION] : [];
  if (regions.length === 0) throw new ConfigError('fix --aws needs the regions to roll out in: --region eu-west-1 (repeatable, or comma-separated), --all-regions, or AWS_REGION');
  return regions;
}

/** Counts of what the plan (or the report) registers, updates and deregisters. */
function counts(plan: RolloutPlan): { revisions: number; services: number; deregistrations: number } {
  const live = plan.families.filter((f) => f.registerInput && !f.error);
  return {
    revisions: live.length,
    services: live.reduce((n, f) => n + f.services.filter((s) => s.update).length, 0),
    deregistrations: live.filter((f) => f.deregister.requested && !f.deregister.kept).length,
  };
}

/** True when a read or a call failed, or a family could not be planned. */
export function rolloutFailed(plan: RolloutPlan): boolean {
  return plan.errors.length > 0 || plan.families.some((f) => f.error !== null || f.calls.some((c) => c.status === 'failed'));
}

/** The JSON report: the plan or its outcome, without the RegisterTaskDefinition inputs (they hold environment values). */
export function rolloutJson(plan: RolloutPlan): string {
  const c = counts(plan);
  const calls = plan.families.flatMap((f) => f.calls);
  return JSON.stringify({
    mode: plan.mode,
    account: plan.account,
    regions: plan.regions,
    deregisterPrevious: plan.deregisterPrevious,
    families: plan.families.map((f) => ({
      region: f.region,
      family: f.family,
      from: f.from,
      to: f.to,
      fixed: f.fixed,
      changes: f.changes,
      todo: f.todo,
      refused: f.refused,
      services: f.services,
      deregister: f.deregister,
      calls: f.calls,
      error: f.error,
    })),
    clean: plan.clean,
    elsewhere: plan.elsewhere,
    errors: plan.errors,
    summary: {
      revisions: c.revisions,
      services: c.services,
      deregistrations: c.deregistrations,
      callsMade: calls.filter((x) => x.status === 'ok' || x.status === 'failed').length,
      callsFailed: calls.filter((x) => x.status === 'failed').length,
      failed: rolloutFailed(plan),
    },
  }, null, 2) + '\n';
}

function familyHeading(f: FamilyRollout): string {
  const target = f.error ? 'not rolled out' : f.to ? `-> ${f.to}` : f.registerInput ? '-> new revision' : 'no new revision: nothing fixed automatically';
  return `${f.region} ${f.family}: ${f.from} ${target}`;
}

/** One call as a plan line: its text and, unless planned, what became of it. */
function callLine(c: RolloutCall, dryRun: boolean): string {
  if (c.status === 'planned') return `    ${c.text}${dryRun ? '   (dry run: not made)' : ''}`;
  if (c.status === 'not made') return `    ${c.text}   (not made: ${(c.error ?? '').replace(/^not made: /, '')})`;
  if (c.status === 'failed') return `    ${c.text}   FAILED: ${c.error}`;
  return `    ${c.text}   ${c.status}${c.result ? `: ${c.result}` : ''}`;
}

/**
 * The text report of a plan (dry run) or of its outcome (`calls: false` leaves the calls out, for
 * the plan printed before they are made). Untrusted text (names read from the account) is made safe for a terminal.
 */
export function renderRolloutText(plan: RolloutPlan, options: { quiet?: boolean; calls?: boolean } = {}): string {
  const out: string[] = [];
  const dryRun = plan.mode === 'dry-run';
  const withCalls = options.calls !== false;
  for (const f of plan.families) {
    if (options.quiet && !f.registerInput && !f.error) continue;
    out.push(familyHeading(f));
    if (f.error) out.push(`  error: ${f.error}`);
    if (!options.quiet) {
      if (f.changes.length) out.push('  changes:', ...f.changes.map((c) => `    ${c}`));
      if (f.todo.length) out.push('  to do:', ...f.todo.map((t) => `    ${t}`));
      if (f.refused.length) out.push('  not changed automatically:', ...f.refused.map((r) => `    ${r.control}: ${r.reason}`));
      if (f.services.length) {
        out.push('  services:');
        for (const s of f.services) {
          const what = s.update ? (s.outcome === 'planned' ? 'update' : s.outcome) : 'not updated';
          out.push(`    ${s.clusterName}/${s.serviceName} (runs ${s.revision ?? s.taskDefinition}): ${what}${s.note ? ` - ${s.note}` : ''}`);
        }
      } else if (f.registerInput) out.push('  services: none runs this family');
      if (f.deregister.requested && f.deregister.kept && !f.calls.some((c) => c.action === 'DeregisterTaskDefinition')) out.push(`  ${f.from} ${f.deregister.kept}`);
    }
    if (withCalls && f.calls.length) out.push(dryRun ? '  calls (dry run, not made):' : '  calls:', ...f.calls.map((c) => callLine(c, false)));
  }
  if (!options.quiet && plan.elsewhere.length) {
    out.push('', 'Not applied live: change these where the resource is defined (template, Terraform, console):');
    for (const e of plan.elsewhere) out.push(`  ${e.region} ${e.resource.type} ${e.resource.name}: ${e.control}: ${e.changes.join('; ')}`);
  }
  if (plan.errors.length) {
    out.push('', 'Errors:');
    for (const e of plan.errors) out.push(`  ${e.where}: ${e.message}`);
  }
  return out.map((l) => forTerminal(l)).join('\n') + (out.length ? '\n' : '');
}

/** The closing line of the report. */
function summaryLine(plan: RolloutPlan): string {
  const c = counts(plan);
  const s = (n: number, word: string) => `${n} ${n === 1 ? word : word === 'family' ? 'families' : `${word}s`}`;
  const dereg = plan.deregisterPrevious ? `, ${s(c.deregistrations, 'revision')} to deregister` : '';
  const clean = `${s(plan.clean, 'family')} clean`;
  if (plan.mode === 'dry-run' && c.revisions === 0) return `Nothing to roll out in account ${plan.account}; ${clean}. No change was made.\n`;
  if (plan.mode === 'dry-run') {
    return `Dry run in account ${plan.account}: ${s(c.revisions, 'revision')} to register, ${s(c.services, 'service')} to update${dereg}; ${clean}. No change was made: run again with --apply to make these calls.\n`;
  }
  const calls = plan.families.flatMap((f) => f.calls);
  const ok = (a: RolloutCall['action']) => calls.filter((x) => x.action === a && x.status === 'ok').length;
  const failed = calls.filter((x) => x.status === 'failed').length;
  return `Applied in account ${plan.account}: registered ${s(ok('RegisterTaskDefinition'), 'revision')}, updated ${s(ok('UpdateService'), 'service')}${plan.deregisterPrevious ? `, deregistered ${s(ok('DeregisterTaskDefinition'), 'revision')}` : ''}; ${failed ? `${s(failed, 'call')} FAILED` : 'every call succeeded'}.\n`;
}

/** Prints each call as it is made (`onCall` of applyRollout). */
function callPrinter(write: (chunk: string) => void): (c: RolloutCall) => void {
  return (c) => {
    const line = (s: string) => write(forTerminal(s) + '\n');
    if (c.status === 'running') line(`${c.region} ${c.text}`);
    else if (c.status === 'ok') line(`  -> ok${c.result ? `: ${c.result}` : ''}`);
    else if (c.status === 'failed') line(`  -> FAILED: ${c.error}`);
    else if (c.status === 'not made') {
      line(`${c.region} ${c.text}`);
      line(`  -> not made: ${(c.error ?? '').replace(/^not made: /, '')}`);
    }
  };
}

/**
 * Runs `ecsguard fix --aws` with the parsed `flags` and returns the exit code (0 all succeeded, 1 a
 * read or call failed or the confirmation was declined). Throws ConfigError for usage mistakes
 * (`--apply` without `--yes` off a terminal, `--yes` without `--apply`, no region, a `--region` or
 * `--family` given empty (an unset shell variable), a bad format or family name, unknown controls)
 * and AwsCredentialsError when there are no usable credentials: the CLI exits 2 for both. Makes
 * only read calls unless `flags.apply`. After an apply, the text report ends with what a failed
 * call left to do (the command that moves a service whose update failed).
 */
export async function runFixAws(flags: FixAwsFlags, io: FixAwsIo = processIo()): Promise<number> {
  const format = (flags.format ?? 'text').toLowerCase();
  if (format !== 'text' && format !== 'json') throw new ConfigError(`--format must be text or json with fix --aws; got '${flags.format}'`);
  if (flags.yes && !flags.apply) throw new ConfigError('--yes is used only with --apply (without --apply, fix --aws is a dry run that changes nothing)');
  if (flags.apply && !flags.yes && !io.interactive) {
    throw new ConfigError('--apply asks for confirmation on a terminal, and standard input or output is not one: add --yes to apply without asking (run once without --apply to review the plan)');
  }
  // `--family "$FAMILY"` with FAMILY unset would otherwise roll out nothing without a word.
  if (flags.family !== undefined && list(flags.family)!.length === 0) {
    throw new ConfigError('--family names no task definition family: give a family name (repeatable, or comma-separated), or leave --family out to roll out every family');
  }
  let fileConfig: FileConfig = {};
  const configPath = flags.config ?? (existsSync('.ecsguard.yml') ? '.ecsguard.yml' : undefined);
  if (configPath) fileConfig = loadConfigFile(configPath);
  const regions = await regionsOf(flags);

  const options: RolloutOptions = {
    regions,
    profile: flags.awsProfile ?? flags.profile,
    roleArn: flags.roleArn,
    externalId: flags.externalId,
    endpoint: flags.endpointUrl,
    account: flags.account,
    families: list(flags.family),
    controls: list(flags.controls) ?? fileConfig.controls,
    skipControls: list(flags.skipControls) ?? fileConfig.skipControls,
    parameters: fileConfig.parameters,
    linuxUser: flags.linuxUser,
    windowsUser: flags.windowsUser,
    logGroupPrefix: flags.logGroupPrefix,
    deregisterPrevious: flags.deregisterPrevious === true,
  };
  const progress = io.progress === true && !flags.quiet;
  if (progress) options.onProgress = (p) => io.stderr(`\r\u001b[2Kecsguard: reading account ${p.account}: ${p.resources} resources, ${p.calls} calls, ${p.throttled} throttled retries`);
  const toFile = flags.output !== undefined && flags.output !== '-';
  const report = (text: string) => (toFile ? writeFileSync(flags.output!, text) : io.stdout(text));
  // The calls are printed as made: on standard output with the text report, else on standard error.
  const live = format === 'text' && !toFile ? io.stdout : io.stderr;

  let plan: RolloutPlan;
  try {
    plan = await planRollout(options);
  } finally {
    if (progress) io.stderr('\n');
  }
  if (!flags.apply || counts(plan).revisions === 0) {
    // Nothing to register: an apply is the dry run's report (its summary says there is nothing to roll out).
    report(format === 'json' ? rolloutJson(plan) : renderRolloutText(plan, { quiet: flags.quiet }) + summaryLine(plan));
    return rolloutFailed(plan) ? 1 : 0;
  }

  const c = counts(plan);
  if (format === 'text' && !flags.quiet) live(renderRolloutText(plan, { calls: false }));
  if (c.revisions > 0 && !flags.yes) {
    const yes = await io.confirm(`Register ${c.revisions} revision${c.revisions === 1 ? '' : 's'} and update ${c.services} service${c.services === 1 ? '' : 's'} in account ${plan.account}? [y/N] `);
    if (!yes) {
      io.stderr('ecsguard: nothing was changed\n');
      return 1;
    }
  }
  if (format === 'text' && c.revisions > 0) live('\n');
  const done = await applyRollout(plan, { ...options, onCall: callPrinter(live) });
  if (format === 'json') report(rolloutJson(done));
  else {
    // The plan was printed above, and each call as it was made: close with what failed, what is
    // left to do because of it (a service to move by hand), the errors and the summary.
    const failedFamilies = done.families.filter((f) => f.error);
    const left = done.families.flatMap((f, i) => f.todo.slice(plan.families[i]?.todo.length ?? f.todo.length).map((t) => forTerminal(`${f.region} ${f.family}: ${t}`) + '\n'));
    const text = [
      ...failedFamilies.map((f) => forTerminal(`${f.region} ${f.family}: ${f.error}`) + '\n'),
      ...(left.length ? ['\nTo finish:\n', ...left.map((l) => `  ${l}`)] : []),
      done.errors.length ? renderRolloutText({ ...done, families: [], elsewhere: [] }) : '',
      summaryLine(done),
    ].join('');
    report(toFile ? renderRolloutText(done) + summaryLine(done) : text);
  }
  return rolloutFailed(done) ? 1 : 0;
}
