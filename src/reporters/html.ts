/**
 * The HTML report (`--format html`): one self-contained page that works offline. It holds a
 * summary (counts by status, a severity-by-status table, a bar chart by control), the input
 * errors, a findings table that inline script filters by control, status, severity and resource,
 * the documentation of each control in the scan (what it checks, why, how to fix, the fix
 * snippet), Security Hub's controls and ecsguard's hardening checks (ECSG.*) in sections of
 * their own, and the resources not judged.
 *
 * Nothing leaves the page: CSS and script are inline, there are no fonts, images or links to
 * other origins, and a Content-Security-Policy (`default-src 'none'`, the script allowed by its
 * hash) enforces it. Every string from inputs (names, IDs, reasons, file names, messages) is
 * HTML-escaped, with control and bidirectional characters made visible as in the text report;
 * the findings are also embedded as JSON in a `<script type="application/json">` block with
 * `<`, `>`, `&`, U+2028 and U+2029 written as `\uXXXX`, so no value can end the block. The
 * markup is also well-formed XML (void elements self-closed, only XML's named entities), which
 * the tests check.
 *
 * Stable `data-testid` hooks for tests and tools: `count-FAILED`, `count-PASSED`,
 * `count-WARNING`, `count-NOT_AVAILABLE`, `count-SUPPRESSED`, `count-resources`,
 * `count-errors`, `count-skipped`, `count-<SEVERITY>-<STATUS>`, `count-severity-<SEVERITY>`,
 * `row-count` (the rows the filters leave visible) and `row-total`.
 */
import { createHash } from 'node:crypto';
import { CONTROL_SET_TITLES, CONTROLS, controlById } from '../controls/index.js';
import { setOf } from './sets.js';
import type { Control } from '../controls/types.js';
import type { ScanResult } from '../engine/scan.js';
import type { ComplianceStatus, ControlSet, Finding, Location, Severity } from '../model/index.js';
import { TOOL } from '../version.js';
import type { ReportContext } from './context.js';
import { forTerminal } from './terminal.js';

/** Statuses in report order: what needs attention first. */
const STATUSES: readonly ComplianceStatus[] = ['FAILED', 'WARNING', 'NOT_AVAILABLE', 'PASSED'];
const STATUS_LABEL: Readonly<Record<ComplianceStatus, string>> = {
  FAILED: 'Failed',
  WARNING: 'Warning',
  NOT_AVAILABLE: 'Not available',
  PASSED: 'Passed',
};
/** Severities, highest first. */
const SEVERITIES: readonly Severity[] = ['CRITICAL', 'HIGH', 'MEDIUM', 'LOW'];
const SEVERITY_LABEL: Readonly<Record<Severity, string>> = { CRITICAL: 'Critical', HIGH: 'High', MEDIUM: 'Medium', LOW: 'Low' };

const ENTITIES: Readonly<Record<string, string>> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

/** Escapes text for HTML content and double-quoted attribute values. */
function esc(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ENTITIES[c]);
}

/** Text from inputs: control and bidirectional characters made visible, then escaped. */
function txt(text: string | null | undefined): string {
  return esc(forTerminal(String(text ?? '')));
}

/** Input text that may be long and unbroken (a file path, an ARN, a field path): escaped, with break opportunities after `/`, `:` and `.`. */
function breakable(text: string | null | undefined): string {
  return txt(text).replace(/([/:.])(?=[^/:.])/g, '$1<wbr/>');
}

/** JSON safe inside a `<script>` element: `<`, `>`, `&`, U+2028 and U+2029 as `\uXXXX`. */
function scriptJson(value: unknown): string {
  return JSON.stringify(value).replace(/[<>&\u2028\u2029]/g, (c) => '\\u' + c.charCodeAt(0).toString(16).padStart(4, '0'));
}

/** An `id` attribute value (and URL fragment) for a control ID. */
function anchor(controlId: string): string {
  return 'control-' + controlId.replace(/[^A-Za-z0-9_.-]/g, '-');
}

function num(n: number): string {
  return n.toLocaleString('en-US');
}

/** A table cell: the content wrapped in one element, so the stacked (phone) layout keeps it together. */
function cell(label: string, content: string, cls = ''): string {
  return `<td data-label="${label}"${cls ? ` class="${cls}"` : ''}><div class="cell">${content}</div></td>`;
}

function formatLocation(loc: Location | null): string {
  return loc ? `${loc.file}:${loc.line}:${loc.column}` : '';
}

function shortType(type: string): string {
  return type.replace(/^AWS::ECS::/, '');
}

function statusBadge(status: ComplianceStatus): string {
  return `<span class="badge st st-${status}">${STATUS_LABEL[status] ?? esc(status)}</span>`;
}

function severityBadge(severity: Severity): string {
  return `<span class="badge sev sev-${severity}">${SEVERITY_LABEL[severity] ?? esc(severity)}</span>`;
}

/** Per-control tallies, in registry order (controls unknown to the registry last, by ID). */
interface ControlTally {
  id: string;
  title: string;
  severity: Severity;
  control: Control | undefined;
  set: ControlSet;
  counts: Record<ComplianceStatus, number>;
  total: number;
}

