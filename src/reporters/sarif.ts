/**
 * The SARIF 2.1.0 report (`--format sarif`), for GitHub code scanning and other SARIF viewers.
 *
 * Format: OASIS SARIF 2.1.0 (https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/sarif-v2.1.0-errata01-os-complete.html),
 * typed with `@types/sarif`, plus GitHub code scanning's ingestion rules
 * (https://docs.github.com/en/code-security/code-scanning/integrating-with-code-scanning/sarif-support-for-code-scanning):
 * every rule has `fullDescription` and `help`, every result has a `physicalLocation` with a file URI
 * relative to the repository root, and `properties["security-severity"]` on a rule sets the alert's
 * security severity. The tests check the output with Microsoft's SARIF Multitool
 * (`validate --rule-kind "Ghas;Sarif"`).
 *
 * Shape: one run; `tool.driver.rules` holds one rule per control (every control of the registry,
 * in ID order, plus any control a finding names that the registry lacks); `results` holds one
 * result per FAILED, WARNING or NOT_AVAILABLE finding (PASSED findings are not results; they are
 * counted in `run.properties.summary`); input errors and skipped revisions are
 * `invocations[0].toolExecutionNotifications`.
 */
import { createHash } from 'node:crypto';
import { isAbsolute, relative } from 'node:path';
import type {
  Invocation,
  Location as SarifLocation,
  Log,
  Notification,
  PhysicalLocation,
  ReportingDescriptor,
  Result,
  Run,
  Suppression as SarifSuppression,
} from 'sarif';
import { CONTROL_SET_TITLES, CONTROLS, controlById } from '../controls/index.js';
import { setOf } from './sets.js';
import type { Control } from '../controls/types.js';
import type { ScanResult } from '../engine/scan.js';
import type { Finding, InputError, Location, Severity, Skipped } from '../model/index.js';
import { TOOL } from '../version.js';
import { parseArn, relatedRequirements, resourceArn, securityHubControlUrl } from './asff.js';
import type { ReportContext } from './context.js';

/** The SARIF schema the report declares. */
export const SARIF_SCHEMA = 'https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json';

/**
 * The `security-severity` GitHub code scanning reads from a rule (a number from 0.0 to 10.0 as a
 * string): GitHub shows over 9.0 as critical, 7.0–8.9 high, 4.0–6.9 medium and 0.1–3.9 low, so each
 * Security Hub label maps to a value inside its band, away from the edges.
 */
export const SECURITY_SEVERITY: Readonly<Record<Severity, string>> = {
  CRITICAL: '9.5',
  HIGH: '8.0',
  MEDIUM: '5.5',
  LOW: '3.0',
};

/** The `partialFingerprints` key ecsguard writes (versioned, so a change of recipe never collides with an old value). */
export const FINGERPRINT_KEY = 'ecsguardFindingHash/v1';

/** SARIF level of a FAILED finding of each severity. */
const LEVEL: Readonly<Record<Severity, Result.level>> = { CRITICAL: 'error', HIGH: 'error', MEDIUM: 'warning', LOW: 'note' };

/**
 * A stable fingerprint of a finding: SHA-256 over the control ID, the resource type and ID, and
 * where the resource lives (its file, or its ARN for live resources). Line and column are left out,
 * so an edit above the resource keeps the fingerprint; the ECS field path is left out too, so an
 * alert stays the same alert while the resource still fails the control even when another
 * container becomes the deciding one (a finding is one per resource and control, so the path is not
 * needed to tell findings apart).
 */
export function findingFingerprint(finding: Finding): string {
  const where = finding.resource.root ?? finding.location?.file ?? finding.resource.arn ?? '';
  const key = JSON.stringify([finding.control.toUpperCase(), finding.resource.type, finding.resource.id, where.replace(/\\/g, '/')]);
  return createHash('sha256').update(key, 'utf8').digest('hex');
}

