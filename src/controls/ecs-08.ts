/**
 * ECS.8: Secrets should not be passed as container environment variables.
 * Mirrors the AWS Config managed rule `ecs-no-environment-secrets`
 * (https://docs.aws.amazon.com/config/latest/developerguide/ecs-no-environment-secrets.html).
 * Only `environment[].name` is read, trimmed and compared case-sensitively with `secretKeys`.
 * A flagged variable's value is never read, so it cannot reach any output.
 */
import { isUnresolved, type Resource, type Evaluation } from '../model/index.js';
import type { TaskDefinition } from '@aws-sdk/client-ecs';
import { COMMON_MESSAGES, type Control, type ControlParams } from './types.js';
import { judgeContainers } from './helpers.js';

/** The Config rule's default `secretKeys`. */
export const DEFAULT_SECRET_KEYS = ['AWS_ACCESS_KEY_ID', 'AWS_SECRET_ACCESS_KEY', 'ECS_ENGINE_AUTH_DATA'];

export const ecs08: Control = {
  id: 'ECS.8',
  title: 'Secrets should not be passed as container environment variables',
  severity: 'HIGH',
  resourceTypes: ['AWS::ECS::TaskDefinition'],
  configRule: 'ecs-no-environment-secrets',
  enabledByDefault: true,
  parameters: {
    secretKeys: {
      type: 'string[]',
      default: DEFAULT_SECRET_KEYS,
      description: 'Environment variable names that must not appear in environment (case-sensitive).',
      validate: (v) => (Array.isArray(v) && v.length > 0 && v.every((k) => typeof k === 'string' && k.trim() !== '') ? null : 'secretKeys must be a non-empty list of variable names'),
    },
  },
  docs: { checks: '', why: '', fix: '', snippet: '', cloudformation: '', terraform: '', falsePositives: '' },
  mappings: { nist80053r5: [], pciDss401: [] },
  messages: {
    ...COMMON_MESSAGES,
    secretInEnvironment: "container '{name}' passes {variable} in environment (value not shown); move it to secrets with valueFrom pointing at Secrets Manager or SSM Parameter Store",
    nameUnknown: "container '{name}': an environment variable name is unknown: {reason}",
    noSecrets: 'no container ({count}) passes {keys} in environment',
  },
  evaluate(resource: Resource, params: ControlParams): Evaluation[] {
    const keys = (params.secretKeys as string[] | undefined) ?? DEFAULT_SECRET_KEYS;
    const wanted = new Set(keys.map((k) => k.trim()));
    const td = resource.properties as TaskDefinition;
    const out = judgeContainers(td, ({ container, path, label }) => {
      const env: unknown = container.environment;
      if (isUnresolved(env)) return { status: 'NOT_AVAILABLE', messageId: 'nameUnknown', data: { name: label, reason: env.unresolved }, path: `${path}.environment` };
      if (!Array.isArray(env)) return null;
      const found: Evaluation[] = [];
      let unknown: Evaluation | null = null;
      for (let i = 0; i < env.length; i++) {
        const entry: unknown = env[i];
        const name: unknown = entry && typeof entry === 'object' && !isUnresolved(entry) ? (entry as { name?: unknown }).name : entry;
        if (isUnresolved(name)) {
          unknown ??= { status: 'NOT_AVAILABLE', messageId: 'nameUnknown', data: { name: label, reason: name.unresolved }, path: `${path}.environment[${i}].name` };
          continue;
        }
        // Every entry is read: a peer once kept only the last one.
        if (typeof name === 'string' && wanted.has(name.trim())) {
          found.push({ status: 'FAILED', messageId: 'secretInEnvironment', data: { name: label, variable: name.trim() }, path: `${path}.environment[${i}].name` });
        }
      }
      if (unknown) found.push(unknown);
      return found;
    }, 'noSecrets', { keys: [...wanted].join(', ') });
    return out;
  },
};
