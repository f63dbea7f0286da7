/**
 * `ecsguard fix` on files: every fixable FAILED finding of the examples becomes PASSED after the
 * fix, the other verdicts stay as they were, the files keep every byte outside the edited
 * properties, and what cannot be changed automatically is refused with a reason.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { cpSync, mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join, relative } from 'node:path';
import { diffLines } from 'diff';
import { scanPaths } from '../../src/api.js';
import { fixPaths, type FixReport } from '../../src/fix/index.js';
import { applyOps, planFixes } from '../../src/fix/plan.js';
import { toRegisterInput } from '../../src/fix/register.js';
import { activeControls } from '../../src/engine/configuration.js';
import type { Finding } from '../../src/model/index.js';

const EXAMPLES = join(import.meta.dirname, '../../examples');
const FIXTURES = join(import.meta.dirname, '../../examples/cloudformation');

/** A copy of a file or folder in a new temporary folder; returns the folder. */
function copy(src: string): string {
  const dir = mkdtempSync(join(tmpdir(), 'ecsguard-fix-'));
  cpSync(src, statSync(src).isDirectory() ? dir : join(dir, basename(src)), { recursive: true });
  return dir;
}

/** A resource's identity across the fix: a describe output loses its revision when it becomes register input. */
function key(id: string, file: string | undefined, control: string): string {
  return `${file ?? ''} ${id.replace(/:\d+$/, '')} ${control}`;
}

function verdicts(findings: Finding[]): Map<string, string> {
  return new Map(findings.map((f) => [key(f.resource.id, f.location?.file, f.control), f.status]));
}

/** Fixes `dir` in place (as --write does) and returns the report with the verdicts before and after. */
async function fixAndRescan(dir: string, controls = ['security-hub']) {
  const before = verdicts(scanPaths([dir], { controls }).findings);
  const report = await fixPaths([dir], { controls });
  for (const c of report.changes) writeFileSync(c.file, c.after);
  const after = verdicts(scanPaths([dir], { controls }).findings);
  return { before, after, report };
}

function fixedKeys(report: FixReport): Set<string> {
  return new Set(report.applied.map((a) => key(a.resource.id, a.resource.file, a.control)));
}

test('every fixable FAILED finding in examples/ passes after the fix; every other verdict is unchanged', async () => {
  const dir = copy(EXAMPLES);
  const { before, after, report } = await fixAndRescan(dir);
  const fixed = fixedKeys(report);
  assert.ok(fixed.size >= 15, `expected many fixes in the examples, got ${fixed.size}`);
  for (const key of fixed) {
    assert.equal(before.get(key), 'FAILED', `${key} was not failing before`);
    assert.equal(after.get(key), 'PASSED', `${key} is ${after.get(key)} after the fix`);
  }
  for (const [key, status] of before) {
    if (fixed.has(key)) continue;
    assert.equal(after.get(key), status, `${key} changed from ${status} to ${after.get(key)} although it was not fixed`);
  }
  // Every FAILED finding that was not fixed is accounted for: refused with a reason.
  const refused = new Set(report.refused.map((r) => key(r.resource.id, r.resource.file, r.control)));
  for (const [key, status] of after) {
    if (status === 'FAILED') assert.ok(refused.has(key), `${key} still fails and was not reported as refused`);
  }
  for (const r of report.refused) assert.ok(r.reason.length > 20, `refusal of ${r.control} without a real reason`);
});

test('a register-task-definition file: the fixed JSON equals the original with exactly the planned edits', async () => {
  for (const name of ['secrets-in-environment.json', 'efs-without-transit-encryption.json', 'monitoring-agent-privileged-host.json', 'windows-iis-container-administrator.json', 'no-runtime-platform.json', 'register-inputs-array.json']) {
    const dir = copy(join(EXAMPLES, name));
    const file = join(dir, name);
    const original = readFileSync(file, 'utf8');
    const controls = activeControls({ controls: ['security-hub'] }).map((a) => ({ control: a.control, params: a.params }));
    const resources = scanPaths([file], { controls: ['security-hub'], keepResources: true, allRevisions: true }).judged!;
    const report = await fixPaths([file], { controls: ['security-hub'] });
    assert.equal(report.changes.length, 1, `${name}: one file changed`);
    const parsed = JSON.parse(report.changes[0].after);
    const items = Array.isArray(parsed) ? parsed : [parsed];
    const originals = JSON.parse(original);
    const origItems = Array.isArray(originals) ? originals : [originals];
    items.forEach((item: unknown, i: number) => {
      const resource = resources[i].resource;
      const plan = planFixes(resource, controls);
      const expected = toRegisterInput(applyOps(origItems[i], plan.fixes.flatMap((f) => f.ops), 'REPLACE_WITH_REGION'));
      assert.deepEqual(item, JSON.parse(JSON.stringify(expected)), `${name}[${i}]: something besides the planned edits changed`);
    });
    // Textually, lines not touched by an edit are byte-identical: removed lines name an edited field.
    const parts = diffLines(original, report.changes[0].after);
    const added = new Set(parts.filter((p) => p.added).flatMap((p) => p.value.split('\n')));
    // A line that only gained the comma JSON needs before an inserted property is not a change.
    const removed = parts.filter((p) => p.removed).flatMap((p) => p.value.split('\n').filter(Boolean)).filter((l) => !added.has(`${l},`));
    for (const line of removed) assert.match(line, /privileged|pidMode|transitEncryption|user|readonlyRootFilesystem|AWS_|"name"|"value"|\]|\}|logConfiguration|mountPoints|volumes/, `${name}: unexpected removed line ${line}`);
  }
});

