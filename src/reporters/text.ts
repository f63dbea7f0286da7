/**
 * The text report for terminals: findings grouped by resource, resources with failures first,
 * FAILED then NOT_AVAILABLE findings with reason and location, PASSED controls on one line, with
 * ecsguard's hardening checks (ECSG.*) after Security Hub's controls under their own heading,
 * then input errors and skipped revisions, the baseline's known and fixed findings when one was
 * applied, and a one-line summary. `quiet` leaves out PASSED and suppressed findings. Wraps at
 * `width` columns (default 80). Colour only when asked (the CLI asks on a TTY without NO_COLOR).
 */
import { createColors } from 'picocolors';
import type { ScanResult } from '../engine/scan.js';
import type { Finding, Location } from '../model/index.js';
import { forTerminal } from './terminal.js';
import { CONTROL_SET_TITLES } from '../controls/index.js';
import { setOf } from './sets.js';

/** Options of the text report. */
export interface TextOptions {
  color?: boolean;
  /** Show only FAILED and NOT_AVAILABLE findings that are not suppressed (and the summary). */
  quiet?: boolean;
  /** Terminal width in columns; at least 40. */
  width?: number;
}

/** Formats a location as `file:line:column`. */
export function formatLocation(loc: Location | null): string {
  return loc ? `${loc.file}:${loc.line}:${loc.column}` : '';
}

/** Every string of `value` passed through {@link forTerminal} (names, reasons and messages come from inputs). */
function sanitized<T>(value: T): T {
  if (typeof value === 'string') return forTerminal(value) as T;
  if (Array.isArray(value)) return value.map(sanitized) as T;
  if (value && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) out[k] = sanitized(v);
    return out as T;
  }
  return value;
}

/** Renders the text report. Text from inputs is escaped so it cannot drive the terminal. */
export function renderText(raw: ScanResult, options: TextOptions = {}): string {
  const result: ScanResult = { ...raw, findings: sanitized(raw.findings), errors: sanitized(raw.errors), skipped: sanitized(raw.skipped) };
  const c = createColors(options.color ?? false);
  const width = Math.max(40, options.width ?? 80);
  const lines: string[] = [];
  const groups = new Map<string, Finding[]>();
  for (const f of result.findings) {
    const key = `${f.resource.type}\u0000${f.resource.id}\u0000${f.resource.root ?? f.location?.file ?? f.resource.arn ?? ''}`;
    let g = groups.get(key);
    if (!g) groups.set(key, (g = []));
    g.push(f);
  }
  const rank = (fs: Finding[]) => (fs.some((f) => f.status === 'FAILED' && !f.suppressed) ? 0 : fs.some((f) => f.status === 'NOT_AVAILABLE') ? 1 : 2);
  const ordered = [...groups.values()].sort((a, b) => rank(a) - rank(b));
  const statusLabel = (f: Finding) =>
    f.suppressed ? c.dim('SUPPRESSED   ') : f.status === 'FAILED' ? c.red(c.bold('FAILED       ')) : f.status === 'NOT_AVAILABLE' ? c.yellow('NOT_AVAILABLE') : f.status === 'WARNING' ? c.yellow('WARNING      ') : c.green('PASSED       ');
  const indent = '    ';
  for (const fs of ordered) {
    // Quiet reports leave out suppressed findings too (a baseline may hold hundreds); the summary counts them.
    const listed = (f: Finding) => f.status !== 'PASSED' && !(options.quiet && f.suppressed);
    const bad = fs.filter(listed);
    if (options.quiet && bad.length === 0) continue;
    const first = fs[0];
    const where = first.location ? first.location.file : first.resource.arn ?? '';
    const head = `${shortType(first.resource.type)} ${first.resource.id}`;
    lines.push(head.length + where.length + 2 <= width ? c.bold(head) + (where ? c.dim(`  ${where}`) : '') : c.bold(head));
    if (where && head.length + where.length + 2 > width) lines.push('  ' + c.dim(where));
    if (first.resource.cdkPath) lines.push('  ' + c.dim(`construct ${first.resource.cdkPath}`));
    if (first.resource.root && first.resource.id.startsWith('module.')) lines.push('  ' + c.dim(`root module ${first.resource.root}`));
    // Security Hub's controls first; ecsguard's hardening checks after them, under their own heading.
    const parts = [fs.filter((f) => setOf(f) === 'security-hub'), fs.filter((f) => setOf(f) === 'extra')];
    parts.forEach((part, k) => {
      const partBad = part.filter(listed);
      if (part.length === 0 || (options.quiet && partBad.length === 0)) return;
      if (k === 1) lines.push('  ' + c.bold(c.cyan(CONTROL_SET_TITLES.extra)));
      const sorted = [...partBad].sort((a, b) => order(a) - order(b));
      for (const f of sorted) {
        lines.push(`  ${statusLabel(f)} ${c.bold(f.control.padEnd(6))} ${c.dim(f.severity)}`);
        for (const l of wrap(f.reason, width - indent.length)) lines.push(indent + l);
        for (const l of atLines(f.location, f.path, width - indent.length)) lines.push(indent + c.dim(l));
        for (const v of f.violations) {
          for (const [i, l] of wrap(v.reason, width - indent.length - 2).entries()) lines.push(indent + (i === 0 ? '- ' : '  ') + l);
          for (const l of atLines(v.location, v.path, width - indent.length - 2)) lines.push(indent + '  ' + c.dim(l));
        }
        for (const n of f.notes) for (const [i, l] of wrap(`note: ${n}`, width - indent.length).entries()) lines.push(indent + (i ? '  ' : '') + c.dim(l));
        if (f.suppressed) lines.push(indent + c.dim(`suppressed by ${f.suppressed.by}: ${f.suppressed.reason}${f.suppressed.expires ? ` (until ${f.suppressed.expires})` : ''}`));
      }
      const passed = part.filter((f) => f.status === 'PASSED').map((f) => f.control);
      if (passed.length && !options.quiet) {
        const label = `  ${c.green('PASSED       ')} `;
        const w = wrap(passed.join(' '), width - 16);
        w.forEach((l, i) => lines.push((i === 0 ? label : ' '.repeat(16)) + l));
      }
    });
    lines.push('');
  }
  if (result.errors.length) {
    lines.push(c.bold(c.red(`Input errors (${result.errors.length})`)));
    for (const e of result.errors) {
      const loc = e.line ? `${e.file}:${e.line}${e.column ? `:${e.column}` : ''}` : e.file;
      const w = wrap(e.message, width - indent.length);
      lines.push(`  ${loc}`);
      for (const l of w) lines.push(indent + l);
    }
    lines.push('');
  }
  if (result.skipped.length && !options.quiet) {
    lines.push(c.bold(`Not judged (${result.skipped.length})`));
    for (const s of result.skipped) {
      lines.push(`  ${shortType(s.resource.type)} ${s.resource.id}${s.location ? c.dim(`  ${s.location.file}`) : ''}`);
      for (const l of wrap(s.reason, width - indent.length)) lines.push(indent + c.dim(l));
    }
    lines.push('');
  }
  if (result.baseline) lines.push(...baselineLines(result.baseline, width, c));
  // Large scans make the line long: the word "findings:" and a zero error count go first, so it still fits.
  lines.push(summaryLine(result, c));
  return lines.join('\n') + '\n';
}

