import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { findingOf, scanText, statusOf } from '../helpers/scan-text.js';

const td = (containers: string, extra = '') => `AWSTemplateFormatVersion: "2010-09-09"
${extra}Resources:
  Task:
    Type: AWS::ECS::TaskDefinition
    Properties:
      Family: web
      ContainerDefinitions:
${containers}`;

describe('CloudFormation YAML: parsing and normalisation', () => {
  it('reads short-form tags, PascalCase properties and points at the line and column of the deciding key', () => {
    const r = scanText('t.yaml', td(`        - Name: web
          Image: nginx
          User: "1000"
        - Name: sidecar
          Image: envoy
          User: root
          Privileged: "true"
          ReadonlyRootFilesystem: "false"`));
    const f20 = findingOf(r, 'Task', 'ECS.20')!;
    assert.equal(f20.status, 'FAILED');
    assert.equal(f20.path, 'containerDefinitions[1].user');
    assert.deepEqual(f20.location, { file: 't.yaml', line: 13, column: 11 });
    const f4 = findingOf(r, 'Task', 'ECS.4')!;
    assert.equal(f4.status, 'FAILED', 'Privileged: "true" is a boolean true for CloudFormation');
    assert.deepEqual(f4.location, { file: 't.yaml', line: 14, column: 11 });
    assert.equal(statusOf(r, 'Task', 'ECS.5'), 'FAILED');
    assert.deepEqual(r.errors, [], 'string booleans are CloudFormation-valid: no type error');
  });

  it('keeps User 0:0 a string (YAML 1.2), quoted or not, and treats both as root', () => {
    for (const user of ['0:0', '"0:0"', "'0:0'"]) {
      const r = scanText('t.yaml', td(`        - Name: web\n          Image: nginx\n          User: ${user}`));
      assert.equal(statusOf(r, 'Task', 'ECS.20'), 'FAILED', user);
      assert.match(findingOf(r, 'Task', 'ECS.20')!.reason, /'0:0'/);
    }
  });

  it('turns a numeric User (User: 1000) into the string CloudFormation passes', () => {
    const r = scanText('t.yaml', td(`        - Name: web\n          Image: nginx\n          User: 1000`));
    assert.equal(statusOf(r, 'Task', 'ECS.20'), 'PASSED');
    assert.deepEqual(r.errors, []);
  });

  it('renames EFSVolumeConfiguration/FilesystemId and reads TransitEncryption', () => {
    const r = scanText('t.yaml', td(`        - Name: web\n          Image: nginx`, '') + `
      Volumes:
        - Name: data
          EFSVolumeConfiguration:
            FilesystemId: fs-0123456789abcdef0
            TransitEncryption: DISABLED`);
    const f = findingOf(r, 'Task', 'ECS.18')!;
    assert.equal(f.status, 'FAILED');
    assert.equal(f.path, 'volumes[0].efsVolumeConfiguration.transitEncryption');
    assert.equal(f.location?.line, 14);
  });

  it('a resource without Properties is still judged (a bare cluster fails ECS.12 and ECS.14)', () => {
    const r = scanText('t.yaml', 'Resources:\n  Bare:\n    Type: AWS::ECS::Cluster\n');
    assert.equal(statusOf(r, 'Bare', 'ECS.12'), 'FAILED');
    assert.equal(statusOf(r, 'Bare', 'ECS.14'), 'FAILED');
    assert.deepEqual(findingOf(r, 'Bare', 'ECS.12')!.location, { file: 't.yaml', line: 2, column: 3 });
  });

  it('reads ClusterSettings, with enhanced Container Insights passing', () => {
    const r = scanText('t.yaml', 'Resources:\n  C:\n    Type: AWS::ECS::Cluster\n    Properties:\n      ClusterSettings:\n        - Name: containerInsights\n          Value: enhanced\n      Tags:\n        - Key: team\n          Value: platform\n');
    assert.equal(statusOf(r, 'C', 'ECS.12'), 'PASSED');
    assert.equal(statusOf(r, 'C', 'ECS.14'), 'PASSED');
  });

  it('Service uses AwsvpcConfiguration and TaskSet AwsVpcConfiguration (capital V)', () => {
    const r = scanText('t.yaml', `Resources:
  Svc:
    Type: AWS::ECS::Service
    Properties:
      LaunchType: FARGATE
      PlatformVersion: 1.3.0
      NetworkConfiguration:
        AwsvpcConfiguration:
          AssignPublicIp: ENABLED
          Subnets: [subnet-1]
  Set:
    Type: AWS::ECS::TaskSet
    Properties:
      Cluster: c
      Service: s
      TaskDefinition: td
      NetworkConfiguration:
        AwsVpcConfiguration:
          AssignPublicIp: ENABLED
          Subnets: [subnet-1]
`);
    assert.equal(statusOf(r, 'Svc', 'ECS.2'), 'FAILED');
    assert.equal(findingOf(r, 'Svc', 'ECS.2')!.location?.line, 9);
    assert.equal(statusOf(r, 'Svc', 'ECS.10'), 'FAILED');
    assert.equal(statusOf(r, 'Set', 'ECS.16'), 'FAILED');
    assert.equal(findingOf(r, 'Set', 'ECS.16')!.location?.line, 19);
  });

  it('capacity providers: ManagedTerminationProtection', () => {
    const r = scanText('t.yaml', `Resources:
  On:
    Type: AWS::ECS::CapacityProvider
    Properties:
      AutoScalingGroupProvider:
        AutoScalingGroupArn: !Ref Asg
        ManagedTerminationProtection: ENABLED
  Off:
    Type: AWS::ECS::CapacityProvider
    Properties:
      AutoScalingGroupProvider:
        AutoScalingGroupArn: !GetAtt Asg.Arn
  Asg:
    Type: AWS::AutoScaling::AutoScalingGroup
    Properties: {}
`);
    assert.equal(statusOf(r, 'On', 'ECS.19'), 'PASSED');
    assert.equal(statusOf(r, 'Off', 'ECS.19'), 'FAILED');
    assert.equal(r.summary.resources, 2, 'non-ECS resources are not judged');
  });

  it('ECS.10 looks up the service task definition in the same template to decide Windows', () => {
    const r = scanText('t.yaml', `Resources:
  WinTask:
    Type: AWS::ECS::TaskDefinition
    Properties:
      RuntimePlatform: { OperatingSystemFamily: WINDOWS_SERVER_2022_CORE }
      ContainerDefinitions: [{ Name: iis, Image: iis, User: ContainerUser }]
  Svc:
    Type: AWS::ECS::Service
    Properties:
      LaunchType: FARGATE
      PlatformVersion: 1.0.0
      TaskDefinition: !Ref WinTask
  LinuxSvc:
    Type: AWS::ECS::Service
    Properties:
      LaunchType: FARGATE
      PlatformVersion: 1.0.0
      TaskDefinition: arn:aws:ecs:eu-west-1:111122223333:task-definition/other:3
`);
    assert.equal(statusOf(r, 'Svc', 'ECS.10'), 'PASSED', 'Windows on 1.0.0 is the latest Windows version');
    assert.equal(statusOf(r, 'LinuxSvc', 'ECS.10'), 'FAILED', 'Linux on 1.0.0 is outdated');
  });
});

