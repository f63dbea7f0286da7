/**
 * ECS.1 (retired by AWS in March 2026; off by default): Amazon ECS task definitions should have
 * secure networking modes and user definitions. Mirrors the AWS Config managed rule
 * `ecs-task-definition-user-for-host-mode-check`
 * (https://docs.aws.amazon.com/config/latest/developerguide/ecs-task-definition-user-for-host-mode-check.html):
 * in host network mode every container must be privileged or run as a non-root user.
 */
import { isUnresolved, type Resource, type Evaluation } from '../model/index.js';
import { hasUser, isLinuxRoot } from '../model/task-definition.js';
import type { TaskDefinition } from '@aws-sdk/client-ecs';
import { COMMON_MESSAGES, type Control } from './types.js';
import { judgeContainers, unknownField } from './helpers.js';

export const ecs01: Control = {
  id: 'ECS.1',
  title: 'Amazon ECS task definitions should have secure networking modes and user definitions',
  severity: 'HIGH',
  resourceTypes: ['AWS::ECS::TaskDefinition'],
  configRule: 'ecs-task-definition-user-for-host-mode-check',
  enabledByDefault: false,
  retired: 'Retired by AWS in March 2026; ECS.4, ECS.17 and ECS.20 cover its ground. Run it with --controls ECS.1.',
  parameters: {},
  docs: { checks: '', why: '', fix: '', snippet: '', cloudformation: '', terraform: '', falsePositives: '' },
  mappings: { nist80053r5: [], pciDss401: [] },
  messages: {
    ...COMMON_MESSAGES,
    notHostMode: "network mode is '{mode}', not host",
    hostRootUnprivileged: "container '{name}' runs as {user} in host network mode without privileged; set a non-root user",
    privilegedUnknown: "container '{name}': privileged is unknown: {reason}",
    userUnknown: "container '{name}': user is unknown: {reason}",
    allAcceptable: 'host network mode, and every container ({count}) is privileged or runs as a non-root user',
  },
  evaluate(resource: Resource): Evaluation[] {
    const td = resource.properties as TaskDefinition;
    const mode: unknown = td.networkMode;
    if (isUnresolved(mode)) return [unknownField('networkMode', mode.unresolved)];
    if (mode !== 'host') return [{ status: 'PASSED', messageId: 'notHostMode', data: { mode: typeof mode === 'string' ? mode : 'unset' }, path: 'networkMode' }];
    return judgeContainers(td, ({ container, path, label }) => {
      const privileged: unknown = container.privileged;
      const user: unknown = container.user;
      // The rule's OR: privileged alone makes a container acceptable.
      if (privileged === true) return null;
      if (isUnresolved(privileged)) return { status: 'NOT_AVAILABLE', messageId: 'privilegedUnknown', data: { name: label, reason: privileged.unresolved }, path: `${path}.privileged` };
      if (isUnresolved(user)) return { status: 'NOT_AVAILABLE', messageId: 'userUnknown', data: { name: label, reason: user.unresolved }, path: `${path}.user` };
      const u = typeof user === 'string' ? user : undefined;
      if (!hasUser(u)) return { status: 'FAILED', messageId: 'hostRootUnprivileged', data: { name: label, user: 'the default user (no user set)' }, path: `${path}.user` };
      if (isLinuxRoot(u as string)) return { status: 'FAILED', messageId: 'hostRootUnprivileged', data: { name: label, user: `'${u}' (root)` }, path: `${path}.user` };
      return null;
    }, 'allAcceptable');
  },
};
