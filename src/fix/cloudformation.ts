/**
 * The patcher of CloudFormation templates (YAML and JSON): edits the failing properties of each
 * resource in place, keeping comments, key order, quoting and indentation (YAML through
 * {@link YamlEditor}, JSON through jsonc-parser's minimal edits). ECS API paths are mapped back
 * to the template's property names (`containerDefinitions[0].readonlyRootFilesystem` ->
 * `Resources.<LogicalId>.Properties.ContainerDefinitions[0].ReadonlyRootFilesystem`), following
 * the AWS::ECS::* resource specification.
 *
 * A property given through an intrinsic function (Ref, Fn::If, Fn::Sub ..., or a short form such
 * as `!Ref`) is never rewritten: the control's fix is refused with the reason, naming the
 * parameter to change when it is a Ref. Templates synthesised by the AWS CDK (cdk.out) are not
 * edited either: the change belongs in the CDK code, and the guidance names the construct and
 * the construct property to set.
 */
import { isMap, isScalar, isSeq, parseDocument, type Document, type Node, type YAMLMap, type YAMLSeq } from 'yaml';
import { parseTree, findNodeAtLocation, type Node as JsonNode } from 'jsonc-parser';
import { applyJsonEdits, detectFormatting, type JsonEdit } from './json-edit.js';
import { isRegionValue, orderOps, parsePath, type FixOp, type FixValue, type PathPart } from './plan.js';
import { YamlEditor, YamlEditRefused, findPair, type YamlValue } from './yaml-edit.js';
import { resourceRef, type AppliedFix, type PatchContext, type PatchOutcome, type PatchTarget, type RefusedFix } from './types.js';
import type { Resource } from '../model/index.js';

/** ECS API names whose CloudFormation property name is not the capitalised word (see sources/cloudformation/normalise.ts). */
const CFN_NAMES: Record<string, string[]> = {
  efsVolumeConfiguration: ['EFSVolumeConfiguration'],
  fsxWindowsFileServerVolumeConfiguration: ['FSxWindowsFileServerVolumeConfiguration'],
  fileSystemId: ['FilesystemId'],
  iam: ['IAM'],
  settings: ['ClusterSettings'],
  awsvpcConfiguration: ['AwsvpcConfiguration', 'AwsVpcConfiguration'],
};

/** Properties whose keys are user data, written as they are (log driver options, labels). */
const OPAQUE = new Set(['options', 'dockerLabels', 'driverOpts', 'labels']);

/** The CloudFormation names an ECS API property may have in a template, preferred first. */
export function cfnNames(apiName: string): string[] {
  return CFN_NAMES[apiName] ?? [apiName[0].toUpperCase() + apiName.slice(1)];
}

/** A fix value in CloudFormation's spelling: keys capitalised (not inside opaque maps), the region as `Ref AWS::Region`. */
function toCfnValue(v: FixValue, json: boolean, opaque = false): unknown {
  if (isRegionValue(v)) return json ? { Ref: 'AWS::Region' } : { tagged: '!Ref', value: 'AWS::Region' };
  if (Array.isArray(v)) return v.map((x) => toCfnValue(x, json));
  if (v && typeof v === 'object') {
    return Object.fromEntries(Object.entries(v).map(([k, x]) => [opaque ? k : cfnNames(k)[0], toCfnValue(x as FixValue, json, !opaque && OPAQUE.has(k))]));
  }
  return v;
}

const INTRINSIC_KEY = /^(Ref|Condition|Fn::[A-Za-z]+)$/;

/** Why `value` is not a plain value: `!Ref ContainerUser`, `Fn::If` ...; null when it is plain. */
function yamlIntrinsic(node: Node): string | null {
  if (node.tag && node.tag.startsWith('!') && !node.tag.startsWith('!!')) return `${node.tag}${isScalar(node) ? ` ${String(node.value)}` : ''}`;
  if (isMap(node) && node.items.length === 1 && isScalar(node.items[0].key) && INTRINSIC_KEY.test(String(node.items[0].key.value))) {
    const k = String(node.items[0].key.value);
    const arg = node.items[0].value as Node | null;
    return `${k}${k === 'Ref' && arg && isScalar(arg) ? ` ${String(arg.value)}` : ''}`;
  }
  return null;
}

function jsonIntrinsic(node: JsonNode): string | null {
  if (node.type !== 'object' || node.children?.length !== 1) return null;
  const k = node.children[0].children?.[0]?.value;
  if (typeof k !== 'string' || !INTRINSIC_KEY.test(k)) return null;
  const arg = node.children[0].children?.[1];
  return `${k}${k === 'Ref' && arg?.type === 'string' ? ` ${String(arg.value)}` : ''}`;
}