describe('CloudFormation intrinsics', () => {
  const withParams = (params: string, user: string, extra = '') => `Parameters:
${params}${extra}Resources:
  Task:
    Type: AWS::ECS::TaskDefinition
    Properties:
      RuntimePlatform: { OperatingSystemFamily: LINUX }
      ContainerDefinitions:
        - Name: web
          Image: nginx
          User: ${user}
`;
  it('Ref to a parameter with a Default: judged on the default, and the finding says so', () => {
    const r = scanText('t.yaml', withParams('  AppUser:\n    Type: String\n    Default: root\n', '!Ref AppUser'));
    const f = findingOf(r, 'Task', 'ECS.20')!;
    assert.equal(f.status, 'FAILED');
    assert.ok(f.notes.some((n) => n.includes("assumed parameter AppUser's Default 'root'")), f.notes.join('|'));
  });

  it('--parameters overrides a Default', () => {
    const r = scanText('t.yaml', withParams('  AppUser:\n    Type: String\n    Default: root\n', '!Ref AppUser'), { cfnParameters: { AppUser: '1000' } });
    assert.equal(statusOf(r, 'Task', 'ECS.20'), 'PASSED');
    assert.deepEqual(findingOf(r, 'Task', 'ECS.20')!.notes, []);
  });

  it('Ref to a parameter without Default is NOT_AVAILABLE with the reason, never a guess', () => {
    const r = scanText('t.yaml', withParams('  AppUser:\n    Type: String\n', '!Ref AppUser'));
    const f = findingOf(r, 'Task', 'ECS.20')!;
    assert.equal(f.status, 'NOT_AVAILABLE');
    assert.match(f.reason, /AppUser, which has no Default/);
  });

  it('a NoEcho Default is used but never printed', () => {
    const r = scanText('t.yaml', withParams('  AppUser:\n    Type: String\n    NoEcho: true\n    Default: s3cr3t-user\n', '!Ref AppUser'));
    assert.ok(!JSON.stringify(r).includes('s3cr3t-user'));
  });

  it('Fn::Sub over known values, and NOT_AVAILABLE over unknown ones', () => {
    const ok = scanText('t.yaml', withParams('  Uid:\n    Type: String\n    Default: "1000"\n', '!Sub "${Uid}:${Uid}"'));
    assert.equal(statusOf(ok, 'Task', 'ECS.20'), 'PASSED');
    const rootSub = scanText('t.yaml', withParams('  Uid:\n    Type: String\n    Default: "0"\n', '!Sub "${Uid}:${Uid}"'));
    assert.equal(statusOf(rootSub, 'Task', 'ECS.20'), 'FAILED');
    const unknown = scanText('t.yaml', withParams('  Uid:\n    Type: String\n', '!Sub "${Uid}"'));
    assert.equal(statusOf(unknown, 'Task', 'ECS.20'), 'NOT_AVAILABLE');
    const literal = scanText('t.yaml', withParams('  Uid:\n    Type: String\n    Default: "1"\n', '!Sub "${!Uid}"'));
    assert.equal(findingOf(literal, 'Task', 'ECS.20')!.status, 'PASSED');
  });

  it('Fn::FindInMap over Mappings, Fn::Join, Fn::Select, Fn::Split', () => {
    const maps = 'Mappings:\n  Users:\n    prod: { user: root }\n    dev: { user: "1000" }\n';
    const r = scanText('t.yaml', withParams('  Env:\n    Type: String\n    Default: prod\n', '!FindInMap [Users, !Ref Env, user]', maps));
    assert.equal(statusOf(r, 'Task', 'ECS.20'), 'FAILED');
    const join = scanText('t.yaml', withParams('  X:\n    Type: String\n    Default: a\n', '!Join [":", ["0", "0"]]'));
    assert.match(findingOf(join, 'Task', 'ECS.20')!.reason, /'0:0'/);
    const sel = scanText('t.yaml', withParams('  X:\n    Type: String\n    Default: a\n', '!Select [1, !Split [",", "1000,root"]]'));
    assert.equal(statusOf(sel, 'Task', 'ECS.20'), 'FAILED');
  });

  it('Fn::If with a decidable condition takes that branch', () => {
    const cond = 'Conditions:\n  IsProd: !Equals [!Ref Env, prod]\n';
    const r = scanText('t.yaml', withParams('  Env:\n    Type: String\n    Default: prod\n', '!If [IsProd, "1000", root]', cond));
    assert.equal(statusOf(r, 'Task', 'ECS.20'), 'PASSED');
    const dev = scanText('t.yaml', withParams('  Env:\n    Type: String\n    Default: prod\n', '!If [IsProd, "1000", root]', cond), { cfnParameters: { Env: 'dev' } });
    assert.equal(statusOf(dev, 'Task', 'ECS.20'), 'FAILED');
  });

  it('Fn::If that cannot be decided is judged on both branches: FAILED naming the condition and branch', () => {
    const cond = 'Conditions:\n  UseRoot: !Equals [!Ref Mode, root]\n';
    const r = scanText('t.yaml', withParams('  Mode:\n    Type: String\n', '!If [UseRoot, root, "1000"]', cond));
    const f = findingOf(r, 'Task', 'ECS.20')!;
    assert.equal(f.status, 'FAILED');
    assert.match(f.reason, /^when condition UseRoot is true: /);
    assert.ok(f.notes.some((n) => n.includes('when condition UseRoot is false: PASSED')), f.notes.join('|'));
    assert.equal(f.location?.line, 14);
    const both = scanText('t.yaml', withParams('  Mode:\n    Type: String\n', '!If [UseRoot, "2000", "1000"]', cond));
    assert.equal(statusOf(both, 'Task', 'ECS.20'), 'PASSED', 'both branches pass: the condition does not decide');
  });

  it('AWS::NoValue removes the property', () => {
    const cond = 'Conditions:\n  Never: !Equals [a, b]\n';
    const r = scanText('t.yaml', withParams('  X:\n    Type: String\n    Default: a\n', '!If [Never, "1000", !Ref AWS::NoValue]', cond));
    assert.equal(findingOf(r, 'Task', 'ECS.20')!.messageId, 'noUser');
  });

  it('Fn::GetAtt and Fn::ImportValue are NOT_AVAILABLE where they decide, and change nothing where they do not', () => {
    const r = scanText('t.yaml', withParams('  X:\n    Type: String\n    Default: a\n', '!ImportValue shared-user'));
    assert.match(findingOf(r, 'Task', 'ECS.20')!.reason, /Fn::ImportValue shared-user/);
    const img = scanText('t.yaml', `Resources:
  Task:
    Type: AWS::ECS::TaskDefinition
    Properties:
      ContainerDefinitions:
        - Name: web
          Image: !GetAtt Repo.RepositoryUri
          User: "1000"
`);
    assert.equal(statusOf(img, 'Task', 'ECS.20'), 'PASSED', 'an unknown image does not decide ECS.20');
  });

  it('pseudo parameters: AWS::Region from --region; unknown otherwise but harmless in log options', () => {
    const r = scanText('t.yaml', `Resources:
  Task:
    Type: AWS::ECS::TaskDefinition
    Properties:
      ContainerDefinitions:
        - Name: web
          Image: nginx
          LogConfiguration:
            LogDriver: awslogs
            Options:
              awslogs-region: !Ref AWS::Region
              awslogs-group: !Sub /ecs/\${AWS::StackName}
`);
    assert.equal(statusOf(r, 'Task', 'ECS.9'), 'PASSED');
  });

  it('a resource whose Condition is false is not created and not judged', () => {
    const r = scanText('t.yaml', `Conditions:
  Off: !Equals [a, b]
Resources:
  C:
    Type: AWS::ECS::Cluster
    Condition: Off
`);
    assert.equal(r.summary.resources, 0);
  });
});

