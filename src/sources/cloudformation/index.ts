/**
 * The CloudFormation source: templates in YAML (with the short-form tags) or JSON, and the
 * templates of an AWS CDK cloud assembly (`cdk.out`). ECS resources are normalised to the ECS API
 * shape so the controls run unchanged; intrinsics are evaluated as far as the template allows
 * (see intrinsics.ts). A condition that cannot be decided yields one reading per branch.
 */
import type { FieldAssumption, InputError, Location, Resource, ResourceType, ResourceVariant, SourceFormat } from '../../model/index.js';
import { isUnresolved, unresolved, type Unresolved } from '../../model/index.js';
import { operatingSystemOf } from '../../model/task-definition.js';
import type { TaskDefinition } from '@aws-sdk/client-ecs';
import { checkTypes, CAPACITY_PROVIDER_SCHEMA, CLUSTER_SCHEMA, SERVICE_SCHEMA, TASK_DEFINITION_SCHEMA, TASK_SET_SCHEMA, type Schema } from '../taskdef-json/validate.js';
import { entry, get, parseTemplate, type CNode, type Pos } from './nodes.js';
import { decideCondition, intrinsicOf, newPass, scalarString, type Pass, type TemplateScope } from './intrinsics.js';
import { normalise, type PositionMap } from './normalise.js';
import { readSuppressionObject, type SuppressionTree } from '../inline-suppressions.js';

/** CloudFormation types ecsguard judges, and the ECS resource type each becomes. */
const TYPES = new Map<string, { type: ResourceType; schema: Schema; nameKey: string }>([
  ['AWS::ECS::TaskDefinition', { type: 'AWS::ECS::TaskDefinition', schema: TASK_DEFINITION_SCHEMA, nameKey: 'family' }],
  ['AWS::ECS::Service', { type: 'AWS::ECS::Service', schema: SERVICE_SCHEMA, nameKey: 'serviceName' }],
  ['AWS::ECS::Cluster', { type: 'AWS::ECS::Cluster', schema: CLUSTER_SCHEMA, nameKey: 'clusterName' }],
  ['AWS::ECS::TaskSet', { type: 'AWS::ECS::TaskSet', schema: TASK_SET_SCHEMA, nameKey: 'id' }],
  ['AWS::ECS::CapacityProvider', { type: 'AWS::ECS::CapacityProvider', schema: CAPACITY_PROVIDER_SCHEMA, nameKey: 'name' }],
]);

/** At most this many readings of one resource (2^4 undecidable conditions); beyond, the rest stay unknown. */
const MAX_VARIANTS = 16;

/** Options of the CloudFormation source. */
export interface CloudFormationOptions {
  /** Parameter values (`--parameters`), overriding Defaults. */
  parameters?: Readonly<Record<string, string>>;
  /** Pseudo parameter values, e.g. `{ 'AWS::Region': 'eu-west-1' }`. */
  pseudo?: Readonly<Record<string, string>>;
  format?: SourceFormat;
  /** Tags of the stack (a CDK manifest's `tags`): CloudFormation adds them to every resource that takes tags. */
  stackTags?: Readonly<Record<string, string>>;
}

/** True when a parsed JSON/YAML value looks like a CloudFormation template. */
export function looksLikeTemplate(value: unknown): boolean {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return false;
  const v = value as Record<string, unknown>;
  if ('AWSTemplateFormatVersion' in v) return true;
  const res = v.Resources;
  if (typeof res !== 'object' || res === null || Array.isArray(res)) return false;
  return Object.values(res).some((r) => typeof r === 'object' && r !== null && typeof (r as { Type?: unknown }).Type === 'string' && /^(AWS|Custom|Alexa)::/.test((r as { Type: string }).Type));
}

