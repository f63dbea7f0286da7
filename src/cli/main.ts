#!/usr/bin/env node
/**
 * The `ecsguard` command: parses arguments and wires sources, engine and reporters together.
 * Exit codes: 0 nothing failed the gate, 1 a FAILED finding at or above --fail-on,
 * 2 usage or configuration error, or no input could be read at all.
 */
import { Command, CommanderError, Option } from 'commander';
import { closeSync, existsSync, mkdirSync, openSync, writeSync } from 'node:fs';
import { readStdin } from '../sources/text.js';
import { dirname, resolve as resolvePath } from 'node:path';
import { CONTROLS, controlById } from '../controls/index.js';
import { ConfigError, parseFailOn } from '../engine/configuration.js';
import { ConfigFileError, findConfigFile, formatConfigProblem, loadConfigFile, type FileConfig } from '../engine/config-file.js';
import { scanAws, scanOrganization, scanPathsAsync, type ScanOptions } from '../api.js';
import { AwsCredentialsError } from '../sources/aws/index.js';
import { enabledRegions } from '../sources/aws/regions.js';
import { inventoryRows } from '../inventory/rows.js';
import { parseWhere } from '../inventory/filter.js';
import { renderInventoryCsv, renderInventoryJson, renderInventoryText } from '../reporters/inventory.js';
import { forTerminal } from '../reporters/terminal.js';
import { parseParameterList, readParametersFile } from '../sources/cloudformation/parameters.js';
import { writeJson } from '../reporters/json.js';
import { renderSarif } from '../reporters/sarif.js';
import { renderAsff, toAsffFindings } from '../reporters/asff.js';
import { renderOcsf } from '../reporters/ocsf.js';
import { renderJunit } from '../reporters/junit.js';
import { renderHtml } from '../reporters/html.js';
import { renderMarkdown } from '../reporters/markdown.js';
import { defaultContext, type ReportContext } from '../reporters/context.js';
import { publishFindings } from '../publish/securityhub.js';
import { SecurityHubClient } from '@aws-sdk/client-securityhub';
import { GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts';
import { renderText } from '../reporters/text.js';
import { SEVERITY_ORDER, type InputError } from '../model/index.js';
import { TOOL } from '../version.js';
import { renderControlList, renderExplain } from './explain.js';
import type { ScanResult } from '../engine/scan.js';
import { runFixFiles, type FixFlags } from './fix.js';
import { runFixAws } from './fix-aws.js';
import { applyBaseline, readBaseline, writeBaseline } from '../engine/baseline.js';

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';

const EXIT_OK = 0;
const EXIT_FAILED = 1;
const EXIT_USAGE = 2;

class UsageError extends Error {}

function splitList(v: string | undefined): string[] | undefined {
  return v === undefined ? undefined : v.split(',').map((s) => s.trim()).filter(Boolean);
}

function parseSize(v: string): number {
  const m = /^(\d+(?:\.\d+)?)\s*(b|k|kb|kib|m|mb|mib|g|gb|gib)?$/i.exec(v.trim());
  if (!m) throw new UsageError(`--max-file-size: expected a size such as 16MiB or 500KB, got '${v}'`);
  const unit = (m[2] ?? 'b').toLowerCase()[0];
  const mult = unit === 'k' ? 1024 : unit === 'm' ? 1024 ** 2 : unit === 'g' ? 1024 ** 3 : 1;
  return Math.floor(Number(m[1]) * mult);
}

/** Whether colour may be used on a stream: a TTY, no NO_COLOR, no --no-color. */
function colorWanted(stream: NodeJS.WriteStream, flag: boolean): boolean {
  if (!flag) return false;
  if (process.env.NO_COLOR !== undefined && process.env.NO_COLOR !== '') return false;
  if (process.env.FORCE_COLOR && process.env.FORCE_COLOR !== '0') return true;
  return stream.isTTY === true;
}

interface ScanFlags {
  /** Undefined for `scan` when --format is not given: the configuration file's `format`, else text, applies. */
  format?: string;
  output?: string;
  controls?: string;
  skipControls?: string;
  failOn?: string;
  config?: string;
  allRevisions?: boolean;
  quiet?: boolean;
  color: boolean;
  maxFileSize?: string;
  parameters?: string[];
  parametersFile?: string;
  onlyRecognized?: boolean;
  var?: string[];
  varFile?: string[];
  region?: string[];
  account?: string;
  aws?: boolean;
  allRegions?: boolean;
  org?: boolean;
  orgRoleName?: string;
  roleArn?: string;
  externalId?: string;
  endpointUrl?: string;
  awsProfile?: string;
  publish?: string;
  profile?: string;
  archiveMissing?: boolean;
  /** scan --baseline FILE: findings recorded in FILE are suppressed (by: baseline). */
  baseline?: string;
  /** scan --write-baseline FILE: record the FAILED findings in FILE after the scan. */
  writeBaseline?: string;
}

/** Reads the configuration file and turns the shared flags of scan and inventory into scan options. */
function scanOptionsFrom(paths: string[], flags: ScanFlags): { inputs: string[]; options: ScanOptions; fileConfig: FileConfig } {
  let fileConfig: FileConfig = {};
  if (flags.config !== undefined && !existsSync(flags.config)) throw new UsageError(`--config ${flags.config}: no such file`);
  // Else .ecsguard.yml (or .yaml), from the first scanned path's folder up to the root; the current directory for -, --aws or no path.
  const first = paths[0];
  const configPath = flags.config ?? findConfigFile(first === undefined || first === '-' || flags.aws ? '.' : first);
  if (configPath) {
    try {
      fileConfig = loadConfigFile(configPath);
    } catch (e) {
      // One `ecsguard: FILE:LINE:COLUMN: ...` line per problem: all but the last here, the last as any configuration error.
      if (!(e instanceof ConfigFileError) || e.problems.length < 2) throw e;
      for (const p of e.problems.slice(0, -1)) process.stderr.write(`ecsguard: ${forTerminal(formatConfigProblem(p))}\n`);
      throw new ConfigError(formatConfigProblem(e.problems[e.problems.length - 1]));
    }
    // Warnings (a pattern that matches everything, a suppression for a control that is not run) do not stop the run;
    // --quiet does not hide them: they are about what the run may be hiding.
    for (const w of fileConfig.warnings ?? []) process.stderr.write(`ecsguard: warning: ${forTerminal(formatConfigProblem(w))}\n`);
  }
  const inputs = paths.length ? paths : ['.'];
  const maxFileBytes = flags.maxFileSize ? parseSize(flags.maxFileSize) : undefined;
  let stdin: Buffer | undefined;
  if (inputs.includes('-')) {
    const read = readStdin(maxFileBytes);
    if (!read.ok) throw new UsageError(`-: ${read.message}`);
    stdin = read.bytes;
  }
  const cfnParameters: Record<string, string> = {};
  if (flags.parametersFile) Object.assign(cfnParameters, readParametersFile(flags.parametersFile));
  for (const p of flags.parameters ?? []) Object.assign(cfnParameters, parseParameterList(p));
  const pseudoParameters: Record<string, string> = {};
  const region = flags.region?.[0];
  if (region) {
    pseudoParameters['AWS::Region'] = region;
    pseudoParameters['AWS::Partition'] = region.startsWith('cn-') ? 'aws-cn' : region.startsWith('us-gov-') ? 'aws-us-gov' : 'aws';
  }
  if (flags.account) {
    if (!/^\d{12}$/.test(flags.account)) throw new UsageError(`--account must be a 12-digit AWS account ID; got '${flags.account}'`);
    pseudoParameters['AWS::AccountId'] = flags.account;
  }
  const options: ScanOptions = {
    cfnParameters,
    pseudoParameters,
    controls: splitList(flags.controls) ?? fileConfig.controls,
    skipControls: splitList(flags.skipControls) ?? fileConfig.skipControls,
    parameters: fileConfig.parameters,
    suppressions: fileConfig.suppressions,
    allRevisions: flags.allRevisions ?? fileConfig.allRevisions,
    maxFileBytes,
    stdin,
    onlyRecognized: flags.onlyRecognized,
    terraformVars: Object.fromEntries((flags.var ?? []).map((v) => {
      const eq = v.indexOf('=');
      if (eq <= 0) throw new UsageError(`--var: expected name=value, got '${v}'`);
      return [v.slice(0, eq).trim(), v.slice(eq + 1)];
    })),
    terraformVarFiles: flags.varFile,
  };
  return { inputs, options, fileConfig };
}

/** Report formats of `scan`, and how each is written. */
const SCAN_FORMATS: Record<string, (result: ScanResult, context: ReportContext, write: (chunk: string) => void, flags: ScanFlags, toFile: boolean) => void> = {
  text: (r, _c, write, flags, toFile) => write(renderText(r, { color: !toFile && colorWanted(process.stdout, flags.color), quiet: flags.quiet, width: terminalWidth() })),
  json: (r, _c, write) => writeJson(r, write),
  sarif: (r, c, write) => write(renderSarif(r, c)),
  asff: (r, c, write) => write(renderAsff(r, c)),
  ocsf: (r, c, write) => write(renderOcsf(r, c)),
  junit: (r, c, write) => write(renderJunit(r, c)),
  html: (r, c, write) => write(renderHtml(r, c)),
  markdown: (r, _c, write) => write(renderMarkdown(r)),
};

async function runScan(paths: string[], flags: ScanFlags): Promise<number> {
  if (flags.publish !== undefined && flags.publish !== 'securityhub') throw new UsageError(`--publish takes 'securityhub'; got '${flags.publish}'`);
  const { inputs, options, fileConfig } = scanOptionsFrom(paths, flags);
  // --format, else the configuration file's format, else text.
  flags.format = (flags.format ?? fileConfig.format ?? 'text').toLowerCase();
  if (flags.format === 'md') flags.format = 'markdown';
  const render = SCAN_FORMATS[flags.format];
  if (!render) throw new UsageError(`--format must be one of ${Object.keys(SCAN_FORMATS).join(', ')}; got '${flags.format}'`);
  const failOn = parseFailOn(flags.failOn ?? fileConfig.failOn ?? 'low');
  // A missing or malformed baseline is a usage error: say so before a long scan, not after it.
  if (flags.baseline !== undefined) readBaseline(flags.baseline);
  // ASFF Details and publishing describe each resource from its properties: keep them.
  const result = await read(inputs, paths, options, flags, flags.format === 'asff' || flags.publish !== undefined);
  // Before any report: baseline findings are marked suppressed in every format.
  if (flags.baseline !== undefined) applyBaseline(result, flags.baseline);
  const context = defaultContext({ account: flags.account, region: flags.region?.[0] });
  const toFile = flags.output !== undefined && flags.output !== '-';
  writeReport(flags.output, (write) => render(result, context, write, flags, toFile));
  if (flags.publish === 'securityhub') await publish(result, context, inputs, flags);
  if (flags.format !== 'text' && !flags.quiet && result.errors.length) {
    printErrors(result.errors);
  }
  if (result.summary.resources === 0 && result.errors.length === 0 && result.skipped.length === 0 && !flags.quiet) {
    process.stderr.write(`ecsguard: no ECS resources found in ${inputs.join(', ')} (read: task definition JSON, describe-* output, CloudFormation, cdk.out, Terraform .tf and plan JSON)\n`);
  }
  if (flags.writeBaseline !== undefined) return recordBaseline(result, flags.writeBaseline);
  return exitCode(result, failOn);
}

/**
 * `scan --write-baseline FILE`: records the FAILED findings in FILE and says how many on standard
 * error. Exit 0, or 2 when no input could be read (then nothing is written).
 */
function recordBaseline(result: ScanResult, file: string): number {
  if (nothingRead(result)) {
    process.stderr.write(`ecsguard: no input could be read; the baseline ${forTerminal(file)} is not written\n`);
    return EXIT_USAGE;
  }
  const count = writeBaseline(result, file);
  process.stderr.write(`ecsguard: recorded ${count} failed finding${count === 1 ? '' : 's'} in the baseline ${forTerminal(file)}\n`);
  return EXIT_OK;
}

/** `ecsguard fix`: files (diff or --write), or with --aws the live rollout. */
async function runFix(paths: string[], flags: ScanFlags & FixFlags & Record<string, unknown>): Promise<number> {
  if (flags.write && flags.diff) throw new UsageError('give either --diff (the default) or --write, not both');
  if (paths.includes('-')) throw new UsageError('fix edits files: standard input (-) cannot be patched; save it to a file and fix that file');
  const { inputs, options, fileConfig } = scanOptionsFrom(paths, flags);
  const settings = {
    linuxUser: flags.linuxUser ?? fileConfig.fix?.linuxUser,
    windowsUser: flags.windowsUser ?? fileConfig.fix?.windowsUser,
    logGroupPrefix: flags.logGroupPrefix ?? fileConfig.fix?.logGroupPrefix,
  };
  const fixOptions = { ...options, controls: options.controls ?? ['security-hub'] };
  if (flags.aws) {
    if (paths.length) throw new UsageError('--aws fixes an account, not files: give either paths or --aws');
    if (flags.write) throw new UsageError('--write is for files; with --aws use --apply');
    return runFixAws({ ...flags, ...settings, controls: fixOptions.controls.join(','), skipControls: flags.skipControls } as Parameters<typeof runFixAws>[0]);
  }
  if (flags.apply || flags.yes || flags.deregisterPrevious || flags.family) throw new UsageError('--apply, --yes, --deregister-previous and --family are for --aws; for files use --write');

  const toFile = flags.output !== undefined && flags.output !== '-';
  const region = flags.region?.[0];
  // writeReport is synchronous: the fix runs first, its output is kept, then written.
  const chunks: string[] = [];
  const code = await runFixFiles(inputs, fixOptions, flags, settings, region, (c) => chunks.push(c), !toFile && colorWanted(process.stdout, flags.color) && flags.format !== 'json');
  writeReport(flags.output, (write) => write(chunks.join('')));
  return code;
}

/** Input errors on standard error, one a line, `file:line:column: message`. */
function printErrors(errors: readonly InputError[]): void {
  for (const e of errors) process.stderr.write(`ecsguard: ${forTerminal(`${e.file}${e.line ? `:${e.line}${e.column ? `:${e.column}` : ''}` : ''}: ${e.message}`)}\n`);
}

/** The terminal width for text reports: the TTY's, else COLUMNS, else 80. */
function terminalWidth(): number {
  return process.stdout.columns || Number(process.env.COLUMNS) || 80;
}

/** Sends a report to `--output FILE` or standard output. */
function writeReport(output: string | undefined, body: (write: (chunk: string) => void) => void): void {
  const toFile = output !== undefined && output !== '-';
  const fd = toFile ? openOutput(output) : 1;
  try {
    body((chunk) => writeAll(fd, chunk));
  } finally {
    if (toFile) closeSync(fd);
  }
}

interface InventoryFlags extends ScanFlags {
  format: string;
  where?: string[];
}

async function runInventory(paths: string[], flags: InventoryFlags): Promise<number> {
  const formats = ['text', 'json', 'csv'];
  flags.format = flags.format.toLowerCase();
  if (!formats.includes(flags.format)) throw new UsageError(`--format must be one of ${formats.join(', ')}; got '${flags.format}'`);
  const filter = parseWhere(flags.where ?? []);
  const { inputs, options, fileConfig } = scanOptionsFrom(paths, flags);
  // The inventory is about who containers run as: Security Hub's controls, unless the configuration names others.
  const result = await read(inputs, paths, { ...options, controls: options.controls ?? ['security-hub'] }, flags, true);
  const secretKeys = fileConfig.parameters?.['ECS.8']?.secretKeys;
  const rows = inventoryRows(result.judged ?? [], Array.isArray(secretKeys) ? (secretKeys as string[]) : undefined);
  const containers = rows.containers.filter(filter);
  const services = flags.where?.length ? [] : rows.services;
  writeReport(flags.output, (write) => {
    if (flags.format === 'json') write(renderInventoryJson(containers, services));
    else if (flags.format === 'csv') write(renderInventoryCsv(containers));
    else if (containers.length === 0 && rows.containers.length > 0) write(`no container of the ${rows.containers.length} read matches --where ${(flags.where ?? []).join(' --where ')}\n`);
    else write(renderInventoryText(containers, services, terminalWidth()));
  });
  if (!flags.quiet && result.errors.length) {
    printErrors(result.errors);
  }
  return nothingRead(result) ? EXIT_USAGE : EXIT_OK;
}

function openOutput(file: string): number {
  try {
    mkdirSync(dirname(resolvePath(file)), { recursive: true });
    return openSync(file, 'w');
  } catch (e) {
    throw new UsageError(`--output ${file}: cannot write: ${(e as Error).message}`);
  }
}

/** Writes all of `chunk` to `fd` synchronously (stdout may be a pipe that takes it in parts). */
function writeAll(fd: number, chunk: string): void {
  const buf = Buffer.from(chunk, 'utf8');
  let off = 0;
  while (off < buf.length) {
    try {
      off += writeSync(fd, buf, off);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'EAGAIN') continue;
      if ((e as NodeJS.ErrnoException).code === 'EPIPE') return;
      throw e;
    }
  }
}

