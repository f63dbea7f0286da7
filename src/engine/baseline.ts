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
 *   - an ARN id (live AWS, describe output, AWS Config): the ARN alone, which already names the
 *     partition, region and account, so the same resource read from a file or live matches;
 *   - a Terraform configuration resource: its root module folder (`resource.root`, relative to the
 *     baseline's folder) and address; not the `.tf` file, so moving a block to another file of the
 *     module keeps it, while two roots calling one module stay apart;
 *   - any other file resource: the file (relative to the baseline's folder, with `/`) and the id
 *     (logical ID, `family:revision`, plan address), as two files may hold the same logical ID;
 * - the `messageId`: the kind of failure (running as root and running as ContainerAdministrator
 *   are different findings, and fixing one to get the other is news).
 *
 * Left out on purpose: line and column (any edit above the resource would move them), the
 * `path` (container indexes change when a container is added or reordered), the rendered
 * `reason` (it quotes values and names) and the resource name (an ARN or address already
 * identifies it; a revision bump changes the name). The price: a baseline entry covers the
 * (resource, control) pair, so a second container failing the same control in the same resource
 * with the same kind of failure is not news; one failing a control the resource passed is.
 */
import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, isAbsolute, relative, resolve } from 'node:path';
import type { Finding, ResourceType } from '../model/index.js';
import { ConfigError } from './configuration.js';
import type { ScanResult } from './scan.js';
import { todayUtc } from './suppressions.js';

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

/** `file` (relative to `cwd`, or absolute) relative to `baseDir`, with forward slashes; names such as `<stdin>` unchanged. */
function relativeTo(file: string, baseDir: string, cwd: string): string {
  if (file.startsWith('<')) return file;
  const abs = isAbsolute(file) ? file : resolve(cwd, file);
  return (relative(baseDir, abs) || '.').replace(/\\/g, '/');
}

/**
 * The location-independent key of a finding's resource (see the module comment): `arn <ARN>`,
 * `root <folder> <address>` for Terraform configurations, else `file <file> <id>` (or `id <id>`
 * when the finding has no location). Paths are relative to `baseDir`.
 */
export function resourceKey(f: Finding, baseDir: string = process.cwd(), cwd: string = process.cwd()): string {
  const id = f.resource.id;
  if (id.startsWith('arn:')) return `arn ${id}`;
  if (f.resource.root !== undefined) return `root ${relativeTo(f.resource.root, baseDir, cwd)} ${id}`;
  if (f.location) return `file ${relativeTo(f.location.file, baseDir, cwd)} ${id}`;
  return `id ${id}`;
}

/**
 * The stable fingerprint of a finding: SHA-256 (hex) over the format tag, control ID, resource
 * type, {@link resourceKey} and `messageId` (see the module comment for why each is in and what
 * is left out). `baseDir` is the folder file paths are made relative to: the baseline file's.
 */
export function fingerprint(f: Finding, baseDir: string = process.cwd(), cwd: string = process.cwd()): string {
  const parts = [FORMAT_TAG, f.control.toUpperCase(), f.resource.type, resourceKey(f, baseDir, cwd), f.messageId];
  return createHash('sha256').update(JSON.stringify(parts)).digest('hex');
}

/**
 * The baseline of a scan result: its FAILED findings, except those a configuration or inline
 * suppression covers (a finding the baseline being replaced covers is recorded again), one entry
 * per fingerprint, sorted by fingerprint.
 */
export function baselineOf(result: Pick<ScanResult, 'findings'>, baseDir: string, options: BaselineOptions = {}): BaselineFile {
  const cwd = options.cwd ?? process.cwd();
  const byPrint = new Map<string, BaselineEntry>();
  for (const f of result.findings) {
    if (f.status !== 'FAILED') continue;
    if (f.suppressed && f.suppressed.by !== 'baseline') continue;
    const print = fingerprint(f, baseDir, cwd);
    if (byPrint.has(print)) continue;
    byPrint.set(print, {
      fingerprint: print,
      control: f.control,
      resource: { type: f.resource.type, id: f.resource.id, name: f.resource.name },
      file: f.location ? relativeTo(f.location.file, baseDir, cwd) : null,
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
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (e) {
    const err = e as NodeJS.ErrnoException;
    throw new ConfigError(`${file}: cannot read the baseline: ${err.code === 'ENOENT' ? 'no such file (record one with scan --write-baseline FILE)' : err.message}`);
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (e) {
    throw new ConfigError(`${file}: not an ecsguard baseline: invalid JSON (${(e as Error).message})`);
  }
  const bad = (why: string): never => {
    throw new ConfigError(`${file}: not an ecsguard baseline: ${why}`);
  };
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return bad('expected a JSON object with version, tool and findings');
  const v = value as Record<string, unknown>;
  if (v.tool !== 'ecsguard') bad("'tool' must be \"ecsguard\"");
  if (typeof v.version === 'number' && v.version > 1) bad(`version ${v.version} is newer than this ecsguard reads (1): upgrade ecsguard`);
  if (v.version !== 1) bad("'version' must be 1");
  if (v.created !== undefined && typeof v.created !== 'string') bad("'created' must be a date string");
  if (!Array.isArray(v.findings)) bad("'findings' must be a list");
  const findings = (v.findings as unknown[]).map((e, i): BaselineEntry => {
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
  return { version: 1, tool: 'ecsguard', created: typeof v.created === 'string' ? v.created : '', findings };
}

/**
 * Applies the baseline in `file` to `result`, in place: each FAILED, WARNING or NOT_AVAILABLE
 * finding not already suppressed whose fingerprint is recorded gets
 * `suppressed = { by: 'baseline', reason: 'in baseline FILE (recorded DATE)' }`; `summary.suppressed`
 * is recounted; `result.baseline` says how many entries match a current FAILED finding and lists
 * those that match none (`fixed`, in the file's order). Returns `result.baseline`.
 * Throws ConfigError (see {@link readBaseline}) when the file is missing or malformed.
 */
export function applyBaseline(result: ScanResult, file: string, options: Pick<BaselineOptions, 'cwd'> = {}): NonNullable<ScanResult['baseline']> {
  const cwd = options.cwd ?? process.cwd();
  const baseline = readBaseline(file, { cwd });
  const baseDir = dirname(resolve(cwd, file));
  const known = new Set(baseline.findings.map((e) => e.fingerprint));
  const reason = `in baseline ${file}${baseline.created ? ` (recorded ${baseline.created.slice(0, 10)})` : ''}`;
  const seen = new Set<string>();
  for (const f of result.findings) {
    if (f.status === 'PASSED') continue;
    const print = fingerprint(f, baseDir, cwd);
    if (!known.has(print)) continue;
    if (f.status === 'FAILED') seen.add(print);
    f.suppressed ??= { reason, by: 'baseline' };
  }
  result.summary.suppressed = result.findings.filter((f) => f.suppressed).length;
  const fixed = baseline.findings.filter((e) => !seen.has(e.fingerprint));
  result.baseline = { file, matched: known.size - new Set(fixed.map((e) => e.fingerprint)).size, fixed };
  return result.baseline;
}
