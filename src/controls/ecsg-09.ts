/**
 * ECSG.9 (ecsguard hardening): ECS Exec (interactive shells into running tasks) should be off on
 * services, and a cluster that configures ECS Exec should log its sessions and encrypt them with
 * a KMS key.
 */
import { isUnresolved, type Evaluation, type Resource } from '../model/index.js';
import { COMMON_MESSAGES, type Control } from './types.js';
import { field, nested, unknownField } from './helpers.js';

const EXEC = 'configuration.executeCommandConfiguration';

function judgeService(resource: Resource): Evaluation[] {
  const v: unknown = (resource.properties as { enableExecuteCommand?: unknown }).enableExecuteCommand;
  if (isUnresolved(v)) return [unknownField('enableExecuteCommand', v.unresolved)];
  if (v === true) return [{ status: 'FAILED', messageId: 'execEnabled', path: 'enableExecuteCommand' }];
  return [{ status: 'PASSED', messageId: 'execOff', path: null }];
}

function judgeCluster(resource: Resource): Evaluation[] {
  const cfg = nested(resource.properties, '', ['configuration', 'executeCommandConfiguration']);
  if ('unknown' in cfg) return [unknownField(cfg.unknown.path, cfg.unknown.reason)];
  // A cluster without an ECS Exec configuration uses the defaults only when a service turns ECS Exec on; ECSG.9 judges that service.
  if (cfg.value === undefined || cfg.value === null || typeof cfg.value !== 'object') return [];
  const out: Evaluation[] = [];
  const logging = field(cfg.value, 'logging');
  if (isUnresolved(logging)) out.push(unknownField(`${EXEC}.logging`, logging.unresolved));
  else if (typeof logging === 'string' && logging.toUpperCase() === 'NONE') out.push({ status: 'FAILED', messageId: 'execLoggingOff', path: `${EXEC}.logging` });
  else if (typeof logging === 'string' && logging.toUpperCase() === 'OVERRIDE') {
    const lc = field(cfg.value, 'logConfiguration');
    const group = field(lc, 'cloudWatchLogGroupName');
    const bucket = field(lc, 's3BucketName');
    const has = (x: unknown) => typeof x === 'string' && x.trim() !== '';
    if (!has(group) && !has(bucket)) {
      const unknown = [lc, group, bucket].find((x) => isUnresolved(x));
      if (unknown && isUnresolved(unknown)) out.push(unknownField(`${EXEC}.logConfiguration`, unknown.unresolved));
      else out.push({ status: 'FAILED', messageId: 'execLoggingNowhere', path: `${EXEC}.logConfiguration` });
    }
  }
  const kms = field(cfg.value, 'kmsKeyId');
  if (isUnresolved(kms)) {
    // A reference to a key is a key: only its ARN is unknown.
  } else if (typeof kms !== 'string' || kms.trim() === '') out.push({ status: 'FAILED', messageId: 'execNoKmsKey', path: `${EXEC}.kmsKeyId` });
  if (out.length === 0) out.push({ status: 'PASSED', messageId: 'execLoggedEncrypted', data: { logging: typeof logging === 'string' ? logging : 'DEFAULT' }, path: null });
  return out;
}

