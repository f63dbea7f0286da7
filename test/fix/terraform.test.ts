/**
 * The Terraform patcher (src/fix/terraform.ts): each op kind on literals, JSON files read with
 * file(), module inputs and guidance, refusals; every case scans, plans, patches, writes the
 * result to a fresh folder (the Terraform reader caches parsed folders) and scans again.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { cpSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative, resolve } from 'node:path';
import { diffLines } from 'diff';
import { scanPaths } from '../../src/api.js';
import type { ScanResult } from '../../src/engine/scan.js';
import { activeControls } from '../../src/engine/configuration.js';
import { planFixes } from '../../src/fix/plan.js';
import type { PatchTarget } from '../../src/fix/types.js';
import { patchTerraform, patchTerraformFiles, type TerraformPatchOutcome } from '../../src/fix/terraform.js';

const FIX = join('test', 'fixtures', 'fix-terraform');

function tempDir(): string {
  return mkdtempSync(join(tmpdir(), 'ecsguard-fix-tf-'));
}

/** A copy of a fixture folder in a new temporary folder. */
function copyOf(src: string): string {
  const d = tempDir();
  cpSync(src, d, { recursive: true });
  return d;
}

/** A temporary folder with the given files. */
function folderWith(files: Record<string, string>): string {
  const d = tempDir();
  for (const [name, text] of Object.entries(files)) {
    mkdirSync(dirname(join(d, name)), { recursive: true });
    writeFileSync(join(d, name), text);
  }
  return d;
}

function scan(dir: string, controls?: string[]): ScanResult {
  return scanPaths([dir], { keepResources: true, ...(controls ? { controls } : {}) });
}

function targetsOf(result: ScanResult, controls?: string[]): PatchTarget[] {
  const active = activeControls(controls ? { controls } : {}).map((a) => ({ control: a.control, params: a.params }));
  return (result.judged ?? []).map((j) => ({ resource: j.resource, plan: planFixes(j.resource, active) }));
}

/** The changed files written over a copy of `dir` in a new folder, scanned. */
function rescan(dir: string, files: TerraformPatchOutcome['files'], controls?: string[]): ScanResult {
  const d = copyOf(dir);
  for (const [path, change] of files) writeFileSync(join(d, relative(dir, resolve(path))), change.after);
  return scan(d, controls);
}

const verdicts = (r: ScanResult) => new Map(r.findings.map((f) => [`${f.resource.id} ${f.control}`, f.status]));

/** Lines removed and added between two texts. */
function lineChanges(before: string, after: string): { removed: string[]; added: string[] } {
  const removed: string[] = [];
  const added: string[] = [];
  for (const d of diffLines(before, after)) {
    const lines = d.value.split('\n');
    if (lines[lines.length - 1] === '') lines.pop();
    if (d.added) added.push(...lines);
    else if (d.removed) removed.push(...lines);
  }
  return { removed, added };
}

/** The whole pipeline on a copy of a fixture folder. */
function fixAll(src: string, options: { controls?: string[]; region?: string } = {}) {
  const dir = copyOf(src);
  const before = scan(dir, options.controls);
  assert.deepEqual(before.errors, []);
  const targets = targetsOf(before, options.controls);
  const out = patchTerraformFiles(targets, { region: options.region });
  const after = rescan(dir, out.files, options.controls);
  assert.deepEqual(after.errors, [], 'the patched configuration reads without errors');
  return { dir, before, targets, out, after, file: (name: string) => [...out.files].find(([p]) => resolve(p) === resolve(dir, name))?.[1] };
}

/** Asserts the applied fixes pass afterwards and every other verdict is unchanged (except `sideEffects`). */
function assertVerdicts(run: ReturnType<typeof fixAll>, sideEffects: string[] = []): void {
  const b = verdicts(run.before);
  const a = verdicts(run.after);
  const fixed = new Set(run.out.applied.map((f) => `${f.resource.id} ${f.control}`));
  for (const k of fixed) assert.equal(a.get(k), 'PASSED', `${k} passes after the fix`);
  for (const [k, v] of b) if (!fixed.has(k) && !sideEffects.includes(k)) assert.equal(a.get(k), v, `${k} is unchanged`);
  assert.equal(a.size, b.size, 'the same findings');
}

