/**
 * Evaluating CloudFormation intrinsic functions over what the template itself can tell:
 * parameters (with their Default, or a value given on the command line), mappings, conditions,
 * pseudo parameters, `Fn::Sub`, `Fn::Join`, `Fn::Select`, `Fn::Split`, `Fn::FindInMap`, `Fn::If`.
 * What only deployment can tell (`Fn::GetAtt`, `Fn::ImportValue`, a parameter without a Default,
 * a resource's physical ID) is an `Unresolved` marker with the reason, never a guess.
 * Behaviour follows the CloudFormation intrinsic function reference
 * (https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/intrinsic-function-reference.html).
 */
import { isUnresolved, unresolved, type FieldAssumption, type Unresolved } from '../../model/index.js';
import { entry, get, type CNode, type CScalar, type Pos } from './nodes.js';

/** The value `AWS::NoValue` stands for: the property is absent. */
export const NO_VALUE = Symbol('AWS::NoValue');
export type NoValue = typeof NO_VALUE;

/** What the template offers for resolution, and where problems are reported. */
export interface TemplateScope {
  parameters: Map<string, CNode>;
  mappings: CNode | undefined;
  conditions: CNode | undefined;
  resources: Map<string, string>;
  /** Parameter values given by the user (`--parameters`), which win over Defaults. */
  overrides: Readonly<Record<string, string>>;
  /** Pseudo parameter values the user gave (`AWS::Region`, `AWS::AccountId`, `AWS::Partition`). */
  pseudo: Readonly<Record<string, string>>;
  /** Reports a problem in the template (circular condition, malformed intrinsic). */
  problem(pos: Pos, message: string): void;
}

/** One resolution pass: the condition values fixed for it, and what it learnt. */
export interface Pass {
  /** Conditions fixed for this pass (a branch of an undecidable `Fn::If`). */
  assignment: ReadonlyMap<string, boolean>;
  /** Conditions met in `Fn::If` that could not be decided and are not in `assignment`. */
  undecided: Map<string, string>;
  /** Defaults assumed, by the API path of the property being evaluated when they were. */
  assumed: FieldAssumption[];
  /** The API path being evaluated (set by the normaliser), where an assumption is recorded. */
  currentPath: string;
}

const MAX_DEPTH = 64;

/** A pass with nothing fixed. */
export function newPass(assignment: ReadonlyMap<string, boolean> = new Map()): Pass {
  return { assignment, undecided: new Map(), assumed: [], currentPath: '' };
}

const scalar = (pos: Pos, value: string | number | boolean | null): CScalar => ({ kind: 'scalar', pos, value });

/** The intrinsic function a node is (`Ref`, `Fn::Sub`, `Condition` ...) and its argument, or null. */
export function intrinsicOf(node: CNode): { name: string; arg: CNode } | null {
  if (node.kind !== 'map' || node.entries.length !== 1) return null;
  const k = node.entries[0].key;
  if (k === 'Ref' || k === 'Condition' || k.startsWith('Fn::')) return { name: k, arg: node.entries[0].value };
  return null;
}

/**
 * Evaluates the intrinsic at the top of `node` (repeatedly) and returns a node that is not an
 * intrinsic, `NO_VALUE`, or an `Unresolved`. Nested maps and lists are not walked: the caller
 * evaluates their children as it reaches them, so positions inside branches stay exact.
 */
