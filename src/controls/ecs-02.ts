/**
 * ECS.2: ECS services should not have public IP addresses assigned to them automatically.
 * Mirrors the AWS Config managed rule `ecs-service-assign-public-ip-disabled`
 * (https://docs.aws.amazon.com/config/latest/developerguide/ecs-service-assign-public-ip-disabled.html),
 * with its parameter `exemptServiceArns`.
 */
import type { Resource, Evaluation } from '../model/index.js';
import { COMMON_MESSAGES, type Control, type ControlParams } from './types.js';
import { judgePublicIp, PUBLIC_IP_MESSAGES } from './public-ip.js';

export const ecs02: Control = {
  id: 'ECS.2',
  title: 'ECS services should not have public IP addresses assigned to them automatically',
  severity: 'HIGH',
  resourceTypes: ['AWS::ECS::Service'],
  configRule: 'ecs-service-assign-public-ip-disabled',
  enabledByDefault: true,
  parameters: {
    exemptServiceArns: {
      type: 'string[]',
      default: [],
      description: 'Service ARNs (or, for files, resource ids) that may assign public IPs.',
    },
  },
  docs: { checks: '', why: '', fix: '', snippet: '', cloudformation: '', terraform: '', falsePositives: '' },
  mappings: { nist80053r5: [], pciDss401: [] },
  messages: { ...COMMON_MESSAGES, ...PUBLIC_IP_MESSAGES },
  evaluate(resource: Resource, params: ControlParams): Evaluation[] {
    const exempt = (params.exemptServiceArns as string[] | undefined) ?? [];
    const arn = (resource.properties as { serviceArn?: unknown }).serviceArn;
    if (exempt.includes(resource.id) || (typeof arn === 'string' && exempt.includes(arn))) {
      return [{ status: 'PASSED', messageId: 'exempt', data: { kind: 'service' }, path: null }];
    }
    return judgePublicIp(resource);
  },
};
