/** Case tables for the task definition controls other than ECS.20 and ECS.21 (which have their own files). */
import { ecs01 } from '../../src/controls/ecs-01.js';
import { ecs03 } from '../../src/controls/ecs-03.js';
import { ecs04 } from '../../src/controls/ecs-04.js';
import { ecs05 } from '../../src/controls/ecs-05.js';
import { ecs08 } from '../../src/controls/ecs-08.js';
import { ecs09 } from '../../src/controls/ecs-09.js';
import { ecs15 } from '../../src/controls/ecs-15.js';
import { ecs17 } from '../../src/controls/ecs-17.js';
import { ecs18 } from '../../src/controls/ecs-18.js';
import { unresolved } from '../../src/model/index.js';
import { container, taskDef, testControl } from '../helpers/control-tester.js';

const host = { networkMode: 'host' };
testControl(ecs01, [
  { name: 'awsvpc mode passes whatever the user', properties: taskDef([container({ user: 'root' })]), status: 'PASSED', messageId: 'notHostMode' },
  { name: 'unset network mode passes', properties: taskDef([container()], { networkMode: undefined }), status: 'PASSED' },
  { name: 'host mode, non-root user passes', properties: taskDef([container({ user: '1000' })], host), status: 'PASSED', messageId: 'allAcceptable' },
  { name: 'host mode, privileged root passes (the rule is an OR)', properties: taskDef([container({ user: 'root', privileged: true })], host), status: 'PASSED' },
  { name: 'host mode, privileged without user passes', properties: taskDef([container({ privileged: true })], host), status: 'PASSED' },
  { name: 'host mode, uid 0 unprivileged fails', properties: taskDef([container({ user: '0' })], host), status: 'FAILED', messageId: 'hostRootUnprivileged', path: 'containerDefinitions[0].user' },
  { name: 'host mode, no user and privileged false fails', properties: taskDef([container({ privileged: false })], host), status: 'FAILED', messageId: 'hostRootUnprivileged' },
  { name: 'host mode, unknown privileged and root user is NOT_AVAILABLE', properties: taskDef([container({ user: 'root', privileged: unresolved('Ref to parameter Priv') })], host), status: 'NOT_AVAILABLE', messageId: 'privilegedUnknown' },
  { name: 'unknown network mode is NOT_AVAILABLE', properties: taskDef([container()], { networkMode: unresolved('x') }), status: 'NOT_AVAILABLE', messageId: 'valueUnknown' },
]);

testControl(ecs03, [
  { name: 'pidMode host fails', properties: taskDef([container()], { pidMode: 'host' }), status: 'FAILED', messageId: 'pidModeHost', path: 'pidMode' },
  { name: 'pidMode task passes', properties: taskDef([container()], { pidMode: 'task' }), status: 'PASSED' },
  { name: 'pidMode unset passes', properties: taskDef([container()]), status: 'PASSED', reasonIncludes: ['unset'] },
  { name: 'pidMode unknown is NOT_AVAILABLE', properties: taskDef([container()], { pidMode: unresolved('Ref to parameter Pid') }), status: 'NOT_AVAILABLE' },
]);

testControl(ecs04, [
  { name: 'privileged true fails', properties: taskDef([container({ privileged: true })]), status: 'FAILED', messageId: 'privileged', path: 'containerDefinitions[0].privileged' },
  { name: 'privileged false passes', properties: taskDef([container({ privileged: false })]), status: 'PASSED' },
  { name: 'privileged missing counts as false', properties: taskDef([container()]), status: 'PASSED', messageId: 'nonePrivileged' },
  { name: 'only the sidecar is privileged', properties: taskDef([container({ name: 'app' }), container({ name: 'agent', privileged: true })]), status: 'FAILED', path: 'containerDefinitions[1].privileged', reasonIncludes: ["'agent'"] },
  { name: 'unknown privileged is NOT_AVAILABLE', properties: taskDef([container({ privileged: unresolved('x') })]), status: 'NOT_AVAILABLE' },
  { name: 'missing containerDefinitions is NOT_AVAILABLE', properties: { family: 'x' }, status: 'NOT_AVAILABLE', messageId: 'containersUnknown' },
]);

