/**
 * Shared readings of a task definition that several controls make the same way:
 * its operating system, its containers, the principal of a container's `user`.
 * Rules from ../shared/spec/controls.md, "Scope and shared helpers".
 */
import type { ContainerDefinition, TaskDefinition } from '@aws-sdk/client-ecs';
import { isUnresolved, type Unresolved } from './index.js';

/** The operating system a task definition declares: explicit Linux, explicit Windows, unset, or unknown. */
export type OperatingSystem = 'LINUX' | 'WINDOWS' | 'UNSET' | Unresolved;

/**
 * Classifies `runtimePlatform.operatingSystemFamily`: any value starting with `WINDOWS_SERVER`
 * is Windows (WINDOWS_SERVER_2016_FULL ... 2025_FULL), `LINUX` is Linux, absent is `UNSET`.
 * Any other string is treated as Linux, as ECS rejects it anyway.
 */
export function operatingSystemOf(td: TaskDefinition): OperatingSystem {
  const rp: unknown = td.runtimePlatform;
  if (isUnresolved(rp)) return rp;
  if (rp === undefined || rp === null) return 'UNSET';
  const family: unknown = (rp as { operatingSystemFamily?: unknown }).operatingSystemFamily;
  if (isUnresolved(family)) return family;
  if (family === undefined || family === null || family === '') return 'UNSET';
  if (typeof family === 'string' && family.toUpperCase().startsWith('WINDOWS_SERVER')) return 'WINDOWS';
  return 'LINUX';
}

/** A container with its index in `containerDefinitions`, for building paths. */
export interface IndexedContainer {
  container: ContainerDefinition;
  index: number;
  /** `containerDefinitions[i]` */
  path: string;
  /** The container's `name`, or `#i` when it has none. */
  label: string;
}

/**
 * The containers of a task definition, or the reason they cannot be read: `containerDefinitions`
 * missing (a partial describe output) or unresolved. Unresolved entries are reported with their index.
 */
export function containersOf(
  td: TaskDefinition,
): { ok: true; containers: IndexedContainer[]; unresolved: { index: number; reason: string }[] } | { ok: false; reason: string } {
  const list: unknown = td.containerDefinitions;
  if (isUnresolved(list)) return { ok: false, reason: `containerDefinitions is unknown: ${list.unresolved}` };
  if (!Array.isArray(list)) return { ok: false, reason: 'the task definition has no containerDefinitions' };
  const containers: IndexedContainer[] = [];
  const unknown: { index: number; reason: string }[] = [];
  for (let index = 0; index < list.length; index++) {
    const c: unknown = list[index];
    if (isUnresolved(c)) {
      unknown.push({ index, reason: c.unresolved });
      continue;
    }
    const container = c as ContainerDefinition;
    const name: unknown = container.name;
    containers.push({
      container,
      index,
      path: `containerDefinitions[${index}]`,
      label: typeof name === 'string' && name !== '' ? name : `#${index}`,
    });
  }
  return { ok: true, containers, unresolved: unknown };
}

/**
 * The principal of a `user` value: the part before the first `:`, trimmed. `null` when the
 * user is missing, null or blank, or names only a group (`:1000`): "no user". Forms: user, user:group, uid, uid:gid, uid:group, user:gid.
 */
export function userPrincipal(user: string | null | undefined): string | null {
  if (user === undefined || user === null) return null;
  const colon = user.indexOf(':');
  const principal = (colon === -1 ? user : user.slice(0, colon)).trim();
  // ":1000" names no user: Docker then runs the image's default user, as with no user at all.
  return principal === '' ? null : principal;
}

/** True when `user` names a principal (see {@link userPrincipal}). */
export function hasUser(user: string | null | undefined): boolean {
  return userPrincipal(user) !== null;
}

/**
 * Linux root: the principal is `root`, or all digits with value 0 (`0`, `00`), so `0:0`,
 * `root:root`, `0:1000` and `root:app` are root. Case-sensitive, as Linux user names are.
 */
export function isLinuxRoot(user: string): boolean {
  const p = userPrincipal(user);
  if (p === null) return false;
  return p === 'root' || /^0+$/.test(p);
}

/** Windows admin: the whole value, trimmed, is `ContainerAdministrator` in any letter case (Windows names are case-insensitive). */
export function isWindowsAdmin(user: string): boolean {
  return user.trim().toLowerCase() === 'containeradministrator';
}

/** Tag keys starting with `aws:` are system tags and never count (Security Hub ECS.13-15). */
export function isSystemTagKey(key: string): boolean {
  return key.toLowerCase().startsWith('aws:');
}