/** What a refusal says about a value given through an intrinsic, with the parameter to change for a Ref. */
function intrinsicReason(where: string, intrinsic: string, template: TemplateView): string {
  const ref = /^(?:!Ref|Ref) (\S+)$/.exec(intrinsic);
  if (ref && template.parameterDefault(ref[1]) !== undefined) {
    return `${where} is given by Ref to parameter ${ref[1]} (Default ${JSON.stringify(template.parameterDefault(ref[1]))}): change that Default, or the value you deploy with, to a compliant one; the template is not rewritten`;
  }
  if (ref) return `${where} is given by Ref to ${ref[1]}: change the value it refers to; the template is not rewritten`;
  return `${where} is given through ${intrinsic.split(' ')[0]}: an intrinsic function is not rewritten automatically; change it by hand`;
}

/** Reads a template's parameters' defaults, for refusal messages. */
interface TemplateView {
  parameterDefault(name: string): unknown;
}

/** Where an API path lands in the template: the parent collection, the key or index in it, and the node when present. */
type Resolved<N> = { parent: N; key: string | number; node: N | undefined; cfnPath: string; jsonPath: (string | number)[] } | { refused: string };

/** Resolves an API path under a YAML resource's Properties; the last key may be missing (its parent is returned). */
function resolveYaml(props: Node, parts: PathPart[], view: TemplateView, base: string): Resolved<Node> {
  let node: Node = props;
  let cfnPath = base;
  const jsonPath: (string | number)[] = [];
  for (let i = 0; i < parts.length; i++) {
    const part = parts[i];
    const last = i === parts.length - 1;
    const intrinsic = yamlIntrinsic(node);
    if (intrinsic) return { refused: intrinsicReason(cfnPath, intrinsic, view) };
    if (typeof part === 'number') {
      if (!isSeq(node)) return { refused: `${cfnPath} is not a list` };
      for (let j = 0; j <= Math.min(part, node.items.length - 1); j++) {
        const it = yamlIntrinsic(node.items[j] as Node);
        if (it) return { refused: intrinsicReason(`${cfnPath}[${j}]`, it, view) };
      }
      const item = node.items[part] as Node | undefined;
      if (!item) return { refused: `${cfnPath}[${part}] is not in the template` };
      if (last) return { parent: node, key: part, node: item, cfnPath: `${cfnPath}[${part}]`, jsonPath: [...jsonPath, part] };
      node = item;
      cfnPath += `[${part}]`;
      jsonPath.push(part);
      continue;
    }
    if (!isMap(node)) return { refused: `${cfnPath} is not a mapping` };
    const opaque = i > 0 && typeof parts[i - 1] === 'string' && OPAQUE.has(parts[i - 1] as string);
    const names = opaque ? [part] : cfnNames(part);
    const pair = names.map((n) => findPair(node as YAMLMap, n)).find(Boolean);
    const key = pair ? String((pair.key as { value: unknown }).value) : names[0];
    const value = (pair?.value ?? undefined) as Node | undefined;
    if (last) {
      if (value) {
        const it = yamlIntrinsic(value);
        if (it) return { refused: intrinsicReason(`${cfnPath}.${key}`, it, view) };
      }
      return { parent: node, key, node: value, cfnPath: `${cfnPath}.${key}`, jsonPath: [...jsonPath, key] };
    }
    if (!value) return { refused: `${cfnPath}.${key} is not in the template` };
    node = value;
    cfnPath += `.${key}`;
    jsonPath.push(key);
  }
  return { refused: 'empty path' };
}

/** The same for a JSON template; `jsonPath` is relative to the resource's Properties. */
function resolveJson(props: JsonNode, parts: PathPart[], view: TemplateView, base: string): Resolved<JsonNode> {
  let node = props;
  let cfnPath = base;
  const jsonPath: (string | number)[] = [];
  for (let i = 0; i < parts.length; i++) {
    const part = parts[i];
    const last = i === parts.length - 1;
    const intrinsic = jsonIntrinsic(node);
    if (intrinsic) return { refused: intrinsicReason(cfnPath, intrinsic, view) };
    if (typeof part === 'number') {
      if (node.type !== 'array') return { refused: `${cfnPath} is not a list` };
      for (let j = 0; j <= Math.min(part, (node.children?.length ?? 0) - 1); j++) {
        const it = jsonIntrinsic(node.children![j]);
        if (it) return { refused: intrinsicReason(`${cfnPath}[${j}]`, it, view) };
      }
      const item = node.children?.[part];
      if (!item) return { refused: `${cfnPath}[${part}] is not in the template` };
      if (last) return { parent: node, key: part, node: item, cfnPath: `${cfnPath}[${part}]`, jsonPath: [...jsonPath, part] };
      node = item;
      cfnPath += `[${part}]`;
      jsonPath.push(part);
      continue;
    }
    if (node.type !== 'object') return { refused: `${cfnPath} is not an object` };
    const opaque = i > 0 && typeof parts[i - 1] === 'string' && OPAQUE.has(parts[i - 1] as string);
    const names = opaque ? [part] : cfnNames(part);
    const prop = names.map((n) => node.children?.find((p) => p.children?.[0]?.value === n)).find(Boolean);
    const key = prop ? String(prop.children![0].value) : names[0];
    const value = prop?.children?.[1];
    if (last) {
      if (value) {
        const it = jsonIntrinsic(value);
        if (it) return { refused: intrinsicReason(`${cfnPath}.${key}`, it, view) };
      }
      return { parent: node, key, node: value, cfnPath: `${cfnPath}.${key}`, jsonPath: [...jsonPath, key] };
    }
    if (!value || value.type === 'null') return { refused: `${cfnPath}.${key} is not in the template` };
    node = value;
    cfnPath += `.${key}`;
    jsonPath.push(key);
  }
  return { refused: 'empty path' };
}

