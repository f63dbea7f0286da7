/**
 * Which controls run and with which parameters: defaults from each control's metadata,
 * overridden by the configuration file and the command line. Invalid configuration throws
 * {@link ConfigError} (the CLI exits 2), never becomes a finding.
 */
import { CONTROLS, controlById } from '../controls/index.js';
import type { Control, ControlParams, ParamValue } from '../controls/types.js';
import { SEVERITY_ORDER, type ConfigSuppression, type Severity } from '../model/index.js';

/** A configuration or usage mistake: the scan cannot start. */
export class ConfigError extends Error {
  override name = 'ConfigError';
}

/** What a caller may set; every field is optional. */
export interface EngineOptions {
  /**
   * Run exactly these controls: IDs such as `ECS.21`, or the set names `security-hub`, `extra`
   * (ecsguard's hardening checks) and `all`, mixable; retired controls run only when named by ID.
   */
  controls?: string[];
  /** Do not run these controls (IDs or set names, as in `controls`). */
  skipControls?: string[];
  /** Parameters by control ID, e.g. `{ 'ECS.15': { requiredTagKeys: ['team'] } }`. */
  parameters?: Record<string, Record<string, unknown>>;
  /** Judge every ACTIVE revision, not only the latest of each family. */
  allRevisions?: boolean;
  /**
   * Suppressions from the configuration file's `suppressions:` list, applied to the findings as
   * the scan produces them (see src/engine/suppressions.ts). An invalid one makes the scan throw
   * {@link ConfigError}.
   */
  suppressions?: ConfigSuppression[];
  /**
   * The date suppression expiries are compared with, `YYYY-MM-DD` (default: the current UTC date);
   * for tests and reproducible runs. Anything else throws {@link ConfigError}.
   */
  today?: string;
}

/** A control with its resolved parameters. */
export interface ActiveControl {
  control: Control;
  params: ControlParams;
}

/** Resolves `options` into the controls to run. Throws ConfigError for unknown IDs or invalid parameters. */
export function activeControls(options: EngineOptions = {}): ActiveControl[] {
  const named = (ids: string[] | undefined, what: string): Set<Control> | null => {
    if (!ids) return null;
    const out = new Set<Control>();
    for (const id of ids) {
      const group = controlGroup(id);
      if (group) {
        for (const c of group) out.add(c);
        continue;
      }
      const c = controlById(id);
      if (!c) throw new ConfigError(`${what}: unknown control '${id}'; give control IDs or ${GROUP_NAMES.join(', ')}, and run 'ecsguard controls' for the list`);
      out.add(c);
    }
    return out;
  };
  const only = named(options.controls, '--controls');
  const skip = named(options.skipControls, '--skip-controls') ?? new Set<Control>();
  for (const id of Object.keys(options.parameters ?? {})) {
    if (!controlById(id)) throw new ConfigError(`parameters: unknown control '${id}'`);
  }
  const out: ActiveControl[] = [];
  for (const control of CONTROLS) {
    const on = only ? only.has(control) : control.enabledByDefault;
    if (!on || skip.has(control)) continue;
    out.push({ control, params: resolveParams(control, options.parameters?.[control.id] ?? findParams(options.parameters, control.id)) });
  }
  if (out.length === 0) throw new ConfigError('no control left to run: --controls and --skip-controls (or the configuration file) exclude every one');
  return out;
}

/** The names `--controls` and `--skip-controls` accept besides IDs. */
export const GROUP_NAMES = ['security-hub', 'extra', 'all'] as const;

/**
 * The controls a set name stands for (`security-hub`, `extra`, `all`, any case), or null when
 * `name` is not one. A set name brings the controls that are on by default: the retired ECS.1
 * still has to be named by ID.
 */
export function controlGroup(name: string): Control[] | null {
  const n = name.trim().toLowerCase();
  if (!(GROUP_NAMES as readonly string[]).includes(n)) return null;
  return CONTROLS.filter((c) => c.enabledByDefault && (n === 'all' || c.set === n));
}

function findParams(all: Record<string, Record<string, unknown>> | undefined, id: string): Record<string, unknown> | undefined {
  if (!all) return undefined;
  for (const key of Object.keys(all)) if (key.toUpperCase() === id.toUpperCase()) return all[key];
  return undefined;
}

/** Merges `given` over the control's parameter defaults, checking names, types and validators. */
export function resolveParams(control: Control, given: Record<string, unknown> | undefined): ControlParams {
  const out: Record<string, ParamValue | undefined> = {};
  for (const [name, spec] of Object.entries(control.parameters)) out[name] = spec.default;
  for (const [name, raw] of Object.entries(given ?? {})) {
    const spec = control.parameters[name];
    if (!spec) {
      const known = Object.keys(control.parameters);
      throw new ConfigError(`${control.id} has no parameter '${name}'${known.length ? `; it takes ${known.join(', ')}` : '; it takes none'}`);
    }
    let value: unknown = raw;
    if (spec.type === 'string[]' && typeof value === 'string') value = value.split(',').map((s) => s.trim()).filter(Boolean);
    const ok =
      (spec.type === 'string[]' && Array.isArray(value) && value.every((v) => typeof v === 'string')) ||
      (spec.type === 'string' && typeof value === 'string') ||
      (spec.type === 'boolean' && typeof value === 'boolean') ||
      (spec.type === 'number' && typeof value === 'number');
    if (!ok) throw new ConfigError(`${control.id} parameter '${name}' must be ${spec.type === 'string[]' ? 'a list of strings' : `a ${spec.type}`}`);
    const problem = spec.validate?.(value as ParamValue);
    if (problem) throw new ConfigError(`${control.id} parameter '${name}': ${problem}`);
    out[name] = value as ParamValue;
  }
  return out;
}

/** Parses a `--fail-on` value: a severity, or `none` (never fail). Throws ConfigError otherwise. */
export function parseFailOn(value: string): Severity | 'NONE' {
  const v = value.trim().toUpperCase();
  if (v === 'NONE') return 'NONE';
  if ((SEVERITY_ORDER as readonly string[]).includes(v)) return v as Severity;
  throw new ConfigError(`--fail-on must be one of low, medium, high, critical, none; got '${value}'`);
}
