/**
 * `ecsguard fix` on hostile but realistic files. The contract, for each FAILED fixable control:
 * the patched file still parses, scans PASSED for the fixed control, and keeps every byte outside
 * the edited properties (indentation, line endings, quoting, byte order mark); or the fix is
 * refused with a reason. Never a corrupted file, never a crash, never a silent no-op reported as
 * applied, never a file whose scan gains an input error.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { scanPaths } from '../../src/api.js';
import { fixPaths, type FixReport } from '../../src/fix/index.js';
import { patchFile } from '../../src/fix/verify.js';
import { planFixes } from '../../src/fix/plan.js';
import { activeControls } from '../../src/engine/configuration.js';
import type { Patcher, PatchTarget } from '../../src/fix/types.js';

const ALL = ['security-hub'];

function tmpFile(name: string, text: string | Buffer): string {
  const dir = mkdtempSync(join(tmpdir(), 'ecsguard-hostile-'));
  const file = join(dir, name);
  writeFileSync(file, text);
  return file;
}

const statusKey = (id: string, control: string) => `${id.replace(/:\d+$/, '')} ${control}`;

function verdicts(file: string, controls: string[]) {
  const r = scanPaths([file], { controls });
  return { status: new Map(r.findings.map((f) => [statusKey(f.resource.id, f.control), f.status])), errors: r.errors.map((e) => e.message) };
}

/**
 * Fixes `file` as --write does and checks the contract: each applied fix PASSES afterwards, no
 * input error appears, every control still FAILED is reported refused. Returns the report and
 * the text written (the original when nothing changed).
 */
async function fixChecked(file: string, controls = ALL): Promise<{ report: FixReport; text: string; original: string }> {
  const original = readFileSync(file, 'utf8');
  const before = verdicts(file, controls);
  const report = await fixPaths([file], { controls });
  assert.ok(report.changes.length <= 1);
  for (const c of report.changes) writeFileSync(c.file, c.after);
  const after = verdicts(file, controls);
  for (const a of report.applied) assert.equal(after.status.get(statusKey(a.resource.id, a.control)), 'PASSED', `${a.resource.id} ${a.control} applied but not PASSED`);
  for (const e of after.errors) assert.ok(before.errors.includes(e), `new input error after the fix: ${e}`);
  for (const [k, s] of after.status) {
    if (s !== 'FAILED' || before.status.get(k) !== 'FAILED') continue;
    assert.ok(report.refused.some((r) => statusKey(r.resource.id, r.control) === k), `${k} still FAILED and not reported refused`);
  }
  for (const r of report.refused) assert.ok(r.reason.length > 20, `refusal without a reason: ${JSON.stringify(r)}`);
  return { report, text: readFileSync(file, 'utf8'), original };
}

const applied = (r: FixReport) => r.applied.map((a) => `${a.resource.id} ${a.control}`).sort();
const refusedReason = (r: FixReport, control: string) => r.refused.find((x) => x.control === control)?.reason ?? '';

const HEAD = ['AWSTemplateFormatVersion: "2010-09-09"', 'Resources:', '  TD:', '    Type: AWS::ECS::TaskDefinition', '    Properties:', '      Family: web', '      RuntimePlatform: {OperatingSystemFamily: LINUX}'];

// ---------------------------------------------------------------- CloudFormation YAML

test('YAML: a block scalar value is replaced without swallowing its line break; a |+ scalar keeps its trailing blank line', async () => {
  const file = tmpFile('t.yaml', [
    ...HEAD,
    '      ContainerDefinitions:',
    '        - Name: web',
    '          Image: nginx',
    '          User: |',
    '            root',
    '          ReadonlyRootFilesystem: true',
    '          LogConfiguration: {LogDriver: awslogs}',
    '        - Name: side',
    '          Image: nginx',
    '          ReadonlyRootFilesystem: true',
    '          LogConfiguration: {LogDriver: awslogs}',
    '          EntryPoint:',
    '            - |+',
    '              echo hi',
    '',
    '',
  ].join('\n'));
  const { report, text } = await fixChecked(file, ['ECS.20']);
  assert.deepEqual(applied(report), ['TD ECS.20']);
  assert.match(text, /\n {10}User: "1000:1000"\n {10}ReadonlyRootFilesystem: true\n/);
  // The keep-chomped scalar still ends with its blank line: the new key goes after it.
  assert.match(text, /\n {14}echo hi\n\n {10}User: "1000:1000"\n$/);
});