/** Construct properties of the AWS CDK (aws-cdk-lib/aws-ecs) that make each control pass. */
const CDK_GUIDANCE: Record<string, string> = {
  'ECS.3': "remove pidMode: ecs.PidMode.HOST from the TaskDefinition props",
  'ECS.4': 'remove privileged: true from the container options (addContainer)',
  'ECS.5': "set readonlyRootFilesystem: true in the container options, add taskDefinition.addVolume({ name: 'tmp' }) and container.addMountPoints({ sourceVolume: 'tmp', containerPath: '/tmp', readOnly: false })",
  'ECS.8': 'move the variables from environment to secrets: { NAME: ecs.Secret.fromSecretsManager(secret) } in the container options',
  'ECS.9': "set logging: ecs.LogDrivers.awsLogs({ streamPrefix: 'ecs' }) in the container options",
  'ECS.18': "set efsVolumeConfiguration: { fileSystemId, transitEncryption: 'ENABLED' } in the volume given to addVolume",
  'ECS.20': "set user: '1000:1000' (a non-root user of the image) in the container options",
  'ECS.21': "set user: 'ContainerUser' in the container options",
  'ECS.2': 'set assignPublicIp: false on the FargateService/Ec2Service (the default)',
  'ECS.16': 'set assignPublicIp to DISABLED in the task set network configuration',
  'ECS.10': 'set platformVersion: ecs.FargatePlatformVersion.LATEST (or leave it unset)',
  'ECS.12': 'set containerInsightsV2: ecs.ContainerInsights.ENABLED on the Cluster',
};

/** Guidance for a resource synthesised by the AWS CDK: the construct and its properties to change. */
function cdkGuidance(target: PatchTarget): string[] {
  const where = target.resource.cdkPath ? `construct ${target.resource.cdkPath}` : `the construct of ${target.resource.id}`;
  return target.plan.fixes.map((f) => `${f.control} on ${target.resource.id}: in the CDK app, ${where}: ${CDK_GUIDANCE[f.control] ?? f.changes.join('; ')}; then cdk synth (cdk.out is generated, so it is not edited)`);
}

function applicable(target: PatchTarget, file: string, outcome: PatchOutcome): boolean {
  if (target.resource.variants?.length) {
    const ref = resourceRef(target.resource);
    for (const f of target.plan.fixes) outcome.refused.push({ resource: ref, control: f.control, path: f.ops[0]?.path ?? null, reason: `${file}: ${target.resource.id}'s properties depend on a condition that cannot be decided (Fn::If); fix each branch by hand` });
    return false;
  }
  return true;
}

/** Patches a CloudFormation template in YAML; see the module comment. */
export function patchCloudFormationYaml(file: string, text: string, targets: readonly PatchTarget[], _context: PatchContext): PatchOutcome {
  const outcome: PatchOutcome = { text, applied: [], refused: [], guidance: [] };
  const doc: Document = parseDocument(text, { uniqueKeys: false, strict: false, prettyErrors: false });
  const editor = new YamlEditor(text);
  const view: TemplateView = {
    parameterDefault: (name) => {
      const d = doc.getIn(['Parameters', name, 'Default']);
      return d === undefined ? undefined : (d as { toJSON?: () => unknown })?.toJSON?.() ?? d;
    },
  };
  for (const t of targets) {
    const ref = resourceRef(t.resource);
    outcome.refused.push(...t.plan.refused.map((r): RefusedFix => ({ ...r, resource: ref })));
    if (!applicable(t, file, outcome)) continue;
    const props = doc.getIn(['Resources', t.resource.id, 'Properties'], true) as Node | undefined;
    for (const fix of t.plan.fixes) {
      if (!props) {
        outcome.refused.push({ resource: ref, control: fix.control, path: null, reason: `${file}: Resources.${t.resource.id}.Properties not found` });
        continue;
      }
      // A control's ops are all made or none: resolve every one before editing.
      const planned: (() => void)[] = [];
      let refusal: string | null = null;
      for (const o of orderOps(fix.ops)) {
        const r = resolveYaml(props, parsePath(o.path), view, `Resources.${t.resource.id}.Properties`);
        if ('refused' in r) { refusal = r.refused; break; }
        planned.push(yamlEdit(editor, o, r));
      }
      if (refusal) { outcome.refused.push({ resource: ref, control: fix.control, path: fix.ops[0]?.path ?? null, reason: `${file}: ${refusal}` }); continue; }
      try {
        for (const p of planned) p();
        outcome.applied.push({ ...fix, resource: ref });
      } catch (e) {
        if (!(e instanceof YamlEditRefused)) throw e;
        outcome.refused.push({ resource: ref, control: fix.control, path: fix.ops[0]?.path ?? null, reason: `${file}: ${e.message}` });
      }
    }
  }
  outcome.text = editor.result();
  return outcome;
}

