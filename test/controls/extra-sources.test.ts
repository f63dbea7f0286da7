/**
 * The hardening checks (ECSG.*) through the real sources: task definition JSON, AWS CLI describe
 * output and CloudFormation (PascalCase spellings, intrinsics, parameters), each failing and
 * passing, with the finding pointing at the line of the field that decided it.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { findingOf, scanText, statusOf } from '../helpers/scan-text.js';
import type { ScanResult } from '../../src/engine/scan.js';

/** The 1-based line of the first line of `text` containing `needle` (after `after`, when given). */
function lineOf(text: string, needle: string, after?: string): number {
  const lines = text.split('\n');
  const start = after ? lines.findIndex((l) => l.includes(after)) : 0;
  const i = lines.findIndex((l, n) => n >= start && l.includes(needle));
  assert.ok(i >= 0, `'${needle}' is in the input`);
  return i + 1;
}

/** `{ control: status }` of the hardening checks for one resource. */
function hardening(result: ScanResult, id: string): Record<string, string> {
  return Object.fromEntries(result.findings.filter((f) => f.resource.id === id && f.set === 'extra').map((f) => [f.control, f.status]));
}

const DIGEST = 'sha256:4f53cda18c2baa0c0354bb5f9a3ecbe5ed12ab4d8e11ba873c2f11161202b945';
const FAKE_KEY_ID = 'AKIA' + 'EXAMPLEFAKE12345';
const FAKE_PASSWORD = 'Fake-Ex4mple-' + 'Passw0rd!';
const FAKE_TOKEN = 'fake0example0' + 'token0Zq9Wx';

// ------------------------------------------------------------------ task definition JSON

const RISKY_JSON = JSON.stringify({
  family: 'risky',
  taskRoleArn: 'arn:aws:iam::111122223333:role/shared',
  executionRoleArn: 'arn:aws:iam::111122223333:role/shared',
  networkMode: 'bridge',
  ipcMode: 'host',
  requiresCompatibilities: ['EC2'],
  containerDefinitions: [{
    name: 'app',
    image: 'app:latest',
    essential: true,
    user: '1000',
    command: ['app', `--db-password=${FAKE_PASSWORD}`],
    environment: [{ name: 'BACKUP_KEY_ID', value: FAKE_KEY_ID }],
    dockerLabels: { 'com.example.token': FAKE_TOKEN },
    linuxParameters: { capabilities: { add: ['SYS_ADMIN'] }, devices: [{ hostPath: '/dev/mem' }] },
    dockerSecurityOptions: ['seccomp=unconfined'],
    mountPoints: [{ sourceVolume: 'sock', containerPath: '/var/run/docker.sock', readOnly: true }],
    logConfiguration: { logDriver: 'splunk', options: { 'splunk-token': FAKE_TOKEN, mode: 'blocking' } },
  }],
  volumes: [{ name: 'sock', host: { sourcePath: '/var/run/docker.sock' } }],
}, null, 2);

const HARDENED_JSON = JSON.stringify({
  family: 'hardened',
  taskRoleArn: 'arn:aws:iam::111122223333:role/hardened-task',
  executionRoleArn: 'arn:aws:iam::111122223333:role/hardened-execution',
  networkMode: 'bridge',
  requiresCompatibilities: ['EC2'],
  containerDefinitions: [{
    name: 'app',
    image: `111122223333.dkr.ecr.eu-west-1.amazonaws.com/app@${DIGEST}`,
    essential: true,
    memory: 512,
    user: '1000',
    command: ['app', '--db-password-env', 'DB_PASSWORD'],
    secrets: [{ name: 'DB_PASSWORD', valueFrom: 'arn:aws:secretsmanager:eu-west-1:111122223333:secret:db' }],
    linuxParameters: { capabilities: { drop: ['ALL'], add: ['NET_BIND_SERVICE'] } },
    dockerSecurityOptions: ['no-new-privileges'],
    healthCheck: { command: ['CMD', 'app', 'health'] },
    mountPoints: [{ sourceVolume: 'logs', containerPath: '/logs', readOnly: true }],
    logConfiguration: { logDriver: 'awslogs', options: { 'awslogs-group': '/ecs/app', mode: 'non-blocking' } },
  }],
  volumes: [{ name: 'logs', host: { sourcePath: '/var/log/app' } }],
}, null, 2);