test('YAML: a list written at its key\'s column as the last key: the new item goes in the list, the new key after it', async () => {
  const file = tmpFile('t.yaml', [
    ...HEAD,
    '      Volumes:',
    '      - Name: data',
    '      ContainerDefinitions:',
    '      - Name: web',
    '        Image: nginx',
    '        "User": "1000"',
    '        LogConfiguration: {LogDriver: awslogs}',
    '        MountPoints:',
    '        - SourceVolume: data',
    '          ContainerPath: /data',
    '        # trailing comment, deeper',
    '      # comment, shallower',
    '',
    '      Tags:',
    '      - Key: team',
    '        Value: web',
    '',
  ].join('\n'));
  const { report, text, original } = await fixChecked(file, ['ECS.5']);
  assert.deepEqual(applied(report), ['TD ECS.5']);
  assert.equal(text, original
    .replace('      - Name: data\n', '      - Name: data\n      - Name: tmp\n')
    .replace('          ContainerPath: /data\n', '          ContainerPath: /data\n        - SourceVolume: tmp\n          ContainerPath: /tmp\n          ReadOnly: false\n        ReadonlyRootFilesystem: true\n'));
});

test('YAML: `Key:` without a value and `Key: ~` get the value after the colon (comments kept), a list on the lines below', async () => {
  const file = tmpFile('t.yaml', [
    ...HEAD,
    '      Volumes: []',
    '      ContainerDefinitions:',
    '        - Name: web',
    '          Image: nginx',
    '          User:    # who runs this?',
    '          MountPoints: ~',
    '          LogConfiguration: {LogDriver: awslogs}',
    '',
  ].join('\n'));
  const { report, text } = await fixChecked(file, ['ECS.5', 'ECS.20']);
  assert.deepEqual(applied(report), ['TD ECS.20', 'TD ECS.5']);
  assert.match(text, /\n {10}User: "1000:1000" {4}# who runs this\?\n {10}MountPoints:\n {12}- SourceVolume: tmp\n {14}ContainerPath: \/tmp\n {14}ReadOnly: false\n {10}LogConfiguration/);
});

test('YAML: a key written twice (in a container, or a duplicate logical ID) is refused, not half-fixed', async () => {
  const dupKey = tmpFile('t.yaml', [...HEAD, '      ContainerDefinitions:', '        - Name: web', '          Image: nginx', '          Privileged: true', '          Privileged: true', ''].join('\n'));
  const r1 = await fixChecked(dupKey, ['ECS.4']);
  assert.equal(r1.report.changes.length, 0);
  assert.match(refusedReason(r1.report, 'ECS.4'), /written twice|duplicate/);
  const body = (priv: boolean) => ['    Type: AWS::ECS::TaskDefinition', '    Properties:', '      Family: web', '      ContainerDefinitions:', '        - Name: web', '          Image: nginx', ...(priv ? ['          Privileged: true'] : [])];
  const dupId = tmpFile('t.yaml', ['Resources:', '  TD:', ...body(false), '  TD:', ...body(true), ''].join('\n'));
  const r2 = await fixChecked(dupId, ['ECS.4']);
  assert.equal(r2.report.changes.length, 0);
  assert.match(refusedReason(r2.report, 'ECS.4'), /duplicate logical ID/);
});

test('YAML: merge keys and anchors shared by aliases are never edited through; a refused fix leaves no partial edit', async () => {
  // The failing key comes only from the merge: deleting nothing would be a silent no-op.
  const merged = tmpFile('t.yaml', [...HEAD, '      ContainerDefinitions:', '        - <<: {Privileged: true, User: "1000"}', '          Name: side', '          Image: nginx', ''].join('\n'));
  const r1 = await fixChecked(merged, ['ECS.4']);
  assert.equal(r1.report.changes.length, 0);
  assert.match(refusedReason(r1.report, 'ECS.4'), /merge key/);
  // An anchored value reused by an alias: editing the anchor would edit the other container too.
  const anchored = tmpFile('t.yaml', [...HEAD, '      ContainerDefinitions:', '        - Name: web', '          Image: nginx', '          User: &u root', '        - Name: side', '          Image: nginx', '          User: *u', ''].join('\n'));
  const r2 = await fixChecked(anchored, ['ECS.20']);
  assert.equal(r2.report.changes.length, 0, 'the first container was edited although the fix was refused');
  assert.match(refusedReason(r2.report, 'ECS.20'), /anchor &u|alias \*u/);
  // One op of a fix fails at edit time (an explicitly tagged list is not edited): the volume the fix added first is undone.
  const partial = tmpFile('t.yaml', [...HEAD, '      Volumes:', '        - Name: data', '      ContainerDefinitions:', '        - Name: web', '          Image: nginx', '          MountPoints: !!seq [{SourceVolume: data, ContainerPath: /data}]', ''].join('\n'));
  const before = readFileSync(partial, 'utf8');
  const report = await fixPaths([partial], { controls: ['ECS.5'] });
  assert.equal(report.applied.length, 0);
  assert.equal(report.changes.length, 0, `partial edit written:\n${report.changes[0]?.after}`);
  assert.match(refusedReason(report, 'ECS.5'), /MountPoints/);
  assert.equal(readFileSync(partial, 'utf8'), before);
});

test('YAML: list items written as !Ref AWS::NoValue are skipped as the scan skips them; the last key\'s item is moved', async () => {
  const file = tmpFile('t.yaml', [
    ...HEAD,
    '      ContainerDefinitions:',
    '        - !Ref AWS::NoValue',
    '        - Name: web',
    '          Image: nginx',
    '          Privileged: true',
    '          User: "1000"',
    '          ReadonlyRootFilesystem: true',
    '          LogConfiguration: {LogDriver: awslogs}',
    '          Environment:',
    '            - !Ref AWS::NoValue',
    '            - Name: A',
    '              Value: b',
    '            - {Ref: AWS::NoValue}',
    '            - Name: AWS_SECRET_ACCESS_KEY',
    '              Value: hunter2',
    '',
  ].join('\n'));
  const { report, text } = await fixChecked(file, ['ECS.4', 'ECS.8']);
  assert.deepEqual(applied(report), ['TD ECS.4', 'TD ECS.8']);
  assert.ok(!text.includes('hunter2'));
  assert.ok(!text.includes('Privileged'));
  assert.match(text, /\n {12}- \{Ref: AWS::NoValue\}\n {10}Secrets:\n {12}- Name: AWS_SECRET_ACCESS_KEY\n {14}ValueFrom: "arn:aws:secretsmanager:REGION:ACCOUNT_ID:secret:REPLACE_ME\/web\/AWS_SECRET_ACCESS_KEY"\n$/);
});

test('YAML: a key spelled as the scan reads it (privileged, AwsVpcConfiguration) is edited, not silently missed', async () => {
  const file = tmpFile('t.yaml', [
    ...HEAD,
    '      ContainerDefinitions:',
    '        - Name: "wéb 🎉"',
    '          Image: nginx',
    '          privileged: true',
    '  Svc:',
    '    Type: AWS::ECS::Service',
    '    Properties:',
    '      NetworkConfiguration:',
    '        AwsVpcConfiguration:',
    '          AssignPublicIp: ENABLED   # why?',
    '',
  ].join('\n'));
  const { report, text, original } = await fixChecked(file, ['ECS.4', 'ECS.2']);
  assert.deepEqual(applied(report), ['Svc ECS.2', 'TD ECS.4']);
  assert.equal(text, original.replace('          privileged: true\n', '').replace('ENABLED   # why?', 'DISABLED   # why?'));
});

test('YAML: a template in flow style in a .yaml file (it starts with {) is edited as YAML', async () => {
  const file = tmpFile('t.yaml', '{AWSTemplateFormatVersion: "2010-09-09",\n Resources: {TD: {Type: AWS::ECS::TaskDefinition, Properties: {Family: web, ContainerDefinitions: [{Name: web, Image: nginx, Privileged: true}]}}}}\n');
  const { report, text } = await fixChecked(file, ['ECS.4']);
  assert.deepEqual(applied(report), ['TD ECS.4']);
  assert.equal(text, '{AWSTemplateFormatVersion: "2010-09-09",\n Resources: {TD: {Type: AWS::ECS::TaskDefinition, Properties: {Family: web, ContainerDefinitions: [{Name: web, Image: nginx}]}}}}\n');
});

test('YAML: a UTF-8 byte order mark and CRLF line endings are kept', async () => {
  const lines = [...HEAD, '      ContainerDefinitions:', '        - Name: web', '          Image: nginx', '          Privileged: true', '          LogConfiguration: {LogDriver: awslogs}', ''];
  const file = tmpFile('t.yaml', Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(lines.join('\r\n'))]));
  const { report } = await fixChecked(file, ['ECS.4', 'ECS.20']);
  assert.deepEqual(applied(report), ['TD ECS.20', 'TD ECS.4']);
  const bytes = readFileSync(file);
  assert.deepEqual([...bytes.subarray(0, 3)], [0xef, 0xbb, 0xbf]);
  const text = bytes.subarray(3).toString('utf8');
  assert.equal(text, lines.filter((l) => !l.includes('Privileged')).join('\r\n').replace('{LogDriver: awslogs}\r\n', '{LogDriver: awslogs}\r\n          User: "1000:1000"\r\n'));
});

