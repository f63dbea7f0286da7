/**
 * ECS.8: Secrets should not be passed as container environment variables.
 * Mirrors the AWS Config managed rule `ecs-no-environment-secrets`
 * (https://docs.aws.amazon.com/config/latest/developerguide/ecs-no-environment-secrets.html).
 * Only `environment[].name` is read, trimmed and compared case-sensitively with `secretKeys`.
 * A flagged variable's value is never read, so it cannot reach any output.
 */
import { isUnresolved, type Resource, type Evaluation } from '../model/index.js';
import type { TaskDefinition } from '@aws-sdk/client-ecs';
import { COMMON_MESSAGES, type Control, type ControlParams } from './types.js';
import { judgeContainers } from './helpers.js';

/** The Config rule's default `secretKeys`. */
export const DEFAULT_SECRET_KEYS = ['AWS_ACCESS_KEY_ID', 'AWS_SECRET_ACCESS_KEY', 'ECS_ENGINE_AUTH_DATA'];

export const ecs08: Control = {
  id: 'ECS.8',
  set: 'security-hub',
  title: 'Secrets should not be passed as container environment variables',
  severity: 'HIGH',
  resourceTypes: ['AWS::ECS::TaskDefinition'],
  fields: ['environment'],
  configRule: 'ecs-no-environment-secrets',
  enabledByDefault: true,
  parameters: {
    secretKeys: {
      type: 'string[]',
      default: DEFAULT_SECRET_KEYS,
      description: 'Environment variable names that must not appear in environment (case-sensitive).',
      validate: (v) => (Array.isArray(v) && v.length > 0 && v.every((k) => typeof k === 'string' && k.trim() !== '') ? null : 'secretKeys must be a non-empty list of variable names'),
    },
  },
  docs: {
    checks: "Reads the names in containerDefinitions[].environment[]: a container with a variable whose name, trimmed, equals one of the secretKeys parameter's names (case-sensitive) fails the task definition. secretKeys defaults to AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY and ECS_ENGINE_AUTH_DATA and can be replaced with your own list. Only names are compared: values are never read or shown, and environmentFiles and secrets are not flagged.",
    why: "Values in environment are stored in clear text in the task definition, so anyone allowed to describe task definitions can read them, and so can whoever sees the template, its state files or the container's inspect output. A long-lived IAM access key leaked this way works from anywhere until someone revokes it. Old revisions keep the value after it is removed from the current one.",
    fix: 'For AWS credentials, drop the keys altogether and give the task an IAM role in taskRoleArn; the SDKs pick up its credentials automatically. For other secrets, move them to containerDefinitions[].secrets with valueFrom pointing at a Secrets Manager secret or SSM parameter, and allow the execution role (executionRoleArn) to read them; private registry credentials belong in repositoryCredentials.credentialsParameter. Someone must also rotate every key that ever sat in environment, because INACTIVE revisions remain readable until they are deleted.',
    snippet: `{
  "family": "app",
  "taskRoleArn": "arn:aws:iam::111122223333:role/app-task",
  "executionRoleArn": "arn:aws:iam::111122223333:role/app-execution",
  "containerDefinitions": [
    {
      "name": "app",
      "image": "111122223333.dkr.ecr.eu-west-1.amazonaws.com/app:1.4.2",
      "environment": [{ "name": "LOG_LEVEL", "value": "info" }],
      "secrets": [
        {
          "name": "DB_PASSWORD",
          "valueFrom": "arn:aws:secretsmanager:eu-west-1:111122223333:secret:prod/app/db-AbCdEf"
        }
      ]
    }
  ]
}`,
    cloudformation: `Resources:
  TaskDefinition:
    Type: AWS::ECS::TaskDefinition
    Properties:
      Family: app
      TaskRoleArn: arn:aws:iam::111122223333:role/app-task
      ExecutionRoleArn: arn:aws:iam::111122223333:role/app-execution
      ContainerDefinitions:
        - Name: app
          Image: 111122223333.dkr.ecr.eu-west-1.amazonaws.com/app:1.4.2
          Environment:
            - Name: LOG_LEVEL
              Value: info
          Secrets:
            - Name: DB_PASSWORD
              ValueFrom: arn:aws:secretsmanager:eu-west-1:111122223333:secret:prod/app/db-AbCdEf`,
    terraform: `resource "aws_ecs_task_definition" "app" {
  family             = "app"
  task_role_arn      = aws_iam_role.app_task.arn
  execution_role_arn = aws_iam_role.app_execution.arn
  container_definitions = jsonencode([
    {
      name        = "app"
      image       = "111122223333.dkr.ecr.eu-west-1.amazonaws.com/app:1.4.2"
      environment = [{ name = "LOG_LEVEL", value = "info" }]
      secrets = [
        { name = "DB_PASSWORD", valueFrom = aws_secretsmanager_secret.db.arn }
      ]
    }
  ])
}`,
    falsePositives: 'A flagged name that holds no secret, such as AWS_ACCESS_KEY_ID set to a dummy value for a local S3 emulator in a test task definition, is a false positive; renaming or removing the variable is usually easier than an exception. The opposite is more common: secrets under other names (DB_PASSWORD, API_TOKEN) pass unless you add those names to secretKeys.',
  },
  mappings: { nist80053r5: ['CA-9(1)', 'CM-2'], pciDss401: ['8.6.2'] },
  messages: {
    ...COMMON_MESSAGES,
    secretInEnvironment: "container '{name}' passes {variable} in environment (value not shown); move it to secrets with valueFrom pointing at Secrets Manager or SSM Parameter Store",
    nameUnknown: "container '{name}': an environment variable name is unknown: {reason}",
    noSecrets: 'no container ({count}) passes {keys} in environment',
  },
  evaluate(resource: Resource, params: ControlParams): Evaluation[] {
    const keys = (params.secretKeys as string[] | undefined) ?? DEFAULT_SECRET_KEYS;
    const wanted = new Set(keys.map((k) => k.trim()));
    const td = resource.properties as TaskDefinition;
    const out = judgeContainers(td, ({ container, path, label }) => {
      const env: unknown = container.environment;
      if (isUnresolved(env)) return { status: 'NOT_AVAILABLE', messageId: 'nameUnknown', data: { name: label, reason: env.unresolved }, path: `${path}.environment` };
      if (!Array.isArray(env)) return null;
      const found: Evaluation[] = [];
      let unknown: Evaluation | null = null;
      for (let i = 0; i < env.length; i++) {
        const entry: unknown = env[i];
        const name: unknown = entry && typeof entry === 'object' && !isUnresolved(entry) ? (entry as { name?: unknown }).name : entry;
        if (isUnresolved(name)) {
          unknown ??= { status: 'NOT_AVAILABLE', messageId: 'nameUnknown', data: { name: label, reason: name.unresolved }, path: `${path}.environment[${i}].name` };
          continue;
        }
        // Every entry is read: a peer once kept only the last one.
        if (typeof name === 'string' && wanted.has(name.trim())) {
          found.push({ status: 'FAILED', messageId: 'secretInEnvironment', data: { name: label, variable: name.trim() }, path: `${path}.environment[${i}].name` });
        }
      }
      if (unknown) found.push(unknown);
      return found;
    }, 'noSecrets', { keys: [...wanted].join(', ') });
    return out;
  },
};
