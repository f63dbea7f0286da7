/**
 * ECS.15: ECS task definitions should be tagged.
 * Mirrors the AWS Config managed rule `tagged-ecs-taskdefinition`
 * (https://docs.aws.amazon.com/config/latest/developerguide/tagged-ecs-taskdefinition.html).
 */
import type { Resource, Evaluation } from '../model/index.js';
import { COMMON_MESSAGES, type Control, type ControlParams } from './types.js';
import { judgeTags, REQUIRED_TAG_KEYS, TAGGING_MESSAGES } from './tagging.js';

export const ecs15: Control = {
  id: 'ECS.15',
  title: 'ECS task definitions should be tagged',
  severity: 'LOW',
  resourceTypes: ['AWS::ECS::TaskDefinition'],
  configRule: 'tagged-ecs-taskdefinition',
  enabledByDefault: true,
  parameters: { requiredTagKeys: REQUIRED_TAG_KEYS },
  docs: { checks: '', why: '', fix: '', snippet: '', cloudformation: '', terraform: '', falsePositives: '' },
  mappings: { nist80053r5: [], pciDss401: [] },
  messages: { ...COMMON_MESSAGES, ...TAGGING_MESSAGES },
  evaluate(resource: Resource, params: ControlParams): Evaluation[] {
    return judgeTags(resource, params, 'task definition');
  },
};