function controlNumber(id: string): number {
  const m = /(\d+)$/.exec(id);
  return m ? Number(m[1]) : Number.MAX_SAFE_INTEGER;
}

function tallyControls(findings: readonly Finding[]): ControlTally[] {
  const byId = new Map<string, ControlTally>();
  for (const f of findings) {
    let t = byId.get(f.control);
    if (!t) {
      const control = controlById(f.control);
      t = {
        id: f.control,
        title: control?.title ?? f.title,
        severity: control?.severity ?? f.severity,
        control,
        set: setOf(f),
        counts: { FAILED: 0, WARNING: 0, NOT_AVAILABLE: 0, PASSED: 0 },
        total: 0,
      };
      byId.set(f.control, t);
    }
    if (f.status in t.counts) t.counts[f.status]++;
    t.total++;
  }
  const registry = new Map(CONTROLS.map((c, i) => [c.id, i]));
  const setRank = (t: ControlTally) => (t.set === 'security-hub' ? 0 : 1);
  return [...byId.values()].sort((a, b) =>
    setRank(a) - setRank(b) ||
    (registry.get(a.id) ?? CONTROLS.length) - (registry.get(b.id) ?? CONTROLS.length) ||
    controlNumber(a.id) - controlNumber(b.id) ||
    a.id.localeCompare(b.id));
}

/** "3 failed, 20 passed": the non-zero counts of a control. */
function countsText(t: ControlTally): string {
  const parts = STATUSES.filter((s) => t.counts[s] > 0).map((s) => `${num(t.counts[s])} ${STATUS_LABEL[s].toLowerCase()}`);
  return parts.length ? parts.join(', ') : 'no findings';
}

function renderSummary(result: ScanResult): string {
  const s = result.summary;
  const card = (testid: string, label: string, value: number, tone: string) =>
    `<div class="card card-${tone}${value === 0 ? ' card-zero' : ''}"><dt>${label}</dt><dd data-testid="${testid}">${num(value)}</dd></div>`;
  const cards = [
    card('count-resources', 'Resources', s.resources, 'neutral'),
    card('count-FAILED', 'Failed', s.failed, 'failed'),
    card('count-PASSED', 'Passed', s.passed, 'passed'),
    card('count-NOT_AVAILABLE', 'Not available', s.notAvailable, 'na'),
    card('count-WARNING', 'Warning', s.warning, 'warning'),
    card('count-SUPPRESSED', 'Suppressed', s.suppressed, 'neutral'),
    card('count-errors', 'Input errors', s.errors, s.errors ? 'error' : 'neutral'),
    card('count-skipped', 'Not judged', s.skipped, 'neutral'),
  ].join('');

  const matrix: Record<string, number> = {};
  for (const f of result.findings) matrix[`${f.severity}-${f.status}`] = (matrix[`${f.severity}-${f.status}`] ?? 0) + 1;
  const head = STATUSES.map((st) => `<th scope="col">${STATUS_LABEL[st]}</th>`).join('');
  const body = SEVERITIES.map((sev) => {
    const cells = STATUSES.map((st) => {
      const n = matrix[`${sev}-${st}`] ?? 0;
      return `<td class="${n === 0 ? 'zero' : st === 'FAILED' ? 'hot' : ''}" data-testid="count-${sev}-${st}">${num(n)}</td>`;
    }).join('');
    const total = STATUSES.reduce((acc, st) => acc + (matrix[`${sev}-${st}`] ?? 0), 0);
    return `<tr><th scope="row">${severityBadge(sev)}</th>${cells}<td class="total" data-testid="count-severity-${sev}">${num(total)}</td></tr>`;
  }).join('');
  const table = `<div class="table-wrap"><table class="matrix"><caption>Findings by severity and status</caption>` +
    `<thead><tr><th scope="col">Severity</th>${head}<th scope="col">Total</th></tr></thead><tbody>${body}</tbody></table></div>`;

  return `<section id="summary" class="panel" aria-labelledby="summary-title">
<h2 id="summary-title">Summary</h2>
<dl class="cards">${cards}</dl>
<div class="summary-grid">
<div class="summary-matrix">${table}</div>
${renderChart(tallyControls(result.findings))}
</div>
</section>`;
}

function renderChart(tallies: readonly ControlTally[]): string {
  const legend = STATUSES.map((s) => `<li><span class="swatch seg-${s}" aria-hidden="true"></span>${STATUS_LABEL[s]}</li>`).join('');
  if (tallies.length === 0) {
    return `<figure class="chart" aria-labelledby="chart-title"><figcaption id="chart-title">Findings by control</figcaption><p class="empty">No findings to chart.</p></figure>`;
  }
  const max = Math.max(...tallies.map((t) => t.total));
  const items = tallies.map((t) => {
    const segs = STATUSES.filter((s) => t.counts[s] > 0)
      .map((s) => `<span class="seg seg-${s}" style="width:${((t.counts[s] / max) * 100).toFixed(3)}%"></span>`).join('');
    return `<li><a class="bar-label" href="#${anchor(t.id)}" title="${esc(t.title)}">${esc(t.id)}</a>` +
      `<span class="bar" aria-hidden="true">${segs}</span><span class="bar-text">${countsText(t)}</span></li>`;
  }).join('');
  return `<figure class="chart" aria-labelledby="chart-title"><figcaption id="chart-title">Findings by control</figcaption>
<ul class="legend">${legend}</ul>
<ul class="bars">${items}</ul></figure>`;
}

