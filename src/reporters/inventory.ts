/**
 * The inventory report in three formats: a text table that fits the terminal, JSON, and CSV
 * (RFC 4180, one header row, via csv-stringify; cells that would start a spreadsheet formula get a
 * leading apostrophe).
 */
import { stringify } from 'csv-stringify/sync';
import type { ContainerRow, ServiceRow } from '../inventory/rows.js';
import { TOOL } from '../version.js';
import { forTerminal } from './terminal.js';
import { wrap } from './text.js';

interface Column<R> {
  title: string;
  get: (r: R) => string;
  min: number;
  /** Lower is dropped first when the table does not fit. */
  priority: number;
  shrink?: (value: string, width: number) => string;
}

const yes = (v: boolean | 'unknown') => (v === 'unknown' ? '?' : v ? 'yes' : 'no');

/** Shortens an image reference to `width`, keeping its name and tag: the registry host goes first. */
export function shortenImage(image: string, width: number): string {
  if (image.length <= width) return image;
  const slash = image.indexOf('/');
  const host = slash > 0 ? image.slice(0, slash) : '';
  if (host && (host.includes('.') || host.includes(':'))) {
    const rest = '…/' + image.slice(slash + 1);
    if (rest.length <= width) return rest;
    image = rest;
  }
  return ellipsis(image, width);
}

/** Cuts `text` to `width` with an ellipsis in the middle, keeping both ends. */
function ellipsis(text: string, width: number): string {
  if (text.length <= width) return text;
  if (width <= 1) return text.slice(0, width);
  const tail = Math.ceil((width - 1) / 2);
  return text.slice(0, width - 1 - tail) + '…' + text.slice(text.length - tail);
}

const CONTAINER_COLUMNS: Column<ContainerRow>[] = [
  { title: 'FAMILY', get: (r) => r.family, min: 8, priority: 9, shrink: ellipsis },
  { title: 'CONTAINER', get: (r) => r.container, min: 7, priority: 9, shrink: ellipsis },
  { title: 'IMAGE', get: (r) => r.image, min: 13, priority: 8, shrink: shortenImage },
  { title: 'USER', get: (r) => r.user, min: 9, priority: 9, shrink: ellipsis },
  // WINDOWS_SERVER_2022_CORE reads W2022CORE in the table.
  { title: 'OS', get: (r) => r.os.replace(/^WINDOWS_SERVER_(\w+?)_?(CORE|FULL)$/, 'W$1$2'), min: 5, priority: 8, shrink: ellipsis },
  { title: 'PRIV', get: (r) => yes(r.privileged), min: 4, priority: 7 },
  { title: 'RO', get: (r) => yes(r.readonlyRootFilesystem), min: 3, priority: 7 },
  // Control numbers only (the header says ECS.), so a container failing five controls still fits.
  { title: 'FAILS ECS.', get: (r) => r.failing.map((id) => id.replace(/^ECS\./, '')).join(',') || '-', min: 10, priority: 9 },
  { title: 'NETWORK', get: (r) => r.network, min: 6, priority: 4 },
  { title: 'LOG', get: (r) => r.logDriver, min: 4, priority: 5, shrink: ellipsis },
  { title: 'SECRET-ENV', get: (r) => r.secretEnvironment.join(',') || '-', min: 10, priority: 6, shrink: ellipsis },
  { title: 'EFS-NO-TLS', get: (r) => r.efsWithoutTransitEncryption.join(',') || '-', min: 10, priority: 3, shrink: ellipsis },
  { title: 'LOCATION', get: (r) => r.location, min: 12, priority: 2, shrink: ellipsis },
];

