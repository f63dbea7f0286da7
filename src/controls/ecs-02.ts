/**
 * ECS.2: ECS services should not have public IP addresses assigned to them automatically.
 * Mirrors the AWS Config managed rule `ecs-service-assign-public-ip-disabled`
 * (https://docs.aws.amazon.com/config/latest/developerguide/ecs-service-assign-public-ip-disabled.html),
 * with its parameter `exemptServiceArns`.
 */
import type { Resource, Evaluation } from '../model/index.js';
import { COMMON_MESSAGES, type Control, type ControlParams } from './types.js';
import { judgePublicIp, PUBLIC_IP_MESSAGES } from './public-ip.js';

export const ecs02: Control = {
  id: 'ECS.2',
  set: 'security-hub',
  title: 'ECS services should not have public IP addresses assigned to them automatically',
  severity: 'HIGH',
  resourceTypes: ['AWS::ECS::Service'],
  fields: ['networkConfiguration', 'awsvpcConfiguration', 'assignPublicIp'],
  configRule: 'ecs-service-assign-public-ip-disabled',
  enabledByDefault: true,
  parameters: {
    exemptServiceArns: {
      type: 'string[]',
      default: [],
      description: 'Service ARNs (or, for files, resource ids) that may assign public IPs.',
    },
  },
  docs: {
    checks: 'Reads networkConfiguration.awsvpcConfiguration.assignPublicIp of every ECS service. ENABLED fails; DISABLED passes, and so does a service with no awsvpc network configuration at all (bridge or host mode services never get a public IP from ECS). The parameter exemptServiceArns (a list of service ARNs, or resource ids when scanning files; default empty) lets named services pass whatever their setting.',
    why: "With assignPublicIp ENABLED every task's network interface gets a public IPv4 address, so the only thing between the container's ports and the internet is its security group. One overly broad inbound rule then exposes the application directly, bypassing the load balancer, WAF and any authentication in front of it. Public addresses also make the tasks easy to find by internet-wide scanning.",
    fix: 'Set networkConfiguration.awsvpcConfiguration.assignPublicIp to DISABLED and place the tasks in private subnets; the service can be updated in place and replaces its tasks. Publish the application through a load balancer in public subnets instead. Before switching, someone must check that the private subnets can still reach what the tasks need: a NAT gateway, or VPC endpoints for ECR, S3, CloudWatch Logs and Secrets Manager, otherwise Fargate tasks fail to pull their image.',
    snippet: `{
  "serviceName": "app",
  "cluster": "prod",
  "taskDefinition": "app:7",
  "launchType": "FARGATE",
  "desiredCount": 2,
  "networkConfiguration": {
    "awsvpcConfiguration": {
      "subnets": ["subnet-0a1b2c3d4e5f60718", "subnet-0f1e2d3c4b5a69788"],
      "securityGroups": ["sg-0123456789abcdef0"],
      "assignPublicIp": "DISABLED"
    }
  }
}`,
    cloudformation: `Resources:
  Service:
    Type: AWS::ECS::Service
    Properties:
      ServiceName: app
      Cluster: prod
      TaskDefinition: app:7
      LaunchType: FARGATE
      DesiredCount: 2
      NetworkConfiguration:
        AwsvpcConfiguration:
          AssignPublicIp: DISABLED
          Subnets:
            - subnet-0a1b2c3d4e5f60718
            - subnet-0f1e2d3c4b5a69788
          SecurityGroups:
            - sg-0123456789abcdef0`,
    terraform: `resource "aws_ecs_service" "app" {
  name            = "app"
  cluster         = aws_ecs_cluster.prod.id
  task_definition = aws_ecs_task_definition.app.arn
  launch_type     = "FARGATE"
  desired_count   = 2

  network_configuration {
    subnets          = ["subnet-0a1b2c3d4e5f60718", "subnet-0f1e2d3c4b5a69788"]
    security_groups  = ["sg-0123456789abcdef0"]
    assign_public_ip = false
  }
}`,
    falsePositives: "A service that deliberately runs in public subnets without a NAT gateway (a cost-constrained sandbox, say) and whose security group admits no inbound traffic is exposed only in a narrow sense; list it in exemptServiceArns rather than turning the control off. Security Hub's own ECS.2 takes no exemption parameter, so an exemption here does not silence the Security Hub finding; suppress it there as well.",
  },
  mappings: { nist80053r5: ['AC-21', 'AC-3', 'AC-3(7)', 'AC-4', 'AC-4(21)', 'AC-6', 'SC-7', 'SC-7(11)', 'SC-7(16)', 'SC-7(20)', 'SC-7(21)', 'SC-7(3)', 'SC-7(4)', 'SC-7(9)'], pciDss401: ['1.4.4'] },
  messages: { ...COMMON_MESSAGES, ...PUBLIC_IP_MESSAGES },
  evaluate(resource: Resource, params: ControlParams): Evaluation[] {
    const exempt = (params.exemptServiceArns as string[] | undefined) ?? [];
    const arn = (resource.properties as { serviceArn?: unknown }).serviceArn;
    if (exempt.includes(resource.id) || (typeof arn === 'string' && exempt.includes(arn))) {
      return [{ status: 'PASSED', messageId: 'exempt', data: { kind: 'service' }, path: null }];
    }
    return judgePublicIp(resource);
  },
};