describe('Terraform patcher: every op kind on literals (fixture ops)', () => {
  const run = fixAll(join(FIX, 'ops'), { region: 'eu-west-1' });
  const tf = run.file('main.tf')!;
  const json = run.file('containers.json')!;

  it('applies every planned fix and refuses none', () => {
    assert.deepEqual(run.out.refused, []);
    assert.deepEqual(run.out.guidance, []);
    const applied = run.out.applied.map((f) => `${f.resource.id} ${f.control}`).sort();
    assert.deepEqual(applied, [
      'aws_ecs_cluster.off ECS.12',
      'aws_ecs_cluster.plain ECS.12',
      'aws_ecs_service.web ECS.10',
      'aws_ecs_service.web ECS.2',
      'aws_ecs_task_definition.from_file ECS.20',
      'aws_ecs_task_definition.from_file ECS.4',
      'aws_ecs_task_definition.from_file ECS.5',
      'aws_ecs_task_definition.from_file ECS.9',
      'aws_ecs_task_definition.web ECS.18',
      'aws_ecs_task_definition.web ECS.20',
      'aws_ecs_task_definition.web ECS.3',
      'aws_ecs_task_definition.web ECS.4',
      'aws_ecs_task_definition.web ECS.5',
      'aws_ecs_task_definition.web ECS.8',
      'aws_ecs_task_definition.web ECS.9',
    ]);
  });

  it('the fixed controls pass after a new scan; the others keep their verdicts', () => {
    // ECSG.5 (credentials in plain text) passes too: ECS.8 moved the variable out of environment.
    assertVerdicts(run, ['aws_ecs_task_definition.web ECSG.5']);
  });

  it('removes only the lines of the deleted and replaced values', () => {
    assert.deepEqual(lineChanges(tf.before, tf.after).removed, [
      '  pid_mode = "host"',
      '      privileged = true',
      '      user       = "root"',
      '        { name = "AWS_SECRET_ACCESS_KEY", value = "placeholder" },',
      '    { name = "sidecar", image = "busybox:1.36", essential = false, user = "nobody" }',
      '      transit_encryption = "DISABLED"',
      '  platform_version = "1.3.0"',
      '    assign_public_ip = true',
      '    value = "disabled"',
    ]);
  });

  it('keeps the text before the first edit byte for byte (non-ASCII comment included)', () => {
    const firstLine = tf.before.split('\n')[0];
    assert.match(firstLine, /Café ☕/);
    assert.ok(tf.after.startsWith(tf.before.slice(0, tf.before.indexOf('  pid_mode'))));
  });

  it('set on an existing container field replaces the value only (alignment kept)', () => {
    assert.match(tf.after, /\n {6}user {7}= "1000:1000"\n/);
  });

  it('set of an absent field in a multi-line object: a new line after the last attribute, with the siblings\' indentation', () => {
    assert.match(tf.after, /\n {6}readonlyRootFilesystem = true\n/);
    assert.match(tf.after, /\n {6}\]\n {6}readonlyRootFilesystem = true\n/, 'after the last attribute (environment)');
  });

  it('set and append in a one-line object: `, key = value` before the closing brace', () => {
    assert.match(tf.after, /\{ name = "sidecar", image = "busybox:1.36", essential = false, user = "nobody", readonlyRootFilesystem = true, mountPoints = \[\{ sourceVolume = "tmp", containerPath = "\/tmp", readOnly = false \}\], logConfiguration = \{ logDriver = "awslogs", options = \{ "awslogs-group" = "\/ecs\/web", "awslogs-region" = "eu-west-1", "awslogs-stream-prefix" = "ecs" \} \} \}/);
  });

  it('objects with several keys are multi-line, one level deeper, keys that are not identifiers quoted', () => {
    assert.ok(tf.after.includes([
      '      logConfiguration = {',
      '        logDriver = "awslogs"',
      '        options = {',
      '          "awslogs-group"         = "/ecs/web"',
      '          "awslogs-region"        = "eu-west-1"',
      '          "awslogs-stream-prefix" = "ecs"',
      '        }',
      '      }',
    ].join('\n')));
  });

  it('ECS.8: the environment entry is deleted and a secrets list added', () => {
    assert.ok(tf.after.includes('        { name = "LOG_LEVEL", value = "info" },\n      ]'));
    assert.ok(tf.after.includes([
      '      secrets = [',
      '        {',
      '          name      = "AWS_SECRET_ACCESS_KEY"',
      '          valueFrom = "arn:aws:secretsmanager:REGION:ACCOUNT_ID:secret:REPLACE_ME/web/AWS_SECRET_ACCESS_KEY"',
      '        }',
      '      ]',
    ].join('\n')));
  });

  it('pidMode delete removes the pid_mode line; volumes append adds a volume block after the last one', () => {
    assert.ok(!/pid_mode/.test(tf.after));
    assert.ok(tf.after.includes('      transit_encryption = "ENABLED"\n    }\n  }\n\n  volume {\n    name = "tmp"\n  }\n}\n'));
  });

  it('service: assign_public_ip = false (a boolean), platform_version = "LATEST"', () => {
    assert.ok(tf.after.includes('    assign_public_ip = false\n'));
    assert.ok(tf.after.includes('  platform_version = "LATEST"\n'));
  });

  it('cluster: a setting block appended (aligned), or the value of the existing one set', () => {
    assert.ok(tf.after.includes('resource "aws_ecs_cluster" "plain" {\n  name = "plain"\n\n  setting {\n    name  = "containerInsights"\n    value = "enabled"\n  }\n}\n'));
    assert.ok(tf.after.includes('    name  = "containerInsights"\n    value = "enabled"\n  }\n}\n\nresource "aws_ecs_task_definition" "from_file"'));
  });

  it('file("${path.module}/containers.json"): the JSON file is edited in its own formatting (4 spaces)', () => {
    assert.ok(json, 'containers.json is changed');
    assert.deepEqual(JSON.parse(json.after)[0], {
      name: 'file-app',
      image: 'busybox:1.36',
      user: '1000:1000',
      mountPoints: [{ sourceVolume: 'tmp', containerPath: '/tmp', readOnly: false }],
      readonlyRootFilesystem: true,
      logConfiguration: { logDriver: 'awslogs', options: { 'awslogs-group': '/ecs/from-file', 'awslogs-region': 'eu-west-1', 'awslogs-stream-prefix': 'ecs' } },
    });
    assert.ok(json.after.includes('\n        "user": "1000:1000",\n'));
    assert.ok(json.after.includes('\n        "mountPoints": [\n            {\n                "sourceVolume": "tmp",'));
    assert.deepEqual(lineChanges(json.before, json.after).removed, ['        "user": "0",', '        "privileged": true,', '        "mountPoints": []']);
  });
});

