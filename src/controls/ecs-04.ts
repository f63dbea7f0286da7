/**
 * ECS.4: ECS containers should run as non-privileged.
 * Mirrors the AWS Config managed rule `ecs-containers-nonprivileged`
 * (https://docs.aws.amazon.com/config/latest/developerguide/ecs-containers-nonprivileged.html):
 * NON_COMPLIANT when any container has `privileged` true; missing counts as false.
 */
import { isUnresolved, type Resource, type Evaluation } from '../model/index.js';
import type { TaskDefinition } from '@aws-sdk/client-ecs';
import { COMMON_MESSAGES, type Control } from './types.js';
import { judgeContainers } from './helpers.js';

export const ecs04: Control = {
  id: 'ECS.4',
  title: 'ECS containers should run as non-privileged',
  severity: 'HIGH',
  resourceTypes: ['AWS::ECS::TaskDefinition'],
  configRule: 'ecs-containers-nonprivileged',
  enabledByDefault: true,
  parameters: {},
  docs: { checks: '', why: '', fix: '', snippet: '', cloudformation: '', terraform: '', falsePositives: '' },
  mappings: { nist80053r5: [], pciDss401: [] },
  messages: {
    ...COMMON_MESSAGES,
    privileged: "container '{name}' is privileged (root on the host); remove privileged or set it to false",
    privilegedUnknown: "container '{name}': privileged is unknown: {reason}",
    nonePrivileged: 'no container ({count}) is privileged',
  },
  evaluate(resource: Resource): Evaluation[] {
    return judgeContainers(resource.properties as TaskDefinition, ({ container, path, label }) => {
      const privileged: unknown = container.privileged;
      if (isUnresolved(privileged)) return { status: 'NOT_AVAILABLE', messageId: 'privilegedUnknown', data: { name: label, reason: privileged.unresolved }, path: `${path}.privileged` };
      if (privileged === true) return { status: 'FAILED', messageId: 'privileged', data: { name: label }, path: `${path}.privileged` };
      return null;
    }, 'nonePrivileged');
  },
};
