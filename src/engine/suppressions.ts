/**
 * Suppressions: accepted findings that keep their status but do not fail the gate (the JSON
 * contract's `suppressed: { reason, by, expires }`, ../shared/spec/cli-and-output.md).
 *
 * Two kinds are applied here, as the scan produces each resource's findings:
 *
 * - Configuration suppressions (`suppressions:` in `.ecsguard.yml`, parsed elsewhere into
 *   {@link ConfigSuppression}s): a control ID (case-insensitive) or `*`, and glob patterns
 *   (picomatch, `{ dot: true, nocase: false }`; a pattern also matches a text equal to it, so a
 *   Terraform address with `["key"]` can be given as it is; brackets also match literally, so
 *   `this[*]` covers `this["api"]`; backslashes also match as `/`, so a Windows path works). A
 *   pattern is tried against the resource's {@link matchTexts}: id, name, file (as given, relative
 *   to the current directory, and relative to the configuration file's folder, with `/`), family
 *   (task definitions) or service / cluster name, CDK construct path, ARN and account. A pattern
 *   starting with `!` is refused: a negated pattern would cover every other resource.
 * - Inline suppressions ({@link Resource.suppressions}, written next to the resource and extracted
 *   by the sources): they apply to that resource's finding for the control they name. One that
 *   names an unknown control, gives no reason or a malformed or impossible date is an input error
 *   at its file and line, and is not applied.
 *
 * Only FAILED, WARNING and NOT_AVAILABLE findings are marked: a PASSED finding never is.
 * `expires` is the last day a suppression applies (compared with `today`, by default the current
 * UTC date); after it the finding is not suppressed, and gets the note
 * `suppression expired on 2026-01-31 (<reason>, <where>)`. When several suppressions apply, the
 * first that has not expired wins: inline ones (closest to the resource) before the configuration's,
 * each in the order written.
 */
import { realpathSync } from 'node:fs';
import { basename, dirname, isAbsolute, relative, resolve } from 'node:path';
import picomatch from 'picomatch';
import { controlById } from '../controls/index.js';
import type { ConfigSuppression, Finding, InlineSuppression, InputError, Resource, Suppression } from '../model/index.js';
import { ConfigError } from './configuration.js';

/** Statuses a suppression may mark: the ones that say something is wrong or unknown. */
const SUPPRESSIBLE = new Set<Finding['status']>(['FAILED', 'WARNING', 'NOT_AVAILABLE']);

const GLOB_OPTIONS = { dot: true, nocase: false } as const;

/**
 * Checks a `YYYY-MM-DD` date: `null` when it is a real calendar date, else what is wrong with it
 * (`'malformed'`: not in that form; `'impossible'`: no such day, such as 2026-02-30).
 */
export function checkDate(text: string): 'malformed' | 'impossible' | null {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(text);
  if (!m) return 'malformed';
  const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
  const date = new Date(Date.UTC(y, mo - 1, d));
  if (date.getUTCFullYear() !== y || date.getUTCMonth() !== mo - 1 || date.getUTCDate() !== d) return 'impossible';
  return null;
}

/** Today's date in UTC, `YYYY-MM-DD`. */
export function todayUtc(now: Date = new Date()): string {
  return now.toISOString().slice(0, 10);
}

/** A configuration suppression ready to match: its patterns compiled. */
interface CompiledConfig {
  entry: ConfigSuppression;
  /** Upper-case control ID, or `*`. */
  control: string;
  /** The folder of the configuration file the entry is written in (see {@link FileSuppression}), or undefined. */
  baseDir: string | undefined;
  matchers: { pattern: string; test: (text: string) => boolean }[];
}

/**
 * A configuration suppression that knows the folder of the file it is written in: file patterns
 * are then also matched against the file relative to that folder, so a repository's
 * `.ecsguard.yml` means the same whatever the current directory (src/engine/config-file.ts sets it).
 */
export interface FileSuppression extends ConfigSuppression {
  /** The absolute folder of the configuration file. */
  baseDir?: string;
}