const SERVICE_COLUMNS: Column<ServiceRow>[] = [
  { title: 'SERVICE', get: (r) => r.service, min: 12, priority: 9, shrink: ellipsis },
  { title: 'CLUSTER', get: (r) => r.cluster.replace(/^arn:[^:]*:ecs:[^:]*:[^:]*:cluster\//, ''), min: 10, priority: 8, shrink: ellipsis },
  { title: 'LAUNCH', get: (r) => r.launchType, min: 7, priority: 8, shrink: ellipsis },
  { title: 'PLATFORM', get: (r) => r.platformVersion || '-', min: 8, priority: 7, shrink: ellipsis },
  { title: 'PUBLIC-IP', get: (r) => r.assignPublicIp, min: 9, priority: 9, shrink: ellipsis },
  { title: 'TASK-DEFINITION', get: (r) => r.taskDefinition.replace(/^arn:[^:]*:ecs:[^:]*:[^:]*:task-definition\//, ''), min: 15, priority: 7, shrink: ellipsis },
  { title: 'LOCATION', get: (r) => r.location, min: 12, priority: 2, shrink: ellipsis },
];

/**
 * Lays out rows as a table of at most `width` columns: first drops the optional columns
 * (priority below 6, least important first), then shrinks the widest shrinkable columns down to
 * their minimum, then drops more.
 */
function table<R>(rows: R[], columns: Column<R>[], width: number): { lines: string[]; hidden: string[] } {
  const cells = rows.map((r) => columns.map((c) => forTerminal(c.get(r))));
  let cols = columns.map((c, i) => ({ c, i, w: Math.min(48, Math.max(c.title.length, ...cells.map((row) => row[i].length))) }));
  const total = () => cols.reduce((n, x) => n + x.w, 0) + 2 * (cols.length - 1);
  const hidden: string[] = [];
  const dropLowest = (below: number): boolean => {
    const drop = [...cols].filter((x) => x.c.priority < below).sort((a, b) => a.c.priority - b.c.priority)[0];
    if (!drop) return false;
    hidden.push(drop.c.title);
    cols = cols.filter((x) => x !== drop);
    return true;
  };
  while (total() > width && dropLowest(6));
  const floorTotal = () => cols.reduce((n, x) => n + (x.c.shrink ? Math.min(x.w, Math.max(x.c.min, x.c.title.length)) : x.w), 0) + 2 * (cols.length - 1);
  while (floorTotal() > width && cols.length > 3 && dropLowest(100));
  while (total() > width) {
    const floor = (x: (typeof cols)[number]) => Math.max(x.c.min, x.c.title.length);
    const widest = cols.filter((x) => x.c.shrink && x.w > floor(x)).sort((a, b) => b.w - floor(b) - (a.w - floor(a)))[0];
    if (widest) {
      widest.w = Math.max(floor(widest), widest.w - (total() - width));
      continue;
    }
    if (cols.length <= 3 || !dropLowest(100)) break;
  }
  const fit = (x: (typeof cols)[number], v: string) => (v.length > x.w ? (x.c.shrink ?? ellipsis)(v, x.w) : v).padEnd(x.w);
  const lines = [cols.map((x) => x.c.title.padEnd(x.w)).join('  ').trimEnd()];
  for (const row of cells) lines.push(cols.map((x) => fit(x, row[x.i])).join('  ').trimEnd());
  return { lines, hidden };
}

/** The text report: containers, then services, each a table fitting `width` columns. */
export function renderInventoryText(containers: ContainerRow[], services: ServiceRow[], width = 80): string {
  const out: string[] = [];
  if (containers.length === 0 && services.length === 0) return 'no task definitions or services found\n';
  if (containers.length) {
    out.push(`Containers (${containers.length})`);
    const t = table(containers, CONTAINER_COLUMNS, width);
    out.push(...t.lines);
    if (t.hidden.length) out.push(...wrap(`(not shown at this width: ${t.hidden.join(', ')}; use --format csv or json for every column)`, width));
  }
  if (services.length) {
    if (out.length) out.push('');
    out.push(`Services (${services.length})`);
    const t = table(services, SERVICE_COLUMNS, width);
    out.push(...t.lines);
    if (t.hidden.length) out.push(...wrap(`(not shown at this width: ${t.hidden.join(', ')})`, width));
  }
  return out.join('\n') + '\n';
}

/** The JSON report: `{ version, tool, containers, services }`. */
export function renderInventoryJson(containers: ContainerRow[], services: ServiceRow[]): string {
  return JSON.stringify({ version: 1, tool: { name: TOOL.name, version: TOOL.version }, containers, services }, null, 2) + '\n';
}

const CSV_HEADER = ['resource', 'location', 'family', 'container', 'image', 'os', 'network', 'user', 'privileged', 'readonlyRootFilesystem', 'logDriver', 'secretEnvironment', 'efsWithoutTransitEncryption', 'failing'] as const;

/**
 * The CSV report of containers (RFC 4180: CRLF line ends, fields with commas, quotes or line
 * breaks quoted, quotes doubled). List cells join their items with a space.
 */
export function renderInventoryCsv(containers: ContainerRow[]): string {
  const rows = containers.map((r) => CSV_HEADER.map((k) => {
    const v = r[k];
    return Array.isArray(v) ? v.join(' ') : String(v);
  }));
  // escape_formulas: a cell starting with = + - @ would run as a formula in a spreadsheet; it gets a leading '.
  return stringify([[...CSV_HEADER], ...rows], { record_delimiter: 'windows', escape_formulas: true });
}
