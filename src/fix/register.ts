/**
 * `register-task-definition` input from a task definition as `describe-task-definition` returns
 * it. Every field is kept except those only DescribeTaskDefinition returns ({@link DESCRIBE_ONLY_FIELDS},
 * `deleteRequestedAt` included), so roles, volumes, runtime platform, placement constraints, proxy
 * configuration, ephemeral storage, pid and ipc mode, inference accelerators and fields added to
 * the API later all carry over (a peer's fix once rebuilt the input field by field and silently
 * dropped roles and volumes). Fields the AWS SDK does not know are kept here only if `td` has
 * them: the SDK drops them when it reads a response, and again when it sends a request, which
 * src/fix/rollout.ts works around for `fix --aws`.
 * Source: the RegisterTaskDefinition and DescribeTaskDefinition pages of the Amazon ECS API Reference.
 */
import type { RegisterTaskDefinitionCommandInput, Tag, TaskDefinition } from '@aws-sdk/client-ecs';

/**
 * Fields of a TaskDefinition that DescribeTaskDefinition returns and RegisterTaskDefinition rejects:
 * every member of the API's TaskDefinition that RegisterTaskDefinitionRequest lacks, `deleteRequestedAt`
 * (set on revisions whose deletion was requested, DELETE_IN_PROGRESS) included.
 */
export const DESCRIBE_ONLY_FIELDS: readonly string[] = [
  'taskDefinitionArn',
  'revision',
  'status',
  'requiresAttributes',
  'compatibilities',
  'registeredAt',
  'registeredBy',
  'deregisteredAt',
  'deleteRequestedAt',
];

/** The top-level key of a task definition JSON file that holds ecsguard's inline suppressions; never sent to ECS. */
export const SUPPRESSION_KEY = 'ecsguard';

/**
 * The RegisterTaskDefinition input for `td` (ECS API shape, as described): a copy without the
 * describe-only fields and the `ecsguard` key, with `tags` (given, or `td.tags`) kept when non-empty, less the reserved `aws:` ones.
 */
export function toRegisterInput(td: TaskDefinition & { tags?: Tag[] }, tags?: Tag[]): RegisterTaskDefinitionCommandInput {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(td)) {
    if (DESCRIBE_ONLY_FIELDS.includes(k) || k === SUPPRESSION_KEY || v === undefined) continue;
    out[k] = structuredClone(v);
  }
  // Keys starting with aws: are reserved (CloudFormation's own tags): RegisterTaskDefinition rejects them.
  const t = (tags ?? td.tags)?.filter((x) => !(typeof x.key === 'string' && x.key.toLowerCase().startsWith('aws:')));
  if (t && t.length) out.tags = structuredClone(t);
  else delete out.tags;
  return out as unknown as RegisterTaskDefinitionCommandInput;
}
