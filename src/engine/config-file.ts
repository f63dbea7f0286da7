/**
 * The configuration file (`.ecsguard.yml`, or `--config FILE`): controls to run or skip,
 * control parameters, the severity gate, the report format, suppressions and the settings of
 * `ecsguard fix`.
 *
 * ```yaml
 * # yaml-language-server: $schema=./schema/ecsguard.schema.json
 * controls: [ECS.1, ECS.20, ECS.21]   # optional: exactly these
 * skip-controls: [ECS.15]
 * fail-on: high
 * parameters:
 *   ECS.15: { requiredTagKeys: [team, cost-center] }
 * suppressions:
 *   - { control: ECS.5, resources: [legacy-*], reason: vendor image writes to /tmp, expires: 2026-12-31 }
 * ```
 *
 * The file is checked against `schema/ecsguard.schema.json` (generated from the control registry
 * by scripts/gen-schema.ts), then by code for what a schema cannot say (calendar dates, control
 * parameter validators). Every problem names the file, line and column.
 */
import { readFileSync, statSync } from 'node:fs';
import { dirname, isAbsolute, join, relative, resolve } from 'node:path';
import AjvModule, { type ErrorObject, type ValidateFunction } from 'ajv';
import { isAlias, isMap, isScalar, isSeq, LineCounter, parseDocument, visit, type Alias, type Document, type Node } from 'yaml';
import type { ConfigSuppression } from '../model/index.js';
import { CONTROLS, controlById } from '../controls/index.js';
import { decodeText } from '../sources/text.js';
import { activeControls, ConfigError, GROUP_NAMES, resolveParams, type EngineOptions } from './configuration.js';
import { matchesEverything, patternProblem, type FileSuppression } from './suppressions.js';

/** The settings of `ecsguard fix`, from the configuration file's `fix:` key (its defaults are the fix command's). */
export interface FixConfig {
  /** The user `ecsguard fix` sets on Linux containers (ECS.20), e.g. `1000:1000`. */
  linuxUser?: string;
  /** The user `ecsguard fix` sets on Windows containers (ECS.21), e.g. `ContainerUser`. */
  windowsUser?: string;
  /** The prefix of the CloudWatch Logs group names `ecsguard fix` writes (ECS.9); `/ecs/` when unset. */
  logGroupPrefix?: string;
}

/** What the configuration file sets (keys it does not set are absent). */
export interface FileConfig extends EngineOptions {
  /** `fail-on`, as written (parseFailOn reads it). */
  failOn?: string;
  /** `format`: the report format of `scan` when `--format` is not given (text, json, sarif ...). */
  format?: string;
  /**
   * `suppressions`, with `control` in its canonical spelling, `resources` always a list, `source`
   * set to `FILE:LINE` and `baseDir` to the file's folder (file patterns are also matched
   * relative to it; see {@link FileSuppression}).
   */
  suppressions?: ConfigSuppression[];
  /** `fix`: the settings of `ecsguard fix`. */
  fix?: FixConfig;
  /**
   * What is allowed but probably not meant, one per entry (absent when there is nothing): a
   * suppression pattern that matches every resource, a suppression of a control this file does
   * not run. The CLI prints them on standard error (`ecsguard: warning: FILE:LINE:COLUMN: ...`).
   */
  warnings?: ConfigProblem[];
}

/** Configuration files larger than this are refused before they are parsed: far above any real one. */
export const CONFIG_MAX_BYTES = 2 * 1024 * 1024;

/**
 * How many values YAML aliases (`*name`) may expand to: enough for a reason shared by thousands
 * of entries, far below what an alias bomb (an alias of an alias of ...) asks for.
 */
const MAX_ALIAS_COUNT = 10_000;

/** The file names looked for, in this order, in each folder. */
export const CONFIG_FILE_NAMES = ['.ecsguard.yml', '.ecsguard.yaml'] as const;