function yamlEdit(editor: YamlEditor, o: FixOp, r: Exclude<Resolved<Node>, { refused: string }>): () => void {
  const value = o.op === 'delete' ? null : (toCfnValue(o.value, false) as YamlValue);
  if (typeof r.key === 'number') {
    if (o.op !== 'delete') throw new YamlEditRefused(`${r.cfnPath}: only a list item can be removed`);
    const seq = r.parent as YAMLSeq;
    const index = r.key;
    return () => editor.deleteItem(seq, index);
  }
  const map = r.parent as YAMLMap;
  const key = r.key;
  if (o.op === 'delete') return r.node === undefined ? () => {} : () => editor.deletePair(map, key);
  if (o.op === 'set') return () => editor.set(map, key, value);
  return () => editor.append(map, key, value);
}

/** Patches a CloudFormation template in JSON; see the module comment. */
export function patchCloudFormationJson(file: string, text: string, targets: readonly PatchTarget[], _context: PatchContext): PatchOutcome {
  const outcome: PatchOutcome = { text, applied: [], refused: [], guidance: [] };
  const formatting = detectFormatting(text);
  let out = text;
  for (const t of targets) {
    const ref = resourceRef(t.resource);
    outcome.refused.push(...t.plan.refused.map((r): RefusedFix => ({ ...r, resource: ref })));
    if (!applicable(t, file, outcome)) continue;
    for (const fix of t.plan.fixes) {
      // Resolve against the current text: earlier fixes of this resource may have moved offsets, not paths.
      const tree = parseTree(out);
      const props = tree ? findNodeAtLocation(tree, ['Resources', t.resource.id, 'Properties']) : undefined;
      const view: TemplateView = {
        parameterDefault: (name) => {
          const d = tree ? findNodeAtLocation(tree, ['Parameters', name, 'Default']) : undefined;
          return d?.value;
        },
      };
      if (!props) {
        outcome.refused.push({ resource: ref, control: fix.control, path: null, reason: `${file}: Resources.${t.resource.id}.Properties not found` });
        continue;
      }
      const edits: JsonEdit[] = [];
      let refusal: string | null = null;
      for (const o of orderOps(fix.ops)) {
        const r = resolveJson(props, parsePath(o.path), view, `Resources.${t.resource.id}.Properties`);
        if ('refused' in r) { refusal = r.refused; break; }
        const path = ['Resources', t.resource.id, 'Properties', ...r.jsonPath];
        if (o.op === 'delete') { if (r.node) edits.push({ op: 'delete', path }); }
        else edits.push({ op: o.op, path, value: toCfnValue(o.value, true) });
      }
      if (refusal) { outcome.refused.push({ resource: ref, control: fix.control, path: fix.ops[0]?.path ?? null, reason: `${file}: ${refusal}` }); continue; }
      out = applyJsonEdits(out, edits, formatting);
      outcome.applied.push({ ...fix, resource: ref });
    }
  }
  outcome.text = out;
  return outcome;
}

/** For templates in cdk.out: nothing is edited; each fix becomes guidance on the construct to change. */
export function patchCdkTemplate(_file: string, text: string, targets: readonly PatchTarget[], _context: PatchContext): PatchOutcome {
  const outcome: PatchOutcome = { text, applied: [], refused: [], guidance: [] };
  for (const t of targets) {
    const ref = resourceRef(t.resource);
    outcome.refused.push(...t.plan.refused.map((r): RefusedFix => ({ ...r, resource: ref })));
    for (const f of t.plan.fixes) outcome.refused.push({ resource: ref, control: f.control, path: f.ops[0]?.path ?? null, reason: 'synthesised by the AWS CDK: change the construct (see guidance) and synthesise again' });
    outcome.guidance.push(...cdkGuidance(t));
  }
  return outcome;
}

/** Keeps the AppliedFix type in the module's public surface for callers that build outcomes. */
export type { AppliedFix };
