/**
 * An AWS Config custom Lambda rule that judges ECS resources with ecsguard's controls.
 *
 * Config invokes the function with an event whose `invokingEvent` is a JSON string:
 * - `ConfigurationItemChangeNotification`: `{ configurationItem, messageType, ... }`, the item
 *   with `configuration` as an object;
 * - `OversizedConfigurationItemChangeNotification`: `{ configurationItemSummary, ... }`, the item
 *   without its configuration, which is fetched with GetResourceConfigHistory (the newest item
 *   captured at or before the summary's `configurationItemCaptureTime`);
 * - `ScheduledNotification`: periodic trigger with no resource; this rule is change-triggered, so
 *   it evaluates nothing.
 * The verdict goes back with PutEvaluations: FAILED → NON_COMPLIANT, NOT_AVAILABLE →
 * NOT_APPLICABLE (Config has no "unknown"), all PASSED → COMPLIANT, with an annotation (at most
 * 256 characters, Config's limit) naming the failing controls. A deleted resource, or one that left
 * the rule's scope (`eventLeftScope`), is NOT_APPLICABLE.
 *
 * Rule parameters (the event's `ruleParameters`, a JSON string) may choose controls:
 * `{"controls": "ECS.20,ECS.21"}` (IDs or set names, as `--controls`); the default is every
 * control on by default.
 *
 * The AWS SDK for Config is not a dependency of ecsguard. The caller injects `deps`, a minimal
 * client (`putEvaluations`, and `getResourceConfigHistory` for oversized items); without it the
 * handler builds one from `@aws-sdk/client-config-service`, imported only then, so a deployment
 * that uses the default must bundle that package (the Lambda Node.js runtime also provides it).
 */
import { activeControls } from '../engine/configuration.js';
import { evaluateResource } from '../engine/evaluate.js';
import type { Finding, Resource } from '../model/index.js';
import { DELETED_STATUSES, resourceFromConfigItem } from '../sources/config-items/index.js';

/** The event Config passes to a custom Lambda rule. */
export interface ConfigRuleEvent {
  /** JSON string: the configuration item change, oversized change or scheduled notification. */
  invokingEvent: string;
  /** JSON string of the rule's parameters, e.g. `{"controls":"ECS.20,ECS.21"}`. */
  ruleParameters?: string;
  resultToken: string;
  eventLeftScope?: boolean;
  executionRoleArn?: string;
  configRuleArn?: string;
  configRuleName?: string;
  configRuleId?: string;
  accountId?: string;
  version?: string;
  evaluationMode?: string;
}

/** Config's compliance types for an evaluation. */
export type ConfigComplianceType = 'COMPLIANT' | 'NON_COMPLIANT' | 'NOT_APPLICABLE' | 'INSUFFICIENT_DATA';

/** One evaluation, as PutEvaluations takes it. */
export interface ConfigEvaluation {
  ComplianceResourceType: string;
  ComplianceResourceId: string;
  ComplianceType: ConfigComplianceType;
  Annotation?: string;
  OrderingTimestamp: Date;
}

/** The PutEvaluations request. */
export interface PutEvaluationsInput {
  Evaluations: ConfigEvaluation[];
  ResultToken: string;
  TestMode?: boolean;
}

/** The GetResourceConfigHistory request this rule makes for an oversized item. */
export interface GetResourceConfigHistoryInput {
  resourceType: string;
  resourceId: string;
  laterTime?: Date;
  limit?: number;
}

/** What the rule needs from AWS Config: a minimal client, injectable for tests and other SDKs. */
export interface ConfigRuleDeps {
  putEvaluations(input: PutEvaluationsInput): Promise<unknown>;
  /** Needed only for oversized configuration items; returns `{ configurationItems: [...] }` as the API does. */
  getResourceConfigHistory?(input: GetResourceConfigHistoryInput): Promise<{ configurationItems?: unknown[] }>;
}

/** What the handler did: the evaluations it sent (none for a scheduled notification) and the findings behind them. */
export interface ConfigRuleResult {
  messageType: string;
  evaluations: ConfigEvaluation[];
  findings: Finding[];
}

/** Config's limit on an evaluation's annotation. */
export const ANNOTATION_LIMIT = 256;

