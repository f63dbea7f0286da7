/**
 * JUnit XML (`--format junit`), the shape CI systems (GitHub Actions test reporters, GitLab,
 * Jenkins, Azure Pipelines) show in their test tabs: one `<testsuite>` per control (Security Hub's
 * controls first, then ecsguard's hardening checks, each suite with a `controlSet` property), one
 * `<testcase>` per resource it judged, `<failure>` for FAILED, `<skipped>` for NOT_AVAILABLE
 * (and for suppressed findings). Input errors form one more suite, `ecsguard input errors`, with
 * an `<error>` per file. Built with fast-xml-parser's XMLBuilder, which escapes markup.
 */
import { XMLBuilder } from 'fast-xml-parser';
import type { ScanResult } from '../engine/scan.js';
import type { Finding } from '../model/index.js';
import { formatLocation } from './text.js';
import { TOOL } from '../version.js';
import type { ReportContext } from './context.js';
import { CONTROL_SET_TITLES } from '../controls/index.js';
import { setOf } from './sets.js';

/** XML 1.0 forbids most control characters, even escaped: they become U+FFFD. */
function xmlSafe(text: string): string {
  return text.replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f\ufffe\uffff]/g, '\ufffd');
}

function caseOf(f: Finding): Record<string, unknown> {
  const name = `${f.resource.type.replace('AWS::ECS::', '')} ${f.resource.id}`;
  const where = [formatLocation(f.location), f.path].filter(Boolean).join(' ');
  const tc: Record<string, unknown> = { '@_name': xmlSafe(name), '@_classname': xmlSafe(f.control), '@_time': '0' };
  if (f.location) {
    tc['@_file'] = xmlSafe(f.location.file);
    tc['@_line'] = String(f.location.line);
  }
  const details = [f.reason, where && `at ${where}`, ...f.violations.map((v) => `also: ${v.reason} (${formatLocation(v.location)} ${v.path ?? ''})`), ...f.notes.map((n) => `note: ${n}`)].filter(Boolean).join('\n');
  if (f.suppressed) tc.skipped = { '@_message': xmlSafe(`suppressed by ${f.suppressed.by}: ${f.suppressed.reason}`) };
  else if (f.status === 'FAILED') tc.failure = { '@_message': xmlSafe(f.reason), '@_type': `${f.severity} ${f.control}`, '#text': xmlSafe(details) };
  else if (f.status === 'NOT_AVAILABLE') tc.skipped = { '@_message': xmlSafe(`NOT_AVAILABLE: ${f.reason}`) };
  else tc['system-out'] = xmlSafe(details);
  return tc;
}

/** Renders a scan result as JUnit XML. */
export function renderJunit(result: ScanResult, context: ReportContext): string {
  const byControl = new Map<string, Finding[]>();
  for (const f of result.findings) {
    let list = byControl.get(f.control);
    if (!list) byControl.set(f.control, (list = []));
    list.push(f);
  }
  const timestamp = context.now.toISOString().replace(/\.\d{3}Z$/, '');
  const setRank = (fs: Finding[]) => (setOf(fs[0]) === 'security-hub' ? 0 : 1);
  const entries = [...byControl.entries()].sort((a, b) => setRank(a[1]) - setRank(b[1]));
  const suites: Record<string, unknown>[] = entries.map(([control, fs]) => ({
    '@_name': xmlSafe(`${control} ${fs[0].title}`),
    '@_tests': String(fs.length),
    '@_failures': String(fs.filter((f) => f.status === 'FAILED' && !f.suppressed).length),
    '@_errors': '0',
    '@_skipped': String(fs.filter((f) => f.status === 'NOT_AVAILABLE' || f.suppressed).length),
    '@_timestamp': timestamp,
    '@_time': '0',
    properties: { property: [
      { '@_name': 'controlSet', '@_value': setOf(fs[0]) },
      { '@_name': 'controlSetTitle', '@_value': CONTROL_SET_TITLES[setOf(fs[0])] },
    ] },
    testcase: fs.map(caseOf),
  }));
  if (result.errors.length) {
    suites.push({
      '@_name': 'ecsguard input errors',
      '@_tests': String(result.errors.length),
      '@_failures': '0',
      '@_errors': String(result.errors.length),
      '@_skipped': '0',
      '@_timestamp': timestamp,
      '@_time': '0',
      testcase: result.errors.map((e) => ({
        '@_name': xmlSafe(e.file + (e.line ? `:${e.line}${e.column ? `:${e.column}` : ''}` : '')),
        '@_classname': 'input',
        '@_file': xmlSafe(e.file),
        ...(e.line ? { '@_line': String(e.line) } : {}),
        error: { '@_message': xmlSafe(e.message), '@_type': 'InputError' },
      })),
    });
  }
  const totals = (k: string) => String(suites.reduce((n, s) => n + Number(s[k]), 0));
  const doc = {
    '?xml': { '@_version': '1.0', '@_encoding': 'UTF-8' },
    testsuites: {
      '@_name': `${TOOL.name} ${TOOL.version}`,
      '@_tests': totals('@_tests'),
      '@_failures': totals('@_failures'),
      '@_errors': totals('@_errors'),
      '@_skipped': totals('@_skipped'),
      '@_time': '0',
      testsuite: suites,
    },
  };
  const builder = new XMLBuilder({ ignoreAttributes: false, attributeNamePrefix: '@_', format: true, suppressEmptyNode: true, suppressBooleanAttributes: false });
  return builder.build(doc) as string;
}
