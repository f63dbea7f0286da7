/**
 * Baselines: record today's FAILED findings in a file (`scan --write-baseline FILE`), then let
 * later scans (`scan --baseline FILE`) fail only on findings that are not in it. A recorded
 * finding is marked `suppressed: { by: 'baseline', reason: 'in baseline FILE (recorded DATE)' }`;
 * baseline entries that no current FAILED finding matches are reported as fixed.
 *
 * Findings are matched by a fingerprint ({@link fingerprint}) that does not move when the file
 * around the resource is edited. It is the SHA-256 of:
 *
 * - a format tag (`ecsguard-fingerprint-1`): a future change of the recipe gives new fingerprints
 *   rather than false matches;
 * - the control ID: a baseline accepts one control's verdict, not the resource as a whole;
 * - the resource type: a service and a task definition may share a logical ID or name;
 * - the resource key, which identifies the resource without saying where in its file it is:
 *   - an ARN id (a live or AWS Config resource): the ARN alone, which already names the
 *     partition, region and account, so daily Config exports in new files keep their keys;
 *   - a Terraform configuration resource: its root module folder (`resource.root`, relative to the
 *     baseline's folder) and address; not the `.tf` file, so moving a block to another file of the
 *     module keeps it, while two roots calling one module stay apart;
 *   - any other file resource: the file (relative to the baseline's folder, with `/`) and the id
 *     (logical ID, family, plan address), as two files may hold the same logical ID; a describe
 *     output's own ARN field is not used, so `ecsguard fix`, which turns it into register input
 *     without the ARN, keeps the keys of the findings it does not fix;
 *   - a resource with neither (a library caller's): its own ARN field, else its id;
 *   - a task definition's revision is left out (`task-definition/payments:41` and `payments:41`
 *     key as `payments`): a new revision of the family failing the same way is the same finding;
 *   - paths are worked out from the names as given, and from the real paths when those leave the
 *     baseline's folder, so the current directory and symbolic links on the way do not matter
 *     (see pathFrom in src/engine/suppressions.ts);
 * - the `messageId`: the kind of failure (running as root and running as ContainerAdministrator
 *   are different findings, and fixing one to get the other is news).
 *
 * Left out on purpose: line and column (any edit above the resource would move them), the
 * `path` (container indexes change when a container is added or reordered), the rendered
 * `reason` (it quotes values and names) and the resource name (an ARN or address already
 * identifies it; a revision bump changes the name). The price: a baseline entry covers the
 * (resource, control) pair, so a second container failing the same control in the same resource
 * with the same kind of failure is not news; one failing a control the resource passed is.
 *
 * Baselines recorded before revisions and ARN fields were left out of the key still match: a
 * finding is also looked up by the fingerprint of the first recipe ({@link legacyFingerprint}).
 */
import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, isAbsolute, relative, resolve } from 'node:path';
import type { Finding, ResourceType } from '../model/index.js';
import { decodeText } from '../sources/text.js';
import { ConfigError } from './configuration.js';
import type { ScanResult } from './scan.js';
import { pathFrom, todayUtc } from './suppressions.js';

/** One recorded finding of a baseline file. */
export interface BaselineEntry {
  /** {@link fingerprint}: 64 lower-case hex digits. */
  fingerprint: string;
  control: string;
  resource: { type: ResourceType; id: string; name: string };
  /** The file the finding pointed at, relative to the baseline's folder with `/`; null for live AWS. For people: not part of the match. */
  file: string | null;
  messageId: string;
}

/** The baseline file: `{ version: 1, tool: 'ecsguard', created, findings }`, findings sorted by fingerprint. */
export interface BaselineFile {
  version: 1;
  tool: 'ecsguard';
  /** The day it was recorded, `YYYY-MM-DD` (UTC). */
  created: string;
  findings: BaselineEntry[];
}

/** Options of {@link writeBaseline} and {@link applyBaseline}. */
export interface BaselineOptions {
  /** The folder relative file names in findings are relative to (default: the current directory). */
  cwd?: string;
  /** The `created` date written, `YYYY-MM-DD` (default: today, UTC). */
  created?: string;
}

const FORMAT_TAG = 'ecsguard-fingerprint-1';