describe('hardening checks from task definition JSON', () => {
  const risky = scanText('risky.json', RISKY_JSON);
  it('a risky task definition fails every task definition check (ECSG.7 off by default)', () => {
    assert.deepEqual(risky.errors, []);
    assert.deepEqual(hardening(risky, 'risky'), {
      'ECSG.1': 'FAILED', 'ECSG.2': 'FAILED', 'ECSG.3': 'FAILED', 'ECSG.4': 'FAILED', 'ECSG.5': 'FAILED', 'ECSG.6': 'FAILED', 'ECSG.8': 'FAILED', 'ECSG.10': 'FAILED',
    });
  });
  it('findings point at the line of the deciding field', () => {
    const at = (control: string) => findingOf(risky, 'risky', control)!;
    assert.equal(at('ECSG.1').location!.line, lineOf(RISKY_JSON, '"SYS_ADMIN"'));
    assert.equal(at('ECSG.3').path, 'ipcMode');
    assert.equal(at('ECSG.3').location!.line, lineOf(RISKY_JSON, '"ipcMode"'));
    assert.equal(at('ECSG.4').location!.line, lineOf(RISKY_JSON, '"sourcePath"'));
    assert.equal(at('ECSG.5').path, 'containerDefinitions[0].environment[0].value');
    assert.equal(at('ECSG.5').location!.line, lineOf(RISKY_JSON, FAKE_KEY_ID));
    assert.deepEqual(at('ECSG.5').violations.map((v) => v.path), ['containerDefinitions[0].command[1]', 'containerDefinitions[0].dockerLabels.com.example.token', 'containerDefinitions[0].logConfiguration.options.splunk-token']);
    assert.equal(at('ECSG.6').location!.line, lineOf(RISKY_JSON, '"image"'));
    assert.equal(at('ECSG.8').location!.line, lineOf(RISKY_JSON, '"taskRoleArn"'));
  });
  it('no planted value reaches a finding', () => {
    const text = JSON.stringify(risky);
    for (const v of [FAKE_KEY_ID, FAKE_PASSWORD, FAKE_TOKEN]) assert.ok(!text.includes(v));
  });
  it('a hardened task definition passes every check', () => {
    const r = scanText('hardened.json', HARDENED_JSON);
    assert.deepEqual(hardening(r, 'hardened'), {
      'ECSG.1': 'PASSED', 'ECSG.2': 'PASSED', 'ECSG.3': 'PASSED', 'ECSG.4': 'PASSED', 'ECSG.5': 'PASSED', 'ECSG.6': 'PASSED', 'ECSG.8': 'PASSED', 'ECSG.10': 'PASSED',
    });
  });
  it('ECSG.7 runs when allowedRegistries names a registry', () => {
    const params = { parameters: { 'ECSG.7': { allowedRegistries: ['*.dkr.ecr.*.amazonaws.com'] } } };
    assert.equal(statusOf(scanText('risky.json', RISKY_JSON, params), 'risky', 'ECSG.7'), 'FAILED');
    assert.equal(statusOf(scanText('hardened.json', HARDENED_JSON, params), 'hardened', 'ECSG.7'), 'PASSED');
  });
  it('a field of the wrong type is an input error and makes the check NOT_AVAILABLE, never a guess', () => {
    const text = JSON.stringify({ family: 'typo', containerDefinitions: [{ name: 'app', image: 'app:1', dockerSecurityOptions: 'seccomp=unconfined', linuxParameters: { capabilities: { add: 'SYS_ADMIN' } } }] }, null, 2);
    const r = scanText('typo.json', text);
    assert.deepEqual(r.errors.map((e) => e.line ?? 0).sort((a, b) => a - b), [lineOf(text, '"add"'), lineOf(text, '"dockerSecurityOptions"')].sort((a, b) => a - b));
    assert.equal(statusOf(r, 'typo', 'ECSG.1'), 'NOT_AVAILABLE');
    assert.equal(statusOf(r, 'typo', 'ECSG.3'), 'NOT_AVAILABLE');
  });
});

