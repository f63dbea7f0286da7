/**
 * ECS.20: ECS task definitions should configure non-root users in Linux container definitions.
 * Mirrors the AWS Config managed rule `ecs-task-definition-linux-user-non-root`
 * (https://docs.aws.amazon.com/config/latest/developerguide/ecs-task-definition-linux-user-non-root.html).
 */
import { isUnresolved, type Resource, type Evaluation } from '../model/index.js';
import { isLinuxRoot, hasUser, operatingSystemOf } from '../model/task-definition.js';
import type { TaskDefinition } from '@aws-sdk/client-ecs';
import { COMMON_MESSAGES, type Control } from './types.js';
import { judgeContainers } from './helpers.js';

const UNSET_OS_NOTE = 'runtimePlatform.operatingSystemFamily is unset, so ECS.20 and ECS.21 both apply; set it to LINUX to narrow this to ECS.20';

export const ecs20: Control = {
  id: 'ECS.20',
  title: 'ECS task definitions should configure non-root users in Linux container definitions',
  severity: 'MEDIUM',
  resourceTypes: ['AWS::ECS::TaskDefinition'],
  configRule: 'ecs-task-definition-linux-user-non-root',
  enabledByDefault: true,
  parameters: {},
  docs: { checks: '', why: '', fix: '', snippet: '', cloudformation: '', terraform: '', falsePositives: '' },
  mappings: { nist80053r5: [], pciDss401: [] },
  messages: {
    ...COMMON_MESSAGES,
    noUser: "container '{name}' has no user, so it runs as the image's default user (root unless the image sets USER); set user to a non-root user such as \"1000:1000\"",
    userIsRoot: "container '{name}' runs as '{user}', which is root; set user to a non-root user such as \"1000:1000\"",
    userUnknown: "container '{name}': user is unknown: {reason}",
    osUnknown: 'ECS.20 applies unless the task definition is Windows, and runtimePlatform.operatingSystemFamily is unknown: {reason}',
    allNonRoot: 'every container ({count}) runs as a non-root user',
  },
  evaluate(resource: Resource): Evaluation[] {
    const td = resource.properties as TaskDefinition;
    const os = operatingSystemOf(td);
    if (os === 'WINDOWS') return [];
    const note = os === 'UNSET' ? { note: UNSET_OS_NOTE } : undefined;
    const results = judgeContainers(td, ({ container, path, label }) => {
      const user: unknown = container.user;
      if (isUnresolved(user)) return { status: 'NOT_AVAILABLE', messageId: 'userUnknown', data: { name: label, reason: user.unresolved }, path: `${path}.user` };
      const u = typeof user === 'string' ? user : undefined;
      if (!hasUser(u)) return { status: 'FAILED', messageId: 'noUser', data: { name: label, ...note }, path: `${path}.user` };
      if (isLinuxRoot(u as string)) return { status: 'FAILED', messageId: 'userIsRoot', data: { name: label, user: u as string }, path: `${path}.user` };
      return null;
    }, 'allNonRoot');
    if (isUnresolved(os)) {
      // Only a failure depends on the OS: if it is Windows nothing applies, so no verdict can be given.
      return [{ status: 'NOT_AVAILABLE', messageId: 'osUnknown', data: { reason: os.unresolved }, path: 'runtimePlatform.operatingSystemFamily' }];
    }
    return results;
  },
};
