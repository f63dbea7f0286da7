/**
 * ECS.14: ECS clusters should be tagged.
 * Mirrors the AWS Config managed rule `tagged-ecs-cluster`
 * (https://docs.aws.amazon.com/config/latest/developerguide/tagged-ecs-cluster.html).
 */
import type { Resource, Evaluation } from '../model/index.js';
import { COMMON_MESSAGES, type Control, type ControlParams } from './types.js';
import { judgeTags, REQUIRED_TAG_KEYS, TAGGING_MESSAGES } from './tagging.js';

export const ecs14: Control = {
  id: 'ECS.14',
  title: 'ECS clusters should be tagged',
  severity: 'LOW',
  resourceTypes: ['AWS::ECS::Cluster'],
  configRule: 'tagged-ecs-cluster',
  enabledByDefault: true,
  parameters: { requiredTagKeys: REQUIRED_TAG_KEYS },
  docs: { checks: '', why: '', fix: '', snippet: '', cloudformation: '', terraform: '', falsePositives: '' },
  mappings: { nist80053r5: [], pciDss401: [] },
  messages: { ...COMMON_MESSAGES, ...TAGGING_MESSAGES },
  evaluate(resource: Resource, params: ControlParams): Evaluation[] {
    return judgeTags(resource, params, 'cluster');
  },
};