/** Handles one Config rule invocation. `context` (the Lambda context) is not used. Throws on a malformed event or a failed AWS call, so Lambda reports it. */
export async function handler(event: ConfigRuleEvent, context?: unknown, deps?: ConfigRuleDeps): Promise<ConfigRuleResult> {
  void context;
  const invoking = parseJsonObject(event.invokingEvent, 'invokingEvent');
  const messageType = typeof invoking.messageType === 'string' ? invoking.messageType : '';
  if (messageType === 'ScheduledNotification') return { messageType, evaluations: [], findings: [] };
  const controls = controlsFromParameters(event.ruleParameters);

  let item: Record<string, unknown>;
  let client = deps;
  if (messageType === 'ConfigurationItemChangeNotification') {
    item = asObject(invoking.configurationItem, 'invokingEvent.configurationItem');
  } else if (messageType === 'OversizedConfigurationItemChangeNotification') {
    const summary = asObject(invoking.configurationItemSummary, 'invokingEvent.configurationItemSummary');
    // A deleted resource has nothing to fetch: the summary says all there is to say.
    const deleted = typeof summary.configurationItemStatus === 'string' && DELETED_STATUSES.has(summary.configurationItemStatus);
    client ??= await defaultDeps();
    item = deleted ? summary : await fetchOversizedItem(summary, client);
  } else {
    throw new Error(`unsupported invokingEvent messageType '${messageType}'`);
  }
  client ??= await defaultDeps();
  const { evaluation, findings } = judgeItem(item, event, controls);
  await client.putEvaluations({ Evaluations: [evaluation], ResultToken: event.resultToken });
  return { messageType, evaluations: [evaluation], findings };
}

/**
 * The evaluation of one configuration item (and the findings behind it), without calling AWS:
 * the heart of {@link handler}, exported for callers with their own transport.
 */
export function judgeItem(item: Record<string, unknown>, event: Pick<ConfigRuleEvent, 'eventLeftScope'>, controls?: string[]): { evaluation: ConfigEvaluation; findings: Finding[] } {
  const resourceType = String(item.resourceType ?? '');
  const resourceId = String(item.resourceId ?? '');
  const t = item.configurationItemCaptureTime;
  const captured = typeof t === 'string' || typeof t === 'number' ? new Date(t) : t instanceof Date ? t : new Date(NaN);
  const evaluation = (type: ConfigComplianceType, annotation: string): ConfigEvaluation => ({
    ComplianceResourceType: resourceType,
    ComplianceResourceId: resourceId,
    ComplianceType: type,
    Annotation: truncate(annotation),
    OrderingTimestamp: Number.isNaN(captured.getTime()) ? new Date() : captured,
  });
  if (event.eventLeftScope) return { evaluation: evaluation('NOT_APPLICABLE', 'The resource is no longer in the scope of this rule.'), findings: [] };
  const read = resourceFromConfigItem(item, '<config item>', `${resourceType} ${resourceId}`);
  if (read.skipped === 'not-ecs') return { evaluation: evaluation('NOT_APPLICABLE', `ecsguard judges only ECS resources, not ${resourceType}.`), findings: [] };
  if (read.skipped === 'deleted') return { evaluation: evaluation('NOT_APPLICABLE', `The resource is ${String(item.configurationItemStatus)}.`), findings: [] };
  if (!read.resource) return { evaluation: evaluation('NOT_APPLICABLE', read.error?.message ?? 'The configuration item could not be read.'), findings: [] };
  const resource: Resource = read.resource;
  const status: unknown = (resource.properties as { status?: unknown }).status;
  if (resource.type === 'AWS::ECS::TaskDefinition' && typeof status === 'string' && status !== 'ACTIVE') {
    return { evaluation: evaluation('NOT_APPLICABLE', `The task definition is ${status}; Security Hub judges only ACTIVE revisions.`), findings: [] };
  }
  const findings = evaluateResource(resource, activeControls(controls ? { controls } : {}));
  return { evaluation: evaluation(...verdict(findings)), findings };
}

/** The compliance type and annotation for a resource's findings: any FAILED fails it; else any NOT_AVAILABLE leaves it undecided. */
export function verdict(findings: readonly Finding[]): [ConfigComplianceType, string] {
  const failed = findings.filter((f) => f.status === 'FAILED');
  if (failed.length > 0) return ['NON_COMPLIANT', `Failed ${failed.map((f) => f.control).join(', ')}: ${failed.map((f) => `${f.control} ${f.reason}`).join('; ')}`];
  const unknown = findings.filter((f) => f.status === 'NOT_AVAILABLE');
  if (unknown.length > 0) return ['NOT_APPLICABLE', `Could not judge ${unknown.map((f) => f.control).join(', ')}: ${unknown.map((f) => `${f.control} ${f.reason}`).join('; ')}`];
  if (findings.length === 0) return ['NOT_APPLICABLE', 'No selected control applies to this resource.'];
  return ['COMPLIANT', `Passed ${findings.map((f) => f.control).join(', ')}.`];
}