/** `--publish securityhub`: imports the ASFF findings into the account's Security Hub, then says how it went on standard error. */
async function publish(result: ScanResult, context: ReportContext, inputs: string[], flags: ScanFlags): Promise<void> {
  const client = new SecurityHubClient({ region: flags.region?.[0], ...(flags.profile ? { profile: flags.profile } : {}) });
  const region = await client.config.region();
  let account = flags.account;
  if (!account) {
    const sts = new STSClient({ region, ...(flags.profile ? { profile: flags.profile } : {}) });
    account = (await sts.send(new GetCallerIdentityCommand({}))).Account;
  }
  const findings = toAsffFindings(result, { ...context, account, region });
  const report = await publishFindings(client, findings, { scope: inputs.join(' '), archiveMissing: flags.archiveMissing, now: context.now });
  process.stderr.write(`ecsguard: published ${report.imported} finding(s) to Security Hub in ${account}/${region}${report.archived ? `, archived ${report.archived}` : ''}${report.failed.length ? `; ${report.failed.length} rejected` : ''}\n`);
  for (const f of report.failed) process.stderr.write(`ecsguard: rejected ${f.id}: ${f.code} ${forTerminal(f.message)}\n`);
  if (report.failed.length) process.exitCode = EXIT_USAGE;
}