test('YAML: removing a key after a |+ block scalar does not let the blank lines below join the scalar', async () => {
  const file = tmpFile('t.yaml', [
    ...HEAD,
    '      ContainerDefinitions:',
    '        - Name: web',
    '          Image: nginx',
    '          User: "1000"',
    '          ReadonlyRootFilesystem: true',
    '          LogConfiguration: {LogDriver: awslogs}',
    '          EntryPoint:',
    '            - |+',
    '              echo hi',
    '',
    '          Privileged: true',
    '',
    '      Tags: [{Key: a, Value: b}]',
    '',
  ].join('\n'));
  const { report, text, original } = await fixChecked(file, ['ECS.4']);
  assert.deepEqual(applied(report), ['TD ECS.4']);
  assert.equal(text, original.replace('          Privileged: true\n\n', ''));
  const td = scanPaths([file], { controls: ['ECS.4'], keepResources: true }).judged![0].resource.properties as { containerDefinitions: { entryPoint: string[] }[] };
  assert.deepEqual(td.containerDefinitions[0].entryPoint, ['echo hi\n\n']);
});

test('YAML: neighbouring keys removed from one flow mapping, and a first key on the dash line with the key below it', async () => {
  const flow = tmpFile('t.yaml', [
    ...HEAD,
    '      ContainerDefinitions:',
    '        - {Name: web, Image: nginx, User: "1000", ReadonlyRootFilesystem: true, LogConfiguration: {LogDriver: awslogs},',
    '           Privileged: true, Environment: [{Name: AWS_SECRET_ACCESS_KEY, Value: x}]}',
    '',
  ].join('\n'));
  const r1 = await fixChecked(flow, ['ECS.4', 'ECS.8']);
  assert.deepEqual(applied(r1.report), ['TD ECS.4', 'TD ECS.8']);
  assert.match(r1.text, /LogConfiguration: \{LogDriver: awslogs\}, Secrets: \[\{ Name: AWS_SECRET_ACCESS_KEY, ValueFrom: "arn:aws:secretsmanager:REGION:ACCOUNT_ID:secret:REPLACE_ME\/web\/AWS_SECRET_ACCESS_KEY" \}\]\}\n$/);
  const dash = tmpFile('t.yaml', [
    ...HEAD,
    '      ContainerDefinitions:',
    '        - Environment:',
    '            - Name: AWS_SECRET_ACCESS_KEY',
    '              Value: x',
    '          Privileged: true',
    '          Name: web',
    '          Image: nginx',
    '',
  ].join('\n'));
  const r2 = await fixChecked(dash, ['ECS.4', 'ECS.8']);
  assert.deepEqual(applied(r2.report), ['TD ECS.4', 'TD ECS.8']);
  assert.match(r2.text, /\n {8}-\n {10}Name: web\n {10}Image: nginx\n {10}Secrets:\n/);
});

