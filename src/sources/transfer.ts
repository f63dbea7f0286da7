/**
 * Resources in a form that crosses a worker thread boundary (structured clone): the properties
 * as they are (Unresolved markers are plain objects), and `locate` replaced by a table of the
 * location of every property path, with the same nearest-ancestor fallback on the other side.
 */
import { isUnresolved, type Location, type Resource, type ResourceVariant } from '../model/index.js';

/** `[path, line, column]`; the file is the resource's. */
type Row = [string, number, number];

interface LocationTable {
  file: string | null;
  /** locate(null): the resource as a whole. */
  root: Location | null;
  /** locate(''): where a missing top-level property points (CloudFormation: the Properties key). */
  top: Location | null;
  rows: Row[];
}

/** A resource ready for `postMessage`. */
export interface TransferredResource extends Omit<Resource, 'locate' | 'variants'> {
  table: LocationTable;
  variants?: (Omit<ResourceVariant, 'locate'> & { table: LocationTable })[];
}

/** Every property path of `value`, as ECS API paths (`a.b[0].c`). Unresolved markers are leaves. */
function paths(value: unknown, prefix: string, out: string[]): void {
  if (value === null || typeof value !== 'object' || isUnresolved(value)) return;
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) {
      const p = `${prefix}[${i}]`;
      out.push(p);
      paths(value[i], p, out);
    }
    return;
  }
  for (const key of Object.keys(value)) {
    const p = prefix ? `${prefix}.${key}` : key;
    out.push(p);
    paths((value as Record<string, unknown>)[key], p, out);
  }
}

function tableOf(properties: unknown, locate: (path: string | null) => Location | null): LocationTable {
  const root = locate(null);
  const all: string[] = [];
  paths(properties, '', all);
  const rows: Row[] = [];
  let file: string | null = root?.file ?? null;
  for (const p of all) {
    const loc = locate(p);
    if (!loc) continue;
    file ??= loc.file;
    rows.push([p, loc.line, loc.column]);
  }
  return { file, root, top: locate(''), rows };
}

function locatorOf(table: LocationTable): (path: string | null) => Location | null {
  const map = new Map<string, Row>();
  for (const r of table.rows) map.set(r[0], r);
  return (path) => {
    if (path === null || table.file === null) return table.root;
    let p = path;
    while (p) {
      const r = map.get(p);
      if (r) return { file: table.file, line: r[1], column: r[2] };
      const cut = Math.max(p.lastIndexOf('.'), p.lastIndexOf('['));
      p = cut > 0 ? p.slice(0, cut) : '';
    }
    return table.top;
  };
}

/** Packs a resource for another thread. */
export function toTransfer(r: Resource): TransferredResource {
  const { locate, variants, ...rest } = r;
  const out: TransferredResource = { ...rest, table: tableOf(r.properties, locate) };
  if (variants) out.variants = variants.map(({ locate: vl, ...v }) => ({ ...v, table: tableOf(v.properties, vl) }));
  return out;
}

/** Unpacks a resource packed by {@link toTransfer}. */
export function fromTransfer(t: TransferredResource): Resource {
  const { table, variants, ...rest } = t;
  const r: Resource = { ...rest, locate: locatorOf(table) };
  if (variants) r.variants = variants.map(({ table: vt, ...v }) => ({ ...v, locate: locatorOf(vt) }));
  return r;
}
