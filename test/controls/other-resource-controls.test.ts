/** Case tables for the service, cluster, task set and capacity provider controls. */
import { ecs02 } from '../../src/controls/ecs-02.js';
import { ecs10 } from '../../src/controls/ecs-10.js';
import { ecs12 } from '../../src/controls/ecs-12.js';
import { ecs13 } from '../../src/controls/ecs-13.js';
import { ecs14 } from '../../src/controls/ecs-14.js';
import { ecs16 } from '../../src/controls/ecs-16.js';
import { ecs19 } from '../../src/controls/ecs-19.js';
import { unresolved } from '../../src/model/index.js';
import { testControl } from '../helpers/control-tester.js';

const net = (assignPublicIp?: unknown) => ({ networkConfiguration: { awsvpcConfiguration: { subnets: ['subnet-0aaaaaaaaaaaaaaaa'], ...(assignPublicIp !== undefined ? { assignPublicIp } : {}) } } });
testControl(ecs02, [
  { name: 'ENABLED fails', properties: { serviceName: 'web', ...net('ENABLED') }, status: 'FAILED', messageId: 'publicIpEnabled', path: 'networkConfiguration.awsvpcConfiguration.assignPublicIp' },
  { name: 'DISABLED passes', properties: { serviceName: 'web', ...net('DISABLED') }, status: 'PASSED' },
  { name: 'no network configuration passes', properties: { serviceName: 'web' }, status: 'PASSED', messageId: 'noNetworkConfiguration' },
  { name: 'awsvpc without assignPublicIp passes (defaults DISABLED)', properties: { serviceName: 'web', ...net() }, status: 'PASSED' },
  { name: 'an exempted service passes', params: { exemptServiceArns: ['arn:aws:ecs:eu-west-1:111122223333:service/prod/web'] }, properties: { serviceArn: 'arn:aws:ecs:eu-west-1:111122223333:service/prod/web', ...net('ENABLED') }, status: 'PASSED', messageId: 'exempt' },
  { name: 'unknown assignPublicIp is NOT_AVAILABLE', properties: net(unresolved('Ref to parameter PublicIp')), status: 'NOT_AVAILABLE' },
]);

testControl(ecs16, [
  { name: 'ENABLED fails', properties: net('ENABLED'), status: 'FAILED' },
  { name: 'DISABLED passes', properties: net('DISABLED'), status: 'PASSED' },
]);

testControl(ecs10, [
  { name: 'EC2 service: not applicable', properties: { launchType: 'EC2', platformVersion: '1.3.0' }, status: 'NOT_APPLICABLE' },
  { name: 'Fargate, unset version passes', properties: { launchType: 'FARGATE' }, status: 'PASSED' },
  { name: 'Fargate, LATEST passes', properties: { launchType: 'FARGATE', platformVersion: 'LATEST' }, status: 'PASSED' },
  { name: 'Fargate, 1.4.0 passes', properties: { launchType: 'FARGATE', platformVersion: '1.4.0' }, status: 'PASSED' },
  { name: 'Fargate, 1.3.0 fails', properties: { launchType: 'FARGATE', platformVersion: '1.3.0' }, status: 'FAILED', messageId: 'outdated', path: 'platformVersion' },
  { name: 'capacity providers FARGATE/FARGATE_SPOT count as Fargate', properties: { capacityProviderStrategy: [{ capacityProvider: 'FARGATE' }, { capacityProvider: 'FARGATE_SPOT' }], platformVersion: '1.3.0' }, status: 'FAILED' },
  { name: 'a mixed strategy is not Fargate', properties: { capacityProviderStrategy: [{ capacityProvider: 'FARGATE' }, { capacityProvider: 'asg-cp' }], platformVersion: '1.3.0' }, status: 'NOT_APPLICABLE' },
  { name: 'Windows service on 1.0.0 passes', properties: { launchType: 'FARGATE', platformFamily: 'WINDOWS_SERVER_2019_CORE', platformVersion: '1.0.0' }, status: 'PASSED' },
  { name: 'Windows from the task definition', properties: { launchType: 'FARGATE', platformVersion: '1.4.0' }, context: { taskDefinitionOperatingSystemFamily: 'WINDOWS_SERVER_2022_CORE' }, status: 'FAILED', reasonIncludes: ['Windows', '1.0.0'] },
  { name: 'latestLinuxVersion parameter', params: { latestLinuxVersion: '1.5.0' }, properties: { launchType: 'FARGATE', platformVersion: '1.4.0' }, status: 'FAILED' },
]);

testControl(ecs12, [
  { name: 'enabled passes', properties: { settings: [{ name: 'containerInsights', value: 'enabled' }] }, status: 'PASSED' },
  { name: 'enhanced passes', properties: { settings: [{ name: 'containerInsights', value: 'enhanced' }] }, status: 'PASSED' },
  { name: 'disabled fails', properties: { settings: [{ name: 'containerInsights', value: 'disabled' }] }, status: 'FAILED', messageId: 'insightsOff', path: 'settings[0].value' },
  { name: 'no settings fails (a cluster without properties too)', properties: {}, status: 'FAILED', messageId: 'insightsMissing' },
  { name: 'unknown value is NOT_AVAILABLE', properties: { settings: [{ name: 'containerInsights', value: unresolved('Ref to parameter Insights') }] }, status: 'NOT_AVAILABLE' },
]);

testControl(ecs13, [
  { name: 'tagged service passes', properties: { tags: [{ key: 'team', value: 'x' }] }, status: 'PASSED' },
  { name: 'untagged service fails', properties: {}, status: 'FAILED' },
]);
testControl(ecs14, [
  { name: 'tagged cluster passes', properties: { tags: [{ key: 'team', value: 'x' }] }, status: 'PASSED' },
  { name: 'system tags only fail', properties: { tags: [{ key: 'aws:ecs:clusterName', value: 'x' }] }, status: 'FAILED' },
]);

testControl(ecs19, [
  { name: 'ENABLED passes', properties: { autoScalingGroupProvider: { autoScalingGroupArn: 'arn:x', managedTerminationProtection: 'ENABLED' } }, status: 'PASSED' },
  { name: 'DISABLED fails', properties: { autoScalingGroupProvider: { autoScalingGroupArn: 'arn:x', managedTerminationProtection: 'DISABLED' } }, status: 'FAILED', messageId: 'protectionOff' },
  { name: 'missing fails', properties: { autoScalingGroupProvider: { autoScalingGroupArn: 'arn:x' } }, status: 'FAILED' },
  { name: 'FARGATE provider: not applicable', properties: { name: 'FARGATE' }, status: 'NOT_APPLICABLE' },
  { name: 'managed scaling is not checked by default', properties: { autoScalingGroupProvider: { managedTerminationProtection: 'ENABLED', managedScaling: { status: 'DISABLED' } } }, status: 'PASSED' },
  { name: 'requireManagedScaling fails a provider without it', params: { requireManagedScaling: true }, properties: { autoScalingGroupProvider: { managedTerminationProtection: 'ENABLED', managedScaling: { status: 'DISABLED' } } }, status: 'FAILED', messageId: 'scalingOff' },
]);