test('YAML: Fn::If around a container, Environment: !If, and a multi-document file are refused or reported, never edited', async () => {
  const file = tmpFile('t.yaml', [
    'AWSTemplateFormatVersion: "2010-09-09"',
    'Parameters:',
    '  Side: {Type: String, Default: "yes"}',
    'Conditions:',
    '  WithSide: !Equals [!Ref Side, "yes"]',
    'Resources:',
    '  TD:',
    '    Type: AWS::ECS::TaskDefinition',
    '    Properties:',
    '      Family: web',
    '      RuntimePlatform: {OperatingSystemFamily: LINUX}',
    '      ContainerDefinitions:',
    '        - !If',
    '          - WithSide',
    '          - {Name: side, Image: envoy, User: "1000", ReadonlyRootFilesystem: true, LogConfiguration: {LogDriver: awslogs}}',
    '          - !Ref AWS::NoValue',
    '        - Name: web',
    '          Image: nginx',
    '          Privileged: true',
    '          User: "1000"',
    '          ReadonlyRootFilesystem: true',
    '          LogConfiguration: {LogDriver: awslogs}',
    '          Environment: !If [WithSide, [{Name: AWS_SECRET_ACCESS_KEY, Value: x}], []]',
    '',
  ].join('\n'));
  const { report } = await fixChecked(file, ['ECS.4', 'ECS.8']);
  assert.equal(report.changes.length, 0);
  for (const c of ['ECS.4', 'ECS.8']) assert.match(refusedReason(report, c), /ContainerDefinitions\[0\] is given through !If: .*an item before the one to change/);
  const multi = tmpFile('t.yaml', ['---', ...HEAD, '      ContainerDefinitions:', '        - Name: web', '          Image: nginx', '          Privileged: true', '---', 'Other: document', ''].join('\n'));
  const r = await fixPaths([multi], { controls: ['ECS.4'] });
  assert.equal(r.changes.length, 0);
  assert.ok(r.errors.some((e) => /multiple documents/.test(e.message)));
});

