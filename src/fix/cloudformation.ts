/**
 * The patcher of CloudFormation templates (YAML and JSON): edits the failing properties of each
 * resource in place, keeping comments, key order, quoting and indentation (YAML through
 * {@link YamlEditor}, JSON through the minimal edits of ./json-edit.ts). ECS API paths are mapped back
 * to the template's property names (`containerDefinitions[0].readonlyRootFilesystem` ->
 * `Resources.<LogicalId>.Properties.ContainerDefinitions[0].ReadonlyRootFilesystem`), following
 * the AWS::ECS::* resource specification.
 *
 * A property given through an intrinsic function (Ref, Fn::If, Fn::Sub ..., or a short form such
 * as `!Ref`) is never rewritten: the control's fix is refused with the reason, naming the
 * parameter to change when it is a Ref. Templates synthesised by the AWS CDK (cdk.out) are not
 * edited either: the change belongs in the CDK code, and the guidance names the construct and
 * the construct property to set.
 *
 * Paths are matched as the CloudFormation source reads the template: every key spelling it maps
 * to an API name (`Privileged`, `privileged`), list items written as `!Ref AWS::NoValue` skipped.
 * What the edit could not change alone is refused: a key written twice (a duplicate logical ID
 * included), a value brought in by a YAML merge key (`<<`), a node that carries an anchor an
 * alias reuses, or an alias itself. A `.yaml` template written in flow style (starting with `{`)
 * is edited as YAML.
 */
import { isAlias, isMap, isScalar, isSeq, parseDocument, visit, type Document, type Node, type Pair, type YAMLMap, type YAMLSeq } from 'yaml';
import { parseTree, findNodeAtLocation, type Node as JsonNode } from 'jsonc-parser';
import { applyJsonEdits, detectFormatting, duplicateOnPath, JsonEditRefused, type JsonEdit } from './json-edit.js';
import { isRegionValue, orderOps, parsePath, type FixOp, type FixValue, type PathPart } from './plan.js';
import { YamlEditor, YamlEditRefused, pairsNamed, type YamlValue } from './yaml-edit.js';
import { resourceRef, type AppliedFix, type PatchContext, type PatchOutcome, type PatchTarget } from './types.js';
import type { Resource } from '../model/index.js';
import { apiName } from '../sources/cloudformation/normalise.js';

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

/** Template keys whose map's keys are user data, as the CloudFormation source decides it (sources/cloudformation/normalise.ts). */
const OPAQUE_CFN = new Set(['Options', 'DockerLabels', 'DriverOpts', 'Labels', 'SecretOptions']);

/**
 * The keys of a mapping that the CloudFormation source reads as ECS API property `part`: every
 * spelling it maps there (`Privileged`, `privileged`; `AwsvpcConfiguration`, `AwsVpcConfiguration`),
 * or exactly `part` under a map of user data. Two of them in one mapping: the source reads the last.
 */
function readsAs(key: unknown, part: string, opaque: boolean): boolean {
  return typeof key === 'string' && (opaque ? key === part : apiName(key) === part);
}

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
  if (ref && ref[1] === 'AWS::NoValue') return `${where} is Ref AWS::NoValue (CloudFormation leaves it out): it is not rewritten automatically; change it by hand`;
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

/** True for a list item written as `!Ref AWS::NoValue` or `{ Ref: AWS::NoValue }`: CloudFormation drops it, and the scan's list indexes skip it. */
function isNoValue(intrinsic: string | null): boolean {
  return intrinsic === '!Ref AWS::NoValue' || intrinsic === 'Ref AWS::NoValue';
}

/**
 * The template index of the item the scan numbered `apiIndex` in a list whose items are
 * `intrinsics` (each item's intrinsic, or null): items written as Ref AWS::NoValue are skipped,
 * as the scan skipped them; any other intrinsic item at or before it is refused, since what it
 * yields (an item, or none) decides the numbering.
 */
function templateIndex(intrinsics: (string | null)[], apiIndex: number, cfnPath: string, view: TemplateView): number | { refused: string } {
  let seen = -1;
  for (let j = 0; j < intrinsics.length; j++) {
    const it = intrinsics[j];
    if (isNoValue(it)) continue;
    if (it) {
      const reason = intrinsicReason(`${cfnPath}[${j}]`, it, view);
      return { refused: ++seen === apiIndex ? reason : `${reason} (an item before the one to change, so the list's items cannot be matched to the template's)` };
    }
    if (++seen === apiIndex) return j;
  }
  return { refused: `${cfnPath}[${apiIndex}] is not in the template` };
}

/** What the YAML resolver must know of the document: anchors that aliases reuse. */
interface YamlContext {
  view: TemplateView;
  doc: Document;
  /** Anchors some alias refers to: a node carrying one is shared, so editing it edits every alias. */
  aliased: Set<string>;
}