function renderErrors(result: ScanResult): string {
  if (result.errors.length === 0) return '';
  const rows = result.errors.map((e) =>
    `<tr>${cell('File', `<code>${breakable(e.file)}</code>`)}${cell('Line', String(e.line ?? '–'))}` +
    `${cell('Column', String(e.column ?? '–'))}${cell('Message', txt(e.message))}</tr>`).join('');
  return `<section id="errors" class="panel panel-alert" aria-labelledby="errors-title">
<h2 id="errors-title">Input errors <span class="pill">${num(result.errors.length)}</span></h2>
<p>These inputs could not be read or judged. Resources in them are missing from the findings below.</p>
<div class="table-wrap"><table class="stack errors-table"><caption class="sr-only">Input errors</caption>
<thead><tr><th scope="col">File</th><th scope="col">Line</th><th scope="col">Column</th><th scope="col">Message</th></tr></thead>
<tbody>${rows}</tbody></table></div>
</section>`;
}

function renderSkipped(result: ScanResult): string {
  if (result.skipped.length === 0) return '';
  const rows = result.skipped.map((s) =>
    `<tr>${cell('Resource', `<span class="rtype">${txt(shortType(s.resource.type))}</span><code class="rid">${txt(s.resource.id)}</code>`)}` +
    `${cell('Location', s.location ? `<code>${breakable(formatLocation(s.location))}</code>` : '<span class="muted">live AWS</span>')}` +
    `${cell('Reason', txt(s.reason))}</tr>`).join('');
  return `<section id="skipped" class="panel" aria-labelledby="skipped-title">
<h2 id="skipped-title">Not judged <span class="pill">${num(result.skipped.length)}</span></h2>
<p>Resources that were read but deliberately not judged, as Security Hub would not judge them.</p>
<div class="table-wrap"><table class="stack"><caption class="sr-only">Resources not judged</caption>
<thead><tr><th scope="col">Resource</th><th scope="col">Location</th><th scope="col">Reason</th></tr></thead>
<tbody>${rows}</tbody></table></div>
</section>`;
}

function renderRow(f: Finding, index: number): string {
  const r = f.resource;
  const resource = [
    `<span class="rtype">${txt(shortType(r.type))}</span>`,
    `<code class="rid">${txt(r.id)}</code>`,
    r.name && r.name !== r.id ? `<span class="sub">name <span class="rname">${txt(r.name)}</span></span>` : '',
    r.arn && r.arn !== r.id ? `<span class="sub">ARN <code>${breakable(r.arn)}</code></span>` : '',
    r.cdkPath ? `<span class="sub">construct <code>${breakable(r.cdkPath)}</code></span>` : '',
  ].join('');
  const details: string[] = [`<p class="reason">${txt(f.reason)}</p>`];
  if (f.path) details.push(`<p class="sub">field <code>${breakable(f.path)}</code></p>`);
  if (f.violations.length) {
    details.push('<ul class="violations">' + f.violations.map((v) => {
      const where = [v.location ? `<code>${breakable(formatLocation(v.location))}</code>` : '', v.path ? `<code>${breakable(v.path)}</code>` : ''].filter(Boolean).join(' ');
      return `<li>${txt(v.reason)}${where ? ` <span class="sub">at ${where}</span>` : ''}</li>`;
    }).join('') + '</ul>');
  }
  for (const n of f.notes) details.push(`<p class="note"><span class="note-label">Note</span> ${txt(n)}</p>`);
  if (f.suppressed) {
    const s = f.suppressed;
    details.push(`<p class="note"><span class="note-label">Suppressed</span> by ${txt(s.by)}: ${txt(s.reason)}${s.expires ? ` (until ${txt(s.expires)})` : ''}</p>`);
  }
  const status = statusBadge(f.status) + (f.suppressed ? ' <span class="badge sup">Suppressed</span>' : '');
  const location = f.location ? `<code>${breakable(formatLocation(f.location))}</code>` : '<span class="muted">live AWS</span>';
  return `<tr data-index="${index}" data-control="${esc(f.control)}" data-set="${esc(setOf(f))}" data-status="${esc(f.status)}" data-severity="${esc(f.severity)}">` +
    cell('Status', status) +
    cell('Severity', severityBadge(f.severity)) +
    cell('Control', `<a href="#${anchor(f.control)}">${esc(f.control)}</a>${setOf(f) === 'extra' ? '<span class="sub">ecsguard hardening</span>' : ''}`) +
    cell('Resource', resource, 'c-resource') +
    cell('Finding', details.join(''), 'c-finding') +
    cell('Location', location, 'c-location') + '</tr>';
}