describe('Terraform patcher: the region', () => {
  it('without a region, awslogs-region is a placeholder and the fix says to set it', () => {
    const run = fixAll(join(FIX, 'ops'), { controls: ['ECS.9'] });
    const tf = run.file('main.tf')!;
    assert.ok(tf.after.includes('"awslogs-region"        = "REPLACE_WITH_REGION"'));
    for (const f of run.out.applied) assert.ok(f.todo.includes("set awslogs-region to the task's region"), `${f.resource.id}: todo`);
    assert.ok(run.file('containers.json')!.after.includes('"awslogs-region": "REPLACE_WITH_REGION"'));
    assertVerdicts(run);
  });
  it('with a region, no todo about it', () => {
    const run = fixAll(join(FIX, 'ops'), { controls: ['ECS.9'], region: 'eu-central-1' });
    assert.ok(run.file('main.tf')!.after.includes('"awslogs-region"        = "eu-central-1"'));
    for (const f of run.out.applied) assert.ok(!f.todo.some((t) => /awslogs-region/.test(t)));
  });
});

describe('Terraform patcher: exact output of single edits', () => {
  /** Scans `text` as main.tf with only `controls`, patches it with patchTerraform, returns the new text. */
  function patchOne(text: string, controls: string[], files: Record<string, string> = {}) {
    const dir = folderWith({ 'main.tf': text, ...files });
    const before = scan(dir, controls);
    assert.deepEqual(before.errors, []);
    const targets = targetsOf(before, controls);
    const file = targets[0].resource.origin.kind === 'file' ? targets[0].resource.origin.file : '';
    const out = patchTerraform(file, readFileSync(file, 'utf8'), targets, {});
    const after = rescan(dir, new Map([[file, { before: text, after: out.text }]]), controls);
    assert.deepEqual(after.errors, []);
    return { out, before, after };
  }

  it('a one-line object after non-ASCII text (UTF-16 offsets, not bytes): `, user = ...` before the brace', () => {
    const text = '# café 😀 ünïcödé\nresource "aws_ecs_task_definition" "t" {\n  family = "t" # ☕\n  container_definitions = jsonencode([{ name = "a", image = "b" }])\n}\n';
    const { out, after } = patchOne(text, ['ECS.20']);
    assert.equal(out.text, '# café 😀 ünïcödé\nresource "aws_ecs_task_definition" "t" {\n  family = "t" # ☕\n  container_definitions = jsonencode([{ name = "a", image = "b", user = "1000:1000" }])\n}\n');
    assert.equal(verdicts(after).get('aws_ecs_task_definition.t ECS.20'), 'PASSED');
  });

  it('CRLF line ends and tab indentation are kept', () => {
    const text = 'resource "aws_ecs_task_definition" "t" {\r\n\tfamily = "t"\r\n\tcontainer_definitions = jsonencode([\r\n\t\t{\r\n\t\t\tname  = "a"\r\n\t\t\timage = "b"\r\n\t\t}\r\n\t])\r\n}\r\n';
    const { out, after } = patchOne(text, ['ECS.20']);
    assert.equal(out.text, 'resource "aws_ecs_task_definition" "t" {\r\n\tfamily = "t"\r\n\tcontainer_definitions = jsonencode([\r\n\t\t{\r\n\t\t\tname  = "a"\r\n\t\t\timage = "b"\r\n\t\t\tuser  = "1000:1000"\r\n\t\t}\r\n\t])\r\n}\r\n');
    assert.equal(verdicts(after).get('aws_ecs_task_definition.t ECS.20'), 'PASSED');
  });

  it('a comment after the last attribute stays on its line', () => {
    const text = 'resource "aws_ecs_task_definition" "t" {\n  family = "t"\n  container_definitions = jsonencode([\n    {\n      name  = "a"\n      image = "b" # pinned later\n    }\n  ])\n}\n';
    const { out } = patchOne(text, ['ECS.20']);
    assert.equal(out.text, 'resource "aws_ecs_task_definition" "t" {\n  family = "t"\n  container_definitions = jsonencode([\n    {\n      name  = "a"\n      image = "b" # pinned later\n      user  = "1000:1000"\n    }\n  ])\n}\n');
  });

  it('delete of the last attribute and an insertion after it do not collide', () => {
    const text = 'resource "aws_ecs_task_definition" "t" {\n  family = "t"\n  container_definitions = jsonencode([\n    {\n      name       = "a"\n      image      = "b"\n      privileged = true\n    }\n  ])\n}\n';
    const { out, after } = patchOne(text, ['ECS.4', 'ECS.20']);
    assert.equal(out.applied.length, 2);
    assert.equal(out.text, 'resource "aws_ecs_task_definition" "t" {\n  family = "t"\n  container_definitions = jsonencode([\n    {\n      name       = "a"\n      image      = "b"\n      user       = "1000:1000"\n    }\n  ])\n}\n');
    assert.equal(verdicts(after).get('aws_ecs_task_definition.t ECS.4'), 'PASSED');
  });

  it('efs_volume_configuration without transit_encryption: the attribute is added after the last one', () => {
    const text = 'resource "aws_ecs_task_definition" "t" {\n  family                = "t"\n  container_definitions = jsonencode([{ name = "a", image = "b", user = "1000", readonlyRootFilesystem = true }])\n  volume {\n    name = "efs"\n    efs_volume_configuration {\n      file_system_id = "fs-0123456789abcdef0"\n    }\n  }\n}\n';
    const { out, after } = patchOne(text, ['ECS.18']);
    assert.equal(out.text, text.replace('"fs-0123456789abcdef0"\n', '"fs-0123456789abcdef0"\n      transit_encryption = "ENABLED"\n'));
    assert.equal(verdicts(after).get('aws_ecs_task_definition.t ECS.18'), 'PASSED');
  });

  it('ECS.5 on a resource without volumes: the block goes before the closing brace of the resource', () => {
    const text = 'resource "aws_ecs_task_definition" "t" {\n  family                = "t"\n  container_definitions = jsonencode([{ name = "a", image = "b", user = "1000" }])\n}\n';
    const { out, after } = patchOne(text, ['ECS.5']);
    assert.equal(out.text, 'resource "aws_ecs_task_definition" "t" {\n  family                = "t"\n  container_definitions = jsonencode([{ name = "a", image = "b", user = "1000", readonlyRootFilesystem = true, mountPoints = [{ sourceVolume = "tmp", containerPath = "/tmp", readOnly = false }] }])\n\n  volume {\n    name = "tmp"\n  }\n}\n');
    assert.equal(verdicts(after).get('aws_ecs_task_definition.t ECS.5'), 'PASSED');
  });

  it('a list item is appended to an existing multi-line list', () => {
    const text = 'resource "aws_ecs_task_definition" "t" {\n  family = "t"\n  container_definitions = jsonencode([\n    {\n      name        = "a"\n      image       = "b"\n      user        = "1000"\n      environment = [{ name = "AWS_ACCESS_KEY_ID", value = "x" }]\n      secrets = [\n        { name = "DB", valueFrom = "arn:aws:ssm:eu-west-1:111122223333:parameter/db" }\n      ]\n    }\n  ])\n}\n';
    const { out, after } = patchOne(text, ['ECS.8']);
    assert.equal(out.text, 'resource "aws_ecs_task_definition" "t" {\n  family = "t"\n  container_definitions = jsonencode([\n    {\n      name        = "a"\n      image       = "b"\n      user        = "1000"\n      secrets = [\n        { name = "DB", valueFrom = "arn:aws:ssm:eu-west-1:111122223333:parameter/db" },\n        {\n          name      = "AWS_ACCESS_KEY_ID"\n          valueFrom = "arn:aws:secretsmanager:REGION:ACCOUNT_ID:secret:REPLACE_ME/t/AWS_ACCESS_KEY_ID"\n        }\n      ]\n    }\n  ])\n}\n');
    assert.equal(verdicts(after).get('aws_ecs_task_definition.t ECS.8'), 'PASSED');
  });

  it('count: one edit for all instances of a literal block', () => {
    const text = 'resource "aws_ecs_task_definition" "t" {\n  count                 = 2\n  family                = "t-${count.index}"\n  container_definitions = jsonencode([{ name = "a", image = "b", user = "root" }])\n}\n';
    const { out, after } = patchOne(text, ['ECS.20']);
    assert.deepEqual(out.applied.map((f) => f.resource.id), ['aws_ecs_task_definition.t[0]', 'aws_ecs_task_definition.t[1]']);
    assert.equal(out.text, text.replace('user = "root"', 'user = "1000:1000"'));
    assert.equal(verdicts(after).get('aws_ecs_task_definition.t[1] ECS.20'), 'PASSED');
  });

  it('two appends to one absent list in one fix give one list (no duplicate key)', () => {
    const text = 'resource "aws_ecs_task_definition" "t" {\n  family = "t"\n  container_definitions = jsonencode([\n    {\n      name  = "a"\n      image = "b"\n      user  = "1000"\n      environment = [\n        { name = "AWS_ACCESS_KEY_ID", value = "x" },\n        { name = "AWS_SECRET_ACCESS_KEY", value = "y" },\n      ]\n    }\n  ])\n}\n';
    const { out, after } = patchOne(text, ['ECS.8']);
    assert.equal(out.text, 'resource "aws_ecs_task_definition" "t" {\n  family = "t"\n  container_definitions = jsonencode([\n    {\n      name  = "a"\n      image = "b"\n      user  = "1000"\n      secrets = [\n        {\n          name      = "AWS_ACCESS_KEY_ID"\n          valueFrom = "arn:aws:secretsmanager:REGION:ACCOUNT_ID:secret:REPLACE_ME/t/AWS_ACCESS_KEY_ID"\n        },\n        {\n          name      = "AWS_SECRET_ACCESS_KEY"\n          valueFrom = "arn:aws:secretsmanager:REGION:ACCOUNT_ID:secret:REPLACE_ME/t/AWS_SECRET_ACCESS_KEY"\n        }\n      ]\n    }\n  ])\n}\n');
    assert.equal(verdicts(after).get('aws_ecs_task_definition.t ECS.8'), 'PASSED');
  });

  it('two fixes adding one key with different values: the second is refused', () => {
    const text = 'resource "aws_ecs_task_definition" "t" {\n  family = "t"\n  container_definitions = jsonencode([{ name = "a", image = "b" }])\n}\n';
    const dir = folderWith({ 'main.tf': text });
    const targets = targetsOf(scan(dir, ['ECS.20']), ['ECS.20']);
    const fix = targets[0].plan.fixes[0];
    targets[0].plan.fixes.push({ ...fix, control: 'ECS.21', ops: [{ op: 'set', path: 'containerDefinitions[0].user', value: 'ContainerUser' }] });
    const file = (targets[0].resource.origin as { file: string }).file;
    const out = patchTerraform(file, text, targets, {});
    assert.deepEqual(out.applied.map((f) => f.control), ['ECS.20']);
    assert.match(out.refused[0].reason, /another fix already adds user/);
    assert.equal(out.text, text.replace('image = "b" }', 'image = "b", user = "1000:1000" }'));
  });

  it('a quoted JSON string is refused: convert it to jsonencode', () => {
    const text = 'resource "aws_ecs_task_definition" "q" {\n  family                = "q"\n  container_definitions = "[{\\"name\\": \\"q\\", \\"image\\": \\"busybox\\", \\"user\\": \\"0\\"}]"\n}\n';
    const { out } = patchOne(text, ['ECS.20']);
    assert.equal(out.text, text);
    assert.equal(out.refused[0].reason, 'container_definitions is a JSON string: convert it to jsonencode([...]) to allow automatic fixes');
  });

  it('patchTerraform (one file) refuses a fix that needs the JSON file read with file()', () => {
    const dir = copyOf(join(FIX, 'ops'));
    const targets = targetsOf(scan(dir, ['ECS.20']), ['ECS.20']);
    const file = (targets[0].resource.origin as { file: string }).file;
    const text = readFileSync(file, 'utf8');
    const out = patchTerraform(file, text, targets, {});
    assert.deepEqual(out.applied.map((f) => f.resource.id), ['aws_ecs_task_definition.web']);
    assert.equal(out.refused.length, 1);
    assert.match(out.refused[0].reason, /^the fix edits .*containers\.json, not .*main\.tf: patch the files together \(patchTerraformFiles\)/);
    assert.deepEqual(lineChanges(text, out.text).removed, ['      user       = "root"']);
  });

  it('a string with characters HCL would interpolate is escaped', () => {
    const text = 'resource "aws_ecs_task_definition" "t" {\n  family = "t"\n  container_definitions = jsonencode([{ name = "a", image = "b" }])\n}\n';
    const dir = folderWith({ 'main.tf': text });
    const before = scan(dir, ['ECS.20']);
    const targets = targetsOf(before, ['ECS.20']);
    targets[0].plan.fixes[0].ops = [{ op: 'set', path: 'containerDefinitions[0].user', value: '${x}"\\' }];
    const file = (targets[0].resource.origin as { file: string }).file;
    const out = patchTerraform(file, text, targets, {});
    assert.ok(out.text.includes('user = "$${x}\\"\\\\" }'));
  });
});