/** Reads files, or with `--aws` the live account (progress on standard error when it is a terminal). */
async function read(inputs: string[], paths: string[], options: ScanOptions, flags: ScanFlags, keepResources: boolean): Promise<ScanResult> {
  if (!flags.aws) return scanPathsAsync(inputs, { ...options, keepResources });
  if (paths.length) throw new UsageError('--aws scans an account, not files: give either paths or --aws');
  if (flags.allRegions && flags.region?.length) throw new UsageError('give either --all-regions or --region, not both');
  const regions = flags.allRegions
    ? await enabledRegions({ profile: flags.profile })
    : flags.region?.length ? flags.region : process.env.AWS_REGION ? [process.env.AWS_REGION] : process.env.AWS_DEFAULT_REGION ? [process.env.AWS_DEFAULT_REGION] : [];
  if (regions.length === 0) throw new UsageError('--aws needs the regions to scan: --region eu-west-1 (repeatable, or comma-separated), --all-regions, or AWS_REGION');
  const tty = process.stderr.isTTY === true && !flags.quiet;
  if (flags.org) {
    if (flags.roleArn) throw new UsageError('--org assumes --org-role-name in each account; it does not take --role-arn');
    return scanOrganization({ regions, profile: flags.profile, endpoint: flags.endpointUrl, orgRoleName: flags.orgRoleName, allRevisions: options.allRevisions }, { ...options, keepResources });
  }
  const result = await scanAws({
    regions,
    allRevisions: options.allRevisions,
    profile: flags.awsProfile ?? flags.profile,
    roleArn: flags.roleArn,
    externalId: flags.externalId,
    endpoint: flags.endpointUrl,
    account: flags.account,
    onProgress: tty ? (p) => process.stderr.write(`\r\u001b[2Kecsguard: ${p.resources} resources, ${p.calls} calls, ${p.throttled} throttled retries`) : undefined,
  }, { ...options, keepResources });
  if (tty) process.stderr.write('\n');
  return result;
}