/** Whether a relative path leaves its base folder (`..`, `../x`, or another drive on Windows). */
function escapes(rel: string): boolean {
  return rel === '..' || rel.startsWith('../') || rel.startsWith('..\\') || isAbsolute(rel);
}

/** The real path of `p` (symbolic links resolved); for a path that does not exist, of its nearest existing parent. */
function realPath(p: string): string {
  try {
    return realpathSync(p);
  } catch {
    const parent = dirname(p);
    return parent === p ? p : resolve(realPath(parent), basename(p));
  }
}

/**
 * `file` (as given: relative to `cwd`, or absolute) relative to the folder `baseDir`, with forward
 * slashes; names such as `<stdin>` unchanged. The path is worked out from the names as written;
 * when that leaves `baseDir` (`../`), from the real paths instead, so a symbolic link on the way
 * (a linked checkout, macOS's /tmp, a current directory reached through a link) gives the same
 * answer as the real path. A link inside the folder is kept as written.
 */
export function pathFrom(baseDir: string, file: string, cwd: string = process.cwd()): string {
  if (file.startsWith('<')) return file;
  const abs = resolve(cwd, file);
  let rel = relative(resolve(cwd, baseDir), abs);
  if (escapes(rel)) rel = relative(realPath(resolve(cwd, baseDir)), realPath(abs));
  return (rel || '.').replace(/\\/g, '/');
}

/** Where a suppression is written, for notes: `file:line`, the configuration entry, or `configuration file`. */
function whereOfInline(s: InlineSuppression): string {
  return s.location ? `${s.location.file}:${s.location.line}` : 'inline';
}

/**
 * The texts a configuration suppression's patterns are matched against, for one resource:
 * - the resource id (ARN, logical ID, Terraform address, `family:revision`) and name;
 * - the file of its origin, as given, relative to `cwd` and (with `baseDir`) relative to `baseDir`
 *   (see {@link pathFrom}), with forward slashes (no leading `./`);
 * - the family: `properties.family` of a task definition (of every reading, for a resource with
 *   variants), else the service or cluster name (`serviceName`, `clusterName`, and the name);
 * - the CDK construct path (`aws:cdk:path`), when there is one;
 * - the ARN: the id when it starts with `arn:`, else `taskDefinitionArn`, `serviceArn`,
 *   `clusterArn`, `taskSetArn` or `capacityProviderArn` of the properties;
 * - the account: the live account of an AWS resource, or the account field of the ARN.
 * Duplicates are removed; the order is the order above.
 */