/**
 * Finds the configuration file for a scan of `startPath`: `.ecsguard.yml` (else `.ecsguard.yaml`)
 * in its folder (the path itself when it is a folder, its parent folder when it is a file or does
 * not exist), else in each parent folder up to the filesystem root; the first found wins. Returns
 * null when there is none. The path returned is relative to the current directory when
 * `startPath` is relative, absolute when it is absolute.
 */
export function findConfigFile(startPath: string): string | null {
  const start = resolve(startPath);
  let dir = isDirectory(start) ? start : dirname(start);
  for (;;) {
    for (const name of CONFIG_FILE_NAMES) {
      const candidate = join(dir, name);
      if (isFile(candidate)) return isAbsolute(startPath) ? candidate : relative(process.cwd(), candidate) || candidate;
    }
    const parent = dirname(dir);
    if (parent === dir) return null;
    dir = parent;
  }
}

function isDirectory(path: string): boolean {
  try {
    return statSync(path).isDirectory();
  } catch {
    return false;
  }
}

function isFile(path: string): boolean {
  try {
    return statSync(path).isFile();
  } catch {
    return false;
  }
}

/** One problem found in a configuration file. */
export interface ConfigProblem {
  file: string;
  /** 1-based; null when the problem has no position (the file cannot be read). */
  line: number | null;
  column: number | null;
  /** What is wrong, starting with the key path (`suppressions[1]: 'reason' is required`). */
  message: string;
}

/**
 * A configuration file that cannot be used. `message` has one `FILE:LINE:COLUMN: problem` line per
 * problem, in file order; `problems` lists them one by one.
 */
export class ConfigFileError extends ConfigError {
  /** Every problem found, in file order. */
  readonly problems: readonly ConfigProblem[];

  constructor(problems: ConfigProblem[]) {
    super(problems.map(formatConfigProblem).join('\n'));
    this.problems = problems;
  }
}

/** `FILE:LINE:COLUMN: message` (`FILE: message` without a position). */
export function formatConfigProblem(p: ConfigProblem): string {
  return `${p.file}${p.line !== null ? `:${p.line}${p.column !== null ? `:${p.column}` : ''}` : ''}: ${p.message}`;
}

// ---------------------------------------------------------------- the schema

/** The schema file, next to src/ and dist/ alike (src/engine and dist/engine are both two levels down). */
const SCHEMA_URL = new URL('../../schema/ecsguard.schema.json', import.meta.url);

let validator: ValidateFunction | undefined;

/** The compiled schema, compiled on first use. */
function schemaValidator(): ValidateFunction {
  if (validator) return validator;
  let schema: Record<string, unknown>;
  try {
    schema = JSON.parse(readFileSync(SCHEMA_URL, 'utf8')) as Record<string, unknown>;
  } catch (e) {
    throw new Error(`cannot read the configuration schema ${SCHEMA_URL.pathname}: ${(e as Error).message}`);
  }
  // ajv is CommonJS: under NodeNext the default import is module.exports, whose `default` is the class.
  const Ajv = AjvModule.default;
  validator = new Ajv({ allErrors: true, allowUnionTypes: true, allowMatchingProperties: true, verbose: true, strict: true }).compile(schema);
  return validator;
}

// ---------------------------------------------------------------- loading

/**
 * Reads and checks a configuration file against the schema, then the control parameters against
 * each control's validators and `expires` dates against the calendar. Throws
 * {@link ConfigFileError} (a ConfigError) naming the file, line and column of every problem.
 */
