/**
 * Runs the active controls over resources and folds each control's evaluations into one
 * finding per (resource, control), as Security Hub reports one compliance status per pair.
 */
import { renderMessage } from '../controls/types.js';
import type { Control } from '../controls/types.js';
import { isUnresolved, type ComplianceStatus, type Evaluation, type Finding, type Resource, type Violation } from '../model/index.js';
import type { ActiveControl } from './configuration.js';

const RANK: Record<ComplianceStatus, number> = { FAILED: 3, NOT_AVAILABLE: 2, WARNING: 1, PASSED: 0 };

/**
 * The findings of every active control that applies to `resource`. A control applies when the
 * resource's type is one of its `resourceTypes` and it returns at least one evaluation.
 * The finding's status is the worst of its evaluations (FAILED, then NOT_AVAILABLE, then PASSED);
 * the other failing or unknown fields are kept in `violations`.
 */
export function evaluateResource(resource: Resource, controls: readonly ActiveControl[]): Finding[] {
  const findings: Finding[] = [];
  const whole: unknown = resource.properties;
  for (const { control, params } of controls) {
    if (!control.resourceTypes.includes(resource.type)) continue;
    if (isUnresolved(whole)) {
      // Nothing of the resource is known (Properties from Fn::ImportValue, a transform ...): no verdict.
      findings.push(foldEvaluations(control, resource, [{ status: 'NOT_AVAILABLE', messageId: 'valueUnknown', data: { field: 'the resource\'s properties', reason: whole.unresolved }, path: null }]));
      continue;
    }
    if (resource.variants && resource.variants.length > 0) {
      const f = judgeVariants(control, params, resource, resource.variants);
      if (f) findings.push(f);
      continue;
    }
    const evaluations = control.evaluate(resource, params);
    if (evaluations.length === 0) continue;
    findings.push(foldEvaluations(control, resource, evaluations));
  }
  return findings;
}

/**
 * Judges each reading of a resource whose properties hang on undecidable conditions, and keeps
 * the worst: FAILED if any reading fails. The notes say which condition values give which status.
 */
function judgeVariants(control: Control, params: ActiveControl['params'], resource: Resource, variants: NonNullable<Resource['variants']>): Finding | null {
  let worst: Finding | null = null;
  let worstLabel = '';
  let worstWhy = '';
  const outcomes: string[] = [];
  for (const v of variants) {
    const r: Resource = { ...resource, properties: v.properties, locate: v.locate, assumptions: v.assumptions, fieldAssumptions: v.fieldAssumptions, variants: undefined };
    const evaluations = control.evaluate(r, params);
    if (evaluations.length === 0) {
      outcomes.push(`when ${v.label}: does not apply`);
      continue;
    }
    const f = foldEvaluations(control, r, evaluations);
    outcomes.push(`when ${v.label}: ${f.status}`);
    if (!worst || RANK[f.status] > RANK[worst.status]) {
      worst = f;
      worstLabel = v.label;
      worstWhy = v.why ?? '';
    }
  }
  if (!worst) return null;
  const differ = new Set(outcomes.map((o) => o.slice(o.lastIndexOf(': ') + 2))).size > 1;
  if (differ) {
    worst.reason = `when ${worstLabel}: ${worst.reason}`;
    worst.notes.push(`the template decides this with a condition that cannot be evaluated${worstWhy ? ` (${worstWhy})` : ''}: ${outcomes.join('; ')}`);
  }
  return worst;
}

/** Folds one control's evaluations of one resource into a finding. */
export function foldEvaluations(control: Control, resource: Resource, evaluations: Evaluation[]): Finding {
  let primary = evaluations[0];
  for (const e of evaluations) if (RANK[e.status] > RANK[primary.status]) primary = e;
  const notes: string[] = [...(resource.assumptions ?? [])];
  for (const a of resource.fieldAssumptions ?? []) {
    if (!notes.includes(a.note) && concerns(a.path, control, evaluations)) notes.push(a.note);
  }
  const violations: Violation[] = [];
  for (const e of evaluations) {
    const note = e.data?.note;
    if (typeof note === 'string' && !notes.includes(note)) notes.push(note);
    if (e !== primary && e.status !== 'PASSED') {
      violations.push({ path: e.path, messageId: e.messageId, reason: render(control, e), location: resource.locate(e.path) });
    }
  }
  const arn = arnOf(resource);
  const ref: Finding['resource'] = { type: resource.type, id: resource.id, name: resource.name };
  if (arn) ref.arn = arn;
  if (resource.cdkPath) ref.cdkPath = resource.cdkPath;
  if (resource.root) ref.root = resource.root;
  return {
    control: control.id,
    set: control.set,
    title: control.title,
    severity: control.severity,
    status: primary.status,
    resource: ref,
    location: resource.locate(primary.path),
    path: primary.path,
    messageId: primary.messageId,
    reason: render(control, primary),
    suppressed: null,
    violations,
    notes,
  };
}

/** Whether an assumption about the field at `path` bears on this control's verdict. */
function concerns(path: string, control: Control, evaluations: readonly Evaluation[]): boolean {
  for (const e of evaluations) {
    if (e.path !== null && (e.path === path || e.path.startsWith(path + '.') || e.path.startsWith(path + '[') || path.startsWith(e.path + '.') || path.startsWith(e.path + '['))) return true;
  }
  for (const segment of path.split(/[.[\]]+/)) if (segment && control.fields.includes(segment)) return true;
  return false;
}

function render(control: Control, e: Evaluation): string {
  const template = control.messages[e.messageId] ?? e.messageId;
  return renderMessage(template, e.data);
}

/** The property holding a resource's own ARN, by type (a service also has its cluster's, a task set its service's). */
const OWN_ARN: Record<Resource['type'], string> = {
  'AWS::ECS::TaskDefinition': 'taskDefinitionArn',
  'AWS::ECS::Service': 'serviceArn',
  'AWS::ECS::Cluster': 'clusterArn',
  'AWS::ECS::TaskSet': 'taskSetArn',
  'AWS::ECS::CapacityProvider': 'capacityProviderArn',
};

function arnOf(resource: Resource): string | undefined {
  if (resource.id.startsWith('arn:')) return resource.id;
  const own: unknown = (resource.properties as Record<string, unknown>)[OWN_ARN[resource.type]];
  return typeof own === 'string' ? own : undefined;
}