export function matchTexts(resource: Resource, cwd: string = process.cwd(), baseDir?: string): string[] {
  const out = new Set<string>();
  const add = (v: unknown) => {
    if (typeof v === 'string' && v !== '') out.add(v);
  };
  add(resource.id);
  add(resource.name);
  if (resource.origin.kind === 'file') {
    const file = resource.origin.file;
    const slashed = file.replace(/\\/g, '/');
    add(slashed.replace(/^\.\//, ''));
    if (!file.startsWith('<')) add(relative(cwd, resolve(cwd, file)).replace(/\\/g, '/'));
    if (baseDir !== undefined && !file.startsWith('<')) add(pathFrom(baseDir, file, cwd));
  }
  const readings = [resource.properties, ...(resource.variants ?? []).map((v) => v.properties)];
  const fields = (p: unknown): Record<string, unknown> => (p && typeof p === 'object' && !Array.isArray(p) ? (p as Record<string, unknown>) : {});
  for (const p of readings) {
    const props = fields(p);
    if (resource.type === 'AWS::ECS::TaskDefinition') add(props.family);
    else {
      add(props.serviceName);
      add(props.clusterName);
    }
  }
  add(resource.cdkPath);
  const arns: string[] = [];
  if (resource.id.startsWith('arn:')) arns.push(resource.id);
  for (const p of readings) {
    const props = fields(p);
    for (const k of ['taskDefinitionArn', 'serviceArn', 'clusterArn', 'taskSetArn', 'capacityProviderArn']) {
      const v = props[k];
      if (typeof v === 'string' && v.startsWith('arn:')) arns.push(v);
    }
  }
  for (const a of arns) add(a);
  if (resource.origin.kind === 'aws') add(resource.origin.account);
  for (const a of arns) add(accountOfArn(a));
  return [...out];
}

/** The account ID field of an ARN (`arn:partition:service:region:account:resource`), or undefined when it has none. */
export function accountOfArn(arn: string): string | undefined {
  const parts = arn.split(':');
  return parts.length >= 6 && parts[0] === 'arn' && parts[4] !== '' ? parts[4] : undefined;
}

/** An inline suppression checked: usable (`ok`, the control ID in its canonical spelling), or the input error that says why it is not. */
export type Checked = { ok: true; suppression: InlineSuppression } | { ok: false; error: InputError };

/**
 * Checks one inline suppression: it must name one control ecsguard has (src/controls/index.ts;
 * not `*`, not a list), give a reason, and an `expires` (when given) must be a real `YYYY-MM-DD`
 * date; a reason that holds `expires=DATE` (an expiry written after the reason, which would never
 * be read) is refused too. The error is at the suppression's location (else the resource's file);
 * it does not name the resource, so the instances of one Terraform block (`count`, `for_each`, a
 * module called twice) give the same error.
 */
export function checkInline(s: InlineSuppression, resource: Pick<Resource, 'id' | 'origin'>): Checked {
  const file = s.location?.file ?? (resource.origin.kind === 'file' ? resource.origin.file : resource.id);
  const error = (message: string): Checked => ({ ok: false, error: { file, line: s.location?.line ?? null, column: s.location?.column ?? null, message: `${message}; it is not applied` } });
  const control = (s.control ?? '').trim();
  if (control === '') return error('ecsguard suppression names no control (write the control ID, e.g. ECS.5)');
  if (control === '*') return error("ecsguard suppression names '*': every control can be suppressed only in the configuration file's suppressions; next to a resource, name one control");
  const known = controlById(control);
  if (!known) {
    const parts = control.split(/[\s,;]+/).filter(Boolean);
    if (parts.length > 1 && parts.every((p) => controlById(p))) {
      return error(`ecsguard suppression names several controls ('${control}'): one control per entry (or comment); write one for each`);
    }
    return error(`ecsguard suppression names an unknown control '${control}' (run 'ecsguard controls' for the list)`);
  }
  const id = known.id;
  if (typeof s.reason !== 'string' || s.reason.trim() === '') return error(`ecsguard suppression of ${id} gives no reason (a reason is required)`);
  const late = MISPLACED_EXPIRY.exec(s.reason);
  if (late) {
    return error(
      `ecsguard suppression of ${id}: the reason holds '${late[1]}', which does not set the expiry; write expires= right after the control ID (# ecsguard:suppress ${id} expires=YYYY-MM-DD reason), or use the expires key`,
    );
  }
  if (s.expires !== undefined) {
    const bad = checkDate(s.expires);
    if (bad === 'malformed') return error(`ecsguard suppression of ${id}: expiry date '${s.expires}' is not a date in the form YYYY-MM-DD`);
    if (bad === 'impossible') return error(`ecsguard suppression of ${id}: expiry date '${s.expires}' is not a day of the calendar`);
  }
  return { ok: true, suppression: { ...s, control: id, reason: s.reason.trim() } };
}

/** `expires=2026-01-01`, `until = 2026-01-01`, `expires: 2026-...` inside a reason: an expiry that is not read as one. */
const MISPLACED_EXPIRY = /(?:^|\s)((?:expires|until)\s*[=:]\s*\d\S*)/i;

/**
 * Applies configuration and inline suppressions to findings. Built once per scan (see
 * src/engine/scan.ts). The constructor throws {@link ConfigError} when a configuration
 * suppression is invalid (unknown control, no pattern, no reason, a bad date) or `today` is not a
 * `YYYY-MM-DD` date.
 */
export class Suppressor {
  private readonly config: CompiledConfig[];
  /** The date expiries are compared with, `YYYY-MM-DD`. */
  readonly today: string;

  /**
   * @param suppressions the configuration file's suppressions, in the order written.
   * @param today `YYYY-MM-DD`; default the current UTC date.
   * @param cwd the folder file patterns are relative to; default the current directory.
   */
  constructor(suppressions: readonly ConfigSuppression[] = [], today?: string, private readonly cwd: string = process.cwd()) {
    if (today !== undefined && checkDate(today) !== null) throw new ConfigError(`today must be a date in the form YYYY-MM-DD; got '${today}'`);
    this.today = today ?? todayUtc();
    this.config = suppressions.map((s, i) => compile(s, i));
  }

  /** True when no configuration suppression is set (inline ones may still apply). */
  get empty(): boolean {
    return this.config.length === 0;
  }

  /**
   * The usable inline suppressions of `resource`, and the input errors of the others (see
   * {@link checkInline}).
   */
  inline(resource: Resource): { valid: InlineSuppression[]; errors: InputError[] } {
    const valid: InlineSuppression[] = [];
    const errors: InputError[] = [];
    for (const s of resource.suppressions ?? []) {
      const c = checkInline(s, resource);
      if (c.ok) valid.push(c.suppression);
      else errors.push(c.error);
    }
    return { valid, errors };
  }

  /**
   * Marks `findings` (all of one resource) in place: sets `suppressed` on each FAILED, WARNING or
   * NOT_AVAILABLE finding that a current suppression covers, and adds a note for each expired one
   * that would have. Inline suppressions are checked first; invalid ones are skipped (report
   * their errors with {@link inline}).
   */
  apply(resource: Resource, findings: Finding[]): void {
    if (findings.length === 0) return;
    const inline = (resource.suppressions?.length ? this.inline(resource).valid : []);
    if (inline.length === 0 && this.config.length === 0) return;
    // The texts differ only in the file relative to each configuration file's folder.
    const texts = new Map<string | undefined, string[]>();
    const textsFor = (baseDir: string | undefined): string[] => {
      let t = texts.get(baseDir);
      if (!t) texts.set(baseDir, (t = matchTexts(resource, this.cwd, baseDir)));
      return t;
    };
    const configFor = (control: string) => {
      const out: CompiledConfig[] = [];
      for (const c of this.config) {
        if (c.control !== '*' && c.control !== control.toUpperCase()) continue;
        const t = textsFor(c.baseDir);
        if (c.matchers.some((m) => t.some((x) => m.test(x)))) out.push(c);
      }
      return out;
    };
    for (const f of findings) {
      if (!SUPPRESSIBLE.has(f.status) || f.suppressed) continue;
      const candidates: { suppression: Suppression; where: string }[] = [];
      for (const s of inline) {
        if (s.control.toUpperCase() !== f.control.toUpperCase()) continue;
        candidates.push({ suppression: { reason: s.reason, by: 'inline', ...(s.expires ? { expires: s.expires } : {}) }, where: whereOfInline(s) });
      }
      for (const c of configFor(f.control)) {
        candidates.push({ suppression: { reason: c.entry.reason.trim(), by: 'config', ...(c.entry.expires ? { expires: c.entry.expires } : {}) }, where: c.entry.source ?? 'configuration file' });
      }
      for (const { suppression, where } of candidates) {
        if (suppression.expires !== undefined && suppression.expires < this.today) {
          const note = `suppression expired on ${suppression.expires} (${suppression.reason}, ${where})`;
          if (!f.notes.includes(note)) f.notes.push(note);
          continue;
        }
        f.suppressed ??= suppression;
      }
    }
  }
}

/** Checks and compiles one configuration suppression; throws ConfigError naming its entry. */
function compile(s: ConfigSuppression, index: number): CompiledConfig {
  const where = s?.source ?? `suppressions[${index}]`;
  const fail = (message: string): never => {
    throw new ConfigError(`${where}: ${message}`);
  };
  if (!s || typeof s !== 'object') fail('a suppression must be a mapping with control, resources and reason');
  const control = typeof s.control === 'string' ? s.control.trim() : '';
  if (control === '') fail("a suppression needs a control: a control ID such as ECS.5, or '*' for every control");
  if (control !== '*' && !controlById(control)) fail(`unknown control '${control}' (run 'ecsguard controls' for the list, or give '*')`);
  if (!Array.isArray(s.resources) || s.resources.length === 0 || !s.resources.every((p) => typeof p === 'string')) {
    fail('a suppression needs resources: a list of glob patterns matched against the resource id, name, file, family, ARN or account');
  }
  if (typeof s.reason !== 'string' || s.reason.trim() === '') fail(`the suppression of ${control} gives no reason (a reason is required)`);
  if (s.expires !== undefined) {
    if (typeof s.expires !== 'string') fail('expires must be a date in the form YYYY-MM-DD');
    const bad = checkDate(s.expires);
    if (bad) fail(`expires '${s.expires}' is ${bad === 'malformed' ? 'not a date in the form YYYY-MM-DD' : 'not a day of the calendar'}`);
  }
  const matchers = s.resources.map((pattern) => {
    const problem = patternProblem(pattern);
    if (problem) fail(`resources: ${problem}`);
    return { pattern, test: compilePattern(pattern) };
  });
  const baseDir = (s as FileSuppression).baseDir;
  return { entry: s, control: control === '*' ? '*' : controlById(control)!.id.toUpperCase(), baseDir: typeof baseDir === 'string' ? baseDir : undefined, matchers };
}

/**
 * What is wrong with a suppression pattern, or null: an empty or blank pattern, a negated one
 * (`!legacy-*`, `!(a|b)`: it would cover every other resource, so a suppression that reads as
 * narrow would suppress nearly everything), or one picomatch cannot compile.
 */
export function patternProblem(pattern: string): string | null {
  if (pattern.trim() === '') return 'a pattern must not be empty';
  if (pattern.trimStart().startsWith('!')) {
    return `'${pattern}' starts with '!': a suppression cannot exclude resources (the pattern would match every other one); list the resources it covers`;
  }
  try {
    compilePattern(pattern);
  } catch (e) {
    return `'${pattern}' is not a valid glob pattern: ${(e as Error).message}`;
  }
  return null;
}

/**
 * A pattern as a test on one text: the text equal to the pattern, the pattern as a picomatch glob,
 * the pattern with its brackets and quotes taken literally (so a Terraform address such as
 * `module.app[*].aws_ecs_service.this` or `aws_ecs_service.this["*"]` covers every index or key,
 * where a glob reads `[...]` as a character class), and the pattern with backslashes read as `/`
 * (a Windows path: `infra\vendor\**`). Throws when picomatch cannot compile it.
 */
function compilePattern(pattern: string): (text: string) => boolean {
  const variants = new Set([pattern]);
  // picomatch reads "..." as a literal text, so the quotes of a Terraform key are escaped too.
  if (/["[\]]/.test(pattern)) variants.add(pattern.replace(/(?<!\\)(["[\]])/g, '\\$1'));
  if (pattern.includes('\\')) variants.add(pattern.replace(/\\/g, '/'));
  const globs = [...variants].map((p) => picomatch(p, GLOB_OPTIONS));
  return (text) => text === pattern || globs.some((g) => g(text));
}

/** Resource ids and names of every shape: a pattern matching all of them matches every resource. */
const EVERY_SHAPE = ['x', 'WebTask', 'web-api:12', 'aws_ecs_service.this["a b"]', 'module.m[0].aws_ecs_service.s', '111122223333'];

/**
 * Whether a pattern matches every resource (`*`, `**`, `?*` ...): it matches ids and names of every
 * shape (logical ID, family:revision, Terraform address, account). The configuration file warns
 * about such a suppression.
 */
export function matchesEverything(pattern: string): boolean {
  let test: (text: string) => boolean;
  try {
    test = compilePattern(pattern);
  } catch {
    return false;
  }
  return EVERY_SHAPE.every((t) => test(t));
}
