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
  title: 'ECS task definitions should use in-transit encryption for EFS volumes',
  severity: 'MEDIUM',
  resourceTypes: ['AWS::ECS::TaskDefinition'],
  configRule: 'ecs-task-definition-efs-encryption-enabled',
  enabledByDefault: true,
  parameters: {},
  docs: { checks: '', why: '', fix: '', snippet: '', cloudformation: '', terraform: '', falsePositives: '' },
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