describe('Terraform patcher: refusals', () => {
  const run = fixAll(join(FIX, 'refusals'), { controls: ['ECS.5', 'ECS.18', 'ECS.20'] });
  const reason = (id: string, control: string) => run.out.refused.find((f) => f.resource.id === id && f.control === control)?.reason ?? '';

  it('a variable-driven user is refused, naming the variable', () => {
    assert.match(reason('aws_ecs_task_definition.var_user', 'ECS.20'), /containerDefinitions\[0\]\.user is var\.app_user \(a variable\); change the variable app_user/);
    assert.equal(run.out.refused.find((f) => f.control === 'ECS.20' && f.resource.id === 'aws_ecs_task_definition.var_user')?.path, 'containerDefinitions[0].user');
  });
  it('heredoc container definitions: convert to jsonencode', () => {
    assert.equal(reason('aws_ecs_task_definition.heredoc', 'ECS.20'), 'container_definitions is a heredoc string: convert it to jsonencode([...]) to allow automatic fixes');
    assert.match(reason('aws_ecs_task_definition.heredoc', 'ECS.5'), /heredoc/);
  });
  it('a volume made by a dynamic block', () => {
    assert.match(reason('aws_ecs_task_definition.dynamic_volume', 'ECS.18'), /volumes\[0\] may be made by the dynamic "volume" block at line 39/);
  });
  it('templatefile(), a local, a count-derived conditional', () => {
    assert.match(reason('aws_ecs_task_definition.templated', 'ECS.20'), /templatefile\(\)/);
    assert.match(reason('aws_ecs_task_definition.from_local', 'ECS.20'), /local\.container \(a local value\)/);
    assert.match(reason('aws_ecs_task_definition.counted[0]', 'ECS.20'), /count or for_each/);
  });
  it('refused fixes leave their text alone; the verdicts of refused controls do not change', () => {
    const tf = run.file('main.tf')!;
    for (const kept of [
      '      user  = var.app_user\n',
      'container_definitions = <<EOT\n[\n  {\n    "name": "web",\n    "image": "nginx:1.27",\n    "user": "root"\n  }\n]\nEOT\n',
      '        transit_encryption = "DISABLED"\n',
      'container_definitions = templatefile("${path.module}/containers.json.tpl", { user = "root" })\n',
      'container_definitions = jsonencode([local.container])\n',
      'user = count.index == 0 ? "root" : "0"',
    ]) assert.ok(tf.after.includes(kept), kept);
    assert.deepEqual(lineChanges(tf.before, tf.after).removed, [
      '  container_definitions = jsonencode([{ name = "x", image = "busybox:1.36", user = "1000" }])',
      '    { name = "app", image = "busybox:1.36", user = count.index == 0 ? "root" : "0" }',
    ], 'only lines where ECS.5 (which maps) inserted fields');
    assertVerdicts(run);
    for (const f of run.out.refused) assert.equal(verdicts(run.after).get(`${f.resource.id} ${f.control}`), 'FAILED');
  });
  it('the resource block is not in the text given: refused, text unchanged', () => {
    const tf = readFileSync(join(run.dir, 'main.tf'), 'utf8');
    const target = run.targets.find((t) => t.resource.id === 'aws_ecs_task_definition.var_user')!;
    const file = (target.resource.origin as { file: string }).file;
    const renamed = tf.replace('"aws_ecs_task_definition" "var_user"', '"aws_ecs_task_definition" "renamed"');
    const out = patchTerraform(file, renamed, [target], {});
    assert.equal(out.text, renamed);
    assert.equal(out.applied.length, 0);
    assert.deepEqual(out.refused.map((f) => f.control), ['ECS.5', 'ECS.20']);
    assert.match(out.refused[0].reason, /the block resource "aws_ecs_task_definition" "var_user" was not found/);
  });
});

