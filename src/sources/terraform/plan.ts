/**
 * Terraform plan JSON (`terraform show -json plan.out`,
 * https://developer.hashicorp.com/terraform/internals/json-format): the ECS resources of
 * `resource_changes` (their `after` values; `after_unknown` marks values known only after
 * apply, which become Unresolved) or, without changes, of `planned_values` (root and child
 * modules), with the plan's full addresses. A plan has no source lines: findings point at the
 * resource's entry in the plan file.
 */
import { isUnresolved, unresolved, type InputError, type Location, type Resource } from '../../model/index.js';
import { JsonLocator } from '../json-tree.js';
import { checkTypes, SCHEMA_BY_TYPE, TASK_DEFINITION_SCHEMA } from '../taskdef-json/validate.js';
import type { EvalScope } from './evaluate.js';
import { mapResource, TERRAFORM_TYPES } from './resources.js';
import type { TfValue } from './values.js';


/** True when a parsed JSON value is a Terraform plan. */
export function looksLikePlan(value: unknown): boolean {
  if (!value || typeof value !== 'object' || Array.isArray(value)) return false;
  const v = value as Record<string, unknown>;
  return typeof v.format_version === 'string' && ('planned_values' in v || 'resource_changes' in v);
}

const AFTER_APPLY = unresolved('known only after apply (after_unknown in the plan)');

/** Replaces the values `unknown` marks true with Unresolved, recursively (blocks are lists in both). */
function applyUnknown(value: unknown, unknown: unknown): unknown {
  if (unknown === true) return AFTER_APPLY;
  if (!unknown || typeof unknown !== 'object') return value;
  if (Array.isArray(unknown)) {
    const list = Array.isArray(value) ? [...value] : [];
    unknown.forEach((u, i) => {
      if (u === true) list[i] = AFTER_APPLY;
      else if (u && typeof u === 'object') list[i] = applyUnknown(list[i], u);
    });
    return list;
  }
  const obj = value && typeof value === 'object' && !Array.isArray(value) ? { ...(value as Record<string, unknown>) } : {};
  for (const [k, u] of Object.entries(unknown as Record<string, unknown>)) {
    if (u === true) obj[k] = AFTER_APPLY;
    else if (u && typeof u === 'object') obj[k] = applyUnknown(obj[k], u);
  }
  return obj;
}

interface PlanResource {
  address: string;
  type: string;
  values: Record<string, unknown>;
  path: (string | number)[];
}

function plannedResources(module: unknown, path: (string | number)[], out: PlanResource[]): void {
  if (!module || typeof module !== 'object') return;
  const m = module as { resources?: unknown[]; child_modules?: unknown[] };
  (m.resources ?? []).forEach((r, i) => {
    const res = r as { address?: string; mode?: string; type?: string; values?: Record<string, unknown> };
    if (res.mode === 'managed' && res.type && res.address) out.push({ address: res.address, type: res.type, values: res.values ?? {}, path: [...path, 'resources', i] });
  });
  (m.child_modules ?? []).forEach((c, i) => plannedResources(c, [...path, 'child_modules', i], out));
}

/** Reads the ECS resources of a plan. Never throws on bad content. */
export function readPlan(file: string, text: string, value: unknown): { resources: Resource[]; errors: InputError[] } {
  const plan = value as { resource_changes?: unknown[]; planned_values?: { root_module?: unknown } };
  const locator = new JsonLocator(text, file);
  const errors: InputError[] = [];
  const items: PlanResource[] = [];
  if (Array.isArray(plan.resource_changes)) {
    plan.resource_changes.forEach((rc, i) => {
      const r = rc as { address?: string; mode?: string; type?: string; change?: { actions?: string[]; after?: Record<string, unknown> | null; after_unknown?: unknown } };
      if (r.mode !== 'managed' || !r.type || !r.address || !r.change) return;
      const actions = r.change.actions ?? [];
      // A resource the plan deletes will not exist; one it keeps, creates or updates will.
      if (actions.length === 1 && (actions[0] === 'delete' || actions[0] === 'forget')) return;
      if (r.change.after === null) return;
      const after = applyUnknown(r.change.after ?? {}, r.change.after_unknown) as Record<string, unknown>;
      items.push({ address: r.address, type: r.type, values: after, path: ['resource_changes', i] });
    });
  } else {
    plannedResources(plan.planned_values?.root_module, ['planned_values', 'root_module'], items);
  }
  const resources: Resource[] = [];
  for (const item of items) {
    const spec = TERRAFORM_TYPES.get(item.type);
    if (!spec) continue;
    const at: Location = locator.locate(item.path);
    const scope: EvalScope = {
      file, dir: '.', rootDir: '.', bindings: new Map(),
      variable: () => unresolved('no variables in a plan'), local: () => unresolved('no locals in a plan'),
      problem: (loc, message) => errors.push({ file: loc.file, line: loc.line, column: loc.column, message: `${item.address}: ${message}` }),
    };
    const values = { ...item.values };
    // tags_all holds the provider's default_tags too: it is what AWS will have.
    if (values.tags_all !== undefined) values.tags = values.tags_all;
    delete values.tags_all;
    if (typeof values.container_definitions === 'string') {
      try {
        values.container_definitions = JSON.parse(values.container_definitions);
      } catch {
        errors.push({ ...at, message: `${item.address}: container_definitions is not valid JSON` });
        values.container_definitions = unresolved('container_definitions in the plan is not valid JSON');
      }
    }
    const mapped = mapResource(values as Record<string, TfValue>, spec.spec, at, scope);
    const props = mapped.properties;
    for (const p of checkTypes(props, SCHEMA_BY_TYPE[spec.type], { coerceScalars: true })) errors.push({ ...at, message: `${item.address}: ${p.message}` });
    const nameValue = props[spec.nameKey];
    resources.push({
      type: spec.type,
      id: item.address,
      name: typeof nameValue === 'string' ? nameValue : item.address,
      properties: props as Resource['properties'],
      origin: { kind: 'file', file, format: 'tf-plan' },
      locate: () => at,
    });
  }
  void isUnresolved;
  return { resources, errors };
}
