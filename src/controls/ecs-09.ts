/**
 * ECS.9: ECS task definitions should have a logging configuration.
 * Mirrors the AWS Config managed rule `ecs-task-definition-log-configuration`
 * (https://docs.aws.amazon.com/config/latest/developerguide/ecs-task-definition-log-configuration.html):
 * every container needs `logConfiguration.logDriver`; any driver passes.
 */
import { isUnresolved, type Resource, type Evaluation } from '../model/index.js';
import type { TaskDefinition } from '@aws-sdk/client-ecs';
import { COMMON_MESSAGES, type Control } from './types.js';
import { field, judgeContainers } from './helpers.js';

export const ecs09: Control = {
  id: 'ECS.9',
  title: 'ECS task definitions should have a logging configuration',
  severity: 'HIGH',
  resourceTypes: ['AWS::ECS::TaskDefinition'],
  configRule: 'ecs-task-definition-log-configuration',
  enabledByDefault: true,
  parameters: {},
  docs: { checks: '', why: '', fix: '', snippet: '', cloudformation: '', terraform: '', falsePositives: '' },
  mappings: { nist80053r5: [], pciDss401: [] },
  messages: {
    ...COMMON_MESSAGES,
    noLogConfiguration: "container '{name}' has no logConfiguration; add one with a logDriver such as awslogs",
    noLogDriver: "container '{name}' has a logConfiguration without a logDriver; set logDriver (awslogs, awsfirelens, splunk ...)",
    logDriverUnknown: "container '{name}': logConfiguration is unknown: {reason}",
    allLogging: 'every container ({count}) has a log driver',
  },
  evaluate(resource: Resource): Evaluation[] {
    return judgeContainers(resource.properties as TaskDefinition, ({ container, path, label }) => {
      const lc: unknown = container.logConfiguration;
      if (isUnresolved(lc)) return { status: 'NOT_AVAILABLE', messageId: 'logDriverUnknown', data: { name: label, reason: lc.unresolved }, path: `${path}.logConfiguration` };
      if (lc === undefined || lc === null) return { status: 'FAILED', messageId: 'noLogConfiguration', data: { name: label }, path: `${path}.logConfiguration` };
      const driver = field(lc, 'logDriver');
      if (isUnresolved(driver)) return { status: 'NOT_AVAILABLE', messageId: 'logDriverUnknown', data: { name: label, reason: driver.unresolved }, path: `${path}.logConfiguration.logDriver` };
      if (typeof driver !== 'string' || driver.trim() === '') return { status: 'FAILED', messageId: 'noLogDriver', data: { name: label }, path: `${path}.logConfiguration.logDriver` };
      return null;
    }, 'allLogging');
  },
};