describe('hardening checks from describe output', () => {
  it('ECSG.9: describe-services enableExecuteCommand and describe-clusters configuration', () => {
    const services = JSON.stringify({ services: [
      { serviceArn: 'arn:aws:ecs:eu-west-1:111122223333:service/prod/web', serviceName: 'web', enableExecuteCommand: true },
      { serviceArn: 'arn:aws:ecs:eu-west-1:111122223333:service/prod/api', serviceName: 'api', enableExecuteCommand: false },
    ] }, null, 2);
    const s = scanText('services.json', services);
    assert.equal(statusOf(s, 'arn:aws:ecs:eu-west-1:111122223333:service/prod/web', 'ECSG.9'), 'FAILED');
    assert.equal(findingOf(s, 'arn:aws:ecs:eu-west-1:111122223333:service/prod/web', 'ECSG.9')!.location!.line, lineOf(services, '"enableExecuteCommand": true'));
    assert.equal(statusOf(s, 'arn:aws:ecs:eu-west-1:111122223333:service/prod/api', 'ECSG.9'), 'PASSED');
    const clusters = JSON.stringify({ clusters: [
      { clusterArn: 'arn:aws:ecs:eu-west-1:111122223333:cluster/prod', clusterName: 'prod', settings: [], tags: [], configuration: { executeCommandConfiguration: { logging: 'NONE' } } },
      { clusterArn: 'arn:aws:ecs:eu-west-1:111122223333:cluster/dev', clusterName: 'dev', settings: [], tags: [] },
    ] }, null, 2);
    const c = scanText('clusters.json', clusters);
    const prod = findingOf(c, 'arn:aws:ecs:eu-west-1:111122223333:cluster/prod', 'ECSG.9')!;
    assert.equal(prod.status, 'FAILED');
    assert.equal(prod.location!.line, lineOf(clusters, '"logging"'));
    assert.equal(prod.violations[0].path, 'configuration.executeCommandConfiguration.kmsKeyId');
    assert.equal(statusOf(c, 'arn:aws:ecs:eu-west-1:111122223333:cluster/dev', 'ECSG.9'), 'NOT_APPLICABLE');
  });
});

// ------------------------------------------------------------------ CloudFormation

const RISKY_CFN = `AWSTemplateFormatVersion: '2010-09-09'
Parameters:
  DbPassword:
    Type: String
    NoEcho: true
    Default: ${FAKE_PASSWORD}
  LaunchType:
    Type: String
Resources:
  SharedRole:
    Type: AWS::IAM::Role
    Properties:
      AssumeRolePolicyDocument: {}
  RiskyTask:
    Type: AWS::ECS::TaskDefinition
    Properties:
      Family: risky
      TaskRoleArn: arn:aws:iam::111122223333:role/shared
      ExecutionRoleArn: arn:aws:iam::111122223333:role/shared
      NetworkMode: bridge
      IpcMode: host
      RequiresCompatibilities: [EC2]
      ContainerDefinitions:
        - Name: app
          Image: app:latest
          Essential: "true"
          User: "1000"
          Command:
            - app
            - !Sub "--db-password=\${DbPassword}"
          Environment:
            - Name: BACKUP_KEY_ID
              Value: ${FAKE_KEY_ID}
            - Name: DB_PASSWORD
              Value: "{{resolve:secretsmanager:prod/db:SecretString:password}}"
          DockerLabels:
            com.example.token: ${FAKE_TOKEN}
          LinuxParameters:
            Capabilities:
              Add:
                - SYS_ADMIN
            Devices:
              - HostPath: /dev/mem
                ContainerPath: /dev/mem
          DockerSecurityOptions:
            - apparmor:unconfined
          MountPoints:
            - SourceVolume: host-etc
              ContainerPath: /host/etc
              ReadOnly: "false"
          LogConfiguration:
            LogDriver: splunk
            Options:
              splunk-token: ${FAKE_TOKEN}
              mode: blocking
      Volumes:
        - Name: host-etc
          Host:
            SourcePath: /etc
  RoleRefTask:
    Type: AWS::ECS::TaskDefinition
    Properties:
      Family: role-ref
      TaskRoleArn: !GetAtt SharedRole.Arn
      ExecutionRoleArn: !GetAtt SharedRole.Arn
      RequiresCompatibilities: [FARGATE]
      NetworkMode: awsvpc
      Cpu: "256"
      Memory: "512"
      ContainerDefinitions:
        - Name: app
          Image: !Sub "\${AWS::AccountId}.dkr.ecr.eu-west-1.amazonaws.com/app@${DIGEST}"
          LinuxParameters:
            Capabilities:
              Drop: [ALL]
          HealthCheck:
            Command: [CMD, app, health]
  PlacementTask:
    Type: AWS::ECS::TaskDefinition
    Properties:
      Family: placement
      RequiresCompatibilities: [!Ref LaunchType]
      NetworkMode: awsvpc
      Memory: "512"
      ContainerDefinitions:
        - Name: app
          Image: app@${DIGEST}
          LinuxParameters:
            Capabilities:
              Drop: [ALL]
          HealthCheck:
            Command: [CMD, app, health]
  ExecCluster:
    Type: AWS::ECS::Cluster
    Properties:
      ClusterName: prod
      Configuration:
        ExecuteCommandConfiguration:
          Logging: NONE
  ExecService:
    Type: AWS::ECS::Service
    Properties:
      Cluster: !Ref ExecCluster
      TaskDefinition: !Ref RiskyTask
      EnableExecuteCommand: "true"
`;

