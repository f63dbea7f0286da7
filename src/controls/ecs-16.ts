/**
 * ECS.16: ECS task sets should not automatically assign public IP addresses.
 * Mirrors the AWS Config managed rule `ecs-taskset-assign-public-ip-disabled`
 * (https://docs.aws.amazon.com/config/latest/developerguide/ecs-taskset-assign-public-ip-disabled.html).
 */
import type { Resource, Evaluation } from '../model/index.js';
import { COMMON_MESSAGES, type Control } from './types.js';
import { judgePublicIp, PUBLIC_IP_MESSAGES } from './public-ip.js';

export const ecs16: Control = {
  id: 'ECS.16',
  set: 'security-hub',
  title: 'ECS task sets should not automatically assign public IP addresses',
  severity: 'HIGH',
  resourceTypes: ['AWS::ECS::TaskSet'],
  fields: ['networkConfiguration', 'awsvpcConfiguration', 'assignPublicIp'],
  configRule: 'ecs-taskset-assign-public-ip-disabled',
  enabledByDefault: true,
  parameters: {},
  docs: {
    checks: 'Reads networkConfiguration.awsvpcConfiguration.assignPublicIp of every ECS task set (task sets exist for services that use the EXTERNAL or CODE_DEPLOY deployment controller). ENABLED fails; DISABLED, or no awsvpc network configuration, passes. Unlike ECS.2 it takes no exemption parameter.',
    why: "With assignPublicIp ENABLED each task in the task set gets a public IPv4 address, so only its security group stands between the container's ports and the internet. A single overly broad inbound rule then exposes the application directly, bypassing the load balancer, WAF and authentication in front of it, and the address makes the task easy to find by internet-wide scanning.",
    fix: "A task set's network configuration cannot be changed after creation, so create a new task set with assignPublicIp DISABLED in private subnets, make it the primary task set, shift traffic to it and delete the old one. Publish the application through a load balancer in public subnets. Someone must check that the private subnets can reach ECR, S3, CloudWatch Logs and Secrets Manager (through a NAT gateway or VPC endpoints), otherwise the new tasks cannot pull their image.",
    snippet: `{
  "cluster": "prod",
  "service": "app",
  "taskDefinition": "app:8",
  "externalId": "green",
  "launchType": "FARGATE",
  "networkConfiguration": {
    "awsvpcConfiguration": {
      "subnets": ["subnet-0a1b2c3d4e5f60718", "subnet-0f1e2d3c4b5a69788"],
      "securityGroups": ["sg-0123456789abcdef0"],
      "assignPublicIp": "DISABLED"
    }
  }
}`,
    cloudformation: `Resources:
  GreenTaskSet:
    Type: AWS::ECS::TaskSet
    Properties:
      Cluster: prod
      Service: app
      TaskDefinition: app:8
      ExternalId: green
      LaunchType: FARGATE
      NetworkConfiguration:
        AwsVpcConfiguration:
          AssignPublicIp: DISABLED
          Subnets:
            - subnet-0a1b2c3d4e5f60718
            - subnet-0f1e2d3c4b5a69788
          SecurityGroups:
            - sg-0123456789abcdef0`,
    terraform: `resource "aws_ecs_task_set" "green" {
  cluster         = aws_ecs_cluster.prod.id
  service         = aws_ecs_service.app.id
  task_definition = aws_ecs_task_definition.app.arn
  external_id     = "green"
  launch_type     = "FARGATE"

  network_configuration {
    subnets          = ["subnet-0a1b2c3d4e5f60718", "subnet-0f1e2d3c4b5a69788"]
    security_groups  = ["sg-0123456789abcdef0"]
    assign_public_ip = false
  }
}`,
    falsePositives: 'A task set that deliberately runs in public subnets without a NAT gateway and whose security group admits no inbound traffic is exposed only in a narrow sense. There is no exemption parameter, so record such a case as an accepted exception in your findings workflow rather than disabling the control for every task set.',
  },
  mappings: { nist80053r5: [], pciDss401: ['1.4.4'] },
  messages: { ...COMMON_MESSAGES, ...PUBLIC_IP_MESSAGES },
  evaluate(resource: Resource): Evaluation[] {
    return judgePublicIp(resource);
  },
};