function renderFindings(result: ScanResult, tallies: readonly ControlTally[]): string {
  const rank = (s: ComplianceStatus) => { const i = STATUSES.indexOf(s); return i < 0 ? STATUSES.length : i; };
  const sevRank = (s: Severity) => { const i = SEVERITIES.indexOf(s); return i < 0 ? SEVERITIES.length : i; };
  const order = result.findings.map((f, i) => ({ f, i })).sort((a, b) =>
    rank(a.f.status) - rank(b.f.status) || sevRank(a.f.severity) - sevRank(b.f.severity) ||
    controlNumber(a.f.control) - controlNumber(b.f.control) || a.i - b.i);
  const rows = order.map(({ f, i }) => renderRow(f, i)).join('\n');
  const total = result.findings.length;
  const option = (t: ControlTally) => `<option value="${esc(t.id)}">${esc(t.id)}: ${esc(t.title)}</option>`;
  const sets = [...new Set(tallies.map((t) => t.set))];
  const controlOptions = sets.length > 1
    ? sets.map((set) => `<optgroup label="${esc(CONTROL_SET_TITLES[set])}">${tallies.filter((t) => t.set === set).map(option).join('')}</optgroup>`).join('')
    : tallies.map(option).join('');
  const statusOptions = STATUSES.map((s) => `<option value="${s}">${STATUS_LABEL[s]}</option>`).join('');
  const severityOptions = SEVERITIES.map((s) => `<option value="${s}">${SEVERITY_LABEL[s]}</option>`).join('');
  return `<section id="findings" class="panel" aria-labelledby="findings-title">
<h2 id="findings-title" tabindex="-1">Findings</h2>
<div class="filters" role="search" aria-label="Filter findings">
<div class="field"><label for="filter-control">Control</label><select id="filter-control"><option value="">All controls</option>${controlOptions}</select></div>
<div class="field"><label for="filter-status">Status</label><select id="filter-status"><option value="">All statuses</option>${statusOptions}</select></div>
<div class="field"><label for="filter-severity">Severity</label><select id="filter-severity"><option value="">All severities</option>${severityOptions}</select></div>
<div class="field field-wide"><label for="filter-resource">Resource</label><input id="filter-resource" type="search" autocomplete="off" spellcheck="false" placeholder="ID, name, type or file" aria-describedby="filter-resource-help"/><span id="filter-resource-help" class="sr-only">Matches part of the resource ID, name, type, ARN, construct path or file</span></div>
<div class="field field-button"><button type="button" id="filter-reset">Reset filters</button></div>
</div>
<noscript><p class="muted">Filtering needs JavaScript; every finding is shown.</p></noscript>
<p id="row-status" class="row-status" aria-live="polite">Showing <strong data-testid="row-count" id="row-count">${num(total)}</strong> of <span data-testid="row-total">${num(total)}</span> findings</p>
<div class="table-wrap" role="region" aria-labelledby="findings-caption" tabindex="0">
<table id="findings-table" class="findings stack">
<caption id="findings-caption">Findings, failed first, then by severity and control</caption>
<thead><tr><th scope="col">Status</th><th scope="col">Severity</th><th scope="col">Control</th><th scope="col">Resource</th><th scope="col">Finding</th><th scope="col">Location</th></tr></thead>
<tbody>
${rows}
</tbody></table></div>
<p id="no-match" class="empty" hidden="hidden">No finding matches these filters.</p>
${total === 0 ? '<p id="no-findings" class="empty">The scan produced no findings: no input was read, or no control applies to the resources read.</p>' : ''}
</section>`;
}

function renderControl(t: ControlTally): string {
  const c = t.control;
  const id = anchor(t.id);
  const peers = c?.peers?.length
    ? `<details><summary>Peer checks</summary><ul>${c.peers.map((p) => `<li>${esc(p.tool)} <code>${esc(p.id)}</code>: ${esc(p.title)}</li>`).join('')}</ul></details>`
    : '';
  const block = (title: string, code: string) => `<details><summary>${title}</summary><pre><code>${esc(code)}</code></pre></details>`;
  const docs = c
    ? `<div class="docs">
<div class="docs-text">
<h4>What it checks</h4><p>${esc(c.docs.checks)}</p>
<h4>Why it matters</h4><p>${esc(c.docs.why)}</p>
<h4>How to fix</h4><p>${esc(c.docs.fix)}</p>
</div>
<div class="docs-code">
<h4>Fix (ECS API JSON)</h4><pre><code>${esc(c.docs.snippet)}</code></pre>
${c.docs.cloudformation ? block('CloudFormation', c.docs.cloudformation) : ''}
${c.docs.terraform ? block('Terraform', c.docs.terraform) : ''}
${c.docs.falsePositives ? `<details><summary>False positives and exceptions</summary><p>${esc(c.docs.falsePositives)}</p></details>` : ''}
${peers}
</div>
</div>`
    : '<p class="muted">No documentation is bundled for this control.</p>';
  const rule = c?.configRule ? `<span>AWS Config rule <code>${esc(c.configRule)}</code></span>` : t.set === 'extra' ? '<span>ecsguard hardening check, not a Security Hub control</span>' : '';
  const retired = c?.retired ? `<p class="note"><span class="note-label">Retired</span> ${esc(c.retired)}</p>` : '';
  return `<article class="control" id="${id}" aria-labelledby="${id}-title">
<header class="control-head">
<h3 id="${id}-title"><span class="cid">${esc(t.id)}</span> ${esc(t.title)}</h3>
<p class="control-meta">${severityBadge(t.severity)} <span>${countsText(t)}</span> ${rule}
<button type="button" class="link-button" data-show-control="${esc(t.id)}" hidden="hidden">Show ${num(t.total)} finding${t.total === 1 ? '' : 's'}</button></p>
</header>
${retired}${docs}
</article>`;
}