export function loadConfigFile(file: string): FileConfig {
  const fail = (line: number | null, column: number | null, message: string): never => {
    throw new ConfigFileError([{ file, line, column, message }]);
  };
  let bytes: Buffer;
  try {
    const size = statSync(file).size;
    if (size > CONFIG_MAX_BYTES) fail(null, null, `the file is ${(size / (1024 * 1024)).toFixed(1)} MiB, over the ${CONFIG_MAX_BYTES / (1024 * 1024)} MiB limit for a configuration file; is it the right file?`);
    bytes = readFileSync(file);
  } catch (e) {
    if (e instanceof ConfigFileError) throw e;
    const code = (e as NodeJS.ErrnoException).code;
    const why = code === 'ENOENT' ? 'no such file' : code === 'EISDIR' ? 'a folder, not a configuration file' : `cannot read the configuration file: ${(e as Error).message}`;
    return fail(null, null, why);
  }
  // UTF-8 only (a byte order mark is dropped): UTF-16, other encodings and NUL bytes are named
  // at their line rather than read as replacement characters.
  const decoded = decodeText(bytes);
  if (!decoded.ok && decoded.message !== 'file is empty' && decoded.message !== 'file holds only whitespace') fail(decoded.line, decoded.column, decoded.message);
  const text = decoded.ok ? decoded.text : '';
  const lineCounter = new LineCounter();
  // Merge keys (`<<: *base`) as most YAML tools read them; no warnings printed by the YAML library.
  const doc = parseDocument(text, { prettyErrors: false, lineCounter, merge: true, logLevel: 'error' });
  const yamlProblem = (err: { code: string; message: string; pos: [number, number] }): ConfigProblem => {
    const pos = lineCounter.linePos(err.pos[0]);
    const first = err.message.split('\n')[0].replace(/ at line \d+, column \d+:?$/, '');
    const tag = /^Unresolved tag: (\S+)/.exec(first);
    const message =
      err.code === 'MULTIPLE_DOCS' ? 'invalid YAML: a configuration file is one YAML document; this one has another after a --- line'
      : tag ? `unknown YAML tag '${tag[1]}': the configuration file takes plain values (strings, numbers, true or false, lists and mappings)`
      : `invalid YAML: ${first}`;
    return { file, line: pos.line, column: pos.col, message };
  };
  if (doc.errors.length) throw new ConfigFileError([yamlProblem(doc.errors[0])]);
  if (doc.warnings.length) throw new ConfigFileError(sortProblems(doc.warnings.map(yamlProblem)));
  // YAML 1.1 (`%YAML 1.1`, `!!timestamp`) reads 2026-12-31 as a date and `!!binary` as bytes:
  // keep such values as written, so `expires` gets the day as text and anything else a clear message.
  visit(doc, {
    Scalar(_key, node) {
      if (node.value instanceof Date || node.value instanceof Uint8Array) node.value = node.source ?? String(node.value);
    },
  });
  let raw: unknown;
  try {
    raw = doc.toJS({ maxAliasCount: MAX_ALIAS_COUNT }) ?? {};
  } catch (e) {
    if (!(e instanceof ReferenceError)) throw e;
    let first: Alias | undefined;
    visit(doc, {
      Alias(_key, node) {
        first = node;
        return visit.BREAK;
      },
    });
    const pos = lineCounter.linePos(first?.range?.[0] ?? 0);
    return fail(pos.line, pos.col, `YAML aliases (*name) expand to more than ${MAX_ALIAS_COUNT} values; a configuration file never needs that many (an alias of an alias of ... is an alias bomb)`);
  }
  const where = new Locator(file, doc, lineCounter);
  const validate = schemaValidator();
  // Spellings the documentation allows in any case are checked in one: `fail-on: High` (kept as
  // written; parseFailOn reads any case), a suppression's `control: ecs.5` (its canonical ID).
  const failOnWritten = isObject(raw) ? raw['fail-on'] : undefined;
  if (isObject(raw)) {
    if (typeof failOnWritten === 'string' && (FAIL_ON as readonly string[]).includes(failOnWritten.trim().toLowerCase())) raw['fail-on'] = failOnWritten.trim().toLowerCase();
    if (Array.isArray(raw.suppressions)) {
      for (const s of raw.suppressions) {
        if (!isObject(s) || typeof s.control !== 'string') continue;
        const c = s.control.trim();
        const canonical = c === '*' ? '*' : controlById(c)?.id;
        if (canonical) s.control = canonical;
      }
    }
  }
  if (!validate(raw)) throw new ConfigFileError(sortProblems(schemaProblems(validate.errors ?? [], raw, where)));
  if (isObject(raw) && failOnWritten !== undefined) raw['fail-on'] = failOnWritten;
  const obj = raw as Record<string, unknown>;
  const problems: ConfigProblem[] = [];
  const out: FileConfig = {};

  const list = (key: 'controls' | 'skip-controls'): string[] | undefined => {
    const v = obj[key] as string | string[] | undefined;
    if (v === undefined) return undefined;
    if (Array.isArray(v)) return v;
    // The comma-separated spelling: the schema cannot check the entries.
    const ids = v.split(',').map((s) => s.trim()).filter(Boolean);
    for (const id of ids) {
      // Spelled exactly as in the list form, which the schema checks.
      if (!(GROUP_NAMES as readonly string[]).includes(id) && !CONTROLS.some((c) => c.id === id)) problems.push(where.at([key], `${key}: ${unknownControl(id, true)}`));
    }
    if (ids.length === 0 && key === 'controls') problems.push(where.at([key], 'controls: must name at least one control'));
    return ids;
  };
  const controls = list('controls');
  if (controls) out.controls = controls;
  const skipControls = list('skip-controls');
  if (skipControls) out.skipControls = skipControls;

  if (obj.parameters !== undefined) {
    const parameters: Record<string, Record<string, unknown>> = {};
    for (const [id, given] of Object.entries(obj.parameters as Record<string, Record<string, unknown>>)) {
      const control = controlById(id);
      if (!control) {
        problems.push(where.key(['parameters', id], `parameters: ${unknownControl(id, false)}`));
        continue;
      }
      const resolved: Record<string, unknown> = {};
      for (const [name, value] of Object.entries(given)) {
        try {
          resolved[name] = resolveParams(control, { [name]: value })[name];
        } catch (e) {
          problems.push(where.at(['parameters', id, name], `parameters: ${(e as Error).message}`));
        }
      }
      parameters[id] = resolved;
    }
    out.parameters = parameters;
  }

  if (obj['fail-on'] !== undefined) out.failOn = obj['fail-on'] as string;
  if (obj.format !== undefined) out.format = obj.format as string;
  if (obj['all-revisions'] !== undefined) out.allRevisions = obj['all-revisions'] as boolean;

  const warnings: ConfigProblem[] = [];
  if (obj.suppressions !== undefined) {
    const baseDir = dirname(resolve(file));
    out.suppressions = (obj.suppressions as Array<{ control: string; resources: string | string[]; reason: string; expires?: string }>).map((s, i) => {
      if (s.expires !== undefined && !isCalendarDate(s.expires)) {
        problems.push(where.at(['suppressions', i, 'expires'], `suppressions[${i}].expires: '${s.expires}' is not a calendar date (YYYY-MM-DD)`));
      }
      const patterns = typeof s.resources === 'string' ? [s.resources] : s.resources;
      patterns.forEach((pattern, j) => {
        const at: (string | number)[] = typeof s.resources === 'string' ? ['suppressions', i, 'resources'] : ['suppressions', i, 'resources', j];
        const path = keyPath(at);
        const bad = pattern.trim() === '' ? null : patternProblem(pattern);
        if (bad) problems.push(where.at(at, `${path}: ${bad}`));
        else if (matchesEverything(pattern)) {
          warnings.push(
            where.at(
              at,
              s.control === '*'
                ? `${path}: '${pattern}' matches every resource, and control '*' is every control: every finding of every resource is suppressed, so nothing can fail the run; to report without failing, use fail-on: none`
                : `${path}: '${pattern}' matches every resource: every ${s.control} finding is suppressed; to stop running ${s.control}, use skip-controls`,
            ),
          );
        }
      });
      const entry: FileSuppression = {
        control: s.control,
        resources: patterns,
        reason: s.reason.trim(),
        source: `${file}:${where.at(['suppressions', i], '').line}`,
        baseDir,
      };
      if (s.expires !== undefined) entry.expires = s.expires;
      return entry;
    });
  }

  if (obj.fix !== undefined) {
    const fix = obj.fix as FixConfig;
    if (fix.linuxUser !== undefined && isLinuxRoot(fix.linuxUser)) {
      problems.push(where.at(['fix', 'linuxUser'], `fix.linuxUser: ${shown(fix.linuxUser)} is root, which ECS.20 fails; give a non-root user such as 1000:1000`));
    }
    if (fix.windowsUser !== undefined && fix.windowsUser.trim().toLowerCase() === 'containeradministrator') {
      problems.push(where.at(['fix', 'windowsUser'], `fix.windowsUser: ${shown(fix.windowsUser)} is what ECS.21 fails; give ContainerUser or another non-administrator user`));
    }
    out.fix = { ...fix };
  }

  if (problems.length) throw new ConfigFileError(sortProblems(problems));
  warnings.push(...notRun(out, where));
  if (warnings.length) out.warnings = sortProblems(warnings);
  return out;
}