testControl(ecs05, [
  { name: 'readonly true passes', properties: taskDef([container({ readonlyRootFilesystem: true })]), status: 'PASSED', messageId: 'allReadonly' },
  { name: 'readonly false fails', properties: taskDef([container({ readonlyRootFilesystem: false })]), status: 'FAILED', messageId: 'notReadonly', reasonIncludes: ['false'] },
  { name: 'readonly missing fails', properties: taskDef([container()]), status: 'FAILED', messageId: 'notReadonly', reasonIncludes: ['unset'] },
  { name: 'one of two containers writable', properties: taskDef([container({ name: 'a', readonlyRootFilesystem: true }), container({ name: 'b' })]), status: 'FAILED', path: 'containerDefinitions[1].readonlyRootFilesystem' },
  { name: 'explicit Windows is not in scope', properties: taskDef([container()], { runtimePlatform: { operatingSystemFamily: 'WINDOWS_SERVER_2019_CORE' } }), status: 'NOT_APPLICABLE' },
  { name: 'unset OS is in scope', properties: taskDef([container()], { runtimePlatform: { cpuArchitecture: 'X86_64' } }), status: 'FAILED' },
  { name: 'LINUX is in scope', properties: taskDef([container({ readonlyRootFilesystem: true })], { runtimePlatform: { operatingSystemFamily: 'LINUX' } }), status: 'PASSED' },
  { name: 'unknown readonly is NOT_AVAILABLE', properties: taskDef([container({ readonlyRootFilesystem: unresolved('x') })]), status: 'NOT_AVAILABLE' },
]);

const SECRET = 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY';
testControl(ecs08, [
  { name: 'AWS_SECRET_ACCESS_KEY as the first of three variables fails', properties: taskDef([container({ environment: [{ name: 'AWS_SECRET_ACCESS_KEY', value: SECRET }, { name: 'AWS_REGION', value: 'eu-west-1' }, { name: 'LOG_LEVEL', value: 'info' }] })]), status: 'FAILED', messageId: 'secretInEnvironment', path: 'containerDefinitions[0].environment[0].name', never: [SECRET] },
  { name: 'AWS_ACCESS_KEY_ID in the middle fails', properties: taskDef([container({ environment: [{ name: 'A', value: '1' }, { name: 'AWS_ACCESS_KEY_ID', value: 'AKIAIOSFODNN7EXAMPLE' }, { name: 'B', value: '2' }] })]), status: 'FAILED', path: 'containerDefinitions[0].environment[1].name', never: ['AKIAIOSFODNN7EXAMPLE'] },
  { name: 'ECS_ENGINE_AUTH_DATA fails', properties: taskDef([container({ environment: [{ name: 'ECS_ENGINE_AUTH_DATA', value: '{"auths":{}}' }] })]), status: 'FAILED' },
  { name: 'names are trimmed', properties: taskDef([container({ environment: [{ name: ' AWS_ACCESS_KEY_ID ', value: 'x' }] })]), status: 'FAILED', reasonIncludes: ['AWS_ACCESS_KEY_ID'] },
  { name: 'names are case-sensitive', properties: taskDef([container({ environment: [{ name: 'aws_access_key_id', value: 'x' }] })]), status: 'PASSED' },
  { name: 'two flagged names in one container are both reported', properties: taskDef([container({ environment: [{ name: 'AWS_ACCESS_KEY_ID', value: 'x' }, { name: 'AWS_SECRET_ACCESS_KEY', value: SECRET }] })]), status: 'FAILED', violations: ['containerDefinitions[0].environment[1].name'], never: [SECRET] },
  { name: 'secrets with valueFrom are never flagged', properties: taskDef([container({ secrets: [{ name: 'AWS_SECRET_ACCESS_KEY', valueFrom: 'arn:aws:secretsmanager:eu-west-1:111122223333:secret:k' }] })]), status: 'PASSED', messageId: 'noSecrets' },
  { name: 'environmentFiles are never flagged', properties: taskDef([container({ environmentFiles: [{ type: 's3', value: 'arn:aws:s3:::bucket/AWS_SECRET_ACCESS_KEY.env' }] })]), status: 'PASSED' },
  { name: 'a custom secretKeys list replaces the default', params: { secretKeys: ['DB_PASSWORD'] }, properties: taskDef([container({ environment: [{ name: 'DB_PASSWORD', value: 'hunter2' }, { name: 'AWS_ACCESS_KEY_ID', value: 'x' }] })]), status: 'FAILED', path: 'containerDefinitions[0].environment[0].name', violations: [], never: ['hunter2'] },
  { name: 'an unknown name is NOT_AVAILABLE', properties: taskDef([container({ environment: [{ name: unresolved('Ref to parameter EnvName'), value: 'x' }] })]), status: 'NOT_AVAILABLE', messageId: 'nameUnknown' },
  { name: 'a flagged name beats an unknown one', properties: taskDef([container({ environment: [{ name: unresolved('x'), value: 'x' }, { name: 'AWS_ACCESS_KEY_ID', value: 'y' }] })]), status: 'FAILED' },
]);