/** Exit 2's second case: there were inputs, and not one of them could be read. */
function nothingRead(result: ScanResult): boolean {
  return result.summary.inputsRead === 0 && result.errors.length > 0;
}

function exitCode(result: ScanResult, failOn: ReturnType<typeof parseFailOn>): number {
  if (nothingRead(result)) return EXIT_USAGE;
  if (failOn === 'NONE') return EXIT_OK;
  const gate = SEVERITY_ORDER.indexOf(failOn);
  const failing = result.findings.some((f) => f.status === 'FAILED' && !f.suppressed && SEVERITY_ORDER.indexOf(f.severity) >= gate);
  return failing ? EXIT_FAILED : EXIT_OK;
}

/** Options every command that reads inputs takes. */
function addSourceOptions(cmd: Command): Command {
  return cmd
    .option('-c, --config <file>', 'configuration file (default: .ecsguard.yml when present)')
    .option('--all-revisions', 'judge every ACTIVE revision of a family, not only the latest')
    .option('--max-file-size <size>', 'largest input file read, e.g. 16MiB (default 16MiB)')
    .option('--parameters <Key=Value,...>', 'CloudFormation parameter values, overriding Defaults (repeatable)', (v: string, prev: string[] = []) => [...prev, v])
    .option('--parameters-file <file>', 'CloudFormation parameter values from a file: create-stack JSON, deploy "Key=Value" list, or CodePipeline template configuration')
    .option('--region <region>', 'the region: what templates deploy to (AWS::Region), and with --aws the regions to scan (repeatable)', (v: string, prev: string[] = []) => [...prev, ...v.split(',').map((x) => x.trim()).filter(Boolean)])
    .option('--aws', 'scan a live AWS account (read-only List*/Describe* calls) instead of files')
    .option('--all-regions', 'with --aws: every region enabled for the account (Account ListRegions)')
    .option('--org', 'with --aws: scan every ACTIVE account of the AWS Organization through --org-role-name')
    .option('--org-role-name <name>', 'with --org: the role to assume in each account (default OrganizationAccountAccessRole)')
    .option('--role-arn <arn>', 'with --aws: assume this IAM role (STS AssumeRole)')
    .option('--external-id <id>', 'with --aws: the external ID the role requires')
    .option('--endpoint-url <url>', 'with --aws: an ECS-compatible endpoint')
    .option('--profile <name>', 'the AWS profile to use (as AWS_PROFILE) with --aws, --publish and fix --aws')
    .option('--aws-profile <name>', 'the same as --profile (kept for scripts written for earlier versions)')
    .option('--account <id>', 'the account templates deploy to (AWS::AccountId)')
    .option('--var <name=value>', 'a Terraform variable value (repeatable), as terraform plan -var', (v: string, prev: string[] = []) => [...prev, v])
    .option('--var-file <file>', 'a Terraform variable file (repeatable), as terraform plan -var-file', (v: string, prev: string[] = []) => [...prev, v])
    .option('--only-recognized', 'skip named files that are not in a format ecsguard reads, as when walking a folder (for pre-commit hooks)');
}