/** `file` relative to `baseDir` as the first recipe had it: from the names as written only. */
function lexicalRelativeTo(file: string, baseDir: string, cwd: string): string {
  if (file.startsWith('<')) return file;
  const abs = isAbsolute(file) ? file : resolve(cwd, file);
  return (relative(baseDir, abs) || '.').replace(/\\/g, '/');
}

/** The segment of an ECS ARN that names each resource type (`arn:aws:ecs:REGION:ACCOUNT:task-definition/...`). */
const ARN_KIND: Partial<Record<ResourceType, string>> = {
  'AWS::ECS::TaskDefinition': 'task-definition',
  'AWS::ECS::Service': 'service',
  'AWS::ECS::Cluster': 'cluster',
  'AWS::ECS::TaskSet': 'task-set',
  'AWS::ECS::CapacityProvider': 'capacity-provider',
};

/** The resource's own ARN: its id, else `resource.arn` when that names a resource of its type (a service's `clusterArn` does not). */
function ownArn(f: Finding): string | undefined {
  if (f.resource.id.startsWith('arn:')) return f.resource.id;
  const arn = f.resource.arn;
  const kind = ARN_KIND[f.resource.type];
  if (!arn || !kind) return undefined;
  return arn.split(':')[5]?.startsWith(`${kind}/`) ? arn : undefined;
}

/** A task definition's id or ARN without its revision: `payments:41` → `payments`, `...:task-definition/payments:41` → `...:task-definition/payments`. */
function withoutRevision(f: Finding, id: string): string {
  if (f.resource.type !== 'AWS::ECS::TaskDefinition') return id;
  const arn = /^(arn:[^:]+:ecs:[^:]*:[^:]*:task-definition\/[^:/]+):\d+$/.exec(id);
  if (arn) return arn[1];
  const family = /^([A-Za-z0-9_-]{1,255}):\d+$/.exec(id);
  return family ? family[1] : id;
}

/**
 * The location-independent key of a finding's resource (see the module comment): `arn <ARN>`,
 * `root <folder> <address>` for Terraform configurations, else `file <file> <id>` (or `id <id>`
 * when the finding has no location); task definitions without their revision. Paths are relative
 * to `baseDir` (see pathFrom in src/engine/suppressions.ts).
 */
export function resourceKey(f: Finding, baseDir: string = process.cwd(), cwd: string = process.cwd()): string {
  return keyWith(f, (file) => pathFrom(baseDir, file, cwd));
}

function keyWith(f: Finding, rel: (file: string) => string): string {
  const id = f.resource.id;
  if (id.startsWith('arn:')) return `arn ${withoutRevision(f, id)}`;
  if (f.resource.root !== undefined) return `root ${rel(f.resource.root)} ${id}`;
  // A file's resource keys by its file even when it holds an ARN field: `ecsguard fix` turns a
  // describe output into register input without one, and its untouched findings must stay known.
  if (f.location) return `file ${rel(f.location.file)} ${withoutRevision(f, id)}`;
  const arn = ownArn(f);
  if (arn) return `arn ${withoutRevision(f, arn)}`;
  return `id ${withoutRevision(f, id)}`;
}

/** SHA-256 (hex) of the format tag, control, resource type, resource key and messageId. */
function digest(f: Finding, key: string): string {
  const parts = [FORMAT_TAG, f.control.toUpperCase(), f.resource.type, key, f.messageId];
  return createHash('sha256').update(JSON.stringify(parts)).digest('hex');
}

/**
 * The stable fingerprint of a finding: SHA-256 (hex) over the format tag, control ID, resource
 * type, {@link resourceKey} and `messageId` (see the module comment for why each is in and what
 * is left out). `baseDir` is the folder file paths are made relative to: the baseline file's.
 */
export function fingerprint(f: Finding, baseDir: string = process.cwd(), cwd: string = process.cwd()): string {
  return digest(f, resourceKey(f, baseDir, cwd));
}

/**
 * The fingerprint of the first recipe, which kept the revision (`payments:41`), used a describe
 * output's file rather than its ARN, and paths as written: what baselines recorded by earlier
 * versions hold. Only looked up, never written.
 */