// ---------------------------------------------------------------- CloudFormation JSON

test('CloudFormation JSON: a duplicate logical ID is refused; a null list is replaced, not a crash', async () => {
  const dup = tmpFile('t.template.json', '{\n  "Resources": {\n    "TD": {"Type": "AWS::ECS::TaskDefinition", "Properties": {"Family": "a", "ContainerDefinitions": [{"Name": "web", "Image": "nginx"}]}},\n    "TD": {"Type": "AWS::ECS::TaskDefinition", "Properties": {"Family": "a", "ContainerDefinitions": [{"Name": "web", "Image": "nginx", "Privileged": true}]}}\n  }\n}\n');
  const r1 = await fixChecked(dup, ['ECS.4']);
  assert.equal(r1.report.changes.length, 0);
  assert.match(refusedReason(r1.report, 'ECS.4'), /Resources\.TD is written 2 times/);
  const nulls = tmpFile('t.template.json', JSON.stringify({ Resources: { TD: { Type: 'AWS::ECS::TaskDefinition', Properties: { Family: 'x', Volumes: null, ContainerDefinitions: [{ Name: 'web', Image: 'nginx', MountPoints: null, Environment: [{ Name: 'AWS_SECRET_ACCESS_KEY', Value: 'x' }, { Ref: 'AWS::NoValue' }] }] } } } }, null, 2));
  const r2 = await fixChecked(nulls, ['ECS.5', 'ECS.8']);
  assert.deepEqual(applied(r2.report), ['TD ECS.5', 'TD ECS.8']);
  const t = JSON.parse(r2.text);
  assert.deepEqual(t.Resources.TD.Properties.Volumes, [{ Name: 'tmp' }]);
  assert.deepEqual(t.Resources.TD.Properties.ContainerDefinitions[0].MountPoints, [{ SourceVolume: 'tmp', ContainerPath: '/tmp', ReadOnly: false }]);
});