function renderControls(tallies: readonly ControlTally[]): string {
  const hub = tallies.filter((t) => t.set === 'security-hub');
  const extra = tallies.filter((t) => t.set === 'extra');
  const body = hub.length
    ? hub.map(renderControl).join('\n')
    : `<p class="empty">${extra.length ? 'No Security Hub control applied to the resources read.' : 'No control applied to the resources read.'}</p>`;
  const controls = `<section id="controls" class="panel" aria-labelledby="controls-title">
<h2 id="controls-title">Controls</h2>
<p class="muted">What each AWS Security Hub control in this report checks, why it matters and how to fix it.</p>
${body}
</section>`;
  if (extra.length === 0) return controls;
  return `${controls}
<section id="hardening" class="panel" aria-labelledby="hardening-title">
<h2 id="hardening-title">${esc(CONTROL_SET_TITLES.extra)}</h2>
<p class="muted">ecsguard's own checks beyond Security Hub (ECSG.*): not Security Hub controls, and not reported by it.</p>
${extra.map(renderControl).join('\n')}
</section>`;
}

const STYLE = `
:root{--fg:#1f2328;--muted:#535b64;--bg:#f4f6f8;--panel:#fff;--border:#d0d7de;--border-strong:#6e7781;--accent:#0a58ca;--focus:#0a58ca;--code-bg:#f6f8fa;
--failed:#cf222e;--warning:#bf8700;--na:#8c959f;--passed:#2da44e;color-scheme:light}
*,*::before,*::after{box-sizing:border-box}
html{-webkit-text-size-adjust:100%;text-size-adjust:100%}
body{margin:0;background:var(--bg);color:var(--fg);font:15px/1.5 system-ui,-apple-system,"Segoe UI",Roboto,"Helvetica Neue",Arial,"Noto Sans",sans-serif;overflow-wrap:break-word}
code,pre{font-family:ui-monospace,SFMono-Regular,"SF Mono",Menlo,Consolas,"Liberation Mono",monospace;font-size:.88em}
a{color:var(--accent)}
a:hover{text-decoration-thickness:2px}
:focus-visible{outline:3px solid var(--focus);outline-offset:2px;border-radius:2px}
.sr-only{position:absolute!important;width:1px;height:1px;padding:0;margin:-1px;overflow:hidden;clip:rect(0 0 0 0);white-space:nowrap;border:0}
.skip{position:absolute;left:8px;top:-100px;z-index:10;background:#fff;color:var(--accent);padding:8px 12px;border-radius:6px;border:2px solid var(--accent)}
.skip:focus{top:8px}
.wrap{max-width:1240px;margin:0 auto;padding:0 20px}
.top{background:#1f2328;color:#fff}
.top .wrap{display:flex;flex-wrap:wrap;align-items:center;justify-content:space-between;gap:8px 24px;padding-top:10px;padding-bottom:10px}
.brand{display:flex;align-items:center;gap:8px;margin:0;font-weight:600;font-size:1.05rem}
.brand svg{flex:none}
.brand .ver{font-weight:400;color:#d0d7de;font-size:.85rem}
.top nav ul{display:flex;flex-wrap:wrap;gap:4px 16px;list-style:none;margin:0;padding:0}
.top nav a{color:#fff;text-decoration:none;font-size:.92rem;padding:4px 2px}
.top nav a:hover{text-decoration:underline}
.top :focus-visible{outline-color:#8cb4ff}
.intro{padding:24px 0 8px}
h1{font-size:1.75rem;line-height:1.25;margin:0 0 6px}
.meta{display:flex;flex-wrap:wrap;gap:2px 20px;margin:0;color:var(--muted);font-size:.92rem}
.panel{background:var(--panel);border:1px solid var(--border);border-radius:10px;padding:20px 24px;margin:16px 0;min-width:0}
.panel-alert{border-color:#cf222e;border-left-width:6px}
h2{font-size:1.3rem;margin:0 0 14px;display:flex;align-items:center;gap:10px}
h2:focus{outline:none}
h2:focus-visible{outline:3px solid var(--focus)}
.pill{display:inline-block;min-width:1.8em;padding:0 .5em;border-radius:999px;background:#eaeef2;color:var(--fg);font-size:.85rem;font-weight:600;text-align:center}
.panel-alert .pill{background:#ffebe9;color:#a40e26}
.muted{color:var(--muted)}
.empty{color:var(--muted);font-style:italic;margin:12px 0}
.cards{display:grid;grid-template-columns:repeat(auto-fill,minmax(128px,1fr));gap:12px;margin:0 0 20px;padding:0}
.card{display:flex;flex-direction:column;justify-content:space-between;border:1px solid var(--border);border-top:4px solid var(--border-strong);border-radius:8px;padding:10px 14px;background:#fff;min-width:0}
.card dt{font-size:.78rem;font-weight:600;letter-spacing:.04em;text-transform:uppercase;color:var(--muted)}
.card dd{margin:2px 0 0;font-size:1.75rem;font-weight:650;line-height:1.2;font-variant-numeric:tabular-nums}
.card-failed{border-top-color:var(--failed)}.card-failed dd{color:#a40e26}
.card-passed{border-top-color:var(--passed)}.card-passed dd{color:#116329}
.card-na{border-top-color:var(--na)}
.card-warning{border-top-color:var(--warning)}
.card-error{border-top-color:var(--failed);background:#fff5f5}.card-error dd{color:#a40e26}
.card-zero dd{color:var(--muted)}
.summary-grid{display:grid;grid-template-columns:minmax(0,5fr) minmax(0,7fr);gap:24px;align-items:start}
table{border-collapse:collapse;width:100%}
caption{text-align:left;font-weight:600;padding:0 0 8px;color:var(--fg)}
th,td{text-align:left;vertical-align:top;padding:8px 10px;border-bottom:1px solid var(--border)}
thead th{font-size:.8rem;text-transform:uppercase;letter-spacing:.04em;color:var(--muted);border-bottom:2px solid var(--border);white-space:nowrap}
.matrix td,.matrix thead th:not(:first-child){text-align:right;font-variant-numeric:tabular-nums}
.matrix thead th{white-space:normal;text-transform:none;letter-spacing:0;font-size:.8rem;vertical-align:bottom}
.matrix td.zero{color:var(--muted)}
.matrix td.hot{color:#a40e26;font-weight:650}
.matrix td.total{font-weight:650}
.table-wrap{overflow-x:auto;max-width:100%}
.table-wrap:focus-visible{outline-offset:-3px}
.chart{margin:0;min-width:0}
.chart figcaption{font-weight:600;margin-bottom:8px}
.legend{display:flex;flex-wrap:wrap;gap:4px 16px;list-style:none;margin:0 0 10px;padding:0;font-size:.85rem;color:var(--muted)}
.legend li{display:flex;align-items:center;gap:6px}
.swatch{display:inline-block;width:12px;height:12px;border-radius:3px}
.bars{list-style:none;margin:0;padding:0}
.bars li{display:grid;grid-template-columns:5rem minmax(0,1fr) minmax(0,12rem);align-items:center;gap:10px;padding:3px 0}
.bar-label{font-weight:600;white-space:nowrap;font-variant-numeric:tabular-nums;text-decoration:none}
.bar-label:hover{text-decoration:underline}
.bar{display:flex;height:14px;background:#eaeef2;border-radius:4px;overflow:hidden}
.seg{display:block;height:100%}
.seg-FAILED{background:var(--failed)}.seg-WARNING{background:var(--warning)}.seg-NOT_AVAILABLE{background:var(--na)}.seg-PASSED{background:var(--passed)}
.bar-text{font-size:.85rem;color:var(--muted);font-variant-numeric:tabular-nums}
.badge{display:inline-block;padding:1px 8px;border-radius:999px;font-size:.78rem;font-weight:600;line-height:1.6;white-space:nowrap;border:1px solid transparent}
.st-FAILED{background:#ffebe9;color:#a40e26;border-color:#ffcecb}
.st-WARNING{background:#fff8c5;color:#6f4400;border-color:#f0d98c}
.st-NOT_AVAILABLE{background:#eaeef2;color:#3b434b;border-color:#d0d7de}
.st-PASSED{background:#dafbe1;color:#0f5323;border-color:#aceebb}
.sup{background:#ddf4ff;color:#0a3069;border-color:#b6e3ff}
.sev{border-radius:4px;color:#fff}
.sev-CRITICAL{background:#6e0b1a}.sev-HIGH{background:#b42318}.sev-MEDIUM{background:#8a4b00}.sev-LOW{background:#0550ae}
.filters{display:grid;grid-template-columns:repeat(3,minmax(0,1fr)) minmax(0,1.4fr) auto;gap:12px;align-items:end;margin-bottom:10px}
.field{display:flex;flex-direction:column;gap:4px;min-width:0}
.field label{font-size:.85rem;font-weight:600}
select,input,button{font:inherit;color:var(--fg)}
select,input{width:100%;min-height:38px;padding:6px 10px;border:1px solid var(--border-strong);border-radius:6px;background:#fff}
button{min-height:38px;padding:6px 14px;border:1px solid var(--border-strong);border-radius:6px;background:#f6f8fa;cursor:pointer;font-weight:600;white-space:nowrap}
button:hover{background:#eaeef2}
.row-status{margin:6px 0 10px;color:var(--muted)}
.row-status strong{color:var(--fg)}
.findings tbody tr:hover{background:#f8fafc}
.findings tr[hidden],tr[hidden]{display:none!important}
.findings td{font-size:.92rem}
.c-resource,.c-finding,.c-location,.stack td{overflow-wrap:anywhere}
.c-finding{width:38%}
.rtype{display:block;font-size:.75rem;font-weight:600;text-transform:uppercase;letter-spacing:.04em;color:var(--muted)}
.rid{font-weight:600}
.sub{display:block;color:var(--muted);font-size:.88rem}
.sub code{color:var(--fg)}
.reason{margin:0}
.violations{margin:4px 0 0;padding-left:1.2em}
.note{margin:4px 0 0;font-size:.88rem}
.note-label{font-weight:600;margin-right:4px}
.control{border-top:1px solid var(--border);padding:18px 0 6px}
.control:first-of-type{border-top:0;padding-top:4px}
.control:target{scroll-margin-top:12px}
h3{font-size:1.08rem;margin:0 0 6px;line-height:1.35}
.cid{display:inline-block;background:#1f2328;color:#fff;border-radius:4px;padding:0 6px;margin-right:4px;font-size:.9rem;font-variant-numeric:tabular-nums}
.control-meta{display:flex;flex-wrap:wrap;align-items:center;gap:6px 14px;margin:0 0 10px;color:var(--muted);font-size:.88rem}
.link-button{background:none;border:0;padding:0 2px;min-height:0;color:var(--accent);text-decoration:underline;font-weight:600}
.link-button:hover{background:none;text-decoration-thickness:2px}
.docs{display:grid;grid-template-columns:minmax(0,1fr) minmax(0,1fr);gap:20px}
h4{font-size:.85rem;text-transform:uppercase;letter-spacing:.04em;color:var(--muted);margin:12px 0 4px}
.docs-text h4:first-child,.docs-code h4:first-child{margin-top:0}
.docs p{margin:0}
pre{margin:0;padding:12px 14px;background:var(--code-bg);border:1px solid var(--border);border-radius:6px;white-space:pre-wrap;overflow-wrap:anywhere;line-height:1.45}
details{margin-top:8px;border:1px solid var(--border);border-radius:6px;padding:0 12px}
details[open]{padding-bottom:12px}
details>p,details>pre{margin-top:4px}
summary{cursor:pointer;padding:8px 0;font-weight:600}
footer{color:var(--muted);font-size:.85rem;padding:8px 0 32px}
@media (max-width:1100px){
.summary-grid{grid-template-columns:minmax(0,1fr)}
}
@media (max-width:960px){
.filters{grid-template-columns:repeat(2,minmax(0,1fr))}
.field-button{align-self:end}
.docs{grid-template-columns:minmax(0,1fr)}
}
@media (max-width:900px){
table.stack thead{position:absolute;width:1px;height:1px;overflow:hidden;clip:rect(0 0 0 0)}
table.stack,table.stack tbody,table.stack tr,table.stack td{display:block;width:100%}
table.stack caption{display:block}
table.stack caption.sr-only{position:absolute}
table.stack tr{border:1px solid var(--border);border-radius:8px;margin:0 0 10px;padding:6px 12px}
table.stack td{display:grid;grid-template-columns:5.6rem minmax(0,1fr);gap:8px;border:0;padding:4px 0;min-width:0}
table.stack td::before{content:attr(data-label);font-size:.78rem;font-weight:600;text-transform:uppercase;letter-spacing:.03em;color:var(--muted);padding-top:2px}
.findings tbody tr:hover{background:none}
}
@media (max-width:720px){
body{font-size:15px}
.wrap{padding:0 12px}
.panel{padding:16px 14px;border-radius:8px}
h1{font-size:1.45rem}
.top nav ul{gap:2px 14px}
.cards{grid-template-columns:repeat(2,minmax(0,1fr));gap:8px}
.card dd{font-size:1.45rem}
.bars li{grid-template-columns:5rem minmax(0,1fr);grid-template-areas:"label text" "bar bar";gap:2px 10px;padding:5px 0}
.bar-label{grid-area:label}.bar{grid-area:bar}.bar-text{grid-area:text;text-align:right}
.filters{grid-template-columns:minmax(0,1fr)}
.matrix{font-size:.85rem}
.matrix th,.matrix td{padding:7px 2px}
.matrix thead th{font-size:.7rem}
.matrix .badge{padding:1px 5px;font-size:.72rem}
h3{font-size:1rem}
}
@media print{
.top nav,.filters,.skip,.link-button,noscript{display:none!important}
body{background:#fff}
.panel{border:0;padding:0}
details{border:0}
}
`;