/** Cuts an annotation to Config's 256 characters, ending with an ellipsis when cut. */
export function truncate(text: string): string {
  const chars = [...text];
  return chars.length <= ANNOTATION_LIMIT ? text : chars.slice(0, ANNOTATION_LIMIT - 1).join('') + '…';
}

/** The controls the rule parameters choose (`controls`: a comma-separated string or a list), or undefined for the default set. */
export function controlsFromParameters(ruleParameters: string | undefined): string[] | undefined {
  if (ruleParameters === undefined || ruleParameters.trim() === '') return undefined;
  const params = parseJsonObject(ruleParameters, 'ruleParameters');
  const c = params.controls;
  if (c === undefined) return undefined;
  const list = typeof c === 'string' ? c.split(',') : Array.isArray(c) && c.every((x) => typeof x === 'string') ? (c as string[]) : null;
  if (!list) throw new Error('ruleParameters.controls must be a comma-separated string or a list of strings');
  const ids = list.map((s) => s.trim()).filter(Boolean);
  return ids.length > 0 ? ids : undefined;
}

/** The full item behind an oversized notification: the newest one captured at or before the summary's capture time. */
async function fetchOversizedItem(summary: Record<string, unknown>, deps: ConfigRuleDeps): Promise<Record<string, unknown>> {
  if (!deps.getResourceConfigHistory) throw new Error('an oversized configuration item needs getResourceConfigHistory in the injected dependencies');
  const resourceType = String(summary.resourceType ?? '');
  const resourceId = String(summary.resourceId ?? '');
  const captured = typeof summary.configurationItemCaptureTime === 'string' ? new Date(summary.configurationItemCaptureTime) : undefined;
  const out = await deps.getResourceConfigHistory({ resourceType, resourceId, laterTime: captured, limit: 1 });
  const first = out.configurationItems?.[0];
  if (typeof first !== 'object' || first === null) throw new Error(`GetResourceConfigHistory returned no configuration item for ${resourceType} ${resourceId}`);
  // The SDK returns the capture time as a Date; judgeItem takes either.
  const item = { ...(first as Record<string, unknown>) };
  item.configurationItemStatus ??= summary.configurationItemStatus;
  item.configurationItemCaptureTime ??= summary.configurationItemCaptureTime;
  return item;
}

/** The SDK client module's shape as far as this rule uses it. */
interface ConfigServiceModule {
  ConfigServiceClient: new (config: Record<string, never>) => { send(command: unknown): Promise<unknown> };
  PutEvaluationsCommand: new (input: PutEvaluationsInput) => unknown;
  GetResourceConfigHistoryCommand: new (input: GetResourceConfigHistoryInput) => unknown;
}

/**
 * Dependencies backed by `@aws-sdk/client-config-service`, imported on first use. Throws when the
 * package cannot be loaded: inject `deps` instead, or bundle the package.
 */
export async function defaultDeps(): Promise<ConfigRuleDeps> {
  const name = '@aws-sdk/client-config-service';
  let mod: ConfigServiceModule;
  try {
    mod = (await import(name)) as ConfigServiceModule;
  } catch (e) {
    throw new Error(`${name} is not installed; pass deps to the handler or bundle the package (${(e as Error).message})`);
  }
  const client = new mod.ConfigServiceClient({});
  return {
    putEvaluations: (input) => client.send(new mod.PutEvaluationsCommand(input)),
    getResourceConfigHistory: async (input) => (await client.send(new mod.GetResourceConfigHistoryCommand(input))) as { configurationItems?: unknown[] },
  };
}

function parseJsonObject(text: unknown, what: string): Record<string, unknown> {
  if (typeof text !== 'string') throw new Error(`${what} must be a JSON string`);
  let v: unknown;
  try {
    v = JSON.parse(text);
  } catch {
    throw new Error(`${what} is not valid JSON`);
  }
  return asObject(v, what);
}

function asObject(v: unknown, what: string): Record<string, unknown> {
  if (typeof v !== 'object' || v === null || Array.isArray(v)) throw new Error(`${what} must be a JSON object`);
  return v as Record<string, unknown>;
}
