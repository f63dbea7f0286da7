/**
 * ECS.10: ECS Fargate services should run on the latest Fargate platform version.
 * Mirrors the AWS Config managed rule `ecs-fargate-latest-platform-version`
 * (https://docs.aws.amazon.com/config/latest/developerguide/ecs-fargate-latest-platform-version.html),
 * with its parameters `latestLinuxVersion` and `latestWindowsVersion`.
 */
import { isUnresolved, type Resource, type Evaluation } from '../model/index.js';
import { COMMON_MESSAGES, type Control, type ControlParams } from './types.js';
import { field } from './helpers.js';

type Fargate = { fargate: true } | { fargate: false } | { unknown: string; path: string };

/** Whether a service runs on Fargate: launchType FARGATE, or no launch type and only FARGATE/FARGATE_SPOT providers. */
function onFargate(props: unknown): Fargate {
  const lt = field(props, 'launchType');
  if (isUnresolved(lt)) return { unknown: lt.unresolved, path: 'launchType' };
  if (typeof lt === 'string' && lt !== '') return { fargate: lt === 'FARGATE' };
  const strategy = field(props, 'capacityProviderStrategy');
  if (isUnresolved(strategy)) return { unknown: strategy.unresolved, path: 'capacityProviderStrategy' };
  if (!Array.isArray(strategy) || strategy.length === 0) return { fargate: false };
  for (let i = 0; i < strategy.length; i++) {
    const cp = field(strategy[i], 'capacityProvider');
    if (isUnresolved(cp)) return { unknown: cp.unresolved, path: `capacityProviderStrategy[${i}].capacityProvider` };
    if (cp !== 'FARGATE' && cp !== 'FARGATE_SPOT') return { fargate: false };
  }
  return { fargate: true };
}

export const ecs10: Control = {
  id: 'ECS.10',
  set: 'security-hub',
  title: 'ECS Fargate services should run on the latest Fargate platform version',
  severity: 'MEDIUM',
  resourceTypes: ['AWS::ECS::Service'],
  fields: ['launchType', 'capacityProviderStrategy', 'platformVersion', 'platformFamily', 'taskDefinition'],
  configRule: 'ecs-fargate-latest-platform-version',
  enabledByDefault: true,
  parameters: {
    latestLinuxVersion: { type: 'string', default: '1.4.0', description: 'The latest Fargate platform version for Linux.' },
    latestWindowsVersion: { type: 'string', default: '1.0.0', description: 'The latest Fargate platform version for Windows.' },
  },
  docs: {
    checks: 'Applies to services that run on Fargate: launchType FARGATE, or no launchType and a capacityProviderStrategy whose entries are all FARGATE or FARGATE_SPOT; other services get no finding. platformVersion unset or LATEST passes; any other value must equal latestLinuxVersion (parameter, default 1.4.0) for Linux services or latestWindowsVersion (default 1.0.0) for Windows ones, or the service fails. A service is Windows when its platformFamily starts with WINDOWS_SERVER, otherwise when its task definition in the same scan is Windows; everything else is treated as Linux.',
    why: "A Fargate platform version is the combination of kernel, container runtime and Fargate agent that tasks run on. A service pinned to an old version keeps launching tasks on that older stack, missing the security and behaviour changes of later versions, and has to be moved on AWS's timetable when that version is retired.",
    fix: "Set platformVersion to LATEST (or leave it out, which means LATEST) and update the service with a new deployment; running tasks keep their version until they are replaced. Someone should check the move first: platform 1.4.0 pulls images and secrets through the task's own network interface, so the task's subnets need a NAT gateway or VPC endpoints for ECR, S3 and Secrets Manager.",
    snippet: `{
  "serviceName": "app",
  "cluster": "prod",
  "taskDefinition": "app:7",
  "launchType": "FARGATE",
  "platformVersion": "LATEST"
}`,
    cloudformation: `Resources:
  Service:
    Type: AWS::ECS::Service
    Properties:
      ServiceName: app
      Cluster: prod
      TaskDefinition: app:7
      LaunchType: FARGATE
      PlatformVersion: LATEST`,
    terraform: `resource "aws_ecs_service" "app" {
  name             = "app"
  cluster          = aws_ecs_cluster.prod.id
  task_definition  = aws_ecs_task_definition.app.arn
  launch_type      = "FARGATE"
  platform_version = "LATEST"
}`,
    falsePositives: 'When AWS publishes a platform version newer than the parameter defaults, a service pinned to that newer version fails until latestLinuxVersion or latestWindowsVersion is updated; raise the parameter rather than the pin. A temporary pin during a migration or while a regression is investigated is a known exception; record it with an end date.',
  },
  mappings: { nist80053r5: ['SI-2', 'SI-2(2)', 'SI-2(4)', 'SI-2(5)'], pciDss401: ['6.3.3'] },
  messages: {
    ...COMMON_MESSAGES,
    latest: "platformVersion is {value}",
    outdated: "platformVersion is {value}, not the latest {os} version {latest}; set it to LATEST or {latest}",
    unknownFargate: 'whether the service runs on Fargate is unknown: {reason}',
    versionUnknown: 'platformVersion is unknown: {reason}',
  },
  evaluate(resource: Resource, params: ControlParams): Evaluation[] {
    const props = resource.properties;
    const f = onFargate(props);
    if ('unknown' in f) return [{ status: 'NOT_AVAILABLE', messageId: 'unknownFargate', data: { reason: f.unknown }, path: f.path }];
    if (!f.fargate) return [];
    const pv = field(props, 'platformVersion');
    if (isUnresolved(pv)) return [{ status: 'NOT_AVAILABLE', messageId: 'versionUnknown', data: { reason: pv.unresolved }, path: 'platformVersion' }];
    if (pv === undefined || pv === null || pv === '' || pv === 'LATEST') {
      return [{ status: 'PASSED', messageId: 'latest', data: { value: pv === 'LATEST' ? 'LATEST' : 'unset (LATEST)' }, path: 'platformVersion' }];
    }
    const family = field(props, 'platformFamily');
    let os: string | null = typeof family === 'string' && family !== '' ? family : null;
    if (os === null) {
      const tdOs = resource.context?.taskDefinitionOperatingSystemFamily;
      if (isUnresolved(tdOs)) return [{ status: 'NOT_AVAILABLE', messageId: 'versionUnknown', data: { reason: `the task definition's operating system is unknown: ${tdOs.unresolved}` }, path: 'taskDefinition' }];
      os = typeof tdOs === 'string' ? tdOs : 'LINUX';
    }
    const windows = os.toUpperCase().startsWith('WINDOWS_SERVER');
    const latest = String(windows ? params.latestWindowsVersion ?? '1.0.0' : params.latestLinuxVersion ?? '1.4.0');
    if (String(pv) === latest) return [{ status: 'PASSED', messageId: 'latest', data: { value: latest }, path: 'platformVersion' }];
    return [{ status: 'FAILED', messageId: 'outdated', data: { value: String(pv), os: windows ? 'Windows' : 'Linux', latest }, path: 'platformVersion' }];
  },
};