/** `ecs-task-definition-windows-user-non-admin` → `EcsTaskDefinitionWindowsUserNonAdmin` (the rule's `name`). */
function pascalCase(s: string): string {
  return s.split(/[^A-Za-z0-9]+/).filter(Boolean).map((w) => w[0].toUpperCase() + w.slice(1)).join('');
}

/** A Markdown code fence longer than any backtick run in `body`. */
function fenced(body: string, lang: string): string {
  const longest = Math.max(0, ...(body.match(/`+/g) ?? []).map((m) => m.length));
  const fence = '`'.repeat(Math.max(3, longest + 1));
  return `${fence}${lang}\n${body}\n${fence}`;
}

/** Short resource type names for rule tags: `AWS::ECS::TaskDefinition` → `TaskDefinition`. */
function shortType(type: string): string {
  return type.replace(/^AWS::ECS::/, '');
}

/** The SARIF tags of a control set: Security Hub's controls, or ecsguard's own hardening checks. */
function setTags(set: Control['set']): string[] {
  return set === 'security-hub' ? ['aws-security-hub'] : ['ecsguard-hardening'];
}

/** Peer checks as text lines (`Checkov CKV_AWS_249: ...`). */
function peerLines(control: Control): string[] {
  return (control.peers ?? []).map((p) => `${p.tool} ${p.id}: ${p.title}`);
}

/** A SARIF rule for a control of the registry, with its documentation as `help`. */
function ruleOf(control: Control): ReportingDescriptor {
  const d = control.docs;
  const hub = control.set === 'security-hub';
  const helpUri = hub ? securityHubControlUrl(control.id) : undefined;
  const requirements = relatedRequirements(control);
  const peers = peerLines(control);
  const origin = control.configRule ? `AWS Config rule: ${control.configRule}.` : `${CONTROL_SET_TITLES[control.set]} (not a Security Hub control).`;
  const text = [
    `${control.id}: ${control.title}`,
    `Severity: ${control.severity}. ${origin} Resource types: ${control.resourceTypes.join(', ')}.`,
    '',
    `What it checks: ${d.checks}`,
    '',
    `Why it matters: ${d.why}`,
    '',
    `How to fix: ${d.fix}`,
    '',
    'ECS API:',
    d.snippet,
    '',
    'CloudFormation:',
    d.cloudformation,
    '',
    'Terraform:',
    d.terraform,
    '',
    `False positives: ${d.falsePositives}`,
    ...(requirements.length ? ['', `Related requirements: ${requirements.join(', ')}`] : []),
    ...(peers.length ? ['', `Peer checks: ${peers.join('; ')}`] : []),
    ...(control.retired ? ['', `Retired: ${control.retired}`] : []),
    ...(helpUri ? ['', `Security Hub documentation: ${helpUri}`] : ['', `Full documentation: ecsguard explain ${control.id}`]),
  ].join('\n');
  const markdownOrigin = control.configRule ? `AWS Config rule \`${control.configRule}\`` : `${CONTROL_SET_TITLES[control.set]} (not a Security Hub control)`;
  const markdown = [
    `**${control.id}: ${control.title}**`,
    '',
    `Severity **${control.severity}** · ${markdownOrigin} · ${control.resourceTypes.map((t) => `\`${t}\``).join(', ')}`,
    ...(control.retired ? ['', `> Retired: ${control.retired}`] : []),
    '',
    '### What it checks',
    '',
    d.checks,
    '',
    '### Why it matters',
    '',
    d.why,
    '',
    '### How to fix',
    '',
    d.fix,
    '',
    'ECS API (register-task-definition input, service or cluster fragment):',
    '',
    fenced(d.snippet, 'json'),
    '',
    'CloudFormation:',
    '',
    fenced(d.cloudformation, 'yaml'),
    '',
    'Terraform:',
    '',
    fenced(d.terraform, 'hcl'),
    '',
    '### False positives',
    '',
    d.falsePositives,
    ...(requirements.length ? ['', '### Related requirements', '', ...requirements.map((r) => `- ${r}`)] : []),
    ...(peers.length ? ['', '### Peer checks', '', ...peers.map((p) => `- ${p}`)] : []),
    '',
    helpUri ? `[${control.id} in the AWS Security Hub user guide](${helpUri})` : `Full documentation: \`ecsguard explain ${control.id}\``,
  ].join('\n');
  const rule: ReportingDescriptor = {
    id: control.id,
    name: pascalCase(control.configRule ?? `ecsguard ${control.title}`),
    shortDescription: { text: control.title },
    fullDescription: { text: d.checks },
    help: { text, markdown },
    defaultConfiguration: { level: LEVEL[control.severity], enabled: control.enabledByDefault },
    properties: {
      tags: ['security', 'aws', 'ecs', ...setTags(control.set), ...control.resourceTypes.map(shortType)],
      'security-severity': SECURITY_SEVERITY[control.severity],
      precision: 'high',
      'problem.severity': LEVEL[control.severity] === 'note' ? 'recommendation' : LEVEL[control.severity],
      controlSet: control.set,
      ...(hub ? { securityHubSeverity: control.severity, configRule: control.configRule } : { severity: control.severity }),
      relatedRequirements: requirements,
      ...(control.peers?.length ? { peers: control.peers.map((p) => ({ tool: p.tool, id: p.id })) } : {}),
    },
  };
  if (helpUri) rule.helpUri = helpUri;
  return rule;
}

/** A rule for a control a finding names but the registry does not know (kept valid for GitHub). */
function ruleOfFinding(f: Finding): ReportingDescriptor {
  const set = setOf(f);
  if (set === 'extra') {
    return {
      id: f.control,
      name: pascalCase(`ecsguard ${f.control}`),
      shortDescription: { text: f.title },
      fullDescription: { text: f.title },
      help: { text: `${f.control}: ${f.title}\n\nFull documentation: ecsguard explain ${f.control}`, markdown: `**${f.control}: ${f.title}**\n\nFull documentation: \`ecsguard explain ${f.control}\`` },
      defaultConfiguration: { level: LEVEL[f.severity] },
      properties: {
        tags: ['security', 'aws', 'ecs', ...setTags(set), shortType(f.resource.type)],
        'security-severity': SECURITY_SEVERITY[f.severity],
        precision: 'high',
        controlSet: set,
        severity: f.severity,
      },
    };
  }
  const helpUri = securityHubControlUrl(f.control);
  return {
    id: f.control,
    name: pascalCase(f.control),
    shortDescription: { text: f.title },
    fullDescription: { text: f.title },
    help: { text: `${f.control}: ${f.title}\n\nSecurity Hub documentation: ${helpUri}`, markdown: `**${f.control}: ${f.title}**\n\n[Security Hub documentation](${helpUri})` },
    helpUri,
    defaultConfiguration: { level: LEVEL[f.severity] },
    properties: {
      tags: ['security', 'aws', 'ecs', ...setTags(set), shortType(f.resource.type)],
      'security-severity': SECURITY_SEVERITY[f.severity],
      precision: 'high',
      controlSet: set,
      securityHubSeverity: f.severity,
    },
  };
}

/** Percent-encodes each segment of a relative path, keeping `/` as the separator. */
function encodePath(path: string): string {
  return path.split('/').map((seg) => encodeURIComponent(seg)).join('/');
}

/**
 * The URI of a file as a location of the report: relative to `cwd` (the repository root), with
 * forward slashes, each segment percent-encoded. Absolute paths inside `cwd` are made relative;
 * paths that climb out of it keep their `..` segments (still a relative reference).
 */
export function fileUri(file: string, cwd: string): string {
  let rel = file;
  if (isAbsolute(file)) rel = relative(cwd, file);
  rel = rel.replace(/\\/g, '/').replace(/^(\.\/)+/, '');
  if (rel === '') rel = '.';
  return encodePath(rel);
}

/**
 * The stand-in file URI of a resource that has no file (live AWS, its ID an ARN).
 *
 * GitHub code scanning rejects the whole upload when a result has no `physicalLocation`, has only a
 * `logicalLocation`, or has an empty URI; a relative URI that names no file of the repository is
 * accepted (the alert is listed, without a code preview). So such a finding gets the repository-
 * relative path `aws/{account}/{region}/{service}/{resource}` built from its ARN
 * (`arn:aws:ecs:eu-west-1:111122223333:task-definition/web:3` →
 * `aws/111122223333/eu-west-1/ecs/task-definition/web%3A3`), at line 1, column 1: stable across
 * scans (so alerts and fingerprints persist), one per resource, readable in the alert list, and
 * never a path a repository is likely to hold. The ARN itself is in the result's
 * `logicalLocations` and `properties`. An ID that is not an ARN falls under `aws/unknown/`.
 */
export function resourceUri(arnOrId: string): string {
  const arn = parseArn(arnOrId);
  if (!arn) return `aws/unknown/${encodeURIComponent(arnOrId)}`;
  return ['aws', arn.account || 'global', arn.region || 'global', arn.service, ...arn.resource.split('/')].map((s) => encodeURIComponent(s)).join('/');
}

/** A physical location at a file position (line and column are clamped to 1 or more). */
function physical(loc: Location, cwd: string): PhysicalLocation {
  return {
    artifactLocation: { uri: fileUri(loc.file, cwd) },
    region: { startLine: Math.max(1, Math.trunc(loc.line) || 1), startColumn: Math.max(1, Math.trunc(loc.column) || 1) },
  };
}

/** The location of a finding: its file position, or the stand-in of {@link resourceUri}; with the resource as logical location. */
function locationOf(f: Finding, cwd: string): SarifLocation {
  const arn = resourceArn(f);
  const physicalLocation: PhysicalLocation = f.location
    ? physical(f.location, cwd)
    : { artifactLocation: { uri: resourceUri(arn ?? f.resource.id) }, region: { startLine: 1, startColumn: 1 } };
  return {
    physicalLocation,
    logicalLocations: [{ name: f.resource.name, fullyQualifiedName: arn ?? f.resource.id, kind: 'resource' }],
  };
}

/** The message of a finding: its reason, the other failing fields and the notes, as plain text. */
function messageOf(f: Finding): string {
  const lines = [f.reason];
  if (f.violations.length) lines.push(...f.violations.map((v) => `also: ${v.reason}${v.path ? ` (${v.path})` : ''}`));
  if (f.notes.length) lines.push(...f.notes.map((n) => `note: ${n}`));
  return lines.join('\n');
}

/** The SARIF suppression of a suppressed finding (inline comments are `inSource`, config and baseline `external`). */
function suppressionOf(f: Finding): SarifSuppression[] | undefined {
  if (!f.suppressed) return undefined;
  const s = f.suppressed;
  return [{
    kind: s.by === 'inline' ? 'inSource' : 'external',
    status: 'accepted',
    justification: s.reason + (s.expires ? ` (until ${s.expires})` : ''),
    properties: { by: s.by, ...(s.expires ? { expires: s.expires } : {}) },
  }];
}

/** The result of one FAILED, WARNING or NOT_AVAILABLE finding. */
function resultOf(f: Finding, ruleIndex: number, cwd: string): Result {
  const related = f.violations.flatMap((v, i) => (v.location ? [{ id: i + 1, physicalLocation: physical(v.location, cwd), message: { text: v.reason } }] : []));
  const result: Result = {
    ruleId: f.control,
    ruleIndex,
    level: f.status === 'FAILED' ? LEVEL[f.severity] : 'note',
    message: { text: messageOf(f) },
    locations: [locationOf(f, cwd)],
    partialFingerprints: { [FINGERPRINT_KEY]: findingFingerprint(f) },
    properties: {
      status: f.status,
      severity: f.severity,
      controlSet: setOf(f),
      messageId: f.messageId,
      path: f.path,
      resource: { ...f.resource },
      ...(f.violations.length ? { violations: f.violations.map((v) => ({ path: v.path, messageId: v.messageId })) } : {}),
    },
  };
  if (related.length) result.relatedLocations = related;
  const suppressions = suppressionOf(f);
  if (suppressions) result.suppressions = suppressions;
  return result;
}

/** An input error as an error-level notification, located when it names a file. */
function errorNotification(e: InputError, cwd: string): Notification {
  const n: Notification = { level: 'error', message: { text: e.file ? `${e.file}: ${e.message}` : e.message }, descriptor: { id: 'input-error' } };
  // `--parameters` and similar names are options, not files; `<stdin>` has no file either.
  if (e.file && !e.file.startsWith('-') && e.file !== '<stdin>') {
    const region = e.line ? { startLine: Math.max(1, e.line), ...(e.column ? { startColumn: Math.max(1, e.column) } : {}) } : undefined;
    n.locations = [{ physicalLocation: { artifactLocation: { uri: fileUri(e.file, cwd) }, ...(region ? { region } : {}) } }];
  }
  return n;
}

/** A resource read but not judged, as a note-level notification. */
function skippedNotification(s: Skipped, cwd: string): Notification {
  const n: Notification = { level: 'note', message: { text: `${s.resource.type} ${s.resource.id} not judged: ${s.reason}` }, descriptor: { id: 'skipped-resource' } };
  if (s.location) n.locations = [{ physicalLocation: physical(s.location, cwd) }];
  return n;
}

/**
 * Builds the SARIF log of a scan (see the module comment for its shape).
 *
 * `invocations[0].executionSuccessful` is false only when there were input errors and no input
 * could be read at all (`summary.inputsRead` is 0: the CLI's exit code 2 case). A scan that read
 * some inputs and reported errors for others ran successfully; its errors are error-level
 * `toolExecutionNotifications` with their file position, which GitHub lists on the tool status page.
 */
export function toSarif(result: ScanResult, context: ReportContext): Log {
  const rules: ReportingDescriptor[] = CONTROLS.map(ruleOf);
  const index = new Map<string, number>(rules.map((r, i) => [r.id.toUpperCase(), i]));
  const results: Result[] = [];
  for (const f of result.findings) {
    if (f.status === 'PASSED') continue;
    let i = index.get(f.control.toUpperCase());
    if (i === undefined) {
      const known = controlById(f.control);
      rules.push(known ? ruleOf(known) : ruleOfFinding(f));
      i = rules.length - 1;
      index.set(f.control.toUpperCase(), i);
    }
    const r = resultOf(f, i, context.cwd);
    // With --baseline, SARIF's own field says which results are new and which were known.
    if (result.baseline) r.baselineState = f.suppressed?.by === 'baseline' ? 'unchanged' : 'new';
    results.push(r);
  }
  const notifications = [
    ...result.errors.map((e) => errorNotification(e, context.cwd)),
    ...result.skipped.map((s) => skippedNotification(s, context.cwd)),
  ];
  const inputsRead: unknown = result.summary.inputsRead;
  const nothingRead = typeof inputsRead === 'number' ? inputsRead === 0 : result.summary.resources === 0 && result.skipped.length === 0;
  const invocation: Invocation = {
    executionSuccessful: !(result.errors.length > 0 && nothingRead),
    endTimeUtc: context.now.toISOString(),
    toolExecutionNotifications: notifications,
  };
  const run: Run = {
    tool: {
      driver: {
        name: TOOL.name,
        version: TOOL.version,
        semanticVersion: TOOL.version,
        rules,
      },
    },
    invocations: [invocation],
    columnKind: 'utf16CodeUnits',
    results,
    properties: { summary: { ...result.summary } },
  };
  return { $schema: SARIF_SCHEMA, version: '2.1.0', runs: [run] };
}

/** The SARIF 2.1.0 report of a scan as a JSON string, ending with a newline. */
export function renderSarif(result: ScanResult, context: ReportContext): string {
  return JSON.stringify(toSarif(result, context), null, 2) + '\n';
}
