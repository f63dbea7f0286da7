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
  set: 'security-hub',
  title: 'ECS Task Definitions should configure non-administrator users in Windows container definitions',
  severity: 'MEDIUM',
  resourceTypes: ['AWS::ECS::TaskDefinition'],
  fields: ['user', 'runtimePlatform', 'operatingSystemFamily'],
  configRule: 'ecs-task-definition-windows-user-non-admin',
  enabledByDefault: true,
  parameters: {},
  docs: {
    checks: 'Applies unless runtimePlatform.operatingSystemFamily is LINUX; WINDOWS_SERVER_* families and an unset family are both in scope. Each entry of containerDefinitions[] must have a user, and that user, trimmed, must not be ContainerAdministrator in any letter case; a missing or empty user fails too. Any other value passes, ContainerUser included. With no operating system family set, the same task definition is also judged by ECS.20; setting operatingSystemFamily to the WINDOWS_SERVER_* family narrows it to this control.',
    why: "A Windows container whose image sets no user runs as ContainerAdministrator, the administrator account inside the container. A compromised process can then change system configuration, install services and tamper with every file in the container, and with process isolation, where containers share the host's kernel, any escape flaw starts with administrator rights.",
    fix: "Set containerDefinitions[].user to ContainerUser, the unprivileged account in Microsoft's Windows base images, or to another non-administrator account the image defines, in a new task definition revision; also set runtimePlatform.operatingSystemFamily. Someone must check that the application works without administrator rights and grant that account write access to the directories it uses (for example with icacls in the Dockerfile).",
    snippet: `{
  "family": "app-windows",
  "runtimePlatform": {
    "operatingSystemFamily": "WINDOWS_SERVER_2022_CORE",
    "cpuArchitecture": "X86_64"
  },
  "containerDefinitions": [
    {
      "name": "app",
      "image": "111122223333.dkr.ecr.eu-west-1.amazonaws.com/app-windows:3.0.1",
      "user": "ContainerUser"
    }
  ]
}`,
    cloudformation: `Resources:
  TaskDefinition:
    Type: AWS::ECS::TaskDefinition
    Properties:
      Family: app-windows
      RuntimePlatform:
        OperatingSystemFamily: WINDOWS_SERVER_2022_CORE
        CpuArchitecture: X86_64
      ContainerDefinitions:
        - Name: app
          Image: 111122223333.dkr.ecr.eu-west-1.amazonaws.com/app-windows:3.0.1
          User: ContainerUser`,
    terraform: `resource "aws_ecs_task_definition" "app_windows" {
  family = "app-windows"

  runtime_platform {
    operating_system_family = "WINDOWS_SERVER_2022_CORE"
    cpu_architecture        = "X86_64"
  }

  container_definitions = jsonencode([
    {
      name  = "app"
      image = "111122223333.dkr.ecr.eu-west-1.amazonaws.com/app-windows:3.0.1"
      user  = "ContainerUser"
    }
  ])
}`,
    falsePositives: 'A Linux task definition without runtimePlatform.operatingSystemFamily is judged here and fails when a container has no user; set the family to LINUX and this control no longer applies. An image that already switches to ContainerUser still fails without a user in the task definition, because the image is not visible to the check. Some Windows workloads, such as IIS images that manage the web service at start-up, need administrator rights; record those as exceptions. Note the gap: a custom account that is a member of Administrators passes.',
  },
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