const SCRIPT = `(() => {
  'use strict';
  const $ = (id) => document.getElementById(id);
  const dataEl = $('ecsguard-data');
  const data = dataEl ? JSON.parse(dataEl.textContent || '{}') : {};
  const findings = Array.isArray(data.findings) ? data.findings : [];
  const table = $('findings-table');
  const control = $('filter-control');
  const status = $('filter-status');
  const severity = $('filter-severity');
  const resource = $('filter-resource');
  const reset = $('filter-reset');
  const count = $('row-count');
  const noMatch = $('no-match');
  if (!table || !control || !status || !severity || !resource || !reset || !count || !noMatch) return;
  const entries = Array.from(table.tBodies[0].rows).flatMap((tr) => {
    const f = findings[Number(tr.getAttribute('data-index'))];
    if (!f) return [];
    const r = f.resource || {};
    const text = [r.type, r.id, r.name, r.arn, r.cdkPath, f.location && f.location.file]
      .filter((x) => typeof x === 'string').join('\\n').toLowerCase();
    return [{ tr, f, text }];
  });
  const apply = () => {
    const c = control.value;
    const s = status.value;
    const v = severity.value;
    const q = resource.value.trim().toLowerCase();
    let shown = 0;
    for (const e of entries) {
      const ok = (!c || e.f.control === c) && (!s || e.f.status === s) && (!v || e.f.severity === v) && (!q || e.text.includes(q));
      e.tr.hidden = !ok;
      if (ok) shown += 1;
    }
    count.textContent = shown.toLocaleString('en-US');
    noMatch.hidden = shown !== 0 || entries.length === 0;
  };
  for (const el of [control, status, severity]) el.addEventListener('change', apply);
  resource.addEventListener('input', apply);
  const clear = () => { control.value = ''; status.value = ''; severity.value = ''; resource.value = ''; };
  reset.addEventListener('click', () => { clear(); apply(); control.focus(); });
  for (const button of document.querySelectorAll('[data-show-control]')) {
    button.hidden = false;
    button.addEventListener('click', () => {
      clear();
      control.value = button.getAttribute('data-show-control') || '';
      apply();
      const heading = $('findings-title');
      if (heading) heading.focus();
    });
  }
  apply();
})();`;