function buildProgram(setExit: (code: number) => void): Command {
  const program = new Command();
  program
    .name('ecsguard')
    .description('Checks Amazon ECS task definitions against the AWS Security Hub ECS controls and ecsguard\'s own hardening checks (ECSG), explains each verdict, and shows how to fix it.')
    .version(TOOL.version, '-V, --version')
    .showHelpAfterError('(run ecsguard --help for usage)')
    .exitOverride();

  const scan = program
    .command('scan')
    .description('scan files and directories (recursively); no PATH: the current directory; - reads standard input')
    .argument('[path...]', 'files or directories to scan')
    .addOption(new Option('-f, --format <format>', 'output format: text, json, sarif, asff, ocsf, junit, html or markdown (default: text, or the configuration file\'s format)'))
    .option('-o, --output <file>', 'write the report to FILE instead of standard output')
    .option('--publish <target>', "also send the findings to 'securityhub' (BatchImportFindings; AWS credentials from the usual chain)")
    .option('--archive-missing', 'with --publish: archive findings of an earlier scan of the same paths that this scan no longer produces')
    .option('--controls <ids>', 'run exactly these controls, comma-separated: IDs (ECS.20,ECSG.1; names retired ones too, ECS.1) or the sets security-hub, extra (ecsguard hardening checks) and all')
    .option('--skip-controls <ids>', 'do not run these controls, comma-separated (IDs or security-hub, extra)')
    .option('--fail-on <severity>', 'lowest severity of a FAILED finding that makes the exit code 1: low, medium, high, critical, none (default: low)')
    .option('-q, --quiet', 'print only failed and unknown findings, and the summary')
    .option('--no-color', 'no colour, even on a terminal (NO_COLOR does the same)')
    .option('--baseline <file>', 'accept the findings recorded in FILE (by --write-baseline): only new FAILED findings fail the run; fixed ones are listed')
    .option('--write-baseline <file>', 'record the FAILED findings (not otherwise suppressed) in FILE after the scan; exit 0 unless no input could be read');
  addSourceOptions(scan).action(async (paths: string[], flags: ScanFlags) => setExit(await runScan(paths, flags)));

  const inventory = program
    .command('inventory')
    .description('one row per container (user, image, OS, privileged, read-only root, log driver, failing controls) and per service')
    .argument('[path...]', 'files or directories to read')
    .addOption(new Option('-f, --format <format>', 'output format: text, json or csv').default('text'))
    .option('-o, --output <file>', 'write the report to FILE instead of standard output')
    .option('--where <expr>', 'keep containers matching key=value or key!=value (repeatable, ANDed): user=none, os=windows, privileged=true, failing=ECS.21, image=nginx', (v: string, prev: string[] = []) => [...prev, v])
    .option('--controls <ids>', 'the controls whose failures the FAILS column shows (default: security-hub; all, extra, or IDs)')
    .option('--skip-controls <ids>', 'controls to leave out');
  addSourceOptions(inventory).action(async (paths: string[], flags: InventoryFlags) => setExit(await runInventory(paths, flags)));

  const fix = program
    .command('fix')
    .description('write the hardened version of what fails: a unified diff of the files (default), --write to change them, or with --aws a new task definition revision rolled out to its services')
    .argument('[path...]', 'files or directories to fix (no PATH: the current directory)')
    .option('--diff', 'print a unified diff of the changes, ready for git apply (the default)')
    .option('--write', 'change the files in place')
    .addOption(new Option('-f, --format <format>', 'text or json').choices(['text', 'json']).default('text'))
    .option('-o, --output <file>', 'write the diff or report to FILE instead of standard output')
    .option('--controls <ids>', 'the controls to fix (default: security-hub; IDs or sets as in scan)')
    .option('--skip-controls <ids>', 'controls not to fix')
    .option('--linux-user <user>', "user given to Linux containers for ECS.20 (default 1000:1000, or the configuration's fix.linuxUser)")
    .option('--windows-user <user>', "user given to Windows containers for ECS.21 (default ContainerUser, or fix.windowsUser)")
    .option('--log-group-prefix <prefix>', 'CloudWatch Logs group prefix for ECS.9, followed by the family (default /ecs/)')
    .option('--family <name>', 'with --aws: only these task definition families (repeatable)', (v: string, prev: string[] = []) => [...prev, v])
    .option('--apply', 'with --aws: register the hardened revisions and update the services (default: dry run)')
    .option('-y, --yes', 'with --apply: do not ask for confirmation')
    .option('--deregister-previous', 'with --apply: deregister each replaced revision once its services use the new one')
    .option('-q, --quiet', 'print only the diff (or the files written), not the summary')
    .option('--no-color', 'no colour, even on a terminal (NO_COLOR does the same)');
  addSourceOptions(fix).action(async (paths: string[], flags: ScanFlags & FixFlags & Record<string, unknown>) => setExit(await runFix(paths, flags)));

  program
    .command('explain')
    .description('what a control checks, why it matters, how to fix it, false positives, mappings')
    .argument('<control>', 'control ID, e.g. ECS.21 or ECSG.1')
    .action((id: string) => {
      const control = controlById(id);
      if (!control) throw new UsageError(`unknown control '${id}'; known controls: ${CONTROLS.map((c) => c.id).join(', ')}`);
      process.stdout.write(renderExplain(control, Math.min(process.stdout.columns || 80, 100)));
      setExit(EXIT_OK);
    });

  program
    .command('controls')
    .description('list the controls, Security Hub\'s and ecsguard\'s hardening checks: id, severity, resource type, title')
    .addOption(new Option('-f, --format <format>', 'text or json').choices(['text', 'json']).default('text'))
    .action((flags: { format: string }) => {
      if (flags.format === 'json') {
        const list = CONTROLS.map((c) => ({ id: c.id, set: c.set, title: c.title, severity: c.severity, resourceTypes: c.resourceTypes, configRule: c.configRule, enabledByDefault: c.enabledByDefault, retired: c.retired ?? null, parameters: Object.fromEntries(Object.entries(c.parameters).map(([k, s]) => [k, { type: s.type, default: s.default ?? null, description: s.description }])), peers: c.peers ?? [] }));
        process.stdout.write(JSON.stringify(list, null, 2) + '\n');
      } else process.stdout.write(renderControlList(process.stdout.columns || 80));
      setExit(EXIT_OK);
    });
  return program;
}

async function main(argv: string[]): Promise<number> {
  let code = EXIT_OK;
  const program = buildProgram((c) => (code = c));
  try {
    await program.parseAsync(argv, { from: 'user' });
    return code;
  } catch (e) {
    if (e instanceof CommanderError) {
      if (e.code === 'commander.helpDisplayed' || e.code === 'commander.version' || e.code === 'commander.help') return EXIT_OK;
      return EXIT_USAGE;
    }
    if (e instanceof UsageError || e instanceof ConfigError || e instanceof AwsCredentialsError) {
      process.stderr.write(`ecsguard: ${forTerminal(e.message)}\n`);
      return EXIT_USAGE;
    }
    const err = e as NodeJS.ErrnoException;
    process.stderr.write(`ecsguard: ${err?.message ?? String(e)}\n`);
    if (process.env.ECSGUARD_DEBUG) process.stderr.write(`${err?.stack}\n`);
    return EXIT_USAGE;
  }
}

process.exitCode = await main(process.argv.slice(2));