test('a describe-task-definition output becomes register input: unwrapped, describe-only fields and aws: tags removed, other lines kept', async () => {
  const dir = copy(join(EXAMPLES, 'batch-job-root-user.json'));
  const file = join(dir, 'batch-job-root-user.json');
  const report = await fixPaths([file], { controls: ['security-hub'] });
  const out = JSON.parse(report.changes[0].after);
  for (const k of ['taskDefinition', 'taskDefinitionArn', 'revision', 'status', 'requiresAttributes', 'compatibilities', 'registeredAt', 'registeredBy']) assert.equal(k in out, false, `${k} left in register input`);
  assert.equal(out.family, 'nightly-ledger-reconcile');
  assert.equal(out.taskRoleArn, 'arn:aws:iam::111122223333:role/ledger-reconcile-StackTaskRole-1N8ZQ4XK2L7PA');
  assert.deepEqual(out.volumes, [{ name: 'work', host: {} }]);
  assert.equal(out.containerDefinitions[0].user, '1000:1000');
  assert.equal(out.tags, undefined, 'the only tags were aws: tags, which RegisterTaskDefinition rejects');
  assert.ok(report.guidance.some((g) => g.includes('aws:cloudformation:stack-name')));
  // Each original line inside taskDefinition survives, shifted one level left.
  const original = readFileSync(file, 'utf8').split('\n');
  const after = report.changes[0].after.split('\n');
  const kept = original.filter((l) => l.startsWith('        "image"') || l.startsWith('    "networkMode"'));
  for (const l of kept) assert.ok(after.includes(l.slice(2)), `line not kept: ${l}`);
});

test('CloudFormation YAML: the exact minimal diff, comments and quoting kept, and the fixed template scans clean', async () => {
  const dir = copy(join(FIXTURES, 'orders-api.yaml'));
  const file = join(dir, 'orders-api.yaml');
  const original = readFileSync(file, 'utf8');
  const { before, after, report } = await fixAndRescan(file);
  const text = readFileSync(file, 'utf8');
  const parts = diffLines(original, text);
  const removed = parts.filter((p) => p.removed).map((p) => p.value).join('');
  assert.equal(removed, [
    '      PidMode: host   # copied from the old EC2 setup\n',
    '            TransitEncryption: DISABLED\n',
    '          Privileged: true\n',
    '            - Name: AWS_SECRET_ACCESS_KEY   # TODO: move to Secrets Manager\n',
    '              Value: wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY\n',
    '          AssignPublicIp: ENABLED\n',
  ].join(''));
  assert.ok(!text.includes('wJalrXUtnFEMI'), 'the secret value was copied');
  assert.ok(report.guidance.some((g) => g.startsWith('Redeploy: update the stack from')), 'the redeploy step is said');
  assert.match(text, /\n {12}TransitEncryption: ENABLED\n {8}- Name: tmp\n/);
  assert.match(text, /\n {10}User: "1000:1000"\n/, 'the user is quoted (YAML 1.1 reads 1000:1000 as a number)');
  assert.match(text, /awslogs-region: !Ref AWS::Region\n {14}awslogs-stream-prefix: ecs\n/);
  assert.match(text, /# Orders API: a Linux Fargate service/);
  for (const key of fixedKeys(report)) assert.equal(after.get(key), 'PASSED', key);
  for (const [key, status] of before) if (!fixedKeys(report).has(key)) assert.equal(after.get(key), status, key);
  // ECS.20 and ECS.21 both fail without an operating system family: one user, set once.
  assert.equal(text.match(/User: /g)?.length, 2);
});

test('CloudFormation: a property given through an intrinsic is refused with the parameter to change', async () => {
  const dir = copy(join(EXAMPLES, 'cloudformation', 'windows-iis-service.yaml'));
  const report = await fixPaths([dir], { controls: ['ECS.21'] });
  assert.equal(report.changes.length, 0);
  const r = report.refused.find((x) => x.control === 'ECS.21');
  assert.ok(r);
  assert.match(r.reason, /Ref to parameter ContainerUser \(Default "ContainerAdministrator"\)/);
});

test('CloudFormation JSON: edited with the file\'s indentation; cdk.out templates are not edited and name the construct to change', async () => {
  const dir = copy(join(EXAMPLES, 'cdk.out'));
  const before = new Map<string, string>();
  for (const f of ['OrdersStack.template.json']) before.set(f, readFileSync(join(dir, f), 'utf8'));
  const report = await fixPaths([dir], { controls: ['security-hub'] });
  assert.equal(report.changes.length, 0, 'cdk.out is generated and never edited');
  assert.ok(report.guidance.some((g) => /in the CDK app, construct \S+\/\S+/.test(g)), report.guidance.join('\n'));

  const cfn = mkdtempSync(join(tmpdir(), 'ecsguard-fix-'));
  const tpl = {
    AWSTemplateFormatVersion: '2010-09-09',
    Resources: {
      Api: { Type: 'AWS::ECS::TaskDefinition', Properties: { Family: 'api', RuntimePlatform: { OperatingSystemFamily: 'LINUX' }, ContainerDefinitions: [{ Name: 'api', Image: 'nginx:1.27', Privileged: true, LogConfiguration: { LogDriver: 'awslogs' } }] } },
    },
  };
  const file = join(cfn, 'api.template.json');
  const original = JSON.stringify(tpl, null, 4) + '\n';
  writeFileSync(file, original);
  const { after, report: r2 } = await fixAndRescan(file);
  for (const key of fixedKeys(r2)) assert.equal(after.get(key), 'PASSED', key);
  const text = readFileSync(file, 'utf8');
  assert.match(text, /\n {24}"User": "1000:1000"\n {20}\}/, "four-space indentation kept");
  assert.equal(text.includes('"Privileged"'), false);
  assert.equal(relative(cfn, file), 'api.template.json');
});