const SCRIPT_HASH = createHash('sha256').update(SCRIPT, 'utf8').digest('base64');
const CSP = `default-src 'none'; script-src 'sha256-${SCRIPT_HASH}'; style-src 'unsafe-inline'; img-src data:; base-uri 'none'; form-action 'none'`;

const LOGO = '<svg width="22" height="22" viewBox="0 0 24 24" aria-hidden="true" focusable="false"><path d="M12 2 4 5v6c0 5 3.4 9.4 8 11 4.6-1.6 8-6 8-11V5l-8-3Z" fill="#2da44e"/><path d="m8.5 12 2.5 2.5 4.5-5" fill="none" stroke="#fff" stroke-width="2.2" stroke-linecap="round" stroke-linejoin="round"/></svg>';

/**
 * Renders the HTML report of `result`: one self-contained, offline document (inline CSS, an
 * inline filtering script allowed by a hash-based Content-Security-Policy, no external request),
 * with a summary, input errors, a filterable findings table, each control's documentation and
 * the resources not judged. `context.now` is shown as the scan time; `context.account` and
 * `context.region` when given. Every string from inputs is escaped; the findings, errors,
 * skipped resources and summary are embedded as JSON (the JSON report's shape) in
 * `<script type="application/json" id="ecsguard-data">`.
 */
