/**
 * ECS.21: ECS task definitions should configure non-admin users in Windows container definitions.
 * Mirrors the AWS Config managed rule `ecs-task-definition-windows-user-non-admin`
 * (https://docs.aws.amazon.com/config/latest/developerguide/ecs-task-definition-windows-user-non-admin.html):
 * NON_COMPLIANT when the default administrator user is specified or a container has no user.
 */
import { isUnresolved, type Resource, type Evaluation } from '../model/index.js';
import { hasUser, isWindowsAdmin, operatingSystemOf } from '../model/task-definition.js';
import type { TaskDefinition } from '@aws-sdk/client-ecs';
import { COMMON_MESSAGES, type Control } from './types.js';
import { judgeContainers } from './helpers.js';

const UNSET_OS_NOTE = 'runtimePlatform.operatingSystemFamily is unset, so ECS.20 and ECS.21 both apply; set it to the WINDOWS_SERVER_* family to narrow this to ECS.21';

export const ecs21: Control = {
  id: 'ECS.21',
  title: 'ECS task definitions should configure non-admin users in Windows container definitions',
  severity: 'MEDIUM',
  resourceTypes: ['AWS::ECS::TaskDefinition'],
  configRule: 'ecs-task-definition-windows-user-non-admin',
  enabledByDefault: true,
  parameters: {},
  docs: { checks: '', why: '', fix: '', snippet: '', cloudformation: '', terraform: '', falsePositives: '' },
  mappings: { nist80053r5: [], pciDss401: [] },
  messages: {
    ...COMMON_MESSAGES,
    noUser: "container '{name}' has no user, so a Windows container runs as ContainerAdministrator by default; set user to \"ContainerUser\"",
    userIsAdmin: "container '{name}' runs as '{user}' (the built-in administrator); set user to \"ContainerUser\"",
    userUnknown: "container '{name}': user is unknown: {reason}",
    osUnknown: 'ECS.21 applies unless the task definition is LINUX, and runtimePlatform.operatingSystemFamily is unknown: {reason}',
    allNonAdmin: 'every container ({count}) runs as a non-administrator user',
  },
  evaluate(resource: Resource): Evaluation[] {
    const td = resource.properties as TaskDefinition;
    const os = operatingSystemOf(td);
    if (os === 'LINUX') return [];
    const note = os === 'UNSET' ? { note: UNSET_OS_NOTE } : undefined;
    const results = judgeContainers(td, ({ container, path, label }) => {
      const user: unknown = container.user;
      if (isUnresolved(user)) return { status: 'NOT_AVAILABLE', messageId: 'userUnknown', data: { name: label, reason: user.unresolved }, path: `${path}.user` };
      const u = typeof user === 'string' ? user : undefined;
      if (!hasUser(u)) return { status: 'FAILED', messageId: 'noUser', data: { name: label, ...note }, path: `${path}.user` };
      if (isWindowsAdmin(u as string)) return { status: 'FAILED', messageId: 'userIsAdmin', data: { name: label, user: (u as string).trim() }, path: `${path}.user` };
      return null;
    }, 'allNonAdmin');
    if (isUnresolved(os)) {
      return [{ status: 'NOT_AVAILABLE', messageId: 'osUnknown', data: { reason: os.unresolved }, path: 'runtimePlatform.operatingSystemFamily' }];
    }
    return results;
  },
};