export function legacyFingerprint(f: Finding, baseDir: string = process.cwd(), cwd: string = process.cwd()): string {
  const id = f.resource.id;
  let key: string;
  if (id.startsWith('arn:')) key = `arn ${id}`;
  else if (f.resource.root !== undefined) key = `root ${lexicalRelativeTo(f.resource.root, baseDir, cwd)} ${id}`;
  else if (f.location) key = `file ${lexicalRelativeTo(f.location.file, baseDir, cwd)} ${id}`;
  else key = `id ${id}`;
  return digest(f, key);
}

/** A {@link fingerprint} function for one baseline folder, remembering the paths it worked out (real paths cost a system call). */
function fingerprinter(baseDir: string, cwd: string): { print: (f: Finding) => string; rel: (file: string) => string } {
  const cache = new Map<string, string>();
  const rel = (file: string): string => {
    let r = cache.get(file);
    if (r === undefined) cache.set(file, (r = pathFrom(baseDir, file, cwd)));
    return r;
  };
  return { print: (f) => digest(f, keyWith(f, rel)), rel };
}

/**
 * The baseline of a scan result: its FAILED findings, except those a configuration or inline
 * suppression covers (a finding the baseline being replaced covers is recorded again), one entry
 * per fingerprint, sorted by fingerprint.
 */
export function baselineOf(result: Pick<ScanResult, 'findings'>, baseDir: string, options: BaselineOptions = {}): BaselineFile {
  const cwd = options.cwd ?? process.cwd();
  const { print: printOf, rel } = fingerprinter(baseDir, cwd);
  const byPrint = new Map<string, BaselineEntry>();
  for (const f of result.findings) {
    if (f.status !== 'FAILED') continue;
    if (f.suppressed && f.suppressed.by !== 'baseline') continue;
    const print = printOf(f);
    if (byPrint.has(print)) continue;
    byPrint.set(print, {
      fingerprint: print,
      control: f.control,
      resource: { type: f.resource.type, id: f.resource.id, name: f.resource.name },
      file: f.location ? rel(f.location.file) : null,
      messageId: f.messageId,
    });
  }
  const findings = [...byPrint.values()].sort((a, b) => (a.fingerprint < b.fingerprint ? -1 : a.fingerprint > b.fingerprint ? 1 : 0));
  return { version: 1, tool: 'ecsguard', created: options.created ?? todayUtc(), findings };
}

/**
 * Writes the baseline of `result` (see {@link baselineOf}) to `file` (folders created), as JSON
 * with 2-space indentation and a final newline, so it diffs well in version control. Returns the
 * number of findings recorded. Throws ConfigError naming the file when it cannot be written.
 */
export function writeBaseline(result: Pick<ScanResult, 'findings'>, file: string, options: BaselineOptions = {}): number {
  const cwd = options.cwd ?? process.cwd();
  const path = resolve(cwd, file);
  const baseline = baselineOf(result, dirname(path), options);
  try {
    mkdirSync(dirname(path), { recursive: true });
    writeFileSync(path, JSON.stringify(baseline, null, 2) + '\n');
  } catch (e) {
    throw new ConfigError(`${file}: cannot write the baseline: ${(e as Error).message}`);
  }
  return baseline.findings.length;
}

/**
 * Reads and checks a baseline file. Throws ConfigError naming the file when it is missing,
 * unreadable, not JSON, or not an ecsguard baseline of version 1.
 */