export function evalNode(node: CNode, scope: TemplateScope, pass: Pass, depth = 0): CNode | NoValue | Unresolved {
  if (depth > MAX_DEPTH) {
    scope.problem(node.pos, 'intrinsic functions nested too deeply, or circular');
    return unresolved('intrinsic functions nested too deeply, or circular');
  }
  const fn = intrinsicOf(node);
  if (!fn) return node;
  const { name, arg } = fn;
  const pos = node.pos;
  switch (name) {
    case 'Ref':
      return evalRef(arg, pos, scope, pass);
    case 'Fn::If': {
      if (arg.kind !== 'seq' || arg.items.length !== 3) return malformed(scope, pos, 'Fn::If takes [condition, value if true, value if false]');
      const condName = scalarString(arg.items[0]);
      if (condName === null) return malformed(scope, pos, 'Fn::If: the condition must be a condition name');
      const decided = decideCondition(condName, scope, pass, pos);
      if (isUnresolved(decided)) {
        if (!pass.undecided.has(condName)) pass.undecided.set(condName, decided.unresolved);
        return unresolved(`Fn::If on condition ${condName}, which cannot be decided: ${decided.unresolved}`);
      }
      return evalNode(arg.items[decided ? 1 : 2], scope, pass, depth + 1);
    }
    case 'Fn::FindInMap': {
      if (arg.kind !== 'seq' || arg.items.length < 3) return malformed(scope, pos, 'Fn::FindInMap takes [map name, top-level key, second-level key]');
      const keys: string[] = [];
      for (const item of arg.items.slice(0, 3)) {
        const v = toValue(item, scope, pass, depth + 1);
        if (isUnresolved(v)) return unresolved(`Fn::FindInMap key is unknown: ${v.unresolved}`);
        if (typeof v !== 'string' && typeof v !== 'number') return malformed(scope, pos, 'Fn::FindInMap keys must be strings');
        keys.push(String(v));
      }
      const found = get(get(get(scope.mappings, keys[0]), keys[1]), keys[2]);
      if (found) return evalNode(found, scope, pass, depth + 1);
      const fallback = arg.items[3] ? get(arg.items[3], 'DefaultValue') : undefined;
      if (fallback) return evalNode(fallback, scope, pass, depth + 1);
      scope.problem(pos, `Fn::FindInMap: mapping ${keys.join(' > ')} is not in Mappings`);
      return unresolved(`Fn::FindInMap: ${keys.join(' > ')} is not in the template's Mappings`);
    }
    case 'Fn::Select': {
      if (arg.kind !== 'seq' || arg.items.length !== 2) return malformed(scope, pos, 'Fn::Select takes [index, list]');
      const idx = toValue(arg.items[0], scope, pass, depth + 1);
      if (isUnresolved(idx)) return idx;
      const list = evalNode(arg.items[1], scope, pass, depth + 1);
      if (list === NO_VALUE) return malformed(scope, pos, 'Fn::Select over AWS::NoValue');
      if (isUnresolved(list)) return unresolved(`Fn::Select over an unknown list: ${list.unresolved}`);
      if (list.kind !== 'seq') return malformed(scope, pos, 'Fn::Select needs a list');
      const i = Number(idx);
      if (!Number.isInteger(i) || i < 0 || i >= list.items.length) return malformed(scope, pos, `Fn::Select index ${String(idx)} is out of range`);
      return evalNode(list.items[i], scope, pass, depth + 1);
    }
    case 'Fn::Split': {
      if (arg.kind !== 'seq' || arg.items.length !== 2) return malformed(scope, pos, 'Fn::Split takes [delimiter, string]');
      const delim = toValue(arg.items[0], scope, pass, depth + 1);
      const str = toValue(arg.items[1], scope, pass, depth + 1);
      if (isUnresolved(delim)) return delim;
      if (isUnresolved(str)) return unresolved(`Fn::Split of an unknown string: ${str.unresolved}`);
      return { kind: 'seq', pos, items: String(str).split(String(delim)).map((s) => scalar(pos, s)) };
    }
    default: {
      const v = toValue(node, scope, pass, depth);
      if (v === NO_VALUE) return NO_VALUE;
      if (isUnresolved(v)) return v;
      if (Array.isArray(v)) return { kind: 'seq', pos, items: v.map((x) => scalar(pos, x as string)) };
      return scalar(pos, v as string);
    }
  }
}

/**
 * The plain value of `node`, every intrinsic inside it evaluated: strings, numbers, booleans,
 * arrays and objects, `NO_VALUE`, or an `Unresolved` when any part is unknown.
 */