/** The values of `fail-on`, in lower case. */
const FAIL_ON = ['low', 'medium', 'high', 'critical', 'none'] as const;

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** Warnings for suppressions of controls the file's own `controls` / `skip-controls` (or the defaults) leave out. */
function notRun(config: FileConfig, where: Locator): ConfigProblem[] {
  if (!config.suppressions?.length) return [];
  let running: Set<string>;
  try {
    running = new Set(activeControls({ controls: config.controls, skipControls: config.skipControls }).map((a) => a.control.id));
  } catch {
    return [];
  }
  const why = config.controls || config.skipControls ? "this file's controls and skip-controls leave it out" : 'it is not run by default (name it in controls to run it)';
  const out: ConfigProblem[] = [];
  config.suppressions.forEach((s, i) => {
    if (s.control !== '*' && !running.has(s.control)) out.push(where.at(['suppressions', i, 'control'], `suppressions[${i}].control: ${s.control} is not run (${why}), so this suppression has no effect`));
  });
  return out;
}

/** ECS.20's root: the principal (before the first colon, trimmed) is `root` or an all-zero UID. */
function isLinuxRoot(user: string): boolean {
  const principal = user.split(':')[0].trim();
  return principal === 'root' || /^0+$/.test(principal);
}

/** Whether `YYYY-MM-DD` is a day of the calendar (2026-02-30 is not). */
function isCalendarDate(value: string): boolean {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(value);
  if (!m) return false;
  const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
  const date = new Date(Date.UTC(y, mo - 1, d));
  return date.getUTCFullYear() === y && date.getUTCMonth() === mo - 1 && date.getUTCDate() === d;
}

