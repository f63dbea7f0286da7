/**
 * ECS.17: ECS task definitions should not use host network mode.
 * Mirrors the AWS Config managed rule `ecs-task-definition-network-mode-not-host`
 * (https://docs.aws.amazon.com/config/latest/developerguide/ecs-task-definition-network-mode-not-host.html).
 */
import { isUnresolved, type Resource, type Evaluation } from '../model/index.js';
import type { TaskDefinition } from '@aws-sdk/client-ecs';
import { COMMON_MESSAGES, type Control } from './types.js';
import { unknownField } from './helpers.js';

export const ecs17: Control = {
  id: 'ECS.17',
  set: 'security-hub',
  title: 'ECS task definitions should not use host network mode',
  severity: 'MEDIUM',
  resourceTypes: ['AWS::ECS::TaskDefinition'],
  fields: ['networkMode'],
  configRule: 'ecs-task-definition-network-mode-not-host',
  enabledByDefault: true,
  parameters: {},
  docs: {
    checks: "Reads the task definition's networkMode. host fails; awsvpc, bridge, none, or no networkMode at all passes. Fargate only accepts awsvpc, so in practice this concerns task definitions for EC2 and external instances. It takes no parameters.",
    why: "In host mode a container uses the instance's own network stack: it can bind any port on the instance, reach services that listen only on the host's loopback address, and reach the instance metadata service and with it the instance role's credentials. It also escapes per-task security groups, since its traffic uses the instance's network interface and security groups, and a compromised container can impersonate the host on the network.",
    fix: 'Set networkMode to awsvpc (each task gets its own network interface and security group) or bridge with dynamic host ports, in a new task definition revision. Someone has to adjust what depends on the mode: an awsvpc service needs networkConfiguration with subnets and security groups, and a load balancer target group must use target type ip for awsvpc or instance for bridge, which usually means a new target group.',
    snippet: `{
  "family": "app",
  "networkMode": "awsvpc",
  "containerDefinitions": [
    {
      "name": "app",
      "image": "111122223333.dkr.ecr.eu-west-1.amazonaws.com/app:1.4.2",
      "portMappings": [{ "containerPort": 8080, "protocol": "tcp" }]
    }
  ]
}`,
    cloudformation: `Resources:
  TaskDefinition:
    Type: AWS::ECS::TaskDefinition
    Properties:
      Family: app
      NetworkMode: awsvpc
      ContainerDefinitions:
        - Name: app
          Image: 111122223333.dkr.ecr.eu-west-1.amazonaws.com/app:1.4.2
          PortMappings:
            - ContainerPort: 8080
              Protocol: tcp`,
    terraform: `resource "aws_ecs_task_definition" "app" {
  family       = "app"
  network_mode = "awsvpc"
  container_definitions = jsonencode([
    {
      name         = "app"
      image        = "111122223333.dkr.ecr.eu-west-1.amazonaws.com/app:1.4.2"
      portMappings = [{ containerPort = 8080, protocol = "tcp" }]
    }
  ])
}`,
    falsePositives: "Some daemons truly need host networking: node-level monitoring agents that report the host's network metrics, network proxies and some high-throughput UDP workloads. For those families accept the finding, run them as a daemon service on capacity you control, and keep them non-root (ECS.20) and non-privileged (ECS.4). For application tasks a FAILED verdict is almost always real.",
  },
  mappings: { nist80053r5: ['AC-2(1)', 'AC-3', 'AC-3(7)', 'AC-3(15)', 'AC-5', 'AC-6'], pciDss401: [] },
  messages: {
    ...COMMON_MESSAGES,
    hostNetworkMode: "networkMode is 'host': containers use the host's network stack; use awsvpc (or bridge)",
    notHostNetworkMode: 'networkMode is {mode}',
  },
  evaluate(resource: Resource): Evaluation[] {
    const mode: unknown = (resource.properties as TaskDefinition).networkMode;
    if (isUnresolved(mode)) return [unknownField('networkMode', mode.unresolved)];
    if (mode === 'host') return [{ status: 'FAILED', messageId: 'hostNetworkMode', path: 'networkMode' }];
    return [{ status: 'PASSED', messageId: 'notHostNetworkMode', data: { mode: typeof mode === 'string' ? `'${mode}'` : 'unset' }, path: 'networkMode' }];
  },
};
