/**
 * ECS.13: ECS services should be tagged.
 * Mirrors the AWS Config managed rule `tagged-ecs-service`
 * (https://docs.aws.amazon.com/config/latest/developerguide/tagged-ecs-service.html).
 */
import type { Resource, Evaluation } from '../model/index.js';
import { COMMON_MESSAGES, type Control, type ControlParams } from './types.js';
import { judgeTags, REQUIRED_TAG_KEYS, TAGGING_MESSAGES } from './tagging.js';

export const ecs13: Control = {
  id: 'ECS.13',
  title: 'ECS services should be tagged',
  severity: 'LOW',
  resourceTypes: ['AWS::ECS::Service'],
  configRule: 'tagged-ecs-service',
  enabledByDefault: true,
  parameters: { requiredTagKeys: REQUIRED_TAG_KEYS },
  docs: { checks: '', why: '', fix: '', snippet: '', cloudformation: '', terraform: '', falsePositives: '' },
  mappings: { nist80053r5: [], pciDss401: [] },
  messages: { ...COMMON_MESSAGES, ...TAGGING_MESSAGES },
  evaluate(resource: Resource, params: ControlParams): Evaluation[] {
    return judgeTags(resource, params, 'service');
  },
};