function sortProblems(problems: ConfigProblem[]): ConfigProblem[] {
  return problems.sort((a, b) => (a.line ?? 0) - (b.line ?? 0) || (a.column ?? 0) - (b.column ?? 0));
}

// ---------------------------------------------------------------- messages

/** `unknown control 'ECS.99'`, with a suggestion when one is close. */
function unknownControl(id: string, setsToo: boolean): string {
  const known = controlById(id)?.id;
  const candidates = [...CONTROLS.map((c) => c.id), ...(setsToo ? GROUP_NAMES : [])];
  // Only a spelling of the same ID (ecs.21, ECS-21): ECS.6 is not a typo of ECS.1.
  const hint = known && known !== id ? known : suggest(id, candidates, false);
  return `unknown control '${id}'${hint ? ` (did you mean '${hint}'?)` : ''}; give control IDs${setsToo ? ` or ${GROUP_NAMES.join(', ')}` : ''}, and run 'ecsguard controls' for the list`;
}

/**
 * The candidate closest to `word`: the same letters ignoring case and separators (`skip_controls`
 * for `skip-controls`), else with `fuzzy` one within edit distance 2; undefined when none is close.
 */
export function suggest(word: string, candidates: readonly string[], fuzzy = true): string | undefined {
  const canon = (s: string) => s.toLowerCase().replace(/[-_ .]/g, '');
  const same = candidates.find((c) => canon(c) === canon(word));
  if (same || !fuzzy) return same;
  let best: string | undefined;
  let bestDistance = Infinity;
  for (const c of candidates) {
    const d = editDistance(word.toLowerCase(), c.toLowerCase());
    if (d < bestDistance) [best, bestDistance] = [c, d];
  }
  return bestDistance <= Math.min(2, Math.floor(word.length / 2)) ? best : undefined;
}