test('fix settings: linuxUser, windowsUser and the log group prefix are used', async () => {
  const dir = copy(join(EXAMPLES, 'windows-iis-container-administrator.json'));
  const report = await fixPaths([dir], { controls: ['ECS.21'], fix: { windowsUser: 'IIS_APP' } });
  assert.match(report.changes[0].after, /"user": "IIS_APP"/);
  const d2 = copy(join(EXAMPLES, 'batch-job-root-user.json'));
  const r2 = await fixPaths([d2], { controls: ['ECS.20'], fix: { linuxUser: '65534:65534' } });
  assert.match(r2.changes[0].after, /"user": "65534:65534"/);
});

test('ECS.17 (host network mode) is never changed, and says why', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'ecsguard-fix-'));
  const file = join(dir, 'agent.json');
  writeFileSync(file, JSON.stringify({ family: 'agent', networkMode: 'host', containerDefinitions: [{ name: 'agent', image: 'datadog/agent:7', user: '1000', readonlyRootFilesystem: true, logConfiguration: { logDriver: 'awslogs' } }] }, null, 2));
  const report = await fixPaths([file], { controls: ['ECS.17'] });
  assert.equal(report.changes.length, 0);
  assert.match(report.refused[0].reason, /redesign/);
});

test('CloudFormation YAML with CRLF line endings: inserted and removed lines keep CRLF', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'ecsguard-fix-'));
  const file = join(dir, 'orders-api.yaml');
  const lf = readFileSync(join(FIXTURES, 'orders-api.yaml'), 'utf8');
  writeFileSync(file, lf.replace(/\n/g, '\r\n'));
  const { after, report } = await fixAndRescan(file);
  const text = readFileSync(file, 'utf8');
  assert.equal(/[^\r]\n/.test(text), false, 'a bare LF was written');
  assert.equal(/\r[^\n]/.test(text), false, 'a bare CR was written');
  // The same edits as with LF endings.
  const lfDir = copy(join(FIXTURES, 'orders-api.yaml'));
  const lfReport = await fixPaths([join(lfDir, 'orders-api.yaml')], { controls: ['security-hub'] });
  assert.equal(text, lfReport.changes[0].after.replace(/\n/g, '\r\n'));
  for (const key of fixedKeys(report)) assert.equal(after.get(key), 'PASSED', key);
});