export function toValue(node: CNode, scope: TemplateScope, pass: Pass, depth = 0): unknown {
  if (depth > MAX_DEPTH) {
    scope.problem(node.pos, 'intrinsic functions nested too deeply, or circular');
    return unresolved('intrinsic functions nested too deeply, or circular');
  }
  const fn = intrinsicOf(node);
  if (fn) {
    switch (fn.name) {
      case 'Fn::Sub': return evalSub(fn.arg, node.pos, scope, pass, depth);
      case 'Fn::Join': {
        const a = fn.arg;
        if (a.kind !== 'seq' || a.items.length !== 2) return malformed(scope, node.pos, 'Fn::Join takes [delimiter, list]');
        const delim = toValue(a.items[0], scope, pass, depth + 1);
        const list = toValue(a.items[1], scope, pass, depth + 1);
        if (isUnresolved(delim)) return delim;
        if (isUnresolved(list)) return unresolved(`Fn::Join over an unknown list: ${list.unresolved}`);
        if (!Array.isArray(list)) return malformed(scope, node.pos, 'Fn::Join needs a list');
        const bad = list.find((x) => isUnresolved(x)) as Unresolved | undefined;
        if (bad) return unresolved(`Fn::Join: ${bad.unresolved}`);
        return list.filter((x) => x !== NO_VALUE).map(String).join(String(delim));
      }
      case 'Fn::GetAtt': {
        const parts = fn.arg.kind === 'seq' ? fn.arg.items.map((i) => scalarString(i) ?? '?') : [scalarString(fn.arg) ?? '?'];
        if (!scope.resources.has(parts[0])) scope.problem(node.pos, `Fn::GetAtt names '${parts[0]}', which is not a resource of this template`);
        return unresolved(`Fn::GetAtt ${parts.join('.')} is known only after deployment`);
      }
      case 'Fn::ImportValue': {
        const name = toValue(fn.arg, scope, pass, depth + 1);
        return unresolved(`Fn::ImportValue ${isUnresolved(name) ? '(unknown name)' : String(name)} is an export of another stack, known only at deployment`);
      }
      case 'Fn::GetAZs': return unresolved('Fn::GetAZs is known only at deployment');
      case 'Fn::Cidr': return unresolved('Fn::Cidr is computed at deployment');
      case 'Fn::Base64': {
        const v = toValue(fn.arg, scope, pass, depth + 1);
        return isUnresolved(v) ? v : Buffer.from(String(v)).toString('base64');
      }
      case 'Fn::Length': {
        const v = toValue(fn.arg, scope, pass, depth + 1);
        return isUnresolved(v) ? v : Array.isArray(v) ? v.length : malformed(scope, node.pos, 'Fn::Length needs a list');
      }
      case 'Fn::ToJsonString': {
        const v = toValue(fn.arg, scope, pass, depth + 1);
        return isUnresolved(v) ? v : JSON.stringify(v);
      }
      case 'Fn::UnknownTag': return unresolved(`unknown YAML tag ${scalarString(fn.arg) ?? ''}`);
      case 'Fn::UnknownAlias': return unresolved(`YAML alias ${scalarString(fn.arg) ?? ''} refers to no anchor`);
      case 'Fn::Transform': return unresolved('Fn::Transform runs a macro at deployment');
      case 'Condition': {
        const name = scalarString(fn.arg);
        if (name === null) return malformed(scope, node.pos, 'Condition takes a condition name');
        return decideCondition(name, scope, pass, node.pos);
      }
      case 'Fn::Equals': case 'Fn::Not': case 'Fn::And': case 'Fn::Or':
        return evalConditionExpr(node, scope, pass, new Set(), depth);
      default: {
        const v = evalNode(node, scope, pass, depth + 1);
        if (v === NO_VALUE || isUnresolved(v)) return v;
        if (intrinsicOf(v)) return unresolved(`${fn.name} is not supported`);
        return toValue(v, scope, pass, depth + 1);
      }
    }
  }
  if (node.kind === 'scalar') return node.value;
  if (node.kind === 'seq') {
    const out: unknown[] = [];
    for (const item of node.items) {
      const v = toValue(item, scope, pass, depth + 1);
      if (v !== NO_VALUE) out.push(v);
    }
    return out;
  }
  const out: Record<string, unknown> = {};
  for (const e of node.entries) {
    const v = toValue(e.value, scope, pass, depth + 1);
    if (v !== NO_VALUE) out[e.key] = v;
  }
  return out;
}