/** Why editing inside `node` would change more than this resource: it carries an anchor that an alias reuses. */
function sharedAnchor(node: Node, ctx: YamlContext, where: string): string | null {
  const anchor = (node as { anchor?: string }).anchor;
  return anchor && ctx.aliased.has(anchor) ? `${where} carries the YAML anchor &${anchor}, which an alias (*${anchor}) reuses: an edit here would change every copy; change it by hand` : null;
}

/** An anchor inside `node` (itself included) that an alias reuses: removing the node would leave the alias dangling. */
function anchorInside(node: Node, ctx: YamlContext): string | null {
  let found: string | null = null;
  visit(node, (_, n) => {
    const anchor = (n as { anchor?: string }).anchor;
    if (anchor && ctx.aliased.has(anchor)) { found = anchor; return visit.BREAK; }
    return undefined;
  });
  return found;
}

/** The maps a mapping's merge keys (`<<: *defaults`) bring in, resolved through aliases; null when one is not a mapping. */
function mergeSources(map: YAMLMap, doc: Document, seen = new Set<YAMLMap>([map])): YAMLMap[] | null {
  const out: YAMLMap[] = [];
  for (const p of map.items as Pair[]) {
    if (!(isScalar(p.key) && typeof p.key.value === 'symbol')) continue;
    const sources = isSeq(p.value) ? (p.value.items as Node[]) : [p.value as Node];
    for (const src of sources) {
      const m = isAlias(src) ? src.resolve(doc) : src;
      if (!isMap(m) || seen.has(m)) return null;
      seen.add(m);
      const deeper = mergeSources(m, doc, seen);
      if (deeper === null) return null;
      out.push(m, ...deeper);
    }
  }
  return out;
}

