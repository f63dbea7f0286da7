/**
 * ECS.16: ECS task sets should not automatically assign public IP addresses.
 * Mirrors the AWS Config managed rule `ecs-taskset-assign-public-ip-disabled`
 * (https://docs.aws.amazon.com/config/latest/developerguide/ecs-taskset-assign-public-ip-disabled.html).
 */
import type { Resource, Evaluation } from '../model/index.js';
import { COMMON_MESSAGES, type Control } from './types.js';
import { judgePublicIp, PUBLIC_IP_MESSAGES } from './public-ip.js';

export const ecs16: Control = {
  id: 'ECS.16',
  title: 'ECS task sets should not automatically assign public IP addresses',
  severity: 'HIGH',
  resourceTypes: ['AWS::ECS::TaskSet'],
  configRule: 'ecs-taskset-assign-public-ip-disabled',
  enabledByDefault: true,
  parameters: {},
  docs: { checks: '', why: '', fix: '', snippet: '', cloudformation: '', terraform: '', falsePositives: '' },
  mappings: { nist80053r5: [], pciDss401: [] },
  messages: { ...COMMON_MESSAGES, ...PUBLIC_IP_MESSAGES },
  evaluate(resource: Resource): Evaluation[] {
    return judgePublicIp(resource);
  },
};