function editDistance(a: string, b: string): number {
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const cur = [i];
    for (let j = 1; j <= b.length; j++) cur[j] = Math.min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1));
    prev = cur;
  }
  return prev[b.length];
}

/** `suppressions[1].reason`, `parameters.ECS.8.secretKeys`: a key path as the messages write it. */
function keyPath(segments: readonly (string | number)[]): string {
  let out = '';
  for (const s of segments) out += typeof s === 'number' ? `[${s}]` : out ? `.${s}` : s;
  return out;
}

/** A value, quoted and shortened for a message. */
function shown(value: unknown): string {
  const s = typeof value === 'string' ? `'${value.replace(/\r/g, '\\r').replace(/\n/g, '\\n').replace(/\t/g, '\\t')}'` : value === null ? 'nothing' : Array.isArray(value) ? 'a list' : typeof value === 'object' ? 'a mapping' : String(value);
  return s.length > 60 ? `${s.slice(0, 57)}...` : s;
}

/** What a schema `type` asks for, in words. */
function typeWords(type: unknown, key: string | number | undefined): string {
  const types = Array.isArray(type) ? type : [type];
  if (types.includes('array') && types.includes('string')) {
    if (key === 'resources') return 'a glob pattern or a list of them';
    if (key === 'controls' || key === 'skip-controls') return 'a list of control IDs (or one comma-separated string)';
    return 'a list of strings (or one comma-separated string)';
  }
  if (key === 'expires') return 'a date YYYY-MM-DD';
  const words: Record<string, string> = { string: 'a string', boolean: 'true or false', number: 'a number', integer: 'a whole number', object: 'a mapping', array: 'a list' };
  return types.map((t) => words[String(t)] ?? String(t)).join(' or ');
}

/** The instance path of an ajv error as segments: array indices as numbers. */
function segmentsOf(instancePath: string, root: unknown): (string | number)[] {
  if (!instancePath) return [];
  const out: (string | number)[] = [];
  let node = root;
  for (const part of instancePath.slice(1).split('/')) {
    const key = part.replace(/~1/g, '/').replace(/~0/g, '~');
    const seg = Array.isArray(node) && /^\d+$/.test(key) ? Number(key) : key;
    out.push(seg);
    node = node && typeof node === 'object' ? (node as Record<string | number, unknown>)[seg] : undefined;
  }
  return out;
}

