/**
 * ECS.3: ECS task definitions should not share the host's process namespace.
 * Mirrors the AWS Config managed rule `ecs-task-definition-pid-mode-check`
 * (https://docs.aws.amazon.com/config/latest/developerguide/ecs-task-definition-pid-mode-check.html).
 */
import { isUnresolved, type Resource, type Evaluation } from '../model/index.js';
import type { TaskDefinition } from '@aws-sdk/client-ecs';
import { COMMON_MESSAGES, type Control } from './types.js';
import { unknownField } from './helpers.js';

export const ecs03: Control = {
  id: 'ECS.3',
  set: 'security-hub',
  title: "ECS task definitions should not share the host's process namespace",
  severity: 'HIGH',
  resourceTypes: ['AWS::ECS::TaskDefinition'],
  fields: ['pidMode'],
  configRule: 'ecs-task-definition-pid-mode-check',
  enabledByDefault: true,
  parameters: {},
  docs: {
    checks: "Reads the task definition's pidMode. host fails; task, or no pidMode at all, passes. The field is per task definition, so one value decides for every container in it. It takes no parameters.",
    why: "With pidMode host the containers join the instance's process namespace: they see every process on the host, including the ECS agent and the containers of other tasks, along with their command lines. A compromised container running as root can then signal or kill those processes and inspect them through /proc, which turns one broken task into an attack on its neighbours and on the host.",
    fix: "Remove pidMode, or set it to task if the containers of one task need to see each other's processes (a debugging or profiling sidecar, for example). Task definitions cannot be edited, so register a new revision and update the services that use it. Someone should confirm nothing in the task relies on seeing host processes, such as a monitoring agent.",
    snippet: `{
  "family": "app",
  "pidMode": "task",
  "containerDefinitions": [
    {
      "name": "app",
      "image": "111122223333.dkr.ecr.eu-west-1.amazonaws.com/app:1.4.2"
    }
  ]
}`,
    cloudformation: `Resources:
  TaskDefinition:
    Type: AWS::ECS::TaskDefinition
    Properties:
      Family: app
      PidMode: task
      ContainerDefinitions:
        - Name: app
          Image: 111122223333.dkr.ecr.eu-west-1.amazonaws.com/app:1.4.2`,
    terraform: `resource "aws_ecs_task_definition" "app" {
  family   = "app"
  pid_mode = "task"
  container_definitions = jsonencode([
    {
      name  = "app"
      image = "111122223333.dkr.ecr.eu-west-1.amazonaws.com/app:1.4.2"
    }
  ])
}`,
    falsePositives: 'Host-level agents (process monitors, runtime security sensors, profilers) run as daemon services often need the host PID namespace to do their job. For those task definition families, accept the finding, run them on capacity you control, and keep them non-privileged and non-root where the agent allows. For application tasks a FAILED verdict is almost never a false positive.',
  },
  mappings: { nist80053r5: ['CA-9(1)', 'CM-2'], pciDss401: [] },
  messages: {
    ...COMMON_MESSAGES,
    pidModeHost: "pidMode is 'host': containers share the host's process namespace; remove pidMode or set it to 'task'",
    pidModeNotHost: 'pidMode is {mode}',
  },
  evaluate(resource: Resource): Evaluation[] {
    const td = resource.properties as TaskDefinition;
    const mode: unknown = td.pidMode;
    if (isUnresolved(mode)) return [unknownField('pidMode', mode.unresolved)];
    if (mode === 'host') return [{ status: 'FAILED', messageId: 'pidModeHost', path: 'pidMode' }];
    return [{ status: 'PASSED', messageId: 'pidModeNotHost', data: { mode: typeof mode === 'string' ? `'${mode}'` : 'unset' }, path: 'pidMode' }];
  },
};
