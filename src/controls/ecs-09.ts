/**
 * ECS.9: ECS task definitions should have a logging configuration.
 * Mirrors the AWS Config managed rule `ecs-task-definition-log-configuration`
 * (https://docs.aws.amazon.com/config/latest/developerguide/ecs-task-definition-log-configuration.html):
 * every container needs `logConfiguration.logDriver`; any driver passes.
 */
import { isUnresolved, type Resource, type Evaluation } from '../model/index.js';
import type { TaskDefinition } from '@aws-sdk/client-ecs';
import { COMMON_MESSAGES, type Control } from './types.js';
import { field, judgeContainers } from './helpers.js';

export const ecs09: Control = {
  id: 'ECS.9',
  set: 'security-hub',
  title: 'ECS task definitions should have a logging configuration',
  severity: 'HIGH',
  resourceTypes: ['AWS::ECS::TaskDefinition'],
  fields: ['logConfiguration', 'logDriver'],
  configRule: 'ecs-task-definition-log-configuration',
  enabledByDefault: true,
  parameters: {},
  docs: {
    checks: 'Reads containerDefinitions[].logConfiguration: every container needs one with a non-empty logDriver. A container without logConfiguration, or with one whose logDriver is missing or empty, fails the task definition. Any driver passes (awslogs, awsfirelens, splunk, fluentd, json-file and so on); its options are not checked. It takes no parameters.',
    why: "Without a log driver a container's stdout and stderr are not sent anywhere you control: on Fargate they are gone when the task stops, and on EC2 they stay in the Docker daemon's local files until the instance is replaced. Incident responders then have no application logs to work with, and crash causes disappear with the task.",
    fix: 'Add logConfiguration to each container, for example logDriver awslogs with the options awslogs-group, awslogs-region and awslogs-stream-prefix, in a new task definition revision. The execution role needs logs:CreateLogStream and logs:PutLogEvents, and the log group must exist (or set awslogs-create-group to true and also allow logs:CreateLogGroup). Someone should set a retention period on the log group.',
    snippet: `{
  "family": "app",
  "executionRoleArn": "arn:aws:iam::111122223333:role/app-execution",
  "containerDefinitions": [
    {
      "name": "app",
      "image": "111122223333.dkr.ecr.eu-west-1.amazonaws.com/app:1.4.2",
      "logConfiguration": {
        "logDriver": "awslogs",
        "options": {
          "awslogs-group": "/ecs/app",
          "awslogs-region": "eu-west-1",
          "awslogs-stream-prefix": "app"
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
      ExecutionRoleArn: arn:aws:iam::111122223333:role/app-execution
      ContainerDefinitions:
        - Name: app
          Image: 111122223333.dkr.ecr.eu-west-1.amazonaws.com/app:1.4.2
          LogConfiguration:
            LogDriver: awslogs
            Options:
              awslogs-group: /ecs/app
              awslogs-region: eu-west-1
              awslogs-stream-prefix: app`,
    terraform: `resource "aws_cloudwatch_log_group" "app" {
  name              = "/ecs/app"
  retention_in_days = 90
}

resource "aws_ecs_task_definition" "app" {
  family             = "app"
  execution_role_arn = aws_iam_role.app_execution.arn
  container_definitions = jsonencode([
    {
      name  = "app"
      image = "111122223333.dkr.ecr.eu-west-1.amazonaws.com/app:1.4.2"
      logConfiguration = {
        logDriver = "awslogs"
        options = {
          "awslogs-group"         = aws_cloudwatch_log_group.app.name
          "awslogs-region"        = "eu-west-1"
          "awslogs-stream-prefix" = "app"
        }
      }
    }
  ])
}`,
    falsePositives: "On EC2 capacity, logs may be collected without anything in the task definition, for example by a host agent that reads the Docker daemon's default log files, or by an application that ships its own logs. If that collection is verified, the finding can be accepted or the control disabled for those task definitions. Note the reverse gap too: a driver such as json-file passes although the logs never leave the instance.",
  },
  mappings: { nist80053r5: ['AC-4(26)', 'AU-10', 'AU-12', 'AU-2', 'AU-3', 'AU-6(3)', 'AU-6(4)', 'CA-7', 'SC-7(9)', 'SI-7(8)'], pciDss401: [] },
  messages: {
    ...COMMON_MESSAGES,
    noLogConfiguration: "container '{name}' has no logConfiguration; add one with a logDriver such as awslogs",
    noLogDriver: "container '{name}' has a logConfiguration without a logDriver; set logDriver (awslogs, awsfirelens, splunk ...)",
    logDriverUnknown: "container '{name}': logConfiguration is unknown: {reason}",
    allLogging: 'every container ({count}) has a log driver',
  },
  evaluate(resource: Resource): Evaluation[] {
    return judgeContainers(resource.properties as TaskDefinition, ({ container, path, label }) => {
      const lc: unknown = container.logConfiguration;
      if (isUnresolved(lc)) return { status: 'NOT_AVAILABLE', messageId: 'logDriverUnknown', data: { name: label, reason: lc.unresolved }, path: `${path}.logConfiguration` };
      if (lc === undefined || lc === null) return { status: 'FAILED', messageId: 'noLogConfiguration', data: { name: label }, path: `${path}.logConfiguration` };
      const driver = field(lc, 'logDriver');
      if (isUnresolved(driver)) return { status: 'NOT_AVAILABLE', messageId: 'logDriverUnknown', data: { name: label, reason: driver.unresolved }, path: `${path}.logConfiguration.logDriver` };
      if (typeof driver !== 'string' || driver.trim() === '') return { status: 'FAILED', messageId: 'noLogDriver', data: { name: label }, path: `${path}.logConfiguration.logDriver` };
      return null;
    }, 'allLogging');
  },
};
