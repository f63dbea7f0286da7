/**
 * ECS.19: ECS capacity providers should have managed termination protection enabled.
 * Mirrors the AWS Config managed rule `ecs-capacity-provider-termination-check`
 * (https://docs.aws.amazon.com/config/latest/developerguide/ecs-capacity-provider-termination-check.html).
 * Applies only to providers with an `autoScalingGroupProvider`.
 */
import { isUnresolved, type Resource, type Evaluation } from '../model/index.js';
import { COMMON_MESSAGES, type Control, type ControlParams } from './types.js';
import { field } from './helpers.js';

export const ecs19: Control = {
  id: 'ECS.19',
  title: 'ECS capacity providers should have managed termination protection enabled',
  severity: 'MEDIUM',
  resourceTypes: ['AWS::ECS::CapacityProvider'],
  configRule: 'ecs-capacity-provider-termination-check',
  enabledByDefault: true,
  parameters: {
    requireManagedScaling: {
      type: 'boolean',
      default: false,
      description: 'Stricter than AWS: also fail providers whose managedScaling.status is not ENABLED.',
    },
  },
  docs: { checks: '', why: '', fix: '', snippet: '', cloudformation: '', terraform: '', falsePositives: '' },
  mappings: { nist80053r5: [], pciDss401: [] },
  messages: {
    ...COMMON_MESSAGES,
    protectionOn: 'managedTerminationProtection is ENABLED',
    protectionOff: 'managedTerminationProtection is {value}; set it to ENABLED (the Auto Scaling group needs instance scale-in protection)',
    scalingOff: 'managedScaling.status is {value}, and requireManagedScaling is set; enable managed scaling',
    protectionUnknown: '{field} is unknown: {reason}',
  },
  evaluate(resource: Resource, params: ControlParams): Evaluation[] {
    const asg = field(resource.properties, 'autoScalingGroupProvider');
    if (asg === undefined || asg === null) return [];
    if (isUnresolved(asg)) return [{ status: 'NOT_AVAILABLE', messageId: 'protectionUnknown', data: { field: 'autoScalingGroupProvider', reason: asg.unresolved }, path: 'autoScalingGroupProvider' }];
    const out: Evaluation[] = [];
    const mtp = field(asg, 'managedTerminationProtection');
    const path = 'autoScalingGroupProvider.managedTerminationProtection';
    if (isUnresolved(mtp)) out.push({ status: 'NOT_AVAILABLE', messageId: 'protectionUnknown', data: { field: path, reason: mtp.unresolved }, path });
    else if (mtp !== 'ENABLED') out.push({ status: 'FAILED', messageId: 'protectionOff', data: { value: typeof mtp === 'string' ? mtp : 'unset (DISABLED)' }, path });
    if (params.requireManagedScaling === true) {
      const status = field(field(asg, 'managedScaling'), 'status');
      const sp = 'autoScalingGroupProvider.managedScaling.status';
      if (isUnresolved(status)) out.push({ status: 'NOT_AVAILABLE', messageId: 'protectionUnknown', data: { field: sp, reason: status.unresolved }, path: sp });
      else if (status !== 'ENABLED') out.push({ status: 'FAILED', messageId: 'scalingOff', data: { value: typeof status === 'string' ? status : 'unset' }, path: sp });
    }
    if (out.length === 0) out.push({ status: 'PASSED', messageId: 'protectionOn', path });
    return out;
  },
};
