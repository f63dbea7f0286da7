/**
 * The public IP rule shared by ECS.2 (services) and ECS.16 (task sets): FAILED when
 * `networkConfiguration.awsvpcConfiguration.assignPublicIp` is `ENABLED`.
 */
import { isUnresolved, type Evaluation, type Resource } from '../model/index.js';
import { field } from './helpers.js';

/** Messages of the public IP controls. */
export const PUBLIC_IP_MESSAGES = {
  publicIpEnabled: 'assignPublicIp is ENABLED: every task gets a public IP address; set it to DISABLED and reach the internet through a NAT gateway',
  publicIpDisabled: 'assignPublicIp is {value}',
  noNetworkConfiguration: 'no awsvpc network configuration, so no public IP is assigned',
  exempt: 'the {kind} is exempted by the exemptServiceArns parameter',
  publicIpUnknown: 'assignPublicIp is unknown: {reason}',
} as const;

/** Judges `networkConfiguration.awsvpcConfiguration.assignPublicIp` of a service or task set. */
export function judgePublicIp(resource: Resource): Evaluation[] {
  const path = 'networkConfiguration.awsvpcConfiguration.assignPublicIp';
  const nc = field(resource.properties, 'networkConfiguration');
  const vpc = isUnresolved(nc) ? nc : field(nc, 'awsvpcConfiguration');
  const assign = isUnresolved(vpc) ? vpc : field(vpc, 'assignPublicIp');
  if (isUnresolved(assign)) return [{ status: 'NOT_AVAILABLE', messageId: 'publicIpUnknown', data: { reason: assign.unresolved }, path }];
  if (assign === 'ENABLED') return [{ status: 'FAILED', messageId: 'publicIpEnabled', path }];
  if (assign === undefined || assign === null) return [{ status: 'PASSED', messageId: 'noNetworkConfiguration', path: null }];
  return [{ status: 'PASSED', messageId: 'publicIpDisabled', data: { value: String(assign) }, path }];
}
