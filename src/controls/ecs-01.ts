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
  set: 'security-hub',
  title: 'Amazon ECS task definitions should have secure networking modes and user definitions',
  severity: 'HIGH',
  resourceTypes: ['AWS::ECS::TaskDefinition'],
  fields: ['networkMode', 'privileged', 'user'],
  configRule: 'ecs-task-definition-user-for-host-mode-check',
  enabledByDefault: false,
  retired: 'Retired by AWS in March 2026; ECS.4, ECS.17 and ECS.20 cover its ground. Run it with --controls ECS.1.',
  parameters: {},
  docs: {
    checks: 'Retired by AWS in March 2026 and off by default in ecsguard; it runs only when named with --controls ECS.1. It reads networkMode of every task definition: anything other than host, or no networkMode at all, passes. In host mode each entry of containerDefinitions[] must either have privileged set to true or have a user whose principal (the part before the first colon) is not root or UID 0; a container with neither fails the task definition. Note the OR: a privileged root container in host mode passes ECS.1 although it fails ECS.4 and ECS.20. It takes no parameters.',
    why: "In host network mode a container shares the instance's network stack, so a root process in it can open raw sockets on the host's interfaces, bind any port and reach services that listen only on the host's loopback address, such as the ECS agent's local endpoints. Running those containers as a non-root user removes most of that reach. The rule was meant to catch host-mode containers that got root by default instead of by an explicit choice.",
    fix: 'Prefer a network mode other than host (awsvpc gives each task its own network interface and security group; see ECS.17). If the task must stay in host mode, set containerDefinitions[].user to a non-root UID and GID such as "1000:1000" in a new revision of the task definition, and deploy that revision. Someone still has to confirm the image runs as that user: files it writes and ports it binds must be usable without root. Do not set privileged to true just to pass: that trades this finding for a worse one (ECS.4).',
    snippet: `{
  "family": "host-agent",
  "networkMode": "host",
  "containerDefinitions": [
    {
      "name": "agent",
      "image": "111122223333.dkr.ecr.eu-west-1.amazonaws.com/agent:2.3.1",
      "user": "1000:1000",
      "privileged": false
    }
  ]
}`,
    cloudformation: `Resources:
  TaskDefinition:
    Type: AWS::ECS::TaskDefinition
    Properties:
      Family: host-agent
      NetworkMode: host
      ContainerDefinitions:
        - Name: agent
          Image: 111122223333.dkr.ecr.eu-west-1.amazonaws.com/agent:2.3.1
          User: "1000:1000"
          Privileged: false`,
    terraform: `resource "aws_ecs_task_definition" "host_agent" {
  family       = "host-agent"
  network_mode = "host"
  container_definitions = jsonencode([
    {
      name       = "agent"
      image      = "111122223333.dkr.ecr.eu-west-1.amazonaws.com/agent:2.3.1"
      user       = "1000:1000"
      privileged = false
    }
  ])
}`,
    falsePositives: 'AWS retired this control in March 2026, so Security Hub no longer reports it; ECS.4, ECS.17 and ECS.20 cover the same ground more strictly, and most teams should leave ECS.1 off. Turn it on only to compare with older Security Hub reports. A container with no user set fails even when its image declares a non-root USER, because the image is not visible to the check; repeating the user in the task definition clears the finding.',
  },
  mappings: { nist80053r5: ['AC-2(1)', 'AC-3', 'AC-3(15)', 'AC-3(7)', 'AC-5', 'AC-6'], pciDss401: [] },
  messages: {
    ...COMMON_MESSAGES,
    notHostMode: 'networkMode is {mode}, not host',
    hostRootUnprivileged: "container '{name}' runs as {user} in host network mode without privileged; set a non-root user",
    privilegedUnknown: "container '{name}': privileged is unknown: {reason}",
    userUnknown: "container '{name}': user is unknown: {reason}",
    allAcceptable: 'host network mode, and every container ({count}) is privileged or runs as a non-root user',
  },
  evaluate(resource: Resource): Evaluation[] {
    const td = resource.properties as TaskDefinition;
    const mode: unknown = td.networkMode;
    if (isUnresolved(mode)) return [unknownField('networkMode', mode.unresolved)];
    if (mode !== 'host') return [{ status: 'PASSED', messageId: 'notHostMode', data: { mode: typeof mode === 'string' ? `'${mode}'` : 'unset' }, path: 'networkMode' }];
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