test('CloudFormation JSON: a container written on one line in a tab-indented template stays on its line', async () => {
  const original = '{\n\t"Resources": {\n\t\t"TD": {\n\t\t\t"Type": "AWS::ECS::TaskDefinition",\n\t\t\t"Properties": {\n\t\t\t\t"Family": "web",\n\t\t\t\t"ContainerDefinitions": [\n\t\t\t\t\t{"Name": "web", "Image": "nginx", "Privileged": true, "Command": ["a", "b"]}\n\t\t\t\t]\n\t\t\t}\n\t\t}\n\t}\n}\n';
  const file = tmpFile('t.template.json', original);
  const { text } = await fixChecked(file, ['ECS.4', 'ECS.20']);
  assert.equal(text, original.replace('"Privileged": true, "Command": ["a", "b"]}', '"Command": ["a", "b"], "User": "1000:1000"}'));
});

// ---------------------------------------------------------------- task definition JSON

test('task definition JSON: a minified file stays minified; a one-line container in a pretty file is not reformatted', async () => {
  const mini = '{"family":"web","containerDefinitions":[{"name":"web","image":"nginx","privileged":true,"logConfiguration":{"logDriver":"awslogs"}}]}';
  const f1 = tmpFile('td.json', mini);
  const r1 = await fixChecked(f1, ['ECS.4', 'ECS.20']);
  assert.equal(r1.text, '{"family":"web","containerDefinitions":[{"name":"web","image":"nginx","logConfiguration":{"logDriver":"awslogs"},"user":"1000:1000"}]}');
  const pretty = '{\n  "family": "x",\n  "containerDefinitions": [\n    {"name": "web", "image": "nginx", "privileged": true, "mountPoints": []}\n  ],\n  "volumes" : []\n}';
  const f2 = tmpFile('td.json', pretty);
  const r2 = await fixChecked(f2, ['ECS.4', 'ECS.5']);
  assert.equal(r2.text, '{\n  "family": "x",\n  "containerDefinitions": [\n    {"name": "web", "image": "nginx", "mountPoints": [{"sourceVolume": "tmp", "containerPath": "/tmp", "readOnly": false}], "readonlyRootFilesystem": true}\n  ],\n  "volumes" : [\n    {\n      "name": "tmp"\n    }\n  ]\n}');
});

test('task definition JSON: null lists are replaced instead of crashing the run; a key written twice is refused', async () => {
  const nulls = tmpFile('td.json', JSON.stringify({ family: 'x', containerDefinitions: [{ name: 'web', image: 'nginx', mountPoints: null, secrets: null, environment: [{ name: 'AWS_SECRET_ACCESS_KEY', value: 'x' }, { name: 'B', value: 'y' }] }], volumes: null }, null, 2));
  const r1 = await fixChecked(nulls, ['ECS.5', 'ECS.8']);
  assert.deepEqual(applied(r1.report), ['x ECS.5', 'x ECS.8']);
  const td = JSON.parse(r1.text);
  assert.deepEqual(td.volumes, [{ name: 'tmp' }]);
  assert.deepEqual(td.containerDefinitions[0].secrets.map((s: { name: string }) => s.name), ['AWS_SECRET_ACCESS_KEY']);
  const dup = tmpFile('td.json', '{\n  "family": "x",\n  "containerDefinitions": [\n    {\n      "name": "web",\n      "image": "nginx",\n      "privileged": true,\n      "privileged": true\n    }\n  ]\n}\n');
  const r2 = await fixChecked(dup, ['ECS.4']);
  assert.equal(r2.report.changes.length, 0);
  assert.match(refusedReason(r2.report, 'ECS.4'), /written 2 times/);
});