export function readBaseline(file: string, options: Pick<BaselineOptions, 'cwd'> = {}): BaselineFile {
  const path = resolve(options.cwd ?? process.cwd(), file);
  let bytes: Buffer;
  try {
    bytes = readFileSync(path);
  } catch (e) {
    const err = e as NodeJS.ErrnoException;
    throw new ConfigError(`${file}: cannot read the baseline: ${err.code === 'ENOENT' ? 'no such file (record one with scan --write-baseline FILE)' : err.code === 'EISDIR' ? 'a folder, not a baseline file' : err.message}`);
  }
  const bad = (why: string): never => {
    throw new ConfigError(`${file}: not an ecsguard baseline: ${why}`);
  };
  // A byte order mark (an editor on Windows) is dropped; UTF-16 (PowerShell's redirection) and other encodings are named.
  const decoded = decodeText(bytes);
  if (!decoded.ok) return bad(`${decoded.message}${decoded.message.startsWith('file is empty') || decoded.message.startsWith('file holds only') ? ' (record one with scan --write-baseline FILE)' : ''}`);
  let value: unknown;
  try {
    value = JSON.parse(decoded.text);
  } catch (e) {
    return bad(`invalid JSON (${(e as Error).message})`);
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return bad('expected a JSON object with version, tool and findings');
  const v = value as Record<string, unknown>;
  if (v.tool !== 'ecsguard') bad("'tool' must be \"ecsguard\"");
  if (typeof v.version === 'number' && v.version > 1) bad(`version ${v.version} is newer than this ecsguard reads (1): upgrade ecsguard`);
  if (v.version !== 1) bad("'version' must be 1");
  if (v.created !== undefined && typeof v.created !== 'string') bad("'created' must be a date string");
  if (!Array.isArray(v.findings)) bad("'findings' must be a list");
  const all = (v.findings as unknown[]).map((e, i): BaselineEntry => {
    if (typeof e !== 'object' || e === null || Array.isArray(e)) return bad(`findings[${i}] must be an object`);
    const entry = e as Record<string, unknown>;
    if (typeof entry.fingerprint !== 'string' || !/^[0-9a-f]{64}$/.test(entry.fingerprint)) bad(`findings[${i}].fingerprint must be 64 lower-case hex digits`);
    if (typeof entry.control !== 'string') bad(`findings[${i}].control must be a control ID`);
    const r = (entry.resource ?? {}) as Record<string, unknown>;
    return {
      fingerprint: entry.fingerprint as string,
      control: entry.control as string,
      resource: { type: String(r.type ?? '') as ResourceType, id: String(r.id ?? ''), name: String(r.name ?? r.id ?? '') },
      file: typeof entry.file === 'string' ? entry.file : null,
      messageId: typeof entry.messageId === 'string' ? entry.messageId : '',
    };
  });
  // One entry per fingerprint (a hand-merged file may repeat one): the first is kept.
  const seen = new Set<string>();
  const findings = all.filter((e) => !seen.has(e.fingerprint) && seen.add(e.fingerprint));
  return { version: 1, tool: 'ecsguard', created: typeof v.created === 'string' ? v.created : '', findings };
}

/**
 * Applies the baseline in `file` to `result`, in place: each FAILED, WARNING or NOT_AVAILABLE
 * finding not already suppressed whose fingerprint (or {@link legacyFingerprint}) is recorded gets
 * `suppressed = { by: 'baseline', reason: 'in baseline FILE (recorded DATE)' }`; `summary.suppressed`
 * is recounted; `result.baseline` says how many entries match a current FAILED finding and lists
 * those that match none (`fixed`, in the file's order). A finding an inline or configuration
 * suppression already covers keeps that suppression (they are applied first), and its entry
 * still counts as matched, not fixed. Returns `result.baseline`.
 * Throws ConfigError (see {@link readBaseline}) when the file is missing or malformed.
 */
export function applyBaseline(result: ScanResult, file: string, options: Pick<BaselineOptions, 'cwd'> = {}): NonNullable<ScanResult['baseline']> {
  const cwd = options.cwd ?? process.cwd();
  const baseline = readBaseline(file, { cwd });
  const baseDir = dirname(resolve(cwd, file));
  const { print: printOf } = fingerprinter(baseDir, cwd);
  const known = new Set(baseline.findings.map((e) => e.fingerprint));
  const created = /^\d{4}-\d{2}-\d{2}/.test(baseline.created) ? baseline.created.slice(0, 10) : '';
  const reason = `in baseline ${file}${created ? ` (recorded ${created})` : ''}`;
  const seen = new Set<string>();
  for (const f of result.findings) {
    if (f.status === 'PASSED') continue;
    let print = printOf(f);
    if (!known.has(print)) {
      print = legacyFingerprint(f, baseDir, cwd);
      if (!known.has(print)) continue;
    }
    if (f.status === 'FAILED') seen.add(print);
    f.suppressed ??= { reason, by: 'baseline' };
  }
  result.summary.suppressed = result.findings.filter((f) => f.suppressed).length;
  const fixed = baseline.findings.filter((e) => !seen.has(e.fingerprint));
  result.baseline = { file, matched: known.size - fixed.length, fixed };
  return result.baseline;
}
