/**
 * ECS.17: ECS task definitions should not use host network mode.
 * Mirrors the AWS Config managed rule `ecs-task-definition-network-mode-not-host`
 * (https://docs.aws.amazon.com/config/latest/developerguide/ecs-task-definition-network-mode-not-host.html).
 */
import { isUnresolved, type Resource, type Evaluation } from '../model/index.js';
import type { TaskDefinition } from '@aws-sdk/client-ecs';
import { COMMON_MESSAGES, type Control } from './types.js';
import { unknownField } from './helpers.js';

export const ecs17: Control = {
  id: 'ECS.17',
  title: 'ECS task definitions should not use host network mode',
  severity: 'MEDIUM',
  resourceTypes: ['AWS::ECS::TaskDefinition'],
  configRule: 'ecs-task-definition-network-mode-not-host',
  enabledByDefault: true,
  parameters: {},
  docs: { checks: '', why: '', fix: '', snippet: '', cloudformation: '', terraform: '', falsePositives: '' },
  mappings: { nist80053r5: [], pciDss401: [] },
  messages: {
    ...COMMON_MESSAGES,
    hostNetworkMode: "networkMode is 'host': containers use the host's network stack; use awsvpc (or bridge)",
    notHostNetworkMode: "networkMode is '{mode}'",
  },
  evaluate(resource: Resource): Evaluation[] {
    const mode: unknown = (resource.properties as TaskDefinition).networkMode;
    if (isUnresolved(mode)) return [unknownField('networkMode', mode.unresolved)];
    if (mode === 'host') return [{ status: 'FAILED', messageId: 'hostNetworkMode', path: 'networkMode' }];
    return [{ status: 'PASSED', messageId: 'notHostNetworkMode', data: { mode: typeof mode === 'string' ? mode : 'unset' }, path: 'networkMode' }];
  },
};
