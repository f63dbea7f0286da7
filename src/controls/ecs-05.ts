/**
 * ECS.5: ECS containers should be limited to read-only access to root filesystems.
 * Mirrors the AWS Config managed rule `ecs-containers-readonly-access`
 * (https://docs.aws.amazon.com/config/latest/developerguide/ecs-containers-readonly-access.html).
 * Not applicable to an explicitly Windows task definition; a missing field counts as false.
 */
import { isUnresolved, type Resource, type Evaluation } from '../model/index.js';
import { operatingSystemOf } from '../model/task-definition.js';
import type { TaskDefinition } from '@aws-sdk/client-ecs';
import { COMMON_MESSAGES, type Control } from './types.js';
import { judgeContainers } from './helpers.js';

export const ecs05: Control = {
  id: 'ECS.5',
  title: 'ECS containers should be limited to read-only access to root filesystems',
  severity: 'HIGH',
  resourceTypes: ['AWS::ECS::TaskDefinition'],
  configRule: 'ecs-containers-readonly-access',
  enabledByDefault: true,
  parameters: {},
  docs: { checks: '', why: '', fix: '', snippet: '', cloudformation: '', terraform: '', falsePositives: '' },
  mappings: { nist80053r5: [], pciDss401: [] },
  messages: {
    ...COMMON_MESSAGES,
    notReadonly: "container '{name}' has readonlyRootFilesystem {value}; set it to true and mount a volume where the container must write",
    readonlyUnknown: "container '{name}': readonlyRootFilesystem is unknown: {reason}",
    osUnknown: 'ECS.5 applies unless the task definition is Windows, and runtimePlatform.operatingSystemFamily is unknown: {reason}',
    allReadonly: 'every container ({count}) has a read-only root filesystem',
  },
  evaluate(resource: Resource): Evaluation[] {
    const td = resource.properties as TaskDefinition;
    const os = operatingSystemOf(td);
    if (os === 'WINDOWS') return [];
    const results = judgeContainers(td, ({ container, path, label }) => {
      const ro: unknown = container.readonlyRootFilesystem;
      if (isUnresolved(ro)) return { status: 'NOT_AVAILABLE', messageId: 'readonlyUnknown', data: { name: label, reason: ro.unresolved }, path: `${path}.readonlyRootFilesystem` };
      if (ro !== true) return { status: 'FAILED', messageId: 'notReadonly', data: { name: label, value: ro === false ? 'false' : 'unset (false)' }, path: `${path}.readonlyRootFilesystem` };
      return null;
    }, 'allReadonly');
    if (isUnresolved(os)) return [{ status: 'NOT_AVAILABLE', messageId: 'osUnknown', data: { reason: os.unresolved }, path: 'runtimePlatform.operatingSystemFamily' }];
    return results;
  },
};