const HARDENED_CFN = `Parameters:
  ExecKeyArn:
    Type: String
Resources:
  ExecKey:
    Type: AWS::KMS::Key
    Properties: {}
  HardenedTask:
    Type: AWS::ECS::TaskDefinition
    Properties:
      Family: hardened
      TaskRoleArn: arn:aws:iam::111122223333:role/hardened-task
      ExecutionRoleArn: arn:aws:iam::111122223333:role/hardened-execution
      NetworkMode: bridge
      RequiresCompatibilities: [EC2]
      ContainerDefinitions:
        - Name: app
          Image: 111122223333.dkr.ecr.eu-west-1.amazonaws.com/app@${DIGEST}
          Memory: 512
          Secrets:
            - Name: DB_PASSWORD
              ValueFrom: arn:aws:secretsmanager:eu-west-1:111122223333:secret:db
          LinuxParameters:
            Capabilities:
              Drop: [ALL]
              Add: [NET_BIND_SERVICE]
          DockerSecurityOptions: [no-new-privileges]
          HealthCheck:
            Command: [CMD-SHELL, "curl -fsS http://localhost/health || exit 1"]
          MountPoints:
            - SourceVolume: logs
              ContainerPath: /logs
              ReadOnly: true
          LogConfiguration:
            LogDriver: awslogs
            Options:
              awslogs-group: /ecs/hardened
              mode: non-blocking
      Volumes:
        - Name: logs
          Host:
            SourcePath: /var/log/hardened
  Cluster:
    Type: AWS::ECS::Cluster
    Properties:
      Configuration:
        ExecuteCommandConfiguration:
          KmsKeyId: !Ref ExecKey
          Logging: OVERRIDE
          LogConfiguration:
            CloudWatchLogGroupName: /ecs/exec
            CloudWatchEncryptionEnabled: true
  Service:
    Type: AWS::ECS::Service
    Properties:
      Cluster: !Ref Cluster
      TaskDefinition: !Ref HardenedTask
      EnableExecuteCommand: false
`;