test('task definition JSON: an array mixing describe outputs and register inputs keeps its indentation, tabs and CRLF', async () => {
  const td = (family: string) => ({ family, containerDefinitions: [{ name: 'web', image: 'nginx', privileged: true, environment: [{ name: 'GREETING', value: 'héllo 🎉' }] }] });
  const describe = (family: string, tags: { key: string; value: string }[]) => ({ taskDefinition: { ...td(family), taskDefinitionArn: `arn:aws:ecs:eu-west-1:111122223333:task-definition/${family}:3`, revision: 3, status: 'ACTIVE', compatibilities: ['EC2'] }, tags });
  const input = [describe('a', [{ key: 'aws:cloudformation:stack-name', value: 's' }]), td('b'), describe('c', [{ key: 'team', value: 'y' }, { key: 'aws:x', value: 'z' }])];
  const strip = ({ privileged: _p, ...c }: { privileged?: boolean }) => c;
  const expected = [
    { family: 'a', containerDefinitions: td('a').containerDefinitions.map(strip) },
    { family: 'b', containerDefinitions: td('b').containerDefinitions.map(strip) },
    { family: 'c', containerDefinitions: td('c').containerDefinitions.map(strip), tags: [{ key: 'team', value: 'y' }] },
  ];
  for (const [indent, eol] of [['  ', '\n'], ['\t', '\r\n'], ['    ', '\n']] as const) {
    const file = tmpFile('tds.json', JSON.stringify(input, null, indent).replace(/\n/g, eol) + eol);
    const { text } = await fixChecked(file, ['ECS.4']);
    assert.equal(text, JSON.stringify(expected, null, indent).replace(/\n/g, eol) + eol, `indent ${JSON.stringify(indent)}`);
  }
  // A minified describe output stays on one line.
  const mini = tmpFile('td.json', JSON.stringify(describe('m', [{ key: 'team', value: 'y' }])));
  const r = await fixChecked(mini, ['ECS.4']);
  assert.equal(r.text, JSON.stringify({ family: 'm', containerDefinitions: td('m').containerDefinitions.map(strip), tags: [{ key: 'team', value: 'y' }] }));
});

test('task definition JSON: a describe output with tags inside taskDefinition too keeps the tags the scan judged, once', async () => {
  const file = tmpFile('td.json', JSON.stringify({ taskDefinition: { family: 'f', containerDefinitions: [{ name: 'web', image: 'nginx', privileged: true }], tags: [{ key: 'old', value: 'x' }], revision: 2 }, tags: [{ key: 'team', value: 'a' }] }, null, 2) + '\n');
  const { text } = await fixChecked(file, ['ECS.4']);
  assert.deepEqual(JSON.parse(text), { family: 'f', containerDefinitions: [{ name: 'web', image: 'nginx' }], tags: [{ key: 'team', value: 'a' }] });
  // A file whose only CRLF is its last line end is an LF file: inserted lines use LF.
  const mixed = tmpFile('td.json', JSON.stringify({ family: 'g', containerDefinitions: [{ name: 'web', image: 'nginx' }] }, null, 2) + '\r\n');
  const r = await fixChecked(mixed, ['ECS.20']);
  assert.equal(r.text, r.original.replace('"image": "nginx"\n', '"image": "nginx",\n      "user": "1000:1000"\n'));
});

