/**
 * `ecsguard fix PATH...`: the hardened version of what fails, as a unified diff on standard
 * output (the default, `--diff`, ready for `git apply`) or written to the files (`--write`), with
 * what was changed, what a human must still do, and what was not changed and why on standard
 * error (standard output with `--write`). `--format json` gives all of it as one JSON document.
 * `--aws` hands over to the live-account rollout (src/cli/fix-aws.ts).
 */
import { writeFileSync } from 'node:fs';
import { structuredPatch } from 'diff';
import pc from 'picocolors';
import { fixPaths, type FixReport } from '../fix/index.js';
import type { FixSettings } from '../fix/plan.js';
import type { ScanOptions } from '../api.js';
import { forTerminal } from '../reporters/terminal.js';

/** The fix command's own flags (the source options are shared with scan). */
export interface FixFlags {
  write?: boolean;
  diff?: boolean;
  format?: string;
  linuxUser?: string;
  windowsUser?: string;
  logGroupPrefix?: string;
  quiet?: boolean;
  color: boolean;
}

/** A unified diff of one file in git's format (`diff --git a/F b/F`), so `git apply` takes it. */
export function unifiedDiff(file: string, before: string, after: string): string {
  const name = file.replace(/\\/g, '/').replace(/^\.\//, '');
  const patch = structuredPatch(`a/${name}`, `b/${name}`, before, after, '', '', { context: 3 });
  const lines = [`diff --git a/${name} b/${name}`, `--- a/${name}`, `+++ b/${name}`];
  for (const h of patch.hunks) {
    lines.push(`@@ -${h.oldStart},${h.oldLines} +${h.newStart},${h.newLines} @@`);
    lines.push(...h.lines);
  }
  return lines.join('\n') + '\n';
}

function colourDiff(diff: string): string {
  return diff
    .split('\n')
    .map((l) => (l.startsWith('+++') || l.startsWith('---') || l.startsWith('diff ') ? pc.bold(l) : l.startsWith('+') ? pc.green(l) : l.startsWith('-') ? pc.red(l) : l.startsWith('@@') ? pc.cyan(l) : l))
    .join('\n');
}

/** The human summary: per resource, what changed and the todo list; then what was not changed, guidance and input errors. */
export function renderFixSummary(report: FixReport, written: boolean): string {
  const out: string[] = [];
  const byResource = new Map<string, { changes: string[]; todo: string[] }>();
  for (const a of report.applied) {
    const key = `${a.resource.type} ${a.resource.id}${a.resource.file ? ` (${a.resource.file})` : ''}`;
    const e = byResource.get(key) ?? { changes: [], todo: [] };
    e.changes.push(...a.changes.map((c) => `${a.control}: ${c}`));
    for (const t of a.todo) if (!e.todo.includes(t)) e.todo.push(t);
    byResource.set(key, e);
  }
  for (const [key, e] of byResource) {
    out.push(`${key}`);
    for (const c of e.changes) out.push(`  fixed    ${c}`);
    for (const t of e.todo) out.push(`  to do    ${t}`);
  }
  if (report.refused.length) {
    out.push('not changed automatically:');
    for (const r of report.refused) out.push(`  ${r.control} on ${r.resource.id}: ${r.reason}`);
  }
  if (report.guidance.length) {
    out.push('next steps:');
    for (const g of report.guidance) out.push(`  ${g}`);
  }
  for (const e of report.errors) out.push(`input error: ${e.file}${e.line ? `:${e.line}${e.column ? `:${e.column}` : ''}` : ''}: ${e.message}`);
  const files = report.changes.length;
  out.push(
    files === 0
      ? `nothing to change in the ${report.resources} resource(s) read${report.refused.length ? ` (${report.refused.length} failing control(s) need a human)` : ''}`
      : `${report.applied.length} fix(es) in ${files} file(s) ${written ? 'written' : 'shown as a diff (run again with --write to change the files)'}; ${report.refused.length} not changed automatically`,
  );
  return out.map((l) => forTerminal(l)).join('\n') + '\n';
}

/**
 * Runs `fix` on files. Returns the exit code: 0 when it ran (refusals are listed, not failures),
 * 2 when no input could be read. Throws UsageError-like errors from the scan options as scan does.
 */
export async function runFixFiles(inputs: string[], options: ScanOptions, flags: FixFlags, settings: FixSettings, region: string | undefined, write: (chunk: string) => void, colour: boolean): Promise<number> {
  const report = await fixPaths(inputs, { ...options, fix: settings, region });
  const doWrite = flags.write === true;
  if (doWrite) for (const c of report.changes) writeFileSync(c.file, c.after);
  if ((flags.format ?? 'text') === 'json') {
    write(JSON.stringify({
      mode: doWrite ? 'write' : 'diff',
      files: report.changes.map((c) => ({ file: c.file, diff: unifiedDiff(c.file, c.before, c.after) })),
      applied: report.applied,
      refused: report.refused,
      guidance: report.guidance,
      errors: report.errors,
    }, null, 2) + '\n');
  } else if (doWrite) {
    for (const c of report.changes) write(`wrote ${c.file}\n`);
    if (!flags.quiet) write(renderFixSummary(report, true));
  } else {
    for (const c of report.changes) {
      const d = unifiedDiff(c.file, c.before, c.after);
      write(colour ? colourDiff(d) : d);
    }
    if (!flags.quiet || report.errors.length) process.stderr.write(renderFixSummary(report, false));
  }
  return report.resources === 0 && report.errors.length > 0 ? 2 : 0;
}