function evalRef(arg: CNode, pos: Pos, scope: TemplateScope, pass: Pass): CNode | NoValue | Unresolved {
  const name = scalarString(arg);
  if (name === null) return malformed(scope, pos, 'Ref takes a parameter or resource name');
  if (name === 'AWS::NoValue') return NO_VALUE;
  if (name.startsWith('AWS::')) {
    const given = scope.pseudo[name];
    if (given !== undefined) return scalar(pos, given);
    const flag = name === 'AWS::Region' || name === 'AWS::Partition' ? '; pass --region' : name === 'AWS::AccountId' ? '; pass --account' : '';
    return unresolved(`${name} is known only at deployment${flag}`);
  }
  const param = scope.parameters.get(name);
  if (param) {
    const type = scalarString(get(param, 'Type') ?? scalar(pos, null)) ?? 'String';
    const noEchoNode = get(param, 'NoEcho');
    const noEcho = noEchoNode?.kind === 'scalar' && /^true$/i.test(String(noEchoNode.value));
    const given = Object.prototype.hasOwnProperty.call(scope.overrides, name) ? scope.overrides[name] : undefined;
    const def = get(param, 'Default');
    // An SSM parameter type holds the *name* of a Parameter Store parameter; its value is read at deployment.
    if (type.startsWith('AWS::SSM::Parameter::Value<')) {
      const ssmName = given ?? (def?.kind === 'scalar' ? String(def.value) : null);
      return unresolved(`parameter ${name} (${type}) is read from SSM Parameter Store at deployment${ssmName ? ` (parameter '${ssmName}')` : ''}`);
    }
    const toNode = (value: string): CNode => (type.startsWith('List<') || type === 'CommaDelimitedList' ? { kind: 'seq', pos, items: value.split(',').map((s) => scalar(pos, s.trim())) } : scalar(pos, value));
    const allowed = get(param, 'AllowedValues');
    const checkAllowed = (value: string): Unresolved | null => {
      if (!allowed || allowed.kind !== 'seq') return null;
      if (allowed.items.some((i) => i.kind === 'scalar' && String(i.value) === value)) return null;
      const shown = noEcho ? 'its value' : `'${value}'`;
      scope.problem(get(param, 'AllowedValues') ? allowed.pos : pos, `parameter ${name}: ${shown} is not one of its AllowedValues; CloudFormation would reject it`);
      return unresolved(`parameter ${name}'s value is not one of its AllowedValues`);
    };
    if (given !== undefined) return checkAllowed(given) ?? toNode(given);
    if (def !== undefined) {
      const v = def.kind === 'scalar' ? def.value : null;
      if (v === null && def.kind === 'scalar') return unresolved(`Ref to parameter ${name}, whose Default is empty`);
      const bad = def.kind === 'scalar' ? checkAllowed(String(v)) : null;
      if (bad) return bad;
      const hidden = noEcho ? 'NoEcho' : mayHoldSecret(pass.currentPath) ? `used in ${pass.currentPath}` : null;
      const note = hidden ? `assumed parameter ${name}'s Default (${hidden}: value not shown); pass --parameters ${name}=... to judge another value` : `assumed parameter ${name}'s Default '${def.kind === 'scalar' ? String(v) : '...'}'; pass --parameters ${name}=... to judge another value`;
      if (!pass.assumed.some((a) => a.path === pass.currentPath && a.note === note)) pass.assumed.push({ path: pass.currentPath, note });
      return def.kind === 'scalar' ? toNode(String(v)) : def;
    }
    return unresolved(`Ref to parameter ${name}, which has no Default; pass --parameters ${name}=VALUE`);
  }
  if (scope.resources.has(name)) return unresolved(`Ref to resource ${name}: its physical ID is known only after deployment`);
  scope.problem(pos, `Ref to '${name}', which is neither a parameter nor a resource of this template`);
  return unresolved(`Ref to '${name}', which is not in this template`);
}

function evalSub(arg: CNode, pos: Pos, scope: TemplateScope, pass: Pass, depth: number): unknown {
  let template: unknown;
  const vars = new Map<string, CNode>();
  if (arg.kind === 'seq') {
    if (arg.items.length !== 2) return malformed(scope, pos, 'Fn::Sub takes a string, or [string, variables]');
    template = toValue(arg.items[0], scope, pass, depth + 1);
    const m = arg.items[1];
    if (m.kind === 'map') for (const e of m.entries) vars.set(e.key, e.value);
  } else {
    template = toValue(arg, scope, pass, depth + 1);
  }
  if (isUnresolved(template)) return template;
  if (typeof template !== 'string') return malformed(scope, pos, 'Fn::Sub needs a string');
  let unknown: string | null = null;
  const out = template.replace(/\$\{([^}]*)\}/g, (whole, expr: string) => {
    if (expr.startsWith('!')) return '${' + expr.slice(1) + '}';
    const name = expr.trim();
    let v: unknown;
    const local = vars.get(name);
    if (local) v = toValue(local, scope, pass, depth + 1);
    else if (name.includes('.') && !name.startsWith('AWS::')) v = unresolved(`\${${name}} (an attribute) is known only after deployment`);
    else {
      const r = evalRef(scalar(pos, name), pos, scope, pass);
      v = r === NO_VALUE ? '' : isUnresolved(r) ? r : toValue(r, scope, pass, depth + 1);
    }
    if (isUnresolved(v)) {
      unknown ??= v.unresolved;
      return whole;
    }
    return Array.isArray(v) ? v.join(',') : String(v);
  });
  // The template text is not quoted: it may hold a secret beside the unknown variable.
  if (unknown !== null) return unresolved(`Fn::Sub: ${unknown}`);
  return out;
}