test('task definition JSON: a byte order mark or old Mac line ends do not hide the task definitions', async () => {
  const json = '{"family":"web","containerDefinitions":[{"name":"web","image":"nginx","privileged":true}]}';
  const bom = tmpFile('td.json', Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(json)]));
  const r1 = await fixChecked(bom, ['ECS.4']);
  assert.deepEqual(applied(r1.report), ['web ECS.4']);
  assert.deepEqual([...readFileSync(bom).subarray(0, 3)], [0xef, 0xbb, 0xbf]);
  assert.equal(readFileSync(bom).subarray(3).toString('utf8'), json.replace(',"privileged":true', ''));
  const cr = tmpFile('tds.json', JSON.stringify([{ family: 'a', containerDefinitions: [{ name: 'web', image: 'nginx', privileged: true }] }, { family: 'b', containerDefinitions: [{ name: 'web', image: 'nginx', privileged: true }] }], null, 2).replace(/\n/g, '\r'));
  const r2 = await fixChecked(cr, ['ECS.4']);
  assert.deepEqual(applied(r2.report), ['a ECS.4', 'b ECS.4']);
  assert.ok(!r2.text.includes('\n'), 'a LF was written into a CR file');
});

test('describe-services output: each fix is refused with what to do instead, not "could not be found"', async () => {
  const file = tmpFile('svc.json', JSON.stringify({ services: [{ serviceArn: 'arn:aws:ecs:eu-west-1:1:service/c/s', serviceName: 's', launchType: 'FARGATE', platformVersion: '1.3.0', networkConfiguration: { awsvpcConfiguration: { assignPublicIp: 'ENABLED', subnets: ['a'] } } }] }, null, 2));
  const { report } = await fixChecked(file, ['ECS.2']);
  assert.equal(report.changes.length, 0);
  assert.match(refusedReason(report, 'ECS.2'), /describe-services output .*ecsguard fix --aws/);
});

// ---------------------------------------------------------------- the safety net

function targetsOf(file: string, controls: string[]): PatchTarget[] {
  const active = activeControls({ controls }).map((a) => ({ control: a.control, params: a.params }));
  return (scanPaths([file], { controls, keepResources: true }).judged ?? []).map(({ resource }) => ({ resource, plan: planFixes(resource, active) }));
}

test('safety net: a patch that changes nothing, corrupts the file, changes another property, or throws is dropped and each fix refused', () => {
  const file = tmpFile('td.json', JSON.stringify({ family: 'web', containerDefinitions: [{ name: 'web', image: 'nginx', privileged: true }] }, null, 2));
  const controls = ['ECS.4'];
  const targets = targetsOf(file, controls);
  const active = activeControls({ controls });
  const claim = (text: string): Patcher => (_f, _t, ts) => ({ text, applied: ts.flatMap((t) => t.plan.fixes.map((f) => ({ ...f, resource: { type: t.resource.type, id: t.resource.id, name: t.resource.name, file } }))), refused: [], guidance: ['register it'] });
  const original = readFileSync(file, 'utf8');
  const cases: [string, Patcher, RegExp][] = [
    ['a silent no-op', claim(original), /containerDefinitions\[0\]\.privileged is not what the applied fixes make it/],
    ['a corrupted file', claim(original.replace('"privileged": true', '"privileged": true,,')), /input error|could not be read|no longer read/],
    ['another property changed', claim(original.replace(',\n      "privileged": true', '').replace('"nginx"', '"nginx:evil"')), /containerDefinitions\[0\]\.image/],
    ['a new input error', claim(original.replace('"privileged": true', '"privileged": false, "memory": "lots"')), /input error/],
    ['a patcher that throws', () => { throw new Error('bug'); }, /the patcher failed/],
  ];
  for (const [what, patcher, reason] of cases) {
    const out = patchFile(file, patcher, targets, active, {});
    assert.ok(!('error' in out));
    if ('error' in out) continue;
    assert.equal(out.after, out.before, `${what}: the change was kept`);
    assert.deepEqual(out.applied, [], `${what}: reported applied`);
    assert.deepEqual(out.guidance, [], `${what}: guidance kept`);
    const r = out.refused.find((x) => x.control === 'ECS.4');
    assert.ok(r, `${what}: not refused`);
    assert.match(r.reason, reason, what);
    if (what !== 'a patcher that throws') assert.match(r.reason, /the patched file did not verify: /);
  }
});