/** Cheap test on raw text, so YAML files in a repository that cannot be templates are not parsed. */
export function mayBeTemplateText(text: string): boolean {
  return text.includes('AWSTemplateFormatVersion') || /Type["']?\s*:\s*["']?AWS::/.test(text);
}

/**
 * Reads the ECS resources of one template. Never throws on bad content: problems become errors
 * with line and column, unknown values `Unresolved` markers.
 */
export function readCloudFormation(file: string, text: string, options: CloudFormationOptions = {}, explicit = true): { resources: Resource[]; errors: InputError[]; isTemplate: boolean; parameterNames?: string[] } {
  const errors: InputError[] = [];
  const { root, problems } = parseTemplate(text);
  for (const p of problems) errors.push({ file, line: p.line, column: p.column, message: p.message });
  if (!root) return { resources: [], errors, isTemplate: true };
  const resourcesNode = get(root, 'Resources');
  if (!resourcesNode) {
    if (!entry(root, 'AWSTemplateFormatVersion')) return { resources: [], errors: explicit ? errors : [], isTemplate: false };
    return { resources: [], errors, isTemplate: true };
  }
  if (resourcesNode.kind !== 'map') {
    errors.push({ file, line: resourcesNode.pos.line, column: resourcesNode.pos.column, message: 'Resources must be a mapping of logical IDs to resources' });
    return { resources: [], errors, isTemplate: true };
  }
  const reported = new Set<string>();
  const scope: TemplateScope = {
    parameters: new Map((nodeEntries(get(root, 'Parameters'))).map((e) => [e.key, e.value])),
    mappings: get(root, 'Mappings'),
    conditions: get(root, 'Conditions'),
    resources: new Map(resourcesNode.entries.map((e) => [e.key, scalarString(get(e.value, 'Type') ?? { kind: 'scalar', pos: e.keyPos, value: null }) ?? ''])),
    overrides: options.parameters ?? {},
    pseudo: options.pseudo ?? {},
    problem(pos: Pos, message: string) {
      const key = `${pos.line}:${pos.column}:${message}`;
      if (reported.has(key)) return;
      reported.add(key);
      errors.push({ file, line: pos.line, column: pos.column, message });
    },
  };
  const format = options.format ?? (text.trimStart().startsWith('{') ? 'cfn-json' : 'cfn-yaml');
  const resources: Resource[] = [];
  const serviceTaskDefs = new Map<Resource, string>();
  const byLogicalId = new Map<string, Resource>();
  for (const e of resourcesNode.entries) {
    const logicalId = e.key;
    const node = e.value;
    if (node.kind !== 'map') {
      errors.push({ file, line: e.keyPos.line, column: e.keyPos.column, message: `resource ${logicalId} must be a mapping with Type and Properties` });
      continue;
    }
    const typeName = scalarString(get(node, 'Type') ?? { kind: 'scalar', pos: node.pos, value: null });
    if (typeName === null) {
      errors.push({ file, line: e.keyPos.line, column: e.keyPos.column, message: `resource ${logicalId} has no Type` });
      continue;
    }
    const spec = TYPES.get(typeName);
    if (!spec) continue;
    const locationOf = (pos: Pos): Location => ({ file, line: pos.line, column: pos.column });
    // A resource whose own Condition is false is not created.
    const condName = scalarString(get(node, 'Condition') ?? { kind: 'scalar', pos: node.pos, value: null });
    const notes: string[] = [];
    if (condName !== null) {
      const c = decideCondition(condName, scope, newPass(), node.pos);
      if (c === false) continue;
      if (isUnresolved(c)) notes.push(`created only when condition ${condName} is true, which cannot be decided here (${c.unresolved}); judged as if created`);
    }
    const propsEntry = entry(node, 'Properties');
    const readings = readResource(propsEntry?.value, spec.schema, scope, file, errors);
    const cdkPath = scalarString(get(get(node, 'Metadata'), 'aws:cdk:path') ?? { kind: 'scalar', pos: node.pos, value: null }) ?? undefined;
    const first = readings[0];
    const locateIn = (positions: PositionMap) => (path: string | null): Location => {
      if (path === null) return locationOf(e.keyPos);
      let p = path;
      while (p) {
        const pos = positions.get(p);
        if (pos) return locationOf(pos);
        const cut = Math.max(p.lastIndexOf('.'), p.lastIndexOf('['));
        p = cut > 0 ? p.slice(0, cut) : '';
      }
      return locationOf(propsEntry ? propsEntry.keyPos : e.keyPos);
    };
    if (options.stackTags) for (const r of readings) if (!isUnresolved(r.properties)) addStackTags(r, options.stackTags, file);
    const nameValue = isUnresolved(first.properties) ? undefined : (first.properties as Record<string, unknown>)[spec.nameKey];
    const resource: Resource = {
      type: spec.type,
      id: logicalId,
      name: typeof nameValue === 'string' ? nameValue : logicalId,
      properties: first.properties as Resource['properties'],
      origin: { kind: 'file', file, format },
      locate: locateIn(first.positions),
      assumptions: notes,
      fieldAssumptions: first.assumed,
    };
    if (cdkPath) resource.cdkPath = cdkPath;
    // Metadata: { ecsguard: { suppress: [ { control, reason, expires } ] } }
    const metadata = get(node, 'Metadata');
    if (metadata?.kind === 'map') {
      for (const e of metadata.entries) {
        if (e.key !== 'ecsguard' && e.key.toLowerCase() === 'ecsguard') errors.push({ file, line: e.keyPos.line, column: e.keyPos.column, message: `${logicalId}: Metadata.${e.key} looks like ecsguard's suppression key, which is spelled 'ecsguard' (lower case); it is not read` });
      }
    }
    const own = entry(metadata, 'ecsguard');
    if (own) {
      const suppressions = readSuppressionObject(suppressionTree(own.value, file), `${logicalId}: Metadata.ecsguard`, errors);
      if (suppressions.length) resource.suppressions = suppressions;
    }
    if (readings.length > 1) {
      resource.variants = readings.map((r): ResourceVariant => ({ label: r.label, why: r.why, properties: r.properties as ResourceVariant['properties'], locate: locateIn(r.positions), assumptions: notes, fieldAssumptions: r.assumed }));
    }
    if (spec.type === 'AWS::ECS::Service') {
      const td = get(propsEntry?.value, 'TaskDefinition');
      const ref = td ? intrinsicOf(td) : null;
      if (ref && ref.name === 'Ref') serviceTaskDefs.set(resource, scalarString(ref.arg) ?? '');
      else if (ref && ref.name === 'Fn::GetAtt' && ref.arg.kind === 'seq') serviceTaskDefs.set(resource, scalarString(ref.arg.items[0]) ?? '');
    }
    byLogicalId.set(logicalId, resource);
    resources.push(resource);
  }
  // A service's task definition in the same template decides whether ECS.10 treats it as Windows.
  for (const [service, target] of serviceTaskDefs) {
    const td = byLogicalId.get(target);
    if (!td || td.type !== 'AWS::ECS::TaskDefinition') continue;
    const familyOf = (props: unknown): string | Unresolved | null => {
      if (isUnresolved(props)) return props;
      const os = operatingSystemOf(props as TaskDefinition);
      return isUnresolved(os) ? os : os === 'UNSET' ? null : ((props as TaskDefinition).runtimePlatform?.operatingSystemFamily as string);
    };
    // With readings per condition, the service's OS is known only if every reading agrees.
    const families = (td.variants ?? [{ properties: td.properties, label: '' }]).map((v) => familyOf(v.properties));
    const agreed = families.every((f) => JSON.stringify(f) === JSON.stringify(families[0]));
    service.context = { ...service.context, taskDefinitionOperatingSystemFamily: agreed ? families[0] : unresolved(`the operating system of task definition ${target} depends on a condition that cannot be decided`) };
  }
  return { resources, errors, isTemplate: true, parameterNames: [...scope.parameters.keys()] };
}

/** Adds stack tags the resource does not set itself (a resource's own tag with the same key wins). */
function addStackTags(r: Reading, stackTags: Readonly<Record<string, string>>, file: string): void {
  const own: unknown = r.properties.tags;
  if (own !== undefined && !Array.isArray(own)) return;
  const list = (own as { key?: unknown; value?: unknown }[] | undefined) ?? [];
  const have = new Set(list.map((t) => t?.key));
  const extra = Object.entries(stackTags).filter(([k]) => !have.has(k)).map(([key, value]) => ({ key, value: String(value) }));
  if (extra.length === 0) return;
  r.properties.tags = [...list, ...extra];
  r.assumed.push({ path: 'tags', note: `includes the stack tags ${extra.map((t) => t.key).join(', ')} from the manifest.json beside ${file} (CloudFormation adds stack tags to the stack's resources)` });
}

/** A template node as the tree {@link readSuppressionObject} reads. */
function suppressionTree(node: CNode, file: string): SuppressionTree {
  const loc = (pos: Pos): Location => ({ file, line: pos.line, column: pos.column });
  if (node.kind === 'map') return { kind: 'map', loc: loc(node.pos), entries: node.entries.map((e) => ({ key: e.key, loc: loc(e.keyPos), value: suppressionTree(e.value, file) })) };
  if (node.kind === 'seq') return { kind: 'seq', loc: loc(node.pos), items: node.items.map((i) => suppressionTree(i, file)) };
  return { kind: 'scalar', loc: loc(node.pos), value: node.value };
}

function nodeEntries(node: CNode | undefined) {
  return node && node.kind === 'map' ? node.entries : [];
}

interface Reading {
  label: string;
  properties: Record<string, unknown>;
  positions: PositionMap;
  /** Why the conditions of `label` could not be decided. */
  why: string;
  assumed: FieldAssumption[];
}

/**
 * Reads a resource's Properties once per combination of the undecidable conditions it meets
 * (depth-first: a pass that meets a new one is redone with it true and with it false).
 */
function readResource(props: CNode | undefined, schema: Schema, scope: TemplateScope, file: string, errors: InputError[]): Reading[] {
  const readings: Reading[] = [];
  const typeErrors = new Set<string>();
  const undecidedWhy = new Map<string, string>();
  const run = (assignment: Map<string, boolean>) => {
    const pass: Pass = newPass(assignment);
    const positions: PositionMap = new Map();
    const raw = props ? normalise(props, '', positions, scope, pass) : {};
    let properties: Record<string, unknown>;
    if (isUnresolved(raw)) {
      // Every control on this resource is then NOT_AVAILABLE (the engine sees an unknown Properties).
      properties = raw as unknown as Record<string, unknown>;
    } else if (raw === undefined || raw === null) {
      properties = {};
    } else if (typeof raw !== 'object' || Array.isArray(raw)) {
      errors.push({ file, line: props?.pos.line ?? null, column: props?.pos.column ?? null, message: 'Properties must be a mapping' });
      properties = {};
    } else {
      properties = raw as Record<string, unknown>;
    }
    for (const [c, why] of pass.undecided) if (!undecidedWhy.has(c)) undecidedWhy.set(c, why);
    const newOnes = [...pass.undecided.keys()].filter((c) => !assignment.has(c));
    if (newOnes.length > 0 && readings.length + 2 <= MAX_VARIANTS && assignment.size < 4) {
      run(new Map(assignment).set(newOnes[0], true));
      run(new Map(assignment).set(newOnes[0], false));
      return;
    }
    for (const p of isUnresolved(properties) ? [] : checkTypes(properties, schema, { coerceScalars: true })) {
      const path = p.path.map((s) => (typeof s === 'number' ? `[${s}]` : `.${s}`)).join('').replace(/^\./, '');
      const pos = positions.get(path);
      const key = `${path}:${p.message}`;
      if (typeErrors.has(key)) continue;
      typeErrors.add(key);
      errors.push({ file, line: pos?.line ?? null, column: pos?.column ?? null, message: p.message });
    }
    const label = [...assignment].map(([c, v]) => `condition ${c} is ${v}`).join(' and ');
    const why = [...assignment.keys()].map((c) => `condition ${c}: ${undecidedWhy.get(c) ?? 'unknown'}`).join('; ');
    readings.push({ label, why, properties, positions, assumed: pass.assumed });
  };
  run(new Map());
  return readings;
}

