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
  set: 'security-hub',
  title: 'ECS capacity providers should have managed termination protection enabled',
  severity: 'MEDIUM',
  resourceTypes: ['AWS::ECS::CapacityProvider'],
  fields: ['autoScalingGroupProvider', 'managedTerminationProtection', 'managedScaling'],
  configRule: 'ecs-capacity-provider-termination-check',
  enabledByDefault: true,
  parameters: {
    requireManagedScaling: {
      type: 'boolean',
      default: false,
      description: 'Stricter than AWS: also fail providers whose managedScaling.status is not ENABLED.',
    },
  },
  docs: {
    checks: 'Applies to capacity providers that have an autoScalingGroupProvider; FARGATE, FARGATE_SPOT and managed-instances providers get no finding. autoScalingGroupProvider.managedTerminationProtection ENABLED passes; DISABLED or missing fails. AWS does not look at managed scaling; the optional, stricter parameter requireManagedScaling (default false) also fails providers whose autoScalingGroupProvider.managedScaling.status is not ENABLED.',
    why: 'Without managed termination protection, a scale-in of the Auto Scaling group (from cluster auto scaling, a schedule or a manual change) can terminate instances that are still running tasks. Those tasks are killed abruptly, dropping in-flight requests and interrupting jobs, and capacity falls until ECS reschedules them elsewhere. With protection on, ECS keeps instances that run non-daemon tasks from being chosen for termination.',
    fix: 'Set autoScalingGroupProvider.managedTerminationProtection to ENABLED, with managedScaling.status ENABLED, since protection only works together with managed scaling. The Auto Scaling group itself must protect new instances from scale-in (NewInstancesProtectedFromScaleIn in CloudFormation, protect_from_scale_in in Terraform), or ECS refuses the setting. Someone should check instances launched before the change, which may not carry scale-in protection yet.',
    snippet: `{
  "name": "prod-ec2",
  "autoScalingGroupProvider": {
    "autoScalingGroupArn": "arn:aws:autoscaling:eu-west-1:111122223333:autoScalingGroup:1a2b3c4d-5e6f-7a8b-9c0d-1e2f3a4b5c6d:autoScalingGroupName/prod-ecs",
    "managedScaling": {
      "status": "ENABLED",
      "targetCapacity": 100
    },
    "managedTerminationProtection": "ENABLED"
  }
}`,
    cloudformation: `Resources:
  CapacityProvider:
    Type: AWS::ECS::CapacityProvider
    Properties:
      Name: prod-ec2
      AutoScalingGroupProvider:
        AutoScalingGroupArn: prod-ecs
        ManagedScaling:
          Status: ENABLED
          TargetCapacity: 100
        ManagedTerminationProtection: ENABLED
  # The group named prod-ecs (AWS::AutoScaling::AutoScalingGroup) also needs:
  #   NewInstancesProtectedFromScaleIn: true`,
    terraform: `resource "aws_autoscaling_group" "ecs" {
  name                  = "prod-ecs"
  protect_from_scale_in = true
  # launch template, subnets and sizes as before
}

resource "aws_ecs_capacity_provider" "prod_ec2" {
  name = "prod-ec2"

  auto_scaling_group_provider {
    auto_scaling_group_arn         = aws_autoscaling_group.ecs.arn
    managed_termination_protection = "ENABLED"

    managed_scaling {
      status          = "ENABLED"
      target_capacity = 100
    }
  }
}`,
    falsePositives: 'Capacity providers whose groups never scale in (fixed size, no scaling policies) or that only run disposable, stateless tasks tolerate abrupt terminations; the finding can be accepted there. A capacity provider attached to no cluster is also harmless. Conversely, a provider with protection ENABLED but managed scaling off passes although the protection has no effect; set requireManagedScaling to catch that.',
  },
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
