/**
 * ECS.3: ECS task definitions should not share the host's process namespace.
 * Mirrors the AWS Config managed rule `ecs-task-definition-pid-mode-check`
 * (https://docs.aws.amazon.com/config/latest/developerguide/ecs-task-definition-pid-mode-check.html).
 */
import { isUnresolved, type Resource, type Evaluation } from '../model/index.js';
import type { TaskDefinition } from '@aws-sdk/client-ecs';
import { COMMON_MESSAGES, type Control } from './types.js';
import { unknownField } from './helpers.js';

export const ecs03: Control = {
  id: 'ECS.3',
  title: "ECS task definitions should not share the host's process namespace",
  severity: 'HIGH',
  resourceTypes: ['AWS::ECS::TaskDefinition'],
  configRule: 'ecs-task-definition-pid-mode-check',
  enabledByDefault: true,
  parameters: {},
  docs: { checks: '', why: '', fix: '', snippet: '', cloudformation: '', terraform: '', falsePositives: '' },
  mappings: { nist80053r5: [], pciDss401: [] },
  messages: {
    ...COMMON_MESSAGES,
    pidModeHost: "pidMode is 'host': containers share the host's process namespace; remove pidMode or set it to 'task'",
    pidModeNotHost: "pidMode is '{mode}'",
  },
  evaluate(resource: Resource): Evaluation[] {
    const td = resource.properties as TaskDefinition;
    const mode: unknown = td.pidMode;
    if (isUnresolved(mode)) return [unknownField('pidMode', mode.unresolved)];
    if (mode === 'host') return [{ status: 'FAILED', messageId: 'pidModeHost', path: 'pidMode' }];
    return [{ status: 'PASSED', messageId: 'pidModeNotHost', data: { mode: typeof mode === 'string' ? mode : 'unset' }, path: 'pidMode' }];
  },
};