describe('CloudFormation bad input: clear errors, the rest still scanned', () => {
  it('a YAML syntax error gives file, line and message', () => {
    const r = scanText('bad.yaml', 'Resources:\n  C:\n    Type: AWS::ECS::Cluster\n    Properties: [unclosed\n');
    assert.equal(r.errors.length, 1);
    assert.equal(r.errors[0].file, 'bad.yaml');
    assert.ok(r.errors[0].line && r.errors[0].line >= 4);
    assert.match(r.errors[0].message, /YAML syntax error/);
  });

  it('an unknown tag is an error at its line; the value is unknown, the other resources judged', () => {
    const r = scanText('t.yaml', td(`        - Name: web\n          Image: nginx\n          User: !Bogus x`) + `
  Other:
    Type: AWS::ECS::Cluster
`);
    assert.ok(r.errors.some((e) => e.line === 10 && /unknown tag !Bogus/.test(e.message)), JSON.stringify(r.errors));
    assert.equal(statusOf(r, 'Task', 'ECS.20'), 'NOT_AVAILABLE');
    assert.equal(statusOf(r, 'Other', 'ECS.12'), 'FAILED');
  });

  it('a duplicate key is reported with its line', () => {
    const r = scanText('t.yaml', 'Resources:\n  C:\n    Type: AWS::ECS::Cluster\n    Type: AWS::ECS::Cluster\n');
    assert.ok(r.errors.some((e) => e.line === 4 && /duplicate key/.test(e.message)), JSON.stringify(r.errors));
    assert.equal(r.summary.resources, 1);
  });

  it('Resources that is not a mapping', () => {
    const r = scanText('t.yaml', 'AWSTemplateFormatVersion: "2010-09-09"\nResources:\n  - a\n');
    assert.equal(r.errors[0].line, 3);
    assert.match(r.errors[0].message, /Resources must be a mapping/);
  });

  it('a property of the wrong type is an error at its line and NOT_AVAILABLE where it decides', () => {
    const r = scanText('t.yaml', td(`        - Name: web\n          Image: nginx\n          User: "1000"\n          Privileged: maybe`));
    assert.ok(r.errors.some((e) => e.line === 11 && /privileged is a string/.test(e.message)), JSON.stringify(r.errors));
    assert.equal(statusOf(r, 'Task', 'ECS.4'), 'NOT_AVAILABLE');
    assert.equal(statusOf(r, 'Task', 'ECS.20'), 'PASSED');
  });

  it('circular conditions are reported and stay unknown', () => {
    const r = scanText('t.yaml', `Conditions:
  A: !Condition B
  B: !Not [!Condition A]
Resources:
  Task:
    Type: AWS::ECS::TaskDefinition
    Properties:
      ContainerDefinitions:
        - Name: web
          Image: nginx
          User: !If [A, root, "1000"]
`);
    assert.ok(r.errors.some((e) => /circular condition/.test(e.message)), JSON.stringify(r.errors));
    assert.equal(statusOf(r, 'Task', 'ECS.20'), 'FAILED', 'judged on both branches');
  });

  it('a template over CloudFormation\'s 1 MB limit is still scanned', () => {
    const pad = '#' + 'x'.repeat(1000) + '\n';
    const text = pad.repeat(1200) + 'Resources:\n  C:\n    Type: AWS::ECS::Cluster\n';
    const r = scanText('big.yaml', text);
    assert.equal(r.summary.resources, 1);
  });
});

describe('CloudFormation JSON', () => {
  it('reads JSON templates with the same verdicts and exact positions', () => {
    const text = JSON.stringify({ Resources: { Task: { Type: 'AWS::ECS::TaskDefinition', Properties: { ContainerDefinitions: [{ Name: 'a', Image: 'x', User: { Ref: 'U' } }] } } }, Parameters: { U: { Type: 'String', Default: 'root' } } }, null, 2);
    const r = scanText('t.json', text);
    const f = findingOf(r, 'Task', 'ECS.20')!;
    assert.equal(f.status, 'FAILED');
    const line = text.split('\n').findIndex((l) => l.includes('"User"')) + 1;
    assert.equal(f.location?.line, line);
    assert.equal(f.location?.column, text.split('\n')[line - 1].indexOf('"User"') + 1);
  });
});
