/**
 * `--where` filters for the inventory: `key=value` or `key!=value`, ANDed. Keys are the column
 * names users guess (`user`, `os`, `privileged`, `failing`, `image` ...); comparison ignores case;
 * `os=windows` matches every WINDOWS_SERVER_* family, `failing=ECS.21` a container that fails it,
 * `user=none` one without a user, `image=nginx` any image that contains nginx.
 */
import { ConfigError } from '../engine/configuration.js';
import { controlById } from '../controls/index.js';
import type { ContainerRow } from './rows.js';

type Getter = (r: ContainerRow) => string | string[];
const KEYS: Record<string, Getter> = {
  resource: (r) => r.resource,
  family: (r) => r.family,
  container: (r) => r.container,
  name: (r) => r.container,
  image: (r) => r.image,
  os: (r) => r.os,
  network: (r) => r.network,
  networkmode: (r) => r.network,
  user: (r) => r.user,
  privileged: (r) => String(r.privileged),
  readonly: (r) => String(r.readonlyRootFilesystem),
  readonlyrootfilesystem: (r) => String(r.readonlyRootFilesystem),
  log: (r) => r.logDriver,
  logdriver: (r) => r.logDriver,
  secrets: (r) => r.secretEnvironment,
  efs: (r) => r.efsWithoutTransitEncryption,
  failing: (r) => r.failing,
};

/** A parsed filter. */
export type RowFilter = (row: ContainerRow) => boolean;

function matchOne(key: string, have: string, want: string): boolean {
  const h = have.toLowerCase();
  const w = want.toLowerCase();
  if (key === 'os') return w === 'windows' ? h.startsWith('windows_server') : w === 'linux' ? h === 'linux' : h === w;
  if (key === 'image') return h.includes(w);
  return h === w;
}

/** Parses `--where` expressions; throws ConfigError (exit 2) naming the known keys. */
export function parseWhere(expressions: readonly string[]): RowFilter {
  const tests = expressions.map((expr): RowFilter => {
    const m = /^\s*([A-Za-z.]+)\s*(!=|=)\s*(.*?)\s*$/.exec(expr);
    if (!m) throw new ConfigError(`--where '${expr}': expected key=value or key!=value, e.g. user=none, os=windows, privileged=true, failing=ECS.21`);
    const key = m[1].toLowerCase();
    const get = KEYS[key];
    if (!get) throw new ConfigError(`--where '${expr}': unknown key '${m[1]}'; keys: ${Object.keys(KEYS).join(', ')}`);
    const negate = m[2] === '!=';
    const want = m[3];
    if (key === 'failing' && want !== '' && want.toLowerCase() !== 'none' && !controlById(want)) {
      throw new ConfigError(`--where '${expr}': no control is named ${want}; run 'ecsguard controls' for the list`);
    }
    return (row) => {
      const v = get(row);
      const hit = Array.isArray(v) ? (want === '' || want.toLowerCase() === 'none' ? v.length === 0 : v.some((x) => matchOne(key, x, want))) : matchOne(key, v, want);
      return negate ? !hit : hit;
    };
  });
  return (row) => tests.every((t) => t(row));
}