describe('hardening checks from CloudFormation (PascalCase)', () => {
  const risky = scanText('template.yaml', RISKY_CFN);
  it('reads LinuxParameters.Capabilities.Add, Devices, DockerSecurityOptions, Volumes[].Host.SourcePath, IpcMode ...', () => {
    assert.deepEqual(risky.errors, []);
    assert.deepEqual(hardening(risky, 'RiskyTask'), {
      'ECSG.1': 'FAILED', 'ECSG.2': 'FAILED', 'ECSG.3': 'FAILED', 'ECSG.4': 'FAILED', 'ECSG.5': 'FAILED', 'ECSG.6': 'FAILED', 'ECSG.8': 'FAILED', 'ECSG.10': 'FAILED',
    });
  });
  it('points at the template lines', () => {
    const at = (control: string) => findingOf(risky, 'RiskyTask', control)!;
    assert.equal(at('ECSG.1').location!.line, lineOf(RISKY_CFN, '- SYS_ADMIN'));
    assert.equal(at('ECSG.3').location!.line, lineOf(RISKY_CFN, 'IpcMode: host'));
    assert.deepEqual(at('ECSG.3').violations.map((v) => v.location!.line), [lineOf(RISKY_CFN, 'HostPath: /dev/mem'), lineOf(RISKY_CFN, '- apparmor:unconfined')]);
    assert.equal(at('ECSG.4').messageId, 'sensitivePathWritable', 'ReadOnly: "false" is read as CloudFormation reads it');
    assert.equal(at('ECSG.4').location!.line, lineOf(RISKY_CFN, 'SourcePath: /etc'));
    assert.equal(at('ECSG.5').location!.line, lineOf(RISKY_CFN, `Value: ${FAKE_KEY_ID}`));
    assert.equal(at('ECSG.6').location!.line, lineOf(RISKY_CFN, 'Image: app:latest'));
    assert.equal(at('ECSG.8').location!.line, lineOf(RISKY_CFN, 'TaskRoleArn: arn:aws:iam::111122223333:role/shared'));
    const ecsg10 = at('ECSG.10');
    assert.equal(ecsg10.location!.line, lineOf(RISKY_CFN, '- Name: app'));
    assert.ok(ecsg10.violations.some((v) => v.location?.line === lineOf(RISKY_CFN, 'mode: blocking')));
  });
  it('keeps log option and label names as written (opaque maps) and judges a NoEcho parameter without showing it', () => {
    const f = findingOf(risky, 'RiskyTask', 'ECSG.5')!;
    const paths = [f.path, ...f.violations.map((v) => v.path)];
    assert.ok(paths.includes('containerDefinitions[0].dockerLabels.com.example.token'), paths.join(' '));
    assert.ok(paths.includes('containerDefinitions[0].logConfiguration.options.splunk-token'), paths.join(' '));
    assert.ok(paths.includes('containerDefinitions[0].command[1]'), 'the Default of a NoEcho parameter in a command is judged');
    assert.ok(f.violations.some((v) => v.path === 'containerDefinitions[0].environment[1].value' && /dynamic reference/.test(v.reason)), 'a secret resolved at deployment is NOT_AVAILABLE, beside the failures');
    for (const v of [FAKE_KEY_ID, FAKE_PASSWORD, FAKE_TOKEN]) assert.ok(!JSON.stringify(risky).includes(v), 'no planted value in the result');
  });
  it('Fn::GetAtt roles and an unknown account in the image are NOT_AVAILABLE, with the reason', () => {
    const roles = findingOf(risky, 'RoleRefTask', 'ECSG.8')!;
    assert.equal(roles.status, 'NOT_AVAILABLE');
    assert.match(roles.reason, /Fn::GetAtt SharedRole\.Arn/);
    assert.equal(statusOf(risky, 'RoleRefTask', 'ECSG.6'), 'NOT_AVAILABLE');
    // With the account known the image is judged: a digest passes.
    const known = scanText('template.yaml', RISKY_CFN, { pseudoParameters: { 'AWS::AccountId': '111122223333' } });
    assert.equal(statusOf(known, 'RoleRefTask', 'ECSG.6'), 'PASSED');
  });
  it('an undecidable launch type is NOT_AVAILABLE for no-new-privileges until --parameters decides it', () => {
    const f = findingOf(risky, 'PlacementTask', 'ECSG.2')!;
    assert.equal(f.status, 'NOT_AVAILABLE');
    assert.match(f.reason, /LaunchType/);
    assert.equal(statusOf(scanText('template.yaml', RISKY_CFN, { cfnParameters: { LaunchType: 'FARGATE' } }), 'PlacementTask', 'ECSG.2'), 'PASSED');
    assert.equal(statusOf(scanText('template.yaml', RISKY_CFN, { cfnParameters: { LaunchType: 'EC2' } }), 'PlacementTask', 'ECSG.2'), 'FAILED');
  });
  it('reads Cluster Configuration.ExecuteCommandConfiguration and Service EnableExecuteCommand', () => {
    const cluster = findingOf(risky, 'ExecCluster', 'ECSG.9')!;
    assert.equal(cluster.status, 'FAILED');
    assert.equal(cluster.messageId, 'execLoggingOff');
    assert.equal(cluster.location!.line, lineOf(RISKY_CFN, 'Logging: NONE'));
    const service = findingOf(risky, 'ExecService', 'ECSG.9')!;
    assert.equal(service.status, 'FAILED', 'EnableExecuteCommand: "true" is read as CloudFormation reads it');
    assert.equal(service.location!.line, lineOf(RISKY_CFN, 'EnableExecuteCommand'));
  });
  it('a hardened template passes every check', () => {
    const r = scanText('hardened.yaml', HARDENED_CFN);
    assert.deepEqual(r.errors, []);
    assert.deepEqual(hardening(r, 'HardenedTask'), {
      'ECSG.1': 'PASSED', 'ECSG.2': 'PASSED', 'ECSG.3': 'PASSED', 'ECSG.4': 'PASSED', 'ECSG.5': 'PASSED', 'ECSG.6': 'PASSED', 'ECSG.8': 'PASSED', 'ECSG.10': 'PASSED',
    });
    assert.equal(statusOf(r, 'Cluster', 'ECSG.9'), 'PASSED');
    assert.equal(statusOf(r, 'Service', 'ECSG.9'), 'PASSED');
  });
});