describe('Terraform patcher: examples/terraform (root module, local module called twice, Windows task)', () => {
  const run = fixAll(join('examples', 'terraform'));
  const modulePath = join('modules', 'fargate-service', 'main.tf');

  it('fixes the Windows user in place and the admin service/task through its module block; no module file is edited', () => {
    assert.deepEqual(run.out.applied.map((f) => `${f.resource.id} ${f.control}`).sort(), [
      'aws_ecs_task_definition.reports ECS.21',
      'module.admin.aws_ecs_service.this ECS.10',
      'module.admin.aws_ecs_service.this ECS.2',
      'module.admin.aws_ecs_task_definition.this ECS.20',
    ]);
    assert.deepEqual([...run.out.files.keys()].map((p) => relative(run.dir, resolve(p))), ['main.tf']);
    assert.equal(run.file(modulePath), undefined);
    assert.deepEqual(run.out.refused, []);
  });

  it('the fixed controls pass; the other verdicts are unchanged', () => assertVerdicts(run));

  it('only the changed lines differ', () => {
    const tf = run.file('main.tf')!;
    assert.deepEqual(lineChanges(tf.before, tf.after), {
      removed: ['  assign_public_ip = true', '  platform_version = "1.3.0"', '      user      = "ContainerAdministrator"'],
      added: ['  assign_public_ip = false', '  platform_version = "LATEST"', '  container_user   = "1000:1000"', '      user      = "ContainerUser"'],
    });
  });

  it('module guidance when only the module file is patched (patchTerraform on the module file)', () => {
    const dir = copyOf(join('examples', 'terraform'));
    const targets = targetsOf(scan(dir)).filter((t) => t.resource.id.startsWith('module.admin.'));
    const file = (targets[0].resource.origin as { file: string }).file;
    const text = readFileSync(file, 'utf8');
    const out = patchTerraform(file, text, targets, {});
    assert.equal(out.text, text, 'the module file is never edited');
    assert.equal(out.applied.length, 0);
    assert.deepEqual(out.refused.map((f) => `${f.resource.id} ${f.control}`).sort(), ['module.admin.aws_ecs_service.this ECS.10', 'module.admin.aws_ecs_service.this ECS.2', 'module.admin.aws_ecs_task_definition.this ECS.20']);
    const main = join(relative(process.cwd(), dir), 'main.tf');
    assert.deepEqual(out.guidance, [
      `module.admin (./modules/fargate-service): set its input 'container_user' to "1000:1000" in the module block at ${main}:38`,
      `module.admin (./modules/fargate-service): set its input 'assign_public_ip' to false in the module block at ${main}:38`,
      `module.admin (./modules/fargate-service): set its input 'platform_version' to "LATEST" in the module block at ${main}:38`,
    ]);
    for (const f of out.refused) assert.match(f.reason, /defined in the module \.\/modules\/fargate-service, whose files are not edited/);
  });
});

