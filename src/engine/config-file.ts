/**
 * The configuration file (`.ecsguard.yml`, or `--config FILE`): controls to run or skip,
 * control parameters and the severity gate.
 *
 * ```yaml
 * controls: [ECS.1, ECS.20, ECS.21]   # optional: exactly these
 * skip-controls: [ECS.15]
 * fail-on: high
 * parameters:
 *   ECS.15: { requiredTagKeys: [team, cost-center] }
 * ```
 */
import { readFileSync } from 'node:fs';
import { LineCounter, parseDocument } from 'yaml';
import { controlById } from '../controls/index.js';
import { ConfigError, resolveParams, type EngineOptions } from './configuration.js';

/** What the configuration file sets. */
export interface FileConfig extends EngineOptions {
  failOn?: string;
}

const KEYS = new Set(['controls', 'skip-controls', 'fail-on', 'parameters', 'all-revisions']);

/** Reads and checks a configuration file. Throws ConfigError naming the file (and line) on any problem. */
export function loadConfigFile(file: string): FileConfig {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (e) {
    throw new ConfigError(`${file}: cannot read the configuration file: ${(e as Error).message}`);
  }
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { prettyErrors: false, lineCounter });
  if (doc.errors.length) {
    const err = doc.errors[0];
    const pos = lineCounter.linePos(err.pos[0]);
    throw new ConfigError(`${file}:${pos.line}:${pos.col}: invalid YAML: ${err.message.split('\n')[0].replace(/ at line \d+, column \d+:?$/, '')}`);
  }
  const raw: unknown = doc.toJS() ?? {};
  if (typeof raw !== 'object' || Array.isArray(raw) || raw === null) throw new ConfigError(`${file}: the configuration must be a mapping`);
  const obj = raw as Record<string, unknown>;
  for (const key of Object.keys(obj)) {
    if (!KEYS.has(key)) throw new ConfigError(`${file}: unknown key '${key}'; known keys: ${[...KEYS].join(', ')}`);
  }
  const list = (key: string): string[] | undefined => {
    const v = obj[key];
    if (v === undefined || v === null) return undefined;
    if (typeof v === 'string') return v.split(',').map((s) => s.trim()).filter(Boolean);
    if (Array.isArray(v) && v.every((x) => typeof x === 'string')) return v as string[];
    throw new ConfigError(`${file}: '${key}' must be a list of control IDs`);
  };
  const params = obj.parameters;
  if (params !== undefined && (typeof params !== 'object' || params === null || Array.isArray(params))) {
    throw new ConfigError(`${file}: 'parameters' must map control IDs to parameter mappings`);
  }
  for (const [id, p] of Object.entries((params ?? {}) as Record<string, unknown>)) {
    if (typeof p !== 'object' || p === null || Array.isArray(p)) throw new ConfigError(`${file}: parameters of ${id} must be a mapping`);
  }
  const failOn = obj['fail-on'];
  if (failOn !== undefined && (typeof failOn !== 'string' || !/^(low|medium|high|critical|none)$/i.test(failOn))) throw new ConfigError(`${file}: 'fail-on' must be low, medium, high, critical or none`);
  for (const [id, p] of Object.entries((params ?? {}) as Record<string, Record<string, unknown>>)) {
    const control = controlById(id);
    if (!control) throw new ConfigError(`${file}: parameters: unknown control '${id}'`);
    try {
      resolveParams(control, p);
    } catch (e) {
      throw new ConfigError(`${file}: ${(e as Error).message}`);
    }
  }
  const allRevisions = obj['all-revisions'];
  if (allRevisions !== undefined && typeof allRevisions !== 'boolean') throw new ConfigError(`${file}: 'all-revisions' must be true or false`);
  return {
    controls: list('controls'),
    skipControls: list('skip-controls'),
    parameters: params as Record<string, Record<string, unknown>> | undefined,
    failOn,
    allRevisions,
  };
}