/**
 * The value of condition `name`: the pass's assignment if fixed there, else evaluated from the
 * template's Conditions. Circular conditions are reported and unknown.
 */
export function decideCondition(name: string, scope: TemplateScope, pass: Pass, pos: Pos, visiting: Set<string> = new Set()): boolean | Unresolved {
  const fixed = pass.assignment.get(name);
  if (fixed !== undefined) return fixed;
  const def = entry(scope.conditions, name);
  if (!def) {
    scope.problem(pos, `condition '${name}' is not defined in Conditions`);
    return unresolved(`condition ${name} is not defined`);
  }
  if (visiting.has(name)) {
    const chain = [...visiting, name].join(' -> ');
    scope.problem(def.keyPos, `circular condition: ${chain}`);
    return unresolved(`condition ${name} is circular (${chain})`);
  }
  const next = new Set(visiting).add(name);
  return evalConditionExpr(def.value, scope, pass, next, 0);
}

function evalConditionExpr(node: CNode, scope: TemplateScope, pass: Pass, visiting: Set<string>, depth: number): boolean | Unresolved {
  if (depth > MAX_DEPTH) return unresolved('condition nested too deeply');
  const fn = intrinsicOf(node);
  if (!fn) {
    if (node.kind === 'scalar' && typeof node.value === 'boolean') return node.value;
    if (node.kind === 'scalar' && /^(true|false)$/i.test(String(node.value))) return /^true$/i.test(String(node.value));
    scope.problem(node.pos, 'a condition must be Fn::Equals, Fn::Not, Fn::And, Fn::Or or Condition');
    return unresolved('malformed condition');
  }
  const items = fn.arg.kind === 'seq' ? fn.arg.items : [fn.arg];
  switch (fn.name) {
    case 'Condition': {
      const n = scalarString(fn.arg);
      return n === null ? unresolved('malformed Condition') : decideCondition(n, scope, pass, node.pos, visiting);
    }
    case 'Fn::Equals': {
      if (items.length !== 2) { scope.problem(node.pos, 'Fn::Equals takes two values'); return unresolved('malformed Fn::Equals'); }
      const a = toValue(items[0], scope, pass, depth + 1);
      const b = toValue(items[1], scope, pass, depth + 1);
      if (isUnresolved(a)) return a;
      if (isUnresolved(b)) return b;
      return JSON.stringify(a) === JSON.stringify(b) || String(a) === String(b);
    }
    case 'Fn::Not': {
      const v = evalConditionExpr(items[0], scope, pass, visiting, depth + 1);
      return isUnresolved(v) ? v : !v;
    }
    case 'Fn::And': case 'Fn::Or': {
      const isAnd = fn.name === 'Fn::And';
      let unknown: Unresolved | null = null;
      for (const item of items) {
        const v = evalConditionExpr(item, scope, pass, visiting, depth + 1);
        if (isUnresolved(v)) unknown ??= v;
        else if (v !== isAnd) return v;
      }
      return unknown ?? isAnd;
    }
    default:
      scope.problem(node.pos, `${fn.name} cannot be used in a condition`);
      return unresolved(`${fn.name} in a condition`);
  }
}

function malformed(scope: TemplateScope, pos: Pos, message: string): Unresolved {
  scope.problem(pos, message);
  return unresolved(message);
}

/**
 * Whether a property at this ECS API path may hold a secret (environment values, secrets, command
 * lines, log options, labels, credentials): a value assumed there is never printed.
 */
export function mayHoldSecret(path: string): boolean {
  return /(^|\.)(environment|secrets|secretOptions|command|entryPoint|options|dockerLabels|repositoryCredentials|healthCheck|systemControls|linuxParameters)([.[]|$)/.test(path);
}

/** The string (or number) of a scalar node, else null. */
export function scalarString(node: CNode): string | null {
  return node.kind === 'scalar' && node.value !== null && typeof node.value !== 'boolean' ? String(node.value) : null;
}