/** Turns ajv's errors into one problem per offending key or value. */
function schemaProblems(errors: ErrorObject[], root: unknown, where: Locator): ConfigProblem[] {
  const out = new Map<string, ConfigProblem>();
  // A value of the wrong type draws other errors too (enum, pattern ...): say only the type.
  const typed = new Set(errors.filter((e) => e.keyword === 'type').map((e) => e.instancePath));
  for (const e of errors) {
    if (e.keyword !== 'type' && typed.has(e.instancePath)) continue;
    const segments = segmentsOf(e.instancePath, root);
    const path = keyPath(segments);
    const prefix = path ? `${path}: ` : '';
    const last = segments[segments.length - 1];
    const parent = segments[segments.length - 2];
    let problem: ConfigProblem;
    switch (e.keyword) {
      case 'additionalProperties': {
        const extra = String((e.params as { additionalProperty: string }).additionalProperty);
        const known = Object.keys((e.parentSchema as { properties?: Record<string, unknown> }).properties ?? {});
        let message: string;
        if (path === 'parameters') message = `parameters: ${unknownControl(extra, false)}`;
        else if (parent === 'parameters' && typeof last === 'string') {
          const hint = suggest(extra, known);
          message = `parameters: ${last} has no parameter '${extra}'${hint ? ` (did you mean '${hint}'?)` : ''}; ${known.length ? `it takes ${known.join(', ')}` : 'it takes none'}`;
        } else {
          const hint = suggest(extra, known);
          message = `${prefix}unknown key '${extra}'${hint ? ` (did you mean '${hint}'?)` : `; known keys: ${known.join(', ')}`}`;
        }
        problem = where.key([...segments, extra], message);
        break;
      }
      case 'required':
        problem = where.at(segments, `${prefix}'${(e.params as { missingProperty: string }).missingProperty}' is required`);
        break;
      case 'type':
        problem = where.at(segments, path ? `${path}: must be ${typeWords(e.schema, last)}; got ${shown(e.data)}` : `the configuration must be a mapping of keys (controls, fail-on, parameters ...); got ${shown(e.data)}`);
        break;
      case 'enum': {
        const allowed = [...new Set((e.schema as string[]).map((v) => (path === 'fail-on' ? v.toLowerCase() : v)))];
        const message =
          parent === 'controls' || parent === 'skip-controls' ? `${prefix}${unknownControl(String(e.data), true)}`
          : last === 'control' ? `${prefix}${unknownControl(String(e.data), false).replace('give control IDs', "give a control ID or '*'")}`
          : `${prefix}must be one of ${allowed.join(', ')}; got ${shown(e.data)}`;
        problem = where.at(segments, message);
        break;
      }
      case 'pattern': {
        const pattern = (e.params as { pattern: string }).pattern;
        const message =
          pattern === '\\S' ? `${prefix}must not be empty`
          : last === 'expires' ? `${prefix}must be a date YYYY-MM-DD; got ${shown(e.data)}`
          : last === 'logGroupPrefix' ? `${prefix}may hold only letters, digits and . - _ / #; got ${shown(e.data)}`
          : `${prefix}must match ${pattern}; got ${shown(e.data)}`;
        problem = where.at(segments, message);
        break;
      }
      case 'minItems':
        problem = where.at(segments, `${prefix}must not be an empty list`);
        break;
      case 'minLength':
        problem = where.at(segments, `${prefix}must not be empty`);
        break;
      default:
        problem = where.at(segments, `${prefix}${e.message ?? 'is invalid'}`);
    }
    const id = `${problem.line}:${problem.column}:${problem.message}`;
    if (!out.has(id)) out.set(id, problem);
  }
  return [...out.values()];
}

// ---------------------------------------------------------------- positions

/** Finds the YAML node behind a key path and turns it into `file:line:column`. */
class Locator {
  constructor(
    private readonly file: string,
    private readonly doc: Document,
    private readonly lines: LineCounter,
  ) {}

  /** The value at `segments`, or its key when the value is empty (`fix:` with nothing after it). */
  at(segments: readonly (string | number)[], message: string): ConfigProblem {
    const { node, keyNode } = this.walk(segments);
    const empty = !node || (isScalar(node) && (node.value === null || node.source === ''));
    return this.problem((!empty && node?.range) ? node.range[0] : keyNode?.range?.[0] ?? node?.range?.[0] ?? 0, message);
  }

  /** The key of the last segment (an unknown key), else the value. */
  key(segments: readonly (string | number)[], message: string): ConfigProblem {
    const { node, keyNode } = this.walk(segments);
    return this.problem(keyNode?.range?.[0] ?? node?.range?.[0] ?? 0, message);
  }

  private problem(offset: number, message: string): ConfigProblem {
    const pos = this.lines.linePos(offset);
    return { file: this.file, line: pos.line, column: pos.col, message };
  }

  private walk(segments: readonly (string | number)[]): { node: Node | null; keyNode: Node | null } {
    let node = (this.doc.contents as Node | null) ?? null;
    let keyNode: Node | null = null;
    let last: { node: Node | null; keyNode: Node | null } = { node, keyNode };
    for (const seg of segments) {
      if (node && isAlias(node)) node = (node.resolve(this.doc) as Node | undefined) ?? null;
      if (isMap(node)) {
        const pair = node.items.find((p) => String(isScalar(p.key) ? p.key.value : p.key) === String(seg));
        if (!pair) return last;
        keyNode = (pair.key as Node | null) ?? null;
        node = (pair.value as Node | null) ?? null;
      } else if (isSeq(node) && typeof seg === 'number') {
        const item = node.items[seg] as Node | undefined;
        if (!item) return last;
        keyNode = null;
        node = item;
      } else return last;
      last = { node, keyNode };
    }
    return last;
  }
}
