/** `ecsguard explain ID` and `ecsguard controls`: the control documentation, rendered for terminals. */
import type { Control } from '../controls/types.js';
import { CONTROL_SET_TITLES, CONTROL_SETS, CONTROLS } from '../controls/index.js';
import { wrap } from '../reporters/text.js';
import { FIXABLE_CONTROLS } from '../fix/plan.js';

/** The full documentation of one control, wrapped at `width` columns. */
export function renderExplain(control: Control, width = 80): string {
  const out: string[] = [];
  const para = (title: string, text: string) => {
    if (!text) return;
    out.push(title);
    for (const p of text.split(/\n\s*\n/)) {
      for (const l of wrap(p, width - 2)) out.push('  ' + l);
      out.push('');
    }
  };
  const code = (title: string, text: string) => {
    if (!text) return;
    out.push(title);
    for (const l of text.replace(/\n+$/, '').split('\n')) out.push('    ' + l);
    out.push('');
  };
  out.push(`${control.id}  ${control.title}`);
  out.push(`Set: ${CONTROL_SET_TITLES[control.set]}${control.set === 'extra' ? ' (ecsguard\'s own check, not a Security Hub control)' : ''}`);
  out.push(`Severity: ${control.severity}   Resource: ${control.resourceTypes.join(', ')}`);
  out.push(`AWS Config rule: ${control.configRule ?? 'none (no Security Hub control or Config rule mirrors this check)'}`);
  if (control.retired) out.push(`Retired: ${control.retired}`);
  out.push(`Enabled by default: ${control.enabledByDefault ? 'yes' : 'no'}`);
  out.push('');
  para('What it checks', control.docs.checks);
  para('Why it matters', control.docs.why);
  para('How to fix', control.docs.fix);
  para('Automatic fix', FIXABLE_CONTROLS.includes(control.id)
    ? `ecsguard fix changes the failing fields (a diff of your task definition JSON, CloudFormation or Terraform; --write to apply it), and ecsguard fix --aws --apply registers a hardened revision; both list what a human must still do.`
    : 'none: ecsguard fix lists this control\'s failures with the reason it does not change them.');
  code('Task definition / API JSON', control.docs.snippet);
  code('CloudFormation', control.docs.cloudformation);
  code('Terraform', control.docs.terraform);
  para('False positives and when to disable it', control.docs.falsePositives);
  const params = Object.entries(control.parameters);
  if (params.length) {
    out.push('Parameters');
    for (const [name, spec] of params) {
      const def = spec.default === undefined ? 'no default' : `default ${Array.isArray(spec.default) ? spec.default.join(', ') || '(empty)' : String(spec.default)}`;
      for (const [i, l] of wrap(`${name} (${spec.type}, ${def}): ${spec.description}`, width - 4).entries()) out.push((i ? '    ' : '  ') + l);
    }
    out.push('');
  }
  if (control.peers) {
    out.push('Peer checks');
    if (control.peers.length === 0) for (const l of wrap('none confirmed: no Checkov, KICS, Prowler, Trivy or CloudSploit check of ECS resources was found that looks for the same thing', width - 4)) out.push('  ' + l);
    for (const p of control.peers) for (const [i, l] of wrap(`${p.tool} ${p.id}: ${p.title}`, width - 4).entries()) out.push((i ? '    ' : '  ') + l);
    out.push('');
  }
  const m = control.mappings;
  out.push('Framework mappings');
  out.push(`  NIST SP 800-53 Rev. 5: ${m.nist80053r5.length ? m.nist80053r5.join(', ') : 'none listed by AWS'}`);
  out.push(`  PCI DSS v4.0.1: ${m.pciDss401.length ? m.pciDss401.join(', ') : 'none listed by AWS'}`);
  return out.join('\n') + '\n';
}

/** The control list as a table: id, severity, resource type, title; retired controls marked; one group per set. */
export function renderControlList(width = 80): string {
  const row = (c: (typeof CONTROLS)[number]) => [c.id, c.severity, c.resourceTypes.map((t) => t.replace('AWS::ECS::', '')).join(','), c.title + (c.enabledByDefault ? '' : ' (off by default)')];
  const rows = CONTROLS.map(row);
  const w0 = Math.max(...rows.map((r) => r[0].length));
  const w1 = Math.max(...rows.map((r) => r[1].length));
  const w2 = Math.max(...rows.map((r) => r[2].length));
  const lead = w0 + w1 + w2 + 6;
  const out: string[] = [];
  for (const set of CONTROL_SETS) {
    const members = CONTROLS.filter((c) => c.set === set);
    if (members.length === 0) continue;
    if (out.length) out.push('');
    out.push(`${CONTROL_SET_TITLES[set]} (--controls ${set})`);
    for (const r of members.map(row)) {
      const title = wrap(r[3], Math.max(20, width - lead));
      out.push(`${r[0].padEnd(w0)}  ${r[1].padEnd(w1)}  ${r[2].padEnd(w2)}  ${title[0]}`);
      for (const l of title.slice(1)) out.push(' '.repeat(lead) + l);
    }
  }
  return out.join('\n') + '\n';
}