describe('Terraform patcher: module inputs (fixture module)', () => {
  const run = fixAll(join(FIX, 'module'), { controls: ['ECS.4', 'ECS.20'] });

  it('an absent input is added to the calling module block', () => {
    const tf = run.file('main.tf')!;
    assert.deepEqual(lineChanges(tf.before, tf.after), { removed: [], added: ['  container_user = "1000:1000"'] });
    assert.ok(tf.after.includes('module "web" {\n  source = "./modules/svc"\n  name   = "web"\n  container_user = "1000:1000"\n}'));
    assert.deepEqual(run.out.applied.map((f) => `${f.resource.id} ${f.control}`), ['module.web.aws_ecs_task_definition.this ECS.20']);
    assertVerdicts(run);
  });

  it('an input set from a variable in the module block: guidance, not an edit', () => {
    const f = run.out.refused.find((x) => x.resource.id === 'module.admin.aws_ecs_task_definition.this' && x.control === 'ECS.20')!;
    assert.match(f.reason, /its input 'container_user' is var\.admin_user \(a variable\) in the module block at .*main\.tf:12/);
    assert.ok(run.out.guidance.some((g) => /^module\.admin \(\.\/modules\/svc\): set its input 'container_user' to "1000:1000" in the module block at .*main\.tf:12$/.test(g)));
  });

  it('a field the module does not expose: guidance says the module source must change', () => {
    for (const m of ['web', 'admin']) {
      assert.ok(run.out.guidance.includes(`module.${m} (./modules/svc): the module exposes no input for containerDefinitions[0].privileged (ECS.4); the module's source must change: edit ./modules/svc (every caller of it gets the change) or fork it`));
    }
    assert.equal(run.file(join('modules', 'svc', 'main.tf')), undefined);
  });
});