testControl(ecs09, [
  { name: 'awslogs passes', properties: taskDef([container({ logConfiguration: { logDriver: 'awslogs', options: { 'awslogs-group': '/ecs/web' } } })]), status: 'PASSED', messageId: 'allLogging' },
  { name: 'any driver passes (splunk)', properties: taskDef([container({ logConfiguration: { logDriver: 'splunk' } })]), status: 'PASSED' },
  { name: 'no logConfiguration fails', properties: taskDef([container()]), status: 'FAILED', messageId: 'noLogConfiguration', path: 'containerDefinitions[0].logConfiguration' },
  { name: 'empty logDriver fails', properties: taskDef([container({ logConfiguration: { logDriver: '' } })]), status: 'FAILED', messageId: 'noLogDriver' },
  { name: 'logConfiguration without logDriver fails', properties: taskDef([container({ logConfiguration: { options: {} } })]), status: 'FAILED', messageId: 'noLogDriver' },
  { name: 'one of two containers without logging', properties: taskDef([container({ name: 'a', logConfiguration: { logDriver: 'awslogs' } }), container({ name: 'init' })]), status: 'FAILED', path: 'containerDefinitions[1].logConfiguration' },
  { name: 'an unknown option value does not matter', properties: taskDef([container({ logConfiguration: { logDriver: 'awslogs', options: { 'awslogs-region': unresolved('AWS::Region') } } })]), status: 'PASSED' },
  { name: 'an unknown driver is NOT_AVAILABLE', properties: taskDef([container({ logConfiguration: { logDriver: unresolved('x') } })]), status: 'NOT_AVAILABLE' },
]);

testControl(ecs15, [
  { name: 'one user tag passes', properties: taskDef([container()], { tags: [{ key: 'team', value: 'payments' }] }), status: 'PASSED', messageId: 'tagged' },
  { name: 'no tags fails', properties: taskDef([container()]), status: 'FAILED', messageId: 'noTags', path: 'tags' },
  { name: 'an empty tag list fails', properties: taskDef([container()], { tags: [] }), status: 'FAILED', messageId: 'noTags' },
  { name: 'only aws: system tags fails', properties: taskDef([container()], { tags: [{ key: 'aws:cloudformation:stack-name', value: 'x' }] }), status: 'FAILED', messageId: 'noTags' },
  { name: 'required keys present passes (values not checked)', params: { requiredTagKeys: ['team', 'env'] }, properties: taskDef([container()], { tags: [{ key: 'team', value: '' }, { key: 'env', value: 'prod' }] }), status: 'PASSED', messageId: 'hasRequired' },
  { name: 'a missing required key fails and is named', params: { requiredTagKeys: ['team', 'CostCenter'] }, properties: taskDef([container()], { tags: [{ key: 'team', value: 'a' }, { key: 'costcenter', value: 'b' }] }), status: 'FAILED', messageId: 'missingTags', reasonIncludes: ['CostCenter'] },
  { name: 'tags unknown (describe output without --include TAGS) is NOT_AVAILABLE', properties: taskDef([container()]), context: { tagsKnown: unresolved('describe-task-definition output without tags') }, status: 'NOT_AVAILABLE', messageId: 'tagsUnknown' },
]);

testControl(ecs17, [
  { name: 'host fails', properties: taskDef([container()], host), status: 'FAILED', messageId: 'hostNetworkMode', path: 'networkMode' },
  ...['awsvpc', 'bridge', 'none'].map((m) => ({ name: `${m} passes`, properties: taskDef([container()], { networkMode: m }), status: 'PASSED' as const })),
  { name: 'unset passes', properties: taskDef([container()], { networkMode: undefined }), status: 'PASSED' },
]);

const efs = (te?: string) => ({ name: 'data', efsVolumeConfiguration: { fileSystemId: 'fs-0123456789abcdef0', ...(te ? { transitEncryption: te } : {}) } });
testControl(ecs18, [
  { name: 'no volumes: not applicable', properties: taskDef([container()]), status: 'NOT_APPLICABLE' },
  { name: 'bind mount and docker volumes only: not applicable', properties: taskDef([container()], { volumes: [{ name: 'tmp' }, { name: 'd', dockerVolumeConfiguration: { scope: 'task' } }] }), status: 'NOT_APPLICABLE' },
  { name: 'ENABLED passes', properties: taskDef([container()], { volumes: [efs('ENABLED')] }), status: 'PASSED', messageId: 'allEncrypted' },
  { name: 'DISABLED fails', properties: taskDef([container()], { volumes: [efs('DISABLED')] }), status: 'FAILED', messageId: 'transitEncryptionOff', path: 'volumes[0].efsVolumeConfiguration.transitEncryption' },
  { name: 'missing counts as DISABLED', properties: taskDef([container()], { volumes: [efs()] }), status: 'FAILED', reasonIncludes: ['unset'] },
  { name: 'one encrypted, one not', properties: taskDef([container()], { volumes: [efs('ENABLED'), { ...efs(), name: 'media' }] }), status: 'FAILED', path: 'volumes[1].efsVolumeConfiguration.transitEncryption', reasonIncludes: ["'media'"] },
  { name: 'unknown transitEncryption is NOT_AVAILABLE', properties: taskDef([container()], { volumes: [{ name: 'd', efsVolumeConfiguration: { fileSystemId: 'fs-1', transitEncryption: unresolved('x') } }] }), status: 'NOT_AVAILABLE' },
]);