export const ecsg09: Control = {
  id: 'ECSG.9',
  set: 'extra',
  title: 'ECS Exec should be off on services, and logged and KMS-encrypted on clusters',
  severity: 'MEDIUM',
  resourceTypes: ['AWS::ECS::Service', 'AWS::ECS::Cluster'],
  fields: ['enableExecuteCommand', 'configuration', 'executeCommandConfiguration', 'logging', 'logConfiguration', 'kmsKeyId'],
  configRule: null,
  enabledByDefault: true,
  parameters: {},
  docs: {
    checks: 'Services: enableExecuteCommand true fails; false or unset passes. Clusters with configuration.executeCommandConfiguration: logging NONE fails; logging OVERRIDE fails unless logConfiguration names a cloudWatchLogGroupName or an s3BucketName; DEFAULT or unset logging passes (the session is logged through the task definition\'s awslogs configuration); and kmsKeyId must be set (a reference known only at deployment counts as set). A cluster without an ECS Exec configuration gets no finding. describe-clusters prints configuration only with --include CONFIGURATIONS; without it, a cluster gets no finding from this control. It takes no parameters.',
    why: 'ECS Exec opens an interactive shell, as the container\'s user, in a running task: anyone with ecs:ExecuteCommand on the cluster can read its memory, secrets and data and act with its task role, bypassing the deployment pipeline. Left on in production it is a standing back door; where it is needed, every session should leave a record (CloudWatch Logs or S3) and travel encrypted with a key you control, so that access can be audited and revoked.',
    fix: 'Set enableExecuteCommand to false on production services (update-service --disable-execute-command, then force a new deployment), and turn it on only for the duration of an investigation. On clusters that allow ECS Exec, set executeCommandConfiguration.kmsKeyId to a customer managed KMS key and logging to DEFAULT or to OVERRIDE with a log group or bucket (with encryption enabled), and restrict ecs:ExecuteCommand in IAM with conditions on the cluster and container name.',
    snippet: `{
  "clusterName": "prod",
  "configuration": {
    "executeCommandConfiguration": {
      "kmsKeyId": "arn:aws:kms:eu-west-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab",
      "logging": "OVERRIDE",
      "logConfiguration": {
        "cloudWatchLogGroupName": "/ecs/exec/prod",
        "cloudWatchEncryptionEnabled": true
      }
    }
  }
}

{ "service": "app", "cluster": "prod", "enableExecuteCommand": false }`,
    cloudformation: `Resources:
  Cluster:
    Type: AWS::ECS::Cluster
    Properties:
      ClusterName: prod
      Configuration:
        ExecuteCommandConfiguration:
          KmsKeyId: !Ref ExecKey
          Logging: OVERRIDE
          LogConfiguration:
            CloudWatchLogGroupName: /ecs/exec/prod
            CloudWatchEncryptionEnabled: true
  Service:
    Type: AWS::ECS::Service
    Properties:
      Cluster: !Ref Cluster
      TaskDefinition: !Ref TaskDefinition
      EnableExecuteCommand: false`,
    terraform: `resource "aws_ecs_cluster" "prod" {
  name = "prod"
  configuration {
    execute_command_configuration {
      kms_key_id = aws_kms_key.exec.arn
      logging    = "OVERRIDE"
      log_configuration {
        cloud_watch_log_group_name     = aws_cloudwatch_log_group.exec.name
        cloud_watch_encryption_enabled = true
      }
    }
  }
}

resource "aws_ecs_service" "app" {
  name                   = "app"
  cluster                = aws_ecs_cluster.prod.id
  task_definition        = aws_ecs_task_definition.app.arn
  enable_execute_command = false
}`,
    falsePositives: 'Development and staging services often keep ECS Exec on deliberately; scope the exception to those environments rather than disabling the control. A cluster that never has ECS Exec turned on for any service is not exposed even with logging NONE, but the setting invites turning it on unnoticed.',
  },
  mappings: { nist80053r5: [], pciDss401: [] },
  peers: [
    { tool: 'Checkov', id: 'CKV_AWS_223', title: 'Ensure ECS Cluster enables logging of ECS Exec' },
    { tool: 'Checkov', id: 'CKV_AWS_224', title: 'Ensure ECS Cluster logging is enabled and client to container communication uses CMK' },
  ],
  messages: {
    ...COMMON_MESSAGES,
    execEnabled: 'enableExecuteCommand is true, so anyone allowed ecs:ExecuteCommand can open a shell in its tasks; set it to false and turn it on only while investigating',
    execOff: 'ECS Exec is off (enableExecuteCommand is not true)',
    execLoggingOff: 'ECS Exec sessions are not logged (executeCommandConfiguration.logging is NONE); set it to DEFAULT, or OVERRIDE with a log group or bucket',
    execLoggingNowhere: 'ECS Exec logging is OVERRIDE but logConfiguration names no cloudWatchLogGroupName or s3BucketName, so sessions are logged nowhere; name one',
    execNoKmsKey: 'ECS Exec sessions are not encrypted with a key you control (executeCommandConfiguration.kmsKeyId is unset); set a customer managed KMS key',
    execLoggedEncrypted: 'ECS Exec sessions are logged ({logging}) and encrypted with a KMS key',
  },
  evaluate(resource: Resource): Evaluation[] {
    if (resource.type === 'AWS::ECS::Service') return judgeService(resource);
    if (resource.type === 'AWS::ECS::Cluster') return judgeCluster(resource);
    return [];
  },
};