test('CloudFormation YAML in flow style: keys added inside the braces, items inside the brackets', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'ecsguard-fix-'));
  const file = join(dir, 'flow.yaml');
  const original = [
    'Resources:',
    '  Web:',
    '    Type: AWS::ECS::TaskDefinition',
    '    Properties:',
    '      Family: web',
    '      RuntimePlatform: {OperatingSystemFamily: LINUX}',
    '      Volumes: []',
    '      ContainerDefinitions: [{Name: web, Image: "nginx:1.27", Privileged: true, LogConfiguration: {LogDriver: awslogs}}]',
    '',
  ].join('\n');
  writeFileSync(file, original);
  const { after, report } = await fixAndRescan(file);
  const text = readFileSync(file, 'utf8');
  assert.equal(text.split('\n').slice(0, 5).join('\n'), original.split('\n').slice(0, 5).join('\n'));
  assert.match(text, /Volumes: \[\{ Name: tmp \}\]/);
  assert.match(text, /ContainerDefinitions: \[\{Name: web, Image: "nginx:1\.27", LogConfiguration: \{LogDriver: awslogs\}, ReadonlyRootFilesystem: true, MountPoints: \[\{ SourceVolume: tmp, ContainerPath: \/tmp, ReadOnly: false \}\], User: "1000:1000"\}\]/);
  assert.ok(report.applied.length >= 3);
  for (const key of fixedKeys(report)) assert.equal(after.get(key), 'PASSED', key);
});

test('no operating system family: a container naming ContainerAdministrator gets the Windows user, one with no user the Linux user', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'ecsguard-fix-'));
  const file = join(dir, 'mixed.json');
  writeFileSync(file, JSON.stringify({ family: 'legacy-iis', containerDefinitions: [
    { name: 'iis', image: 'mcr.microsoft.com/windows/servercore/iis:ltsc2022', user: 'ContainerAdministrator' },
    { name: 'agent', image: 'busybox:1.36' },
  ] }, null, 2) + '\n');
  const report = await fixPaths([file], { controls: ['ECS.20', 'ECS.21'] });
  const out = JSON.parse(report.changes[0].after);
  assert.equal(out.containerDefinitions[0].user, 'ContainerUser');
  assert.equal(out.containerDefinitions[1].user, '1000:1000');
  assert.ok(report.applied.some((a) => a.changes.some((c) => c.includes('it named a Windows account'))));
});

test('a suppressed finding is an accepted exception: fix leaves it alone and says so', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'ecsguard-fix-'));
  const file = join(dir, 'agent.json');
  writeFileSync(file, JSON.stringify({
    family: 'agent',
    runtimePlatform: { operatingSystemFamily: 'LINUX' },
    containerDefinitions: [{ name: 'agent', image: 'datadog/agent:7', user: '0', privileged: true, readonlyRootFilesystem: true, logConfiguration: { logDriver: 'awslogs' } }],
    ecsguard: { suppress: [{ control: 'ECS.20', reason: 'the agent reads host metrics as root' }] },
  }, null, 2) + '\n');
  const report = await fixPaths([file], { controls: ['ECS.4', 'ECS.20'] });
  const out = JSON.parse(report.changes[0].after);
  assert.equal(out.containerDefinitions[0].user, '0', 'the suppressed ECS.20 is not changed');
  assert.equal(out.containerDefinitions[0].privileged, undefined, 'ECS.4 is fixed');
  const r = report.refused.find((x) => x.control === 'ECS.20');
  assert.match(r?.reason ?? '', /^suppressed \(inline: the agent reads host metrics as root\): not changed/);
  assert.ok(report.guidance.some((g) => g.startsWith('agent: removed the ecsguard key (its suppressions)') && g.includes('.ecsguard.yml')), report.guidance.join('\n'));
});

test('ECS.9 in task definition JSON: awslogs-region from --region, else the ARN, else the region the other containers log to, else a placeholder', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'ecsguard-fix-'));
  const file = join(dir, 'api.json');
  const write = (containers: unknown[]) => writeFileSync(file, JSON.stringify({ family: 'api', runtimePlatform: { operatingSystemFamily: 'LINUX' }, containerDefinitions: containers }, null, 2) + '\n');
  const logged = (region: string) => ({ name: 'app', image: 'nginx:1.27', user: '101', readonlyRootFilesystem: true, logConfiguration: { logDriver: 'awslogs', options: { 'awslogs-group': '/ecs/api', 'awslogs-region': region, 'awslogs-stream-prefix': 'app' } } });
  const sidecar = { name: 'otel', image: 'otel/collector:0.98', user: '10001', readonlyRootFilesystem: true };
  const regionOf = async (options: { region?: string }) => {
    const r = await fixPaths([file], { controls: ['ECS.9'], ...options });
    return JSON.parse(r.changes[0].after).containerDefinitions[1].logConfiguration.options['awslogs-region'];
  };
  write([logged('eu-west-1'), sidecar]);
  assert.equal(await regionOf({}), 'eu-west-1');
  assert.equal(await regionOf({ region: 'us-east-2' }), 'us-east-2', '--region wins');
  write([logged('eu-west-1'), sidecar, logged('us-east-1')].map((c, i) => (i === 2 ? { ...c, name: 'other' } : c)));
  assert.equal(await regionOf({}), 'REPLACE_WITH_REGION', 'two regions named: no guess');
});
