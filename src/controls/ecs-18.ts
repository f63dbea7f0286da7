/**
 * ECS.18: ECS task definitions should use in-transit encryption for EFS volumes.
 * Mirrors the AWS Config managed rule `ecs-task-definition-efs-encryption-enabled`
 * (https://docs.aws.amazon.com/config/latest/developerguide/ecs-task-definition-efs-encryption-enabled.html).
 * Applies only to task definitions with at least one `efsVolumeConfiguration`; a missing
 * `transitEncryption` counts as DISABLED.
 */
import { isUnresolved, type Resource, type Evaluation } from '../model/index.js';
import type { TaskDefinition } from '@aws-sdk/client-ecs';
import { COMMON_MESSAGES, type Control } from './types.js';
import { field, unknownField } from './helpers.js';

export const ecs18: Control = {
  id: 'ECS.18',
  set: 'security-hub',
  title: 'ECS Task Definitions should use in-transit encryption for EFS volumes',
  severity: 'MEDIUM',
  resourceTypes: ['AWS::ECS::TaskDefinition'],
  fields: ['volumes', 'efsVolumeConfiguration', 'transitEncryption'],
  configRule: 'ecs-task-definition-efs-encryption-enabled',
  enabledByDefault: true,
  parameters: {},
  docs: {
    checks: 'Applies to task definitions with at least one entry in volumes[] that has efsVolumeConfiguration; a task definition without EFS volumes gets no finding. Every such volume must have efsVolumeConfiguration.transitEncryption set to ENABLED; a missing value counts as DISABLED and fails. Other volume types (bind mounts, dockerVolumeConfiguration) are not examined. It takes no parameters.',
    why: 'Without transit encryption the NFS traffic between the task and the EFS mount target crosses the VPC in clear text. Anyone who can observe that traffic, for example from a compromised instance or through a traffic mirroring session, can read the files and, without integrity protection, alter them in flight.',
    fix: 'Set efsVolumeConfiguration.transitEncryption to ENABLED (transitEncryptionPort is optional) in a new task definition revision and deploy it; the ECS agent or Fargate then mounts the file system over TLS. IAM authorization (authorizationConfig.iam ENABLED) requires transit encryption and is worth turning on at the same time. Someone should also add an EFS file system policy that denies access when aws:SecureTransport is false, so clients that skip TLS are refused.',
    snippet: `{
  "family": "app",
  "volumes": [
    {
      "name": "shared",
      "efsVolumeConfiguration": {
        "fileSystemId": "fs-0123456789abcdef0",
        "transitEncryption": "ENABLED",
        "authorizationConfig": {
          "accessPointId": "fsap-0123456789abcdef0",
          "iam": "ENABLED"
        }
      }
    }
  ],
  "containerDefinitions": [
    {
      "name": "app",
      "image": "111122223333.dkr.ecr.eu-west-1.amazonaws.com/app:1.4.2",
      "mountPoints": [{ "sourceVolume": "shared", "containerPath": "/data" }]
    }
  ]
}`,
    cloudformation: `Resources:
  TaskDefinition:
    Type: AWS::ECS::TaskDefinition
    Properties:
      Family: app
      Volumes:
        - Name: shared
          EFSVolumeConfiguration:
            FilesystemId: fs-0123456789abcdef0
            TransitEncryption: ENABLED
            AuthorizationConfig:
              AccessPointId: fsap-0123456789abcdef0
              IAM: ENABLED
      ContainerDefinitions:
        - Name: app
          Image: 111122223333.dkr.ecr.eu-west-1.amazonaws.com/app:1.4.2
          MountPoints:
            - SourceVolume: shared
              ContainerPath: /data`,
    terraform: `resource "aws_ecs_task_definition" "app" {
  family = "app"

  volume {
    name = "shared"

    efs_volume_configuration {
      file_system_id     = "fs-0123456789abcdef0"
      transit_encryption = "ENABLED"

      authorization_config {
        access_point_id = "fsap-0123456789abcdef0"
        iam             = "ENABLED"
      }
    }
  }

  container_definitions = jsonencode([
    {
      name        = "app"
      image       = "111122223333.dkr.ecr.eu-west-1.amazonaws.com/app:1.4.2"
      mountPoints = [{ sourceVolume = "shared", containerPath = "/data" }]
    }
  ])
}`,
    falsePositives: 'A FAILED verdict is almost always real: the cost of TLS is small and the change is one field. The only common exception is a throwaway test file system holding no sensitive data. Note the blind spot rather than a false positive: EFS or NFS mounted through a Docker volume driver is not seen by this control at all.',
  },
  mappings: { nist80053r5: [], pciDss401: [] },
  messages: {
    ...COMMON_MESSAGES,
    transitEncryptionOff: "EFS volume '{volume}' has transitEncryption {value}; set it to ENABLED",
    allEncrypted: 'every EFS volume ({count}) has transitEncryption ENABLED',
  },
  evaluate(resource: Resource): Evaluation[] {
    const td = resource.properties as TaskDefinition;
    const volumes: unknown = td.volumes;
    if (isUnresolved(volumes)) return [unknownField('volumes', volumes.unresolved)];
    if (!Array.isArray(volumes)) return [];
    const out: Evaluation[] = [];
    let efs = 0;
    for (let i = 0; i < volumes.length; i++) {
      const v: unknown = volumes[i];
      if (isUnresolved(v)) { out.push(unknownField(`volumes[${i}]`, v.unresolved)); continue; }
      const cfg = field(v, 'efsVolumeConfiguration');
      if (cfg === undefined || cfg === null) continue;
      efs++;
      const path = `volumes[${i}].efsVolumeConfiguration`;
      if (isUnresolved(cfg)) { out.push(unknownField(path, cfg.unresolved)); continue; }
      const te = field(cfg, 'transitEncryption');
      if (isUnresolved(te)) { out.push(unknownField(`${path}.transitEncryption`, te.unresolved)); continue; }
      if (te !== 'ENABLED') {
        const name = field(v, 'name');
        out.push({ status: 'FAILED', messageId: 'transitEncryptionOff', data: { volume: typeof name === 'string' ? name : `#${i}`, value: typeof te === 'string' ? te : 'unset (DISABLED)' }, path: `${path}.transitEncryption` });
      }
    }
    if (efs === 0 && out.length === 0) return [];
    if (out.length === 0) out.push({ status: 'PASSED', messageId: 'allEncrypted', data: { count: efs }, path: null });
    return out;
  },
};
