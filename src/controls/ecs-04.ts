/**
 * ECS.4: ECS containers should run as non-privileged.
 * Mirrors the AWS Config managed rule `ecs-containers-nonprivileged`
 * (https://docs.aws.amazon.com/config/latest/developerguide/ecs-containers-nonprivileged.html):
 * NON_COMPLIANT when any container has `privileged` true; missing counts as false.
 */
import { isUnresolved, type Resource, type Evaluation } from '../model/index.js';
import type { TaskDefinition } from '@aws-sdk/client-ecs';
import { COMMON_MESSAGES, type Control } from './types.js';
import { judgeContainers } from './helpers.js';

export const ecs04: Control = {
  id: 'ECS.4',
  set: 'security-hub',
  title: 'ECS containers should run as non-privileged',
  severity: 'HIGH',
  resourceTypes: ['AWS::ECS::TaskDefinition'],
  fields: ['privileged'],
  configRule: 'ecs-containers-nonprivileged',
  enabledByDefault: true,
  parameters: {},
  docs: {
    checks: 'Reads containerDefinitions[].privileged in the task definition. Any container with privileged set to true fails the task definition; false or a missing field passes. It takes no parameters.',
    why: "A privileged container gets every Linux capability and access to the host's devices, which makes it root on the container instance in all but name. From there an attacker can mount the host's disk, load kernel modules or tamper with the Docker daemon, then read the instance role's credentials and reach every other task on the instance.",
    fix: 'Remove privileged (or set it to false) in a new task definition revision and deploy it. If the container needs one specific power, grant just that through linuxParameters.capabilities.add (for example NET_ADMIN) or linuxParameters.devices; on Fargate only SYS_PTRACE can be added. Someone has to work out which capability or device the workload actually uses, usually by testing without privileged.',
    snippet: `{
  "family": "app",
  "requiresCompatibilities": ["EC2"],
  "containerDefinitions": [
    {
      "name": "app",
      "image": "111122223333.dkr.ecr.eu-west-1.amazonaws.com/app:1.4.2",
      "privileged": false,
      "linuxParameters": {
        "capabilities": {
          "add": ["NET_ADMIN"],
          "drop": ["ALL"]
        }
      }
    }
  ]
}`,
    cloudformation: `Resources:
  TaskDefinition:
    Type: AWS::ECS::TaskDefinition
    Properties:
      Family: app
      RequiresCompatibilities:
        - EC2
      ContainerDefinitions:
        - Name: app
          Image: 111122223333.dkr.ecr.eu-west-1.amazonaws.com/app:1.4.2
          Privileged: false
          LinuxParameters:
            Capabilities:
              Add:
                - NET_ADMIN
              Drop:
                - ALL`,
    terraform: `resource "aws_ecs_task_definition" "app" {
  family                   = "app"
  requires_compatibilities = ["EC2"]
  container_definitions = jsonencode([
    {
      name       = "app"
      image      = "111122223333.dkr.ecr.eu-west-1.amazonaws.com/app:1.4.2"
      privileged = false
      linuxParameters = {
        capabilities = {
          add  = ["NET_ADMIN"]
          drop = ["ALL"]
        }
      }
    }
  ])
}`,
    falsePositives: 'Some infrastructure workloads on EC2 capacity genuinely need privileged mode: Docker-in-Docker build runners, certain storage or network drivers, and some security agents. Run those on dedicated instances, accept the finding for those families only, and document why. An application container that fails is a real finding.',
  },
  mappings: { nist80053r5: ['AC-2(1)', 'AC-3', 'AC-3(15)', 'AC-3(7)', 'AC-5', 'AC-6'], pciDss401: [] },
  messages: {
    ...COMMON_MESSAGES,
    privileged: "container '{name}' is privileged (root on the host); remove privileged or set it to false",
    privilegedUnknown: "container '{name}': privileged is unknown: {reason}",
    nonePrivileged: 'no container ({count}) is privileged',
  },
  evaluate(resource: Resource): Evaluation[] {
    return judgeContainers(resource.properties as TaskDefinition, ({ container, path, label }) => {
      const privileged: unknown = container.privileged;
      if (isUnresolved(privileged)) return { status: 'NOT_AVAILABLE', messageId: 'privilegedUnknown', data: { name: label, reason: privileged.unresolved }, path: `${path}.privileged` };
      if (privileged === true) return { status: 'FAILED', messageId: 'privileged', data: { name: label }, path: `${path}.privileged` };
      return null;
    }, 'nonePrivileged');
  },
};
