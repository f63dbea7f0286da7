/**
 * The JSON report: the contract in ../shared/spec/cli-and-output.md (`version` 1). Fields are
 * only ever added; `violations`, `notes`, `skipped` and `baseline` (present only when a baseline
 * was applied) are additions to the contract's example.
 * Written in pieces, one finding at a time, so a report of 100,000 findings never exists as
 * one string in memory.
 */
import type { ScanResult } from '../engine/scan.js';
import { TOOL } from '../version.js';

/** Writes the JSON document of the output contract through `write`, piece by piece, ending with a newline. */
export function writeJson(result: ScanResult, write: (chunk: string) => void): void {
  const indent = (value: unknown, depth: number) => JSON.stringify(value, null, 2).replace(/\n/g, '\n' + '  '.repeat(depth));
  write(`{\n  "version": 1,\n  "tool": ${indent({ name: TOOL.name, version: TOOL.version }, 1)},\n`);
  const list = <T>(key: string, items: readonly T[], last = false, shape: (item: T) => unknown = (x) => x) => {
    if (items.length === 0) {
      write(`  "${key}": []${last ? '' : ','}\n`);
      return;
    }
    write(`  "${key}": [\n`);
    let buf = '';
    for (let i = 0; i < items.length; i++) {
      buf += '    ' + indent(shape(items[i]), 2) + (i < items.length - 1 ? ',\n' : '\n');
      if (buf.length > 1 << 16) { write(buf); buf = ''; }
    }
    write(buf + `  ]${last ? '' : ','}\n`);
  };
  // The contract gives `suppressed` as { reason, by, expires }: expires is null when the suppression has none.
  list('findings', result.findings, false, (f) => (f.suppressed ? { ...f, suppressed: { reason: f.suppressed.reason, by: f.suppressed.by, expires: f.suppressed.expires ?? null } } : f));
  list('errors', result.errors);
  list('skipped', result.skipped);
  // Only when a baseline was applied (`scan --baseline FILE`): { file, matched, fixed: [entries] }.
  if (result.baseline) write(`  "baseline": ${indent(result.baseline, 1)},\n`);
  write(`  "summary": ${indent(result.summary, 1)}\n}\n`);
}

/** The JSON report as one string (for small results and tests). */
export function renderJson(result: ScanResult): string {
  let out = '';
  writeJson(result, (s) => (out += s));
  return out;
}
