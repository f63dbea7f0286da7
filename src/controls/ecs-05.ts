/**
 * ECS.5: ECS containers should be limited to read-only access to root filesystems.
 * Mirrors the AWS Config managed rule `ecs-containers-readonly-access`
 * (https://docs.aws.amazon.com/config/latest/developerguide/ecs-containers-readonly-access.html).
 * Not applicable to an explicitly Windows task definition; a missing field counts as false.
 */
import { isUnresolved, type Resource, type Evaluation } from '../model/index.js';
import { operatingSystemOf } from '../model/task-definition.js';
import type { TaskDefinition } from '@aws-sdk/client-ecs';
import { COMMON_MESSAGES, type Control } from './types.js';
import { judgeContainers } from './helpers.js';

export const ecs05: Control = {
  id: 'ECS.5',
  set: 'security-hub',
  title: 'ECS task definitions should configure containers to be limited to read-only access to root filesystems',
  severity: 'HIGH',
  resourceTypes: ['AWS::ECS::TaskDefinition'],
  fields: ['readonlyRootFilesystem', 'runtimePlatform', 'operatingSystemFamily'],
  configRule: 'ecs-containers-readonly-access',
  enabledByDefault: true,
  parameters: {},
  docs: {
    checks: 'Reads containerDefinitions[].readonlyRootFilesystem: every container must have it set to true, and a container where it is false or missing fails the task definition. The control does not apply when runtimePlatform.operatingSystemFamily is a WINDOWS_SERVER_* value, since Windows containers do not support the setting; a task definition with no operating system family is evaluated. It takes no parameters.',
    why: "An attacker who gets code execution in a container with a writable root filesystem can drop tools, replace the application's binaries or configuration, and plant a web shell that survives until the task is replaced. A read-only root filesystem blocks those writes and confines them to the volumes you mounted on purpose.",
    fix: 'Set readonlyRootFilesystem to true on every container in a new task definition revision. Mount a volume at each path the application must write to, such as /tmp or a cache directory: a task volume with no host configuration works on Fargate and EC2 (tmpfs mounts are not available on Fargate). Someone has to find those paths, usually by running the task and watching for read-only file system errors.',
    snippet: `{
  "family": "app",
  "volumes": [{ "name": "tmp" }],
  "containerDefinitions": [
    {
      "name": "app",
      "image": "111122223333.dkr.ecr.eu-west-1.amazonaws.com/app:1.4.2",
      "readonlyRootFilesystem": true,
      "mountPoints": [
        { "sourceVolume": "tmp", "containerPath": "/tmp", "readOnly": false }
      ]
    }
  ]
}`,
    cloudformation: `Resources:
  TaskDefinition:
    Type: AWS::ECS::TaskDefinition
    Properties:
      Family: app
      Volumes:
        - Name: tmp
      ContainerDefinitions:
        - Name: app
          Image: 111122223333.dkr.ecr.eu-west-1.amazonaws.com/app:1.4.2
          ReadonlyRootFilesystem: true
          MountPoints:
            - SourceVolume: tmp
              ContainerPath: /tmp
              ReadOnly: false`,
    terraform: `resource "aws_ecs_task_definition" "app" {
  family = "app"

  volume {
    name = "tmp"
  }

  container_definitions = jsonencode([
    {
      name                   = "app"
      image                  = "111122223333.dkr.ecr.eu-west-1.amazonaws.com/app:1.4.2"
      readonlyRootFilesystem = true
      mountPoints = [
        { sourceVolume = "tmp", containerPath = "/tmp", readOnly = false }
      ]
    }
  ])
}`,
    falsePositives: 'A Windows task definition without runtimePlatform.operatingSystemFamily is evaluated and fails; set the family to the right WINDOWS_SERVER_* value and the control no longer applies. Some third-party sidecars and legacy applications write all over their filesystem and cannot be fixed with a few volumes; accept the finding for those containers with a note rather than disabling the control.',
  },
  mappings: { nist80053r5: ['AC-2(1)', 'AC-3', 'AC-3(15)', 'AC-3(7)', 'AC-5', 'AC-6'], pciDss401: [] },
  messages: {
    ...COMMON_MESSAGES,
    notReadonly: "container '{name}' has readonlyRootFilesystem {value}; set it to true and mount a volume where the container must write",
    readonlyUnknown: "container '{name}': readonlyRootFilesystem is unknown: {reason}",
    osUnknown: 'ECS.5 applies unless the task definition is Windows, and runtimePlatform.operatingSystemFamily is unknown: {reason}',
    allReadonly: 'every container ({count}) has a read-only root filesystem',
  },
  evaluate(resource: Resource): Evaluation[] {
    const td = resource.properties as TaskDefinition;
    const os = operatingSystemOf(td);
    if (os === 'WINDOWS') return [];
    const results = judgeContainers(td, ({ container, path, label }) => {
      const ro: unknown = container.readonlyRootFilesystem;
      if (isUnresolved(ro)) return { status: 'NOT_AVAILABLE', messageId: 'readonlyUnknown', data: { name: label, reason: ro.unresolved }, path: `${path}.readonlyRootFilesystem` };
      if (ro !== true) return { status: 'FAILED', messageId: 'notReadonly', data: { name: label, value: ro === false ? 'false' : 'unset (false)' }, path: `${path}.readonlyRootFilesystem` };
      return null;
    }, 'allReadonly');
    if (isUnresolved(os)) return [{ status: 'NOT_AVAILABLE', messageId: 'osUnknown', data: { reason: os.unresolved }, path: 'runtimePlatform.operatingSystemFamily' }];
    return results;
  },
};
