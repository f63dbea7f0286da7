/**
 * Markdown (`--format markdown`): a compact summary for a pull-request comment or
 * `$GITHUB_STEP_SUMMARY`: counts, a table of FAILED findings (severity first) for Security Hub's
 * controls and, under its own heading, one for ecsguard's hardening checks, NOT_AVAILABLE
 * findings and input errors in collapsed sections. Text from inputs is escaped so it cannot
 * break the table or inject HTML.
 */
import type { ScanResult } from '../engine/scan.js';
import { SEVERITY_ORDER, type Finding } from '../model/index.js';
import { TOOL } from '../version.js';
import { formatLocation } from './text.js';
import { CONTROL_SET_TITLES, CONTROL_SETS } from '../controls/index.js';
import { setOf } from './sets.js';

/** Escapes text for a Markdown table cell: pipes, backticks, emphasis and HTML; newlines become spaces. */
export function mdCell(text: string): string {
  return text
    .replace(/[\r\n]+/g, ' ')
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/([\\`*_[\]|#~])/g, '\\$1');
}

const MAX_ROWS = 200;

/** Renders the Markdown summary. */
export function renderMarkdown(result: ScanResult): string {
  const s = result.summary;
  const out: string[] = [];
  const icon = s.failed ? '❌' : '✅';
  out.push(`## ${icon} ecsguard: ${s.failed} failed, ${s.passed} passed${s.notAvailable ? `, ${s.notAvailable} not available` : ''}`);
  out.push('');
  const hardening = result.findings.some((f) => setOf(f) === 'extra');
  out.push(`${s.resources} resource${s.resources === 1 ? '' : 's'} judged against the AWS Security Hub ECS controls${hardening ? ' and ecsguard\'s hardening checks (ECSG)' : ''}${s.skipped ? `; ${s.skipped} not judged (older or INACTIVE revisions)` : ''}${s.errors ? `; **${s.errors} input error${s.errors === 1 ? '' : 's'}**` : ''}.`);
  out.push('');
  const failed = result.findings.filter((f) => f.status === 'FAILED' && !f.suppressed);
  const bySeverity = (a: Finding, b: Finding) => SEVERITY_ORDER.indexOf(b.severity) - SEVERITY_ORDER.indexOf(a.severity) || a.control.localeCompare(b.control, 'en', { numeric: true });
  if (failed.length) {
    const groups = CONTROL_SETS.map((set) => ({ set, rows: failed.filter((f) => setOf(f) === set).sort(bySeverity) })).filter((g) => g.rows.length);
    let shown = 0;
    for (const g of groups) {
      // Security Hub's table gets a heading only beside the other, so a Security Hub-only report reads as before.
      if (groups.length > 1 || g.set === 'extra') out.push(`### ${CONTROL_SET_TITLES[g.set]}`, '');
      out.push('| Severity | Control | Resource | Where | Reason |');
      out.push('|---|---|---|---|---|');
      for (const f of g.rows.slice(0, Math.max(0, MAX_ROWS - shown))) {
        const where = [formatLocation(f.location), f.path].filter(Boolean).join(' ');
        out.push(`| ${f.severity} | ${f.control} | ${mdCell(f.resource.id)} | ${where ? `\`${where.replace(/`/g, "'").replace(/\|/g, '\\|')}\`` : ''} | ${mdCell(f.reason)}${f.violations.length ? ` (+${f.violations.length} more)` : ''} |`);
        shown++;
      }
      out.push('');
    }
    if (failed.length > MAX_ROWS) out.push(`… and ${failed.length - MAX_ROWS} more FAILED findings (see the JSON or SARIF report).`, '');
  }
  const unknown = result.findings.filter((f) => f.status === 'NOT_AVAILABLE');
  if (unknown.length) {
    out.push(`<details><summary>${unknown.length} not available (a deciding value could not be known)</summary>`, '');
    out.push('| Control | Resource | Reason |', '|---|---|---|');
    for (const f of unknown.slice(0, MAX_ROWS)) out.push(`| ${f.control} | ${mdCell(f.resource.id)} | ${mdCell(f.reason)} |`);
    out.push('', '</details>', '');
  }
  if (result.errors.length) {
    out.push(`<details><summary>${result.errors.length} input error${result.errors.length === 1 ? '' : 's'}</summary>`, '');
    out.push('| File | Problem |', '|---|---|');
    for (const e of result.errors.slice(0, MAX_ROWS)) out.push(`| ${mdCell(e.file + (e.line ? `:${e.line}${e.column ? `:${e.column}` : ''}` : ''))} | ${mdCell(e.message)} |`);
    out.push('', '</details>', '');
  }
  out.push(`<sub>${TOOL.name} ${TOOL.version} · run \`ecsguard explain <control>\` for what a control checks and how to fix it</sub>`);
  return out.join('\n') + '\n';
}
