/** Hostile and unusual inputs found by trying to break ecsguard; each test holds the right behaviour. */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { spawnSync, execFileSync } from 'node:child_process';
import { scanPaths } from '../../src/api.js';
import { findingOf, scanText, statusOf } from '../helpers/scan-text.js';

const CLI = resolve(import.meta.dirname, '..', '..', 'dist', 'cli', 'main.js');
const SECRET = 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY';
const withTmp = (fn: (dir: string) => void) => {
  const dir = mkdtempSync(join(tmpdir(), 'ecsguard-hostile-'));
  try {
    fn(dir);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
};

describe('resource exhaustion', () => {
  it('a YAML alias bomb is refused quickly as one input error', () => {
    const lines = ['AWSTemplateFormatVersion: "2010-09-09"', 'Metadata:', '  a0: &a0 ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]'];
    for (let i = 1; i < 10; i++) lines.push(`  a${i}: &a${i} [${Array(9).fill(`*a${i - 1}`).join(',')}]`);
    lines.push('Resources:', '  Td: {Type: AWS::ECS::TaskDefinition, Properties: {ContainerDefinitions: [{Name: a, Image: x}]}}');
    const t0 = Date.now();
    const r = scanText('bomb.yaml', lines.join('\n') + '\n');
    assert.ok(Date.now() - t0 < 5000, 'refused in seconds');
    assert.deepEqual(r.errors.map((e) => e.message), ['aliases expand to too many nodes (an alias bomb?); not read']);
  });
  it('a mapping with 60,000 keys is read in linear time', () => {
    const keys = Array.from({ length: 60_000 }, (_, i) => `    k${i}: { v: ${i} }`).join('\n');
    const t0 = Date.now();
    const r = scanText('wide.yaml', `Mappings:\n  M:\n${keys}\nResources:\n  C:\n    Type: AWS::ECS::Cluster\n`);
    assert.ok(Date.now() - t0 < 10_000, `took ${Date.now() - t0} ms`);
    assert.equal(r.summary.resources, 1);
  });
  it('JSON nested 10,000 deep costs one input error, and the other files are still judged', () => withTmp((dir) => {
    writeFileSync(join(dir, 'deep.json'), `{"family":"d","containerDefinitions":[{"name":"a","dockerLabels":${'{"a":'.repeat(10_000)}1${'}'.repeat(10_000)}}]}`);
    writeFileSync(join(dir, 'ok.json'), JSON.stringify({ family: 'ok', containerDefinitions: [{ name: 'a', image: 'i', user: '1000' }] }));
    const r = scanPaths([join(dir, 'ok.json'), join(dir, 'deep.json')]);
    assert.equal(statusOf(r, 'ok', 'ECS.20'), 'PASSED');
    assert.equal(r.errors.length, 1);
    assert.match(r.errors[0].message, /nested too deeply/);
  }));
  it('standard input obeys --max-file-size, and an endless stream stops', () => {
    const r = spawnSync('bash', ['-c', `yes | head -c 5000000 | node ${CLI} scan - --max-file-size 1KiB`], { encoding: 'utf8' });
    assert.equal(r.status, 2);
    assert.match(r.stderr, /standard input is over the 1\.0 KiB limit/);
  });
  it('a FIFO named on the command line is refused, not waited on', () => withTmp((dir) => {
    execFileSync('mkfifo', [join(dir, 'p.json')]);
    const r = spawnSync(process.execPath, [CLI, 'scan', join(dir, 'p.json')], { encoding: 'utf8', timeout: 20_000 });
    assert.equal(r.status, 2);
    assert.match(r.stdout + r.stderr, /not a regular file/);
  }));
});

describe('secret values never appear', () => {
  it('not through an assumed parameter Default used in environment', () => {
    const r = scanText('t.yaml', `Parameters:\n  SecretKey:\n    Type: String\n    Default: ${SECRET}\nResources:\n  Td:\n    Type: AWS::ECS::TaskDefinition\n    Properties:\n      ContainerDefinitions:\n        - Name: a\n          Image: x\n          Environment:\n            - Name: AWS_SECRET_ACCESS_KEY\n              Value: !Ref SecretKey\n`);
    assert.equal(statusOf(r, 'Td', 'ECS.8'), 'FAILED');
    assert.ok(!JSON.stringify(r).includes(SECRET));
    assert.ok(findingOf(r, 'Td', 'ECS.8')!.notes.some((n) => n.includes('value not shown')));
  });
  it('not through an Fn::Sub that cannot be resolved', () => {
    const r = scanText('t.yaml', `Resources:\n  Td:\n    Type: AWS::ECS::TaskDefinition\n    Properties:\n      ContainerDefinitions:\n        - Name: a\n          Image: x\n          Environment:\n            - Name: AWS_SECRET_ACCESS_KEY\n              Value: !Sub "${SECRET}\${AWS::Region}"\n            - !Sub "X=${SECRET}\${AWS::Region}"\n`);
    assert.ok(!JSON.stringify(r).includes(SECRET), JSON.stringify(r).slice(0, 500));
  });
  it('not through a broken --parameters-file', () => withTmp((dir) => {
    writeFileSync(join(dir, 'p.json'), `[{"ParameterKey":"SecretKey","ParameterValue":${SECRET}}]`);
    writeFileSync(join(dir, 't.yaml'), 'Resources:\n  C:\n    Type: AWS::ECS::Cluster\n');
    const r = spawnSync(process.execPath, [CLI, 'scan', join(dir, 't.yaml'), '--parameters-file', join(dir, 'p.json')], { encoding: 'utf8' });
    assert.equal(r.status, 2);
    assert.match(r.stderr, /p\.json:1:\d+: invalid JSON/);
    assert.ok(!r.stderr.includes('wJalr') && !r.stdout.includes('wJalr'));
  }));
});

describe('verdicts that must not be guessed', () => {
  it('Properties that cannot be known make every control NOT_AVAILABLE', () => {
    const r = scanText('t.yaml', `Resources:\n  Td: {Type: AWS::ECS::TaskDefinition, Properties: {Fn::Transform: {Name: AWS::Include, Parameters: {Location: s3://b/td.yaml}}}}\n  Svc: {Type: AWS::ECS::Service, Properties: !ImportValue shared-props}\n`);
    const statuses = new Set(r.findings.map((f) => f.status));
    assert.deepEqual([...statuses], ['NOT_AVAILABLE']);
    assert.ok(r.findings.some((f) => f.resource.id === 'Td' && f.control === 'ECS.3'));
    assert.ok(r.findings.some((f) => f.resource.id === 'Svc' && f.control === 'ECS.2'));
  });
  it('YAML merge keys are applied (as package/SAM do) and reported', () => {
    const r = scanText('t.yaml', `Metadata: {Defaults: &defaults {Privileged: true, User: root}}\nResources:\n  Td:\n    Type: AWS::ECS::TaskDefinition\n    Properties:\n      ContainerDefinitions:\n        - <<: *defaults\n          Name: app\n          Image: nginx\n`);
    assert.equal(statusOf(r, 'Td', 'ECS.4'), 'FAILED');
    assert.equal(findingOf(r, 'Td', 'ECS.20')!.messageId, 'userIsRoot');
    assert.deepEqual(r.errors.map((e) => e.line), [7]);
  });
  it('an alias to no anchor is an error and unknown, not null', () => {
    const r = scanText('t.yaml', `Resources:\n  Td:\n    Type: AWS::ECS::TaskDefinition\n    Properties:\n      ContainerDefinitions:\n        - Name: a\n          Image: x\n          Privileged: *nope\n`);
    assert.ok(r.errors.some((e) => /alias \*nope refers to no anchor/.test(e.message)));
    assert.equal(statusOf(r, 'Td', 'ECS.4'), 'NOT_AVAILABLE');
  });
  it('ECS.10: a task definition whose OS hangs on an undecidable condition makes the service NOT_AVAILABLE', () => {
    const r = scanText('t.yaml', `Parameters: {Win: {Type: String}}\nConditions: {IsWin: !Equals [!Ref Win, "yes"]}\nResources:\n  Td:\n    Type: AWS::ECS::TaskDefinition\n    Properties:\n      RuntimePlatform: {OperatingSystemFamily: !If [IsWin, WINDOWS_SERVER_2022_CORE, LINUX]}\n      ContainerDefinitions: [{Name: a, Image: x, User: "1000"}]\n  Svc:\n    Type: AWS::ECS::Service\n    Properties: {LaunchType: FARGATE, PlatformVersion: 1.0.0, TaskDefinition: !Ref Td}\n`);
    assert.equal(statusOf(r, 'Svc', 'ECS.10'), 'NOT_AVAILABLE');
  });
  it('resource types named like object properties (constructor, __proto__) are not resources', () => {
    const r = scanText('t.yaml', `Resources:\n  A: {Type: constructor}\n  B: {Type: __proto__}\n  C: {Type: toString}\n  D: {Type: AWS::ECS::Cluster}\n`);
    assert.equal(r.summary.resources, 1);
  });
});

describe('odd files and paths', () => {
  it('a file named - is read as a file, not standard input', () => withTmp((dir) => {
    writeFileSync(join(dir, '-'), JSON.stringify({ family: 'dash', containerDefinitions: [{ name: 'a', image: 'i', user: 'root' }] }));
    const r = spawnSync(process.execPath, [CLI, 'scan', './-', '-f', 'json'], { cwd: dir, encoding: 'utf8', input: '' });
    assert.equal(r.status, 1, r.stderr);
    assert.equal(JSON.parse(r.stdout).findings.find((f: { control: string }) => f.control === 'ECS.20').resource.id, 'dash');
  }));
  it('exit 2 only when nothing at all could be read: a template without ECS resources counts as read', () => withTmp((dir) => {
    writeFileSync(join(dir, 's3.yaml'), 'Resources:\n  B:\n    Type: AWS::S3::Bucket\n');
    const r = spawnSync(process.execPath, [CLI, 'scan', join(dir, 's3.yaml'), join(dir, 'missing.json')], { encoding: 'utf8' });
    assert.equal(r.status, 0, r.stdout + r.stderr);
    const none = spawnSync(process.execPath, [CLI, 'scan', join(dir, 'missing.json')], { encoding: 'utf8' });
    assert.equal(none.status, 2);
  }));
  it('an empty path is an error, not the current folder', () => {
    const r = scanPaths(['']);
    assert.match(r.errors[0].message, /an empty path was given/);
    assert.equal(r.summary.resources, 0);
  });
  it('lone CR line ends give the right line numbers', () => {
    const r = scanText('cr.json', '{\r  "family": "x",\r  "containerDefinitions": [{\r    "name": "a",\r    "image": "i",\r    "user": "root"\r  }]\r}\r');
    assert.equal(findingOf(r, 'x', 'ECS.20')!.location?.line, 6);
  });
  it('a revision that is not a positive whole number is reported and ignored', () => {
    const r = scanText('w.json', '{"family":"w","revision":1e309,"containerDefinitions":[{"name":"a","image":"i","user":"1"}]}');
    assert.ok(r.errors.some((e) => /revision must be a positive whole number/.test(e.message)));
    assert.ok(r.findings.every((f) => f.resource.id === 'w'));
  });
});