export function renderHtml(result: ScanResult, context: ReportContext): string {
  const tallies = tallyControls(result.findings);
  const iso = context.now.toISOString();
  const when = `${iso.slice(0, 16).replace('T', ' ')} UTC`;
  const s = result.summary;
  const meta = [
    `<span>Generated by ${esc(TOOL.name)} ${esc(TOOL.version)}</span>`,
    `<span>Scanned <time datetime="${esc(iso)}">${esc(when)}</time></span>`,
    context.account ? `<span>Account <code>${txt(context.account)}</code></span>` : '',
    context.region ? `<span>Region <code>${txt(context.region)}</code></span>` : '',
  ].join('');
  const data = {
    version: 1,
    tool: { name: TOOL.name, version: TOOL.version },
    generatedAt: iso,
    findings: result.findings,
    errors: result.errors,
    skipped: result.skipped,
    summary: result.summary,
  };
  const nav = [
    ['#summary', 'Summary'],
    ...(result.errors.length ? [['#errors', `Input errors (${num(result.errors.length)})`]] : []),
    ['#findings', 'Findings'],
    ['#controls', 'Controls'],
    ...(tallies.some((t) => t.set === 'extra') ? [['#hardening', 'Hardening checks']] : []),
    ...(result.skipped.length ? [['#skipped', 'Not judged']] : []),
  ].map(([href, label]) => `<li><a href="${href}">${label}</a></li>`).join('');
  const title = `${TOOL.name} report: ${num(s.failed)} failed, ${num(s.passed)} passed`;
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8"/>
<meta http-equiv="Content-Security-Policy" content="${CSP}"/>
<meta name="viewport" content="width=device-width, initial-scale=1"/>
<meta name="color-scheme" content="light"/>
<meta name="generator" content="${esc(TOOL.name)} ${esc(TOOL.version)}"/>
<title>${esc(title)}</title>
<style>${STYLE}</style>
</head>
<body>
<a class="skip" href="#findings-title">Skip to findings</a>
<header class="top"><div class="wrap">
<p class="brand">${LOGO}<span>${esc(TOOL.name)}</span> <span class="ver">${esc(TOOL.version)}</span></p>
<nav aria-label="Report sections"><ul>${nav}</ul></nav>
</div></header>
<main id="main" class="wrap">
<div class="intro">
<h1>Amazon ECS security report</h1>
<p class="meta">${meta}<span>AWS Security Hub ECS controls${tallies.some((t) => t.set === 'extra') ? ' and ecsguard hardening checks' : ''}</span></p>
</div>
${renderSummary(result)}
${renderErrors(result)}
${renderFindings(result, tallies)}
${renderControls(tallies)}
${renderSkipped(result)}
</main>
<footer class="wrap"><p>${esc(TOOL.name)} ${esc(TOOL.version)} checks Amazon ECS resources against AWS Security Hub controls and its own hardening checks. This report is a single offline file: it loads nothing from the network.</p></footer>
<script type="application/json" id="ecsguard-data">${scriptJson(data)}</script>
<script>${SCRIPT}</script>
</body>
</html>
`;
}