/**
 * The baseline part of the summary: `baseline FILE: N known, F fixed since`, then one line per
 * fixed entry (`fixed ECS.5 TaskDefinition web  infra/web.yaml`).
 */
function baselineLines(b: NonNullable<ScanResult['baseline']>, width: number, c: ReturnType<typeof createColors>): string[] {
  const out = [`baseline ${forTerminal(b.file)}: ${b.matched} known, ${b.fixed.length} fixed since`];
  for (const e of b.fixed) {
    const head = `  ${c.green('fixed')} ${forTerminal(e.control)} ${shortType(e.resource.type)} ${forTerminal(e.resource.id)}`;
    const where = e.file ? forTerminal(e.file) : '';
    const plain = `  fixed ${e.control} ${shortType(e.resource.type)} ${e.resource.id}`;
    if (!where) out.push(head);
    else if (plain.length + where.length + 2 <= width) out.push(`${head}  ${c.dim(where)}`);
    else out.push(head, `    ${c.dim(where)}`);
  }
  return out;
}

/** `at file:line:col  path`, on two lines when it does not fit. */
function atLines(loc: Location | null, path: string | null, width: number): string[] {
  const where = formatLocation(loc);
  if (!where && !path) return [];
  const one = `at ${[where, path].filter(Boolean).join('  ')}`;
  if (one.length <= width || !where || !path) return [one];
  return [`at ${where}`, `   ${path}`];
}

function order(f: Finding): number {
  if (f.suppressed) return 3;
  return f.status === 'FAILED' ? 0 : f.status === 'NOT_AVAILABLE' ? 1 : 2;
}

function shortType(type: string): string {
  return type.replace('AWS::ECS::', '');
}

/**
 * The closing summary line, always in this form (zero counts of the optional parts left out):
 * `N resources; F failed, P passed[, U not available][, S suppressed]; [K skipped; ]E input errors`
 * (K: revisions not judged, the JSON report's `skipped`).
 */
export function summaryLine(result: ScanResult, c = createColors(false)): string {
  const s = result.summary;
  const findings = [(s.failed ? c.red : c.green)(`${s.failed} failed`), `${s.passed} passed`];
  if (s.notAvailable) findings.push(c.yellow(`${s.notAvailable} not available`));
  if (s.suppressed) findings.push(`${s.suppressed} suppressed`);
  const parts = [`${s.resources} resource${s.resources === 1 ? '' : 's'}`, findings.join(', ')];
  if (s.skipped) parts.push(`${s.skipped} skipped`);
  parts.push((s.errors ? c.red : (x: string) => x)(`${s.errors} input error${s.errors === 1 ? '' : 's'}`));
  return parts.join('; ');
}

/** Word-wraps `text` to `width` columns; words longer than the width are cut. */
export function wrap(text: string, width: number): string[] {
  const out: string[] = [];
  let line = '';
  for (let word of text.split(/\s+/)) {
    if (!word) continue;
    while (word.length > width) {
      if (line) { out.push(line); line = ''; }
      out.push(word.slice(0, width));
      word = word.slice(width);
    }
    if (!line) line = word;
    else if (line.length + 1 + word.length <= width) line += ' ' + word;
    else { out.push(line); line = word; }
  }
  if (line) out.push(line);
  return out.length ? out : [''];
}