/** Resolves an API path under a YAML resource's Properties for `op`; the last key may be missing (its parent is returned). */
function resolveYaml(props: Node, parts: PathPart[], op: FixOp['op'], ctx: YamlContext, base: string): Resolved<Node> {
  let node: Node = props;
  let cfnPath = base;
  const jsonPath: (string | number)[] = [];
  for (let i = 0; i < parts.length; i++) {
    const part = parts[i];
    const last = i === parts.length - 1;
    if (isAlias(node)) return { refused: `${cfnPath} is the YAML alias *${node.source}: editing it would change every copy of &${node.source}; change it by hand` };
    const shared = sharedAnchor(node, ctx, cfnPath);
    if (shared) return { refused: shared };
    const intrinsic = yamlIntrinsic(node);
    if (intrinsic) return { refused: intrinsicReason(cfnPath, intrinsic, ctx.view) };
    if (typeof part === 'number') {
      if (!isSeq(node)) return { refused: `${cfnPath} is not a list` };
      const items = node.items as Node[];
      // An alias item reads as what it refers to (a !Ref AWS::NoValue, an intrinsic ...).
      const j = templateIndex(items.map((it) => yamlIntrinsic(isAlias(it) ? ((it.resolve(ctx.doc) as Node | undefined) ?? it) : it)), part, cfnPath, ctx.view);
      if (typeof j !== 'number') return j;
      const item = items[j];
      if (last) {
        if (isAlias(item)) return { refused: `${cfnPath}[${j}] is the YAML alias *${item.source}; change it by hand` };
        const inside = anchorInside(item, ctx);
        if (inside) return { refused: `${cfnPath}[${j}] holds the YAML anchor &${inside}, which an alias reuses: removing it would leave the alias without its value; change it by hand` };
        return { parent: node, key: j, node: item, cfnPath: `${cfnPath}[${j}]`, jsonPath: [...jsonPath, j] };
      }
      node = item;
      cfnPath += `[${j}]`;
      jsonPath.push(j);
      continue;
    }
    if (!isMap(node)) return { refused: `${cfnPath} is not a mapping` };
    const opaque = OPAQUE_CFN.has(cfnPath.slice(cfnPath.lastIndexOf('.') + 1));
    const pairs = (node.items as Pair[]).filter((p) => isScalar(p.key) && readsAs(p.key.value, part, opaque));
    const names = [...new Set([...pairs.map((p) => String((p.key as { value: unknown }).value)), ...(opaque ? [part] : cfnNames(part))])];
    if (pairs.length > 1) return { refused: `${cfnPath} has ${pairs.map((p) => String((p.key as { value: unknown }).value)).join(' and ')}: a key written twice (CloudFormation rejects the template); remove the duplicate by hand first` };
    const pair = pairs[0];
    const key = pair ? String((pair.key as { value: unknown }).value) : names[0];
    const value = (pair?.value ?? undefined) as Node | undefined;
    // A merge key (`<<: *defaults`) may bring the key in: an explicit key wins over it, but a
    // removal would let the merged value show through and an append would hide the merged list.
    const merged = mergeSources(node, ctx.doc);
    const fromMerge = merged === null ? true : merged.some((m) => (m.items as Pair[]).some((p) => isScalar(p.key) && readsAs(p.key.value, part, opaque)));
    if (fromMerge && (last ? op === 'delete' || (op === 'append' && !pair) : !pair)) {
      return { refused: `${cfnPath}.${key} is ${pair ? 'also ' : ''}given through the YAML merge key <<: the edit would not take effect as written; change it by hand` };
    }
    if (last) {
      if (value) {
        if (isAlias(value)) return { refused: `${cfnPath}.${key} is the YAML alias *${value.source}; change it by hand` };
        const it = yamlIntrinsic(value);
        if (it) return { refused: intrinsicReason(`${cfnPath}.${key}`, it, ctx.view) };
        const anchor = op === 'delete' ? anchorInside(value, ctx) : sharedAnchor(value, ctx, `${cfnPath}.${key}`) && (value as { anchor?: string }).anchor;
        if (anchor) return { refused: `${cfnPath}.${key} carries the YAML anchor &${anchor}, which an alias reuses: ${op === 'delete' ? 'removing it would leave the alias without its value' : 'an edit here would change every copy'}; change it by hand` };
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
      const items = node.children ?? [];
      const j = templateIndex(items.map(jsonIntrinsic), part, cfnPath, view);
      if (typeof j !== 'number') return j;
      const item = items[j];
      if (last) return { parent: node, key: j, node: item, cfnPath: `${cfnPath}[${j}]`, jsonPath: [...jsonPath, j] };
      node = item;
      cfnPath += `[${j}]`;
      jsonPath.push(j);
      continue;
    }
    if (node.type !== 'object') return { refused: `${cfnPath} is not an object` };
    const opaque = OPAQUE_CFN.has(cfnPath.slice(cfnPath.lastIndexOf('.') + 1));
    const names = opaque ? [part] : cfnNames(part);
    const props = (node.children ?? []).filter((p) => readsAs(p.children?.[0]?.value, part, opaque));
    if (props.length > 1) return { refused: `${cfnPath} has ${props.map((p) => String(p.children![0].value)).join(' and ')}: a key written twice (the last one is read); remove the duplicate by hand first` };
    const prop = props[0];
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
  return target.plan.fixes.map((f) => {
    // The user a fix sets depends on the task (ECS.21 without an operating system family gets the Linux one).
    const user = f.ops.find((o) => o.op === 'set' && /\.user$/.test(o.path));
    const advice = user && user.op === 'set' ? `set user: '${String(user.value)}' in the container options` : f.ops.length === 0 ? f.changes.join('; ') : CDK_GUIDANCE[f.control] ?? f.changes.join('; ');
    return `${f.control} on ${target.resource.id}: in the CDK app, ${where}: ${advice}; then cdk synth (cdk.out is generated, so it is not edited)`;
  });
}

function applicable(target: PatchTarget, file: string, outcome: PatchOutcome): boolean {
  if (target.resource.variants?.length) {
    const ref = resourceRef(target.resource);
    for (const f of target.plan.fixes) outcome.refused.push({ resource: ref, control: f.control, path: f.ops[0]?.path ?? null, reason: `${file}: ${target.resource.id}'s properties depend on a condition that cannot be decided (Fn::If); fix each branch by hand` });
    return false;
  }
  return true;
}

/** The Properties node of resource `id` in a YAML template, or why it cannot be edited. */
function yamlProperties(ctx: YamlContext, id: string): Node | { refused: string } {
  const root = ctx.doc.contents as Node | null;
  if (!isMap(root)) return { refused: 'the template is not a mapping' };
  const resources = pairsNamed(root, ['Resources']);
  if (resources.length !== 1) return { refused: resources.length ? 'Resources is written twice: remove the duplicate by hand first' : 'Resources not found' };
  const map = resources[0].value as Node | null;
  if (!isMap(map)) return { refused: 'Resources is not a plain mapping (an alias or a tag)' };
  const sharedResources = sharedAnchor(map, ctx, 'Resources');
  if (sharedResources) return { refused: sharedResources };
  const entries = pairsNamed(map, [id]);
  if (entries.length > 1) return { refused: `Resources.${id} is written ${entries.length} times (a duplicate logical ID: CloudFormation rejects the template, the scan read the last one): remove the duplicate by hand first` };
  const resource = entries[0]?.value as Node | null | undefined;
  if (!resource) return { refused: `Resources.${id} not found` };
  if (isAlias(resource)) return { refused: `Resources.${id} is the YAML alias *${resource.source}: change it by hand` };
  const shared = sharedAnchor(resource, ctx, `Resources.${id}`);
  if (shared) return { refused: shared };
  if (!isMap(resource)) return { refused: `Resources.${id} is not a mapping` };
  const props = pairsNamed(resource, ['Properties']);
  if (props.length > 1) return { refused: `Resources.${id}.Properties is written twice: remove the duplicate by hand first` };
  const node = props[0]?.value as Node | null | undefined;
  if (!node || (isScalar(node) && node.value === null)) return { refused: `Resources.${id}.Properties not found` };
  return node;
}

/** Patches a CloudFormation template in YAML; see the module comment. */
export function patchCloudFormationYaml(file: string, text: string, targets: readonly PatchTarget[], _context: PatchContext): PatchOutcome {
  const outcome: PatchOutcome = { text, applied: [], refused: [], guidance: [] };
  // As the CloudFormation source reads it: duplicate keys kept (and refused where edited), merge keys recognised.
  const doc: Document = parseDocument(text, { uniqueKeys: false, strict: false, prettyErrors: false, merge: true });
  const editor = new YamlEditor(text);
  const view: TemplateView = {
    parameterDefault: (name) => {
      const d = doc.getIn(['Parameters', name, 'Default']);
      return d === undefined ? undefined : (d as { toJSON?: () => unknown })?.toJSON?.() ?? d;
    },
  };
  const aliased = new Set<string>();
  visit(doc, { Alias: (_, n) => { aliased.add(n.source); } });
  const ctx: YamlContext = { view, doc, aliased };
  const broken = doc.errors.find((e) => e.code !== 'DUPLICATE_KEY');
  for (const t of targets) {
    const ref = resourceRef(t.resource);
    if (!applicable(t, file, outcome)) continue;
    const props = broken ? { refused: `the file does not parse as YAML (${broken.message.split('\n')[0]})` } : yamlProperties(ctx, t.resource.id);
    for (const fix of t.plan.fixes) {
      if ('refused' in props) {
        outcome.refused.push({ resource: ref, control: fix.control, path: null, reason: `${file}: ${props.refused}` });
        continue;
      }
      // A control's ops are all made or none: resolve every one before editing, and undo a partial edit.
      const planned: (() => void)[] = [];
      let refusal: string | null = null;
      for (const o of orderOps(fix.ops)) {
        const r = resolveYaml(props, parsePath(o.path), o.op, ctx, `Resources.${t.resource.id}.Properties`);
        if ('refused' in r) { refusal = r.refused; break; }
        planned.push(yamlEdit(editor, o, r));
      }
      if (refusal) { outcome.refused.push({ resource: ref, control: fix.control, path: fix.ops[0]?.path ?? null, reason: `${file}: ${refusal}` }); continue; }
      const mark = editor.mark();
      try {
        for (const p of planned) p();
        outcome.applied.push({ ...fix, resource: ref });
      } catch (e) {
        if (!(e instanceof YamlEditRefused)) throw e;
        editor.rollback(mark);
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
    const seq = r.parent as YAMLSeq;
    const index = r.key;
    if (o.op !== 'delete') return () => { throw new YamlEditRefused(`${r.cfnPath}: only a list item can be removed`); };
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
  // A `.yaml` template written in flow style starts with `{` too, and is read as a template: edit it as YAML.
  try {
    JSON.parse(text);
  } catch {
    return patchCloudFormationYaml(file, text, targets, _context);
  }
  const outcome: PatchOutcome = { text, applied: [], refused: [], guidance: [] };
  const formatting = detectFormatting(text);
  let out = text;
  for (const t of targets) {
    const ref = resourceRef(t.resource);
    if (!applicable(t, file, outcome)) continue;
    for (const fix of t.plan.fixes) {
      // Resolve against the current text: earlier fixes of this resource may have moved offsets, not paths.
      const tree = parseTree(out);
      const dup = duplicateOnPath(tree, ['Resources', t.resource.id, 'Properties']);
      if (dup) {
        outcome.refused.push({ resource: ref, control: fix.control, path: null, reason: `${file}: ${dup}` });
        continue;
      }
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
      try {
        out = applyJsonEdits(out, edits, formatting);
      } catch (e) {
        if (!(e instanceof JsonEditRefused)) throw e;
        outcome.refused.push({ resource: ref, control: fix.control, path: fix.ops[0]?.path ?? null, reason: `${file}: ${e.message}` });
        continue;
      }
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
    for (const f of t.plan.fixes) outcome.refused.push({ resource: ref, control: f.control, path: f.ops[0]?.path ?? null, reason: 'synthesised by the AWS CDK: change the construct named under next steps, then synthesise again' });
    outcome.guidance.push(...cdkGuidance(t));
  }
  return outcome;
}

/** Keeps the AppliedFix type in the module's public surface for callers that build outcomes. */
export type { AppliedFix };
