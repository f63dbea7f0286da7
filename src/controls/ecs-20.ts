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
  set: 'security-hub',
  title: 'ECS Task Definitions should configure non-root users in Linux container definitions',
  severity: 'MEDIUM',
  resourceTypes: ['AWS::ECS::TaskDefinition'],
  fields: ['user', 'runtimePlatform', 'operatingSystemFamily'],
  configRule: 'ecs-task-definition-linux-user-non-root',
  enabledByDefault: true,
  parameters: {},
  docs: {
    checks: 'Applies unless runtimePlatform.operatingSystemFamily is a WINDOWS_SERVER_* value; LINUX and an unset family are both in scope. Each entry of containerDefinitions[] must have a user, and its principal (the part before the first colon, trimmed) must not be root or an all-zero UID, so root, 0, 0:0, root:app and 0:1000 all fail, as does a missing or empty user. Any other user passes, names included (nginx, app:app); privileged plays no part. With no operating system family set, the same task definition is also judged by ECS.21; setting operatingSystemFamily to LINUX narrows it to this control.',
    why: "A process that runs as root in a container is UID 0 on the host's kernel, since ECS does not remap user namespaces. Any container breakout then starts with full privileges: runtime flaws such as the 2019 runc vulnerability (CVE-2019-5736) needed root in the container to overwrite the host's runc. Root also lets a compromised process change anything in the container's filesystem and read every mounted file.",
    fix: "Set containerDefinitions[].user to a non-root user in a new task definition revision, preferably a numeric UID:GID such as \"1000:1000\" so it does not depend on the image's /etc/passwd, and set runtimePlatform.operatingSystemFamily to LINUX. Someone must make sure the image works as that user: files and directories it writes (including mounted volumes) must be writable by it, and it may be unable to bind ports below 1024.",
    snippet: `{
  "family": "app",
  "runtimePlatform": { "operatingSystemFamily": "LINUX", "cpuArchitecture": "X86_64" },
  "containerDefinitions": [
    {
      "name": "app",
      "image": "111122223333.dkr.ecr.eu-west-1.amazonaws.com/app:1.4.2",
      "user": "1000:1000"
    }
  ]
}`,
    cloudformation: `Resources:
  TaskDefinition:
    Type: AWS::ECS::TaskDefinition
    Properties:
      Family: app
      RuntimePlatform:
        OperatingSystemFamily: LINUX
        CpuArchitecture: X86_64
      ContainerDefinitions:
        - Name: app
          Image: 111122223333.dkr.ecr.eu-west-1.amazonaws.com/app:1.4.2
          User: "1000:1000"`,
    terraform: `resource "aws_ecs_task_definition" "app" {
  family = "app"

  runtime_platform {
    operating_system_family = "LINUX"
    cpu_architecture        = "X86_64"
  }

  container_definitions = jsonencode([
    {
      name  = "app"
      image = "111122223333.dkr.ecr.eu-west-1.amazonaws.com/app:1.4.2"
      user  = "1000:1000"
    }
  ])
}`,
    falsePositives: 'An image whose Dockerfile sets a non-root USER still fails when the task definition has no user, because neither ecsguard nor AWS can see inside the image; repeating the user in the task definition is cheap and clears the finding. A Windows task definition without runtimePlatform.operatingSystemFamily is judged here too; set the WINDOWS_SERVER_* family. Containers that must start as root to fix permissions and then drop privileges (with gosu or su-exec, say) are a legitimate exception to record.',
  },
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
