/**
 * `ecsguard fix` on hostile but realistic Terraform configurations. The contract, for each FAILED
 * fixable control: the patched files still parse, scan PASSED for the fixed control, and keep every
 * byte outside the edited attributes (indentation, alignment, line ends, byte order mark); or the
 * fix is refused with a reason. Never a corrupted file, never a crash, never a silent no-op (or a
 * silent change of another resource) reported as applied.
 *
 * Each case runs the whole pipeline (fixPaths: scan, plan, patch, verify), writes the changed files
 * over a copy of the folder in a NEW folder (the Terraform reader caches parsed folders by file
 * size and modification time), and scans that copy.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative, resolve } from 'node:path';
import { scanPaths } from '../../src/api.js';
import type { ScanResult } from '../../src/engine/scan.js';
import { activeControls } from '../../src/engine/configuration.js';
import { fixPaths, type FixReport } from '../../src/fix/index.js';
import { planFixes } from '../../src/fix/plan.js';
import type { PatchTarget } from '../../src/fix/types.js';
import { patchTerraformFiles } from '../../src/fix/terraform.js';
import { patchTerraformChecked } from '../../src/fix/verify.js';

const ROOT = join(import.meta.dirname, '../..');
const CLI = join(ROOT, 'dist/cli/main.js');

function folderWith(files: Record<string, string | Buffer>): string {
  const d = mkdtempSync(join(tmpdir(), 'ecsguard-hostile-tf-'));
  for (const [name, text] of Object.entries(files)) {
    mkdirSync(dirname(join(d, name)), { recursive: true });
    writeFileSync(join(d, name), text);
  }
  return d;
}

const key = (id: string, control: string) => `${id} ${control}`;
const verdicts = (r: ScanResult) => new Map(r.findings.map((f) => [key(f.resource.id, f.control), f.status]));
const applied = (r: { applied: { resource: { id: string }; control: string }[] }) => r.applied.map((a) => key(a.resource.id, a.control)).sort();
const refusal = (r: { refused: { resource: { id: string }; control: string; reason: string }[] }, id: string, control: string) => r.refused.find((x) => x.resource.id === id && x.control === control)?.reason ?? '';

interface Run {
  dir: string;
  report: FixReport;
  before: ScanResult;
  after: ScanResult;
  /** The text of a file of the folder after the fix (the original when unchanged). */
  text(name: string): string;
  original(name: string): string;
}

/**
 * Fixes `dir` (or `sub` in it) as `fix --write` does, writes the result to a fresh copy, scans it,
 * and checks the contract: each applied fix PASSES, no input error appears, no other verdict
 * changes (except `sideEffects`), every control FAILED before and after is reported refused.
 */
async function fixChecked(files: Record<string, string | Buffer>, controls: string[], options: { sub?: string; sideEffects?: string[] } = {}): Promise<Run> {
  const dir = folderWith(files);
  const target = join(dir, options.sub ?? '.');
  const before = scanPaths([target], { controls });
  const report = await fixPaths([target], { controls });
  const copy = mkdtempSync(join(tmpdir(), 'ecsguard-hostile-tf-after-'));
  cpSync(dir, copy, { recursive: true });
  const changed = new Map<string, string>();
  for (const c of report.changes) {
    const rel = relative(dir, resolve(c.file));
    assert.ok(!rel.startsWith('..'), `a change outside the folder: ${c.file}`);
    assert.equal(c.before, readFileSync(join(dir, rel), 'utf8'), `${rel}: before is the file as it is`);
    changed.set(rel, c.after);
    writeFileSync(join(copy, rel), c.after);
  }
  const after = scanPaths([join(copy, options.sub ?? '.')], { controls });
  const b = verdicts(before);
  const a = verdicts(after);
  const done = new Set(applied(report));
  for (const k of done) assert.equal(a.get(k), 'PASSED', `${k} applied but ${a.get(k)} after the fix`);
  const errorsBefore = before.errors.map((e) => `${relative(dir, resolve(e.file))} ${e.message}`);
  for (const e of after.errors) assert.ok(errorsBefore.includes(`${relative(copy, resolve(e.file))} ${e.message}`), `new input error after the fix: ${e.file}:${e.line} ${e.message}`);
  for (const [k, v] of b) if (!done.has(k) && !(options.sideEffects ?? []).includes(k)) assert.equal(a.get(k), v, `${k} changed (${v} -> ${a.get(k)}) though no fix was applied for it`);
  for (const [k, v] of a) {
    if (v !== 'FAILED' || b.get(k) !== 'FAILED') continue;
    assert.ok(report.refused.some((r) => key(r.resource.id, r.control) === k), `${k} still FAILED and not reported refused`);
  }
  for (const r of report.refused) assert.ok(r.reason.length > 20, `refusal without a reason: ${JSON.stringify(r)}`);
  return {
    dir,
    report,
    before,
    after,
    text: (name) => changed.get(name) ?? readFileSync(join(dir, name), 'utf8'),
    original: (name) => readFileSync(join(dir, name), 'utf8'),
  };
}

const TD = (name: string, body: string, family = name) => `resource "aws_ecs_task_definition" "${name}" {\n  family = "${family}"\n${body}\n}\n`;

// ---------------------------------------------------------------- file() JSON

describe('Terraform fix: JSON files read with file()', () => {
  it('a byte order mark is kept, and the file is edited (not refused as "not a JSON list")', async () => {
    const json = '\uFEFF[\n  {\n    "name": "a",\n    "image": "b",\n    "user": "0"\n  }\n]\n';
    const run = await fixChecked({ 'main.tf': TD('t', '  container_definitions = file("c.json")'), 'c.json': json }, ['ECS.20']);
    assert.deepEqual(applied(run.report), ['aws_ecs_task_definition.t ECS.20']);
    assert.equal(run.text('c.json'), json.replace('"user": "0"', '"user": "1000:1000"'));
  });

  it('CRLF line ends of the JSON file are kept', async () => {
    const json = '[\r\n  {\r\n    "name": "a",\r\n    "image": "b",\r\n    "user": "0"\r\n  }\r\n]\r\n';
    const run = await fixChecked({ 'main.tf': TD('t', '  container_definitions = file("c.json")'), 'c.json': json }, ['ECS.20']);
    assert.equal(run.text('c.json'), json.replace('"user": "0"', '"user": "1000:1000"'));
  });

  it('a JSON file written on one line stays on one line: members are added with its separators, nothing is reformatted', async () => {
    const json = '[{"name":"a","image":"b","user":"0"}]';
    const run = await fixChecked({ 'main.tf': TD('t', '  container_definitions = file("c.json")'), 'c.json': json }, ['ECS.20', 'ECS.5']);
    assert.deepEqual(applied(run.report), ['aws_ecs_task_definition.t ECS.20', 'aws_ecs_task_definition.t ECS.5']);
    assert.equal(run.text('c.json'), '[{"name":"a","image":"b","user":"1000:1000","readonlyRootFilesystem":true,"mountPoints":[{"sourceVolume":"tmp","containerPath":"/tmp","readOnly":false}]}]');
  });

  it('a key written twice in the JSON file is refused (JSON.parse reads the last one), the file left alone', async () => {
    const json = '[\n  {\n    "name": "a",\n    "image": "b",\n    "user": "1000",\n    "user": "0"\n  }\n]\n';
    const run = await fixChecked({ 'main.tf': TD('t', '  container_definitions = file("c.json")'), 'c.json': json }, ['ECS.20']);
    assert.deepEqual(applied(run.report), []);
    assert.match(refusal(run.report, 'aws_ecs_task_definition.t', 'ECS.20'), /user is written 2 times in one object/);
    assert.equal(run.text('c.json'), json);
  });

  it('a file shared by a Linux and a Windows task definition: the Linux fix would change the Windows task too, so it is refused', async () => {
    const json = '[\n  {\n    "name": "a",\n    "image": "b",\n    "user": "0"\n  }\n]\n';
    const run = await fixChecked({
      'main.tf': TD('linux', '  container_definitions = file("c.json")') + TD('windows', '  container_definitions = file("c.json")\n  runtime_platform {\n    operating_system_family = "WINDOWS_SERVER_2022_CORE"\n  }'),
      'c.json': json,
    }, ['ECS.20', 'ECS.21']);
    assert.deepEqual(applied(run.report), []);
    assert.match(refusal(run.report, 'aws_ecs_task_definition.linux', 'ECS.20'), /c\.json.*(also read by|aws_ecs_task_definition\.windows)/);
    assert.equal(run.text('c.json'), json);
  });

  it('a file shared by two task definitions that need different values (their log groups) is refused, never written with one of them; the edits they share are made', async () => {
    const json = '[\n  {\n    "name": "a",\n    "image": "b",\n    "user": "0"\n  }\n]\n';
    const run = await fixChecked({ 'main.tf': TD('t', '  container_definitions = file("c.json")') + TD('u', '  container_definitions = file("c.json")'), 'c.json': json }, ['ECS.9', 'ECS.20']);
    assert.deepEqual(applied(run.report), ['aws_ecs_task_definition.t ECS.20', 'aws_ecs_task_definition.u ECS.20']);
    assert.match(refusal(run.report, 'aws_ecs_task_definition.t', 'ECS.9'), /c\.json is also read by aws_ecs_task_definition\.u, which needs other edits for ECS\.9/);
    assert.match(refusal(run.report, 'aws_ecs_task_definition.u', 'ECS.9'), /c\.json is also read by aws_ecs_task_definition\.t, which needs other edits for ECS\.9/);
    assert.equal(run.text('c.json'), json.replace('"user": "0"', '"user": "1000:1000"'));
  });

  it('a file shared by two task definitions that need the same edit is edited once, and both are fixed', async () => {
    const json = '[\n  {\n    "name": "a",\n    "image": "b",\n    "user": "0"\n  }\n]\n';
    const run = await fixChecked({ 'main.tf': TD('t', '  container_definitions = file("c.json")') + TD('u', '  container_definitions = file("c.json")'), 'c.json': json }, ['ECS.20']);
    assert.deepEqual(applied(run.report), ['aws_ecs_task_definition.t ECS.20', 'aws_ecs_task_definition.u ECS.20']);
    assert.equal(run.text('c.json'), json.replace('"user": "0"', '"user": "1000:1000"'));
  });
});

// ---------------------------------------------------------------- jsonencode objects

describe('Terraform fix: jsonencode objects written in unusual ways', () => {
  it('a key written twice in an object is refused (Terraform rejects it; the scan reads the last one): never applied but still FAILED', async () => {
    const text = TD('t', '  container_definitions = jsonencode([\n    {\n      name  = "a"\n      image = "b"\n      user  = "1000"\n      user  = "0"\n    }\n  ])');
    const run = await fixChecked({ 'main.tf': text }, ['ECS.20']);
    assert.deepEqual(applied(run.report), []);
    assert.match(refusal(run.report, 'aws_ecs_task_definition.t', 'ECS.20'), /containerDefinitions\[0\]\.user is written 2 times in one object \(lines 7 and 8\)/);
    assert.equal(run.text('main.tf'), text);
  });

  it('a quoted key and a bare key for one field count as the same key', async () => {
    const text = TD('t', '  container_definitions = jsonencode([{ name = "a", image = "b", privileged = false, "privileged" = true, user = "1" }])');
    const run = await fixChecked({ 'main.tf': text }, ['ECS.4']);
    assert.deepEqual(applied(run.report), []);
    assert.match(refusal(run.report, 'aws_ecs_task_definition.t', 'ECS.4'), /privileged is written 2 times/);
  });

  it('an attribute written twice in a block is refused', async () => {
    const text = 'resource "aws_ecs_service" "s" {\n  name             = "s"\n  task_definition  = "x"\n  launch_type      = "FARGATE"\n  platform_version = "1.4.0"\n  platform_version = "1.3.0"\n}\n';
    const dir = folderWith({ 'main.tf': text });
    const targets = targetsOf(dir, ['ECS.10']);
    const out = patchTerraformFiles(targets, {});
    assert.deepEqual(out.applied, []);
    assert.match(out.refused[0]?.reason ?? '', /platform_version is written 2 times/);
  });

  it('an object written JSON-style (`"key": value,`) gets new members in its own style', async () => {
    const text = TD('t', '  container_definitions = jsonencode([\n    {\n      "name": "a",\n      "image": "b",\n      "user": "0"\n    }\n  ])');
    const run = await fixChecked({ 'main.tf': text }, ['ECS.20', 'ECS.9']);
    assert.deepEqual(applied(run.report), ['aws_ecs_task_definition.t ECS.20', 'aws_ecs_task_definition.t ECS.9']);
    assert.equal(run.text('main.tf'), TD('t', [
      '  container_definitions = jsonencode([',
      '    {',
      '      "name": "a",',
      '      "image": "b",',
      '      "user": "1000:1000",',
      '      "logConfiguration": {',
      '        "logDriver": "awslogs",',
      '        "options": {',
      '          "awslogs-group": "/ecs/t",',
      '          "awslogs-region": "REPLACE_WITH_REGION",',
      '          "awslogs-stream-prefix": "ecs"',
      '        }',
      '      }',
      '    }',
      '  ])',
    ].join('\n')));
  });

  it('one fix deletes the last member of a JSON-style object, another adds one: the new member is not anchored on the deleted one (no `,,`)', async () => {
    const text = TD('t', '  container_definitions = jsonencode([\n    {\n      "name": "a",\n      "image": "b",\n      "privileged": true\n    }\n  ])');
    const run = await fixChecked({ 'main.tf': text }, ['ECS.4', 'ECS.20']);
    assert.deepEqual(applied(run.report), ['aws_ecs_task_definition.t ECS.20', 'aws_ecs_task_definition.t ECS.4']);
    assert.equal(run.text('main.tf'), text.replace('      "privileged": true\n', '      "user": "1000:1000",\n'));
  });

  it('a one-line JSON-style object gets `, "key": value`', async () => {
    const text = TD('t', '  container_definitions = jsonencode([{ "name": "a", "image": "b" }])');
    const run = await fixChecked({ 'main.tf': text }, ['ECS.20']);
    assert.equal(run.text('main.tf'), text.replace('"image": "b" }', '"image": "b", "user": "1000:1000" }'));
  });

  it('a block comment that spans lines after the last attribute stays with it: the new member goes after the comment', async () => {
    const text = TD('t', '  container_definitions = jsonencode([\n    {\n      name  = "a"\n      image = "b" /* pinned\n        by digest later */\n    }\n  ])');
    const run = await fixChecked({ 'main.tf': text }, ['ECS.20']);
    assert.equal(run.text('main.tf'), text.replace('by digest later */\n', 'by digest later */\n      user  = "1000:1000"\n'));
  });

  it('after a block comment that spans lines, a block attribute and a nested block are added (not refused as an unusual layout)', async () => {
    const cluster = 'resource "aws_ecs_cluster" "c" {\n  name = "c" /* the shared\n  cluster */\n}\n';
    const td = TD('t', '  container_definitions = jsonencode([{ name = "a", image = "b", user = "1000" }])\n  volume {\n    name = "v"\n  } /* more volumes\n  later */');
    const run = await fixChecked({ 'main.tf': cluster + td }, ['ECS.12', 'ECS.5']);
    assert.deepEqual(applied(run.report), ['aws_ecs_cluster.c ECS.12', 'aws_ecs_task_definition.t ECS.5']);
    assert.ok(run.text('main.tf').startsWith('resource "aws_ecs_cluster" "c" {\n  name = "c" /* the shared\n  cluster */\n\n  setting {\n    name  = "containerInsights"\n    value = "enabled"\n  }\n}\n'));
    assert.ok(run.text('main.tf').includes('  } /* more volumes\n  later */\n\n  volume {\n    name = "tmp"\n  }\n}\n'));
  });

  it('CRLF, tabs, a byte order mark and non-ASCII text before the edit point are kept byte for byte', async () => {
    const text = '\uFEFF# Café ☕ — ünïcödé 😀\r\nresource "aws_ecs_task_definition" "t" {\r\n\tfamily   = "t" # ☕\r\n\tpid_mode = "host"\r\n\tcontainer_definitions = jsonencode([\r\n\t\t{\r\n\t\t\tname       = "a" // ü\r\n\t\t\timage      = "b"\r\n\t\t\tprivileged = true\r\n\t\t\tuser       = "0"\r\n\t\t},\r\n\t])\r\n}\r\n';
    const run = await fixChecked({ 'main.tf': text }, ['ECS.3', 'ECS.4', 'ECS.20']);
    assert.deepEqual(applied(run.report), ['aws_ecs_task_definition.t ECS.20', 'aws_ecs_task_definition.t ECS.3', 'aws_ecs_task_definition.t ECS.4']);
    assert.equal(run.text('main.tf'), text.replace('\tpid_mode = "host"\r\n', '').replace('\t\t\tprivileged = true\r\n', '').replace('user       = "0"', 'user       = "1000:1000"'));
  });

  it('a very long one-line container keeps its other bytes', async () => {
    const env = Array.from({ length: 300 }, (_, i) => `{ name = "V${i}", value = "${'x'.repeat(40)}" }`).join(', ');
    const text = TD('t', `  container_definitions = jsonencode([{ name = "a", image = "b", environment = [${env}, { name = "AWS_SECRET_ACCESS_KEY", value = "s" }], user = "0" }])`);
    const run = await fixChecked({ 'main.tf': text }, ['ECS.20', 'ECS.8'], { sideEffects: ['aws_ecs_task_definition.t ECSG.5'] });
    assert.deepEqual(applied(run.report), ['aws_ecs_task_definition.t ECS.20', 'aws_ecs_task_definition.t ECS.8']);
    assert.ok(run.text('main.tf').includes(`environment = [${env}], user = "1000:1000", secrets = [`));
  });

  it('values that are not literals are refused with the reason, the text left alone', async () => {
    const files = {
      'main.tf': [
        'locals {\n  c = [{ name = "a", image = "b", user = "0" }]\n}\n',
        TD('from_local', '  container_definitions = jsonencode(local.c)'),
        TD('concat', '  container_definitions = jsonencode(concat([{ name = "a", image = "b", user = "0" }], []))'),
        TD('heredoc', '  container_definitions = <<-EOF\n    [{"name": "a", "image": "b", "user": "0"}]\n  EOF'),
        TD('templated', '  container_definitions = templatefile("c.json.tpl", { user = "0" })'),
        'variable "pid" {\n  default = "host"\n}\n',
        TD('pid', '  pid_mode              = var.pid\n  container_definitions = jsonencode([{ name = "a", image = "b", user = "1" }])'),
      ].join(''),
      'c.json.tpl': '[{"name": "a", "image": "b", "user": "${user}"}]',
    };
    const run = await fixChecked(files, ['ECS.20', 'ECS.3']);
    assert.deepEqual(applied(run.report), []);
    assert.match(refusal(run.report, 'aws_ecs_task_definition.from_local', 'ECS.20'), /jsonencode\(local\.c \(a local value\)\)/);
    assert.match(refusal(run.report, 'aws_ecs_task_definition.concat', 'ECS.20'), /jsonencode\(concat\(\.\.\.\) \(a function call\)\)/);
    assert.match(refusal(run.report, 'aws_ecs_task_definition.heredoc', 'ECS.20'), /heredoc string: convert it to jsonencode/);
    assert.match(refusal(run.report, 'aws_ecs_task_definition.templated', 'ECS.20'), /templatefile\(\)/);
    assert.match(refusal(run.report, 'aws_ecs_task_definition.pid', 'ECS.3'), /pidMode is var\.pid \(a variable\); change the variable pid/);
    assert.deepEqual(run.report.changes, []);
  });
});

// ---------------------------------------------------------------- fixes that share an edit

describe('Terraform fix: a fix whose edit is another fix\'s', () => {
  it('ECS.21 on a task definition without an operating system family (the same edit as ECS.20) is applied with it, not refused as "nothing to change"', async () => {
    const text = TD('t', '  container_definitions = jsonencode([{ name = "a", image = "b" }])');
    const run = await fixChecked({ 'main.tf': text }, ['ECS.20', 'ECS.21']);
    assert.deepEqual(applied(run.report), ['aws_ecs_task_definition.t ECS.20', 'aws_ecs_task_definition.t ECS.21']);
    assert.deepEqual(run.report.refused, []);
  });

  it('and refused when that fix is refused', async () => {
    const text = 'variable "u" {\n  default = null\n}\n' + TD('t', '  container_definitions = jsonencode([{ name = "a", image = "b", user = var.u }])');
    const run = await fixChecked({ 'main.tf': text }, ['ECS.20', 'ECS.21']);
    assert.deepEqual(applied(run.report), []);
    assert.match(refusal(run.report, 'aws_ecs_task_definition.t', 'ECS.21'), /its edit is the one of ECS\.20, which was not applied/);
  });
});

// ---------------------------------------------------------------- count, for_each, dynamic

describe('Terraform fix: one block for several instances', () => {
  it('count: instances that need different values from one literal (their log groups) are all refused, none silently changed', async () => {
    const text = 'resource "aws_ecs_task_definition" "t" {\n  count  = 2\n  family = "t-${count.index}"\n  container_definitions = jsonencode([\n    {\n      name  = "a"\n      image = "b"\n    }\n  ])\n}\n';
    const run = await fixChecked({ 'main.tf': text }, ['ECS.9']);
    assert.deepEqual(applied(run.report), []);
    for (const id of ['aws_ecs_task_definition.t[0]', 'aws_ecs_task_definition.t[1]']) assert.match(refusal(run.report, id, 'ECS.9'), /one block for 2 instances \(count or for_each\)/);
    assert.equal(run.text('main.tf'), text);
  });

  it('for_each: the same edit for every instance is made once, and reported for each', async () => {
    const text = 'resource "aws_ecs_task_definition" "t" {\n  for_each = toset(["x", "y"])\n  family   = "t-${each.key}"\n  container_definitions = jsonencode([\n    {\n      name  = "a"\n      image = "b"\n      user  = "0"\n    }\n  ])\n}\n';
    const run = await fixChecked({ 'main.tf': text }, ['ECS.20', 'ECS.9']);
    assert.deepEqual(applied(run.report), ['aws_ecs_task_definition.t["x"] ECS.20', 'aws_ecs_task_definition.t["y"] ECS.20']);
    assert.match(refusal(run.report, 'aws_ecs_task_definition.t["y"]', 'ECS.9'), /one block for 2 instances/);
    assert.equal(run.text('main.tf'), text.replace('user  = "0"', 'user  = "1000:1000"'));
  });

  it('a dynamic volume block: a scratch volume is added beside it; an EFS volume made by dynamic is refused', async () => {
    const text = TD('t', '  container_definitions = jsonencode([{ name = "a", image = "b", user = "1000" }])\n  dynamic "volume" {\n    for_each = ["x"]\n    content {\n      name = volume.value\n      efs_volume_configuration {\n        file_system_id = "fs-1"\n      }\n    }\n  }');
    const run = await fixChecked({ 'main.tf': text }, ['ECS.5', 'ECS.18']);
    assert.deepEqual(applied(run.report), ['aws_ecs_task_definition.t ECS.5']);
    assert.match(refusal(run.report, 'aws_ecs_task_definition.t', 'ECS.18'), /dynamic "volume" block/);
  });

  it('EFS settings from variables: transit_encryption from a variable is refused, an absent one is added', async () => {
    const text = 'variable "fs" {\n  default = "fs-1"\n}\nvariable "te" {\n  default = "DISABLED"\n}\n' +
      TD('a', '  container_definitions = jsonencode([{ name = "a", image = "b", user = "1" }])\n  volume {\n    name = "e"\n    efs_volume_configuration {\n      file_system_id     = var.fs\n      transit_encryption = var.te\n    }\n  }') +
      TD('b', '  container_definitions = jsonencode([{ name = "a", image = "b", user = "1" }])\n  volume {\n    name = "e"\n    efs_volume_configuration {\n      file_system_id = var.fs\n    }\n  }');
    const run = await fixChecked({ 'main.tf': text }, ['ECS.18']);
    assert.deepEqual(applied(run.report), ['aws_ecs_task_definition.b ECS.18']);
    assert.match(refusal(run.report, 'aws_ecs_task_definition.a', 'ECS.18'), /transitEncryption is var\.te \(a variable\)/);
  });
});

// ---------------------------------------------------------------- services and modules

const MODULE = [
  'variable "name" {\n  type = string\n}',
  'variable "user" {\n  type    = string\n  default = "root"\n}',
  'variable "public" {\n  type    = bool\n  default = true\n}',
  'resource "aws_ecs_task_definition" "this" {\n  family                = var.name\n  container_definitions = jsonencode([{ name = var.name, image = "b", user = var.user }])\n}',
  'resource "aws_ecs_service" "this" {\n  name            = var.name\n  task_definition = aws_ecs_task_definition.this.arn\n  network_configuration {\n    subnets          = ["s"]\n    assign_public_ip = var.public\n  }\n}',
].join('\n') + '\n';

describe('Terraform fix: services and modules', () => {
  it('a service without network_configuration passes ECS.2 (nothing to do); its platform version is fixed', async () => {
    const text = 'resource "aws_ecs_service" "s" {\n  name             = "s"\n  task_definition  = "x"\n  launch_type      = "FARGATE"\n  platform_version = "1.3.0"\n}\n';
    const run = await fixChecked({ 'main.tf': text }, ['ECS.2', 'ECS.10']);
    assert.deepEqual(applied(run.report), ['aws_ecs_service.s ECS.10']);
  });

  it('one module called twice: both module blocks get the inputs; the module files are not edited', async () => {
    const run = await fixChecked({ 'main.tf': 'module "a" {\n  source = "./m"\n  name   = "a"\n}\n\nmodule "b" {\n  source = "./m"\n  name   = "b"\n  public = true\n}\n', 'm/main.tf': MODULE }, ['ECS.20', 'ECS.2']);
    assert.deepEqual(applied(run.report), ['module.a.aws_ecs_service.this ECS.2', 'module.a.aws_ecs_task_definition.this ECS.20', 'module.b.aws_ecs_service.this ECS.2', 'module.b.aws_ecs_task_definition.this ECS.20']);
    assert.equal(run.text('m/main.tf'), MODULE);
    assert.equal(run.text('main.tf'), 'module "a" {\n  source = "./m"\n  name   = "a"\n  user   = "1000:1000"\n  public = false\n}\n\nmodule "b" {\n  source = "./m"\n  name   = "b"\n  public = false\n  user   = "1000:1000"\n}\n');
  });

  it('a module block with count: the input is set once for every instance', async () => {
    const run = await fixChecked({ 'main.tf': 'module "a" {\n  count  = 2\n  source = "./m"\n  name   = "a${count.index}"\n  user   = "0"\n}\n', 'm/main.tf': MODULE }, ['ECS.20']);
    assert.deepEqual(applied(run.report), ['module.a[0].aws_ecs_task_definition.this ECS.20', 'module.a[1].aws_ecs_task_definition.this ECS.20']);
    assert.ok(run.text('main.tf').includes('  user   = "1000:1000"\n'));
  });

  it('a module input given by a variable (assign_public_ip = var.public in the module, public = var.pub in the call) is refused with guidance', async () => {
    const run = await fixChecked({ 'main.tf': 'variable "pub" {\n  default = true\n}\nmodule "a" {\n  source = "./m"\n  name   = "a"\n  user   = "1000"\n  public = var.pub\n}\n', 'm/main.tf': MODULE }, ['ECS.2']);
    assert.deepEqual(applied(run.report), []);
    assert.match(refusal(run.report, 'module.a.aws_ecs_service.this', 'ECS.2'), /its input 'public' is var\.pub \(a variable\) in the module block/);
    assert.ok(run.report.guidance.some((g) => /^module\.a \(\.\/m\): set its input 'public' to false/.test(g)));
  });

  it('a module input whose type the new value cannot have (platform version declared as a number) is refused, not left for terraform plan to reject', async () => {
    const mod = 'variable "pv" {\n  type    = number\n  default = 1.3\n}\nresource "aws_ecs_service" "this" {\n  name             = "s"\n  task_definition  = "x"\n  launch_type      = "FARGATE"\n  platform_version = var.pv\n}\n';
    const run = await fixChecked({ 'main.tf': 'module "a" {\n  source = "./m"\n  pv     = 1.3\n}\n', 'm/main.tf': mod }, ['ECS.10']);
    assert.deepEqual(applied(run.report), []);
    assert.match(refusal(run.report, 'module.a.aws_ecs_service.this', 'ECS.10'), /the module declares var\.pv with type = number, which "LATEST" is not/);
  });

  it('a module input set in override.tf wins over the module block: the fix is refused, not applied where it has no effect', async () => {
    const run = await fixChecked({ 'main.tf': 'module "a" {\n  source = "./m"\n  name   = "a"\n  user   = "0"\n}\n', 'override.tf': 'module "a" {\n  user = "root"\n}\n', 'm/main.tf': MODULE }, ['ECS.20']);
    assert.deepEqual(applied(run.report), []);
    assert.match(refusal(run.report, 'module.a.aws_ecs_task_definition.this', 'ECS.20'), /override\.tf sets user/);
    assert.deepEqual(run.report.changes, []);
  });

  it('an override file that sets other attributes of the resource does not block the fix; one that sets the edited attribute does', async () => {
    const text = TD('t', '  container_definitions = jsonencode([{ name = "a", image = "b", user = "0" }])') + TD('u', '  container_definitions = jsonencode([{ name = "a", image = "b", user = "0" }])');
    const run = await fixChecked({
      'main.tf': text,
      'x_override.tf': 'resource "aws_ecs_task_definition" "t" {\n  cpu = 256\n}\nresource "aws_ecs_task_definition" "u" {\n  container_definitions = jsonencode([{ name = "a", image = "b", user = "root" }])\n}\n',
    }, ['ECS.20']);
    assert.deepEqual(applied(run.report), ['aws_ecs_task_definition.t ECS.20']);
    assert.match(refusal(run.report, 'aws_ecs_task_definition.u', 'ECS.20'), /x_override\.tf sets container_definitions/);
  });

  it('lifecycle.ignore_changes: an edit terraform apply would not deploy is refused (a silent no-op otherwise)', async () => {
    const text = TD('t', '  container_definitions = jsonencode([{ name = "a", image = "b", user = "0", privileged = true }])\n  lifecycle {\n    ignore_changes = [container_definitions]\n  }') +
      'resource "aws_ecs_service" "s" {\n  name             = "s"\n  task_definition  = "x"\n  launch_type      = "FARGATE"\n  platform_version = "1.3.0"\n  lifecycle {\n    ignore_changes = all\n  }\n}\n' +
      'resource "aws_ecs_cluster" "c" {\n  name = "c"\n  lifecycle {\n    ignore_changes = [tags]\n  }\n}\n';
    const run = await fixChecked({ 'main.tf': text }, ['ECS.20', 'ECS.4', 'ECS.10', 'ECS.12']);
    assert.deepEqual(applied(run.report), ['aws_ecs_cluster.c ECS.12']);
    assert.match(refusal(run.report, 'aws_ecs_task_definition.t', 'ECS.20'), /lifecycle\.ignore_changes of this resource lists container_definitions: terraform apply would not deploy the edit/);
    assert.match(refusal(run.report, 'aws_ecs_task_definition.t', 'ECS.4'), /lists container_definitions/);
    assert.match(refusal(run.report, 'aws_ecs_service.s', 'ECS.10'), /lifecycle\.ignore_changes of this resource is all/);
  });

  it('lifecycle.ignore_changes in a module\'s resource: the module input is not set, guidance instead', async () => {
    const mod = MODULE.replace('  container_definitions = jsonencode([{ name = var.name, image = "b", user = var.user }])\n', '  container_definitions = jsonencode([{ name = var.name, image = "b", user = var.user }])\n  lifecycle {\n    ignore_changes = [container_definitions]\n  }\n');
    const run = await fixChecked({ 'main.tf': 'module "a" {\n  source = "./m"\n  name   = "a"\n}\n', 'm/main.tf': mod }, ['ECS.20']);
    assert.deepEqual(applied(run.report), []);
    assert.match(refusal(run.report, 'module.a.aws_ecs_task_definition.this', 'ECS.20'), /ignore_changes of this resource lists container_definitions/);
  });

  it('a syntax error in another resource and in another file does not stop the fix, and is not made worse', async () => {
    const run = await fixChecked({
      'main.tf': TD('t', '  container_definitions = jsonencode([{ name = "a", image = "b", user = "0" }])') + 'resource "aws_ecs_service" "s" {\n  name = "s\n  x = = 1\n}\n',
      'bad.tf': 'resource "x" "y" {\n  a = [\n}\n',
    }, ['ECS.20']);
    assert.deepEqual(applied(run.report), ['aws_ecs_task_definition.t ECS.20']);
  });

  it('two root modules (env/dev, env/prod) calling one module: each root is verified on its own', async () => {
    const mod = 'variable "user" {\n  type    = string\n  default = "root"\n}\nresource "aws_ecs_task_definition" "this" {\n  family                = "x"\n  container_definitions = jsonencode([{ name = "a", image = "b", user = var.user }])\n}\n';
    const dir = folderWith({
      'env/dev/main.tf': 'module "svc" {\n  source = "../../modules/svc"\n}\n',
      'env/prod/main.tf': 'variable "u" {\n  default = "root"\n}\nmodule "svc" {\n  source = "../../modules/svc"\n  user   = var.u\n}\n',
      'modules/svc/main.tf': mod,
    });
    const report = await fixPaths([join(dir, 'env')], { controls: ['ECS.20'] });
    assert.equal(report.applied.length, 1);
    assert.equal(report.refused.length, 1, 'the refusal of the prod root is reported, not dropped with the dev fix');
    assert.match(report.refused[0].reason, /its input 'user' is var\.u \(a variable\) in the module block at .*env\/prod\/main\.tf:4/);
    assert.deepEqual(report.changes.map((c) => relative(dir, resolve(c.file))), [join('env', 'dev', 'main.tf')]);
    const copy = mkdtempSync(join(tmpdir(), 'ecsguard-hostile-tf-after-'));
    cpSync(dir, copy, { recursive: true });
    for (const c of report.changes) writeFileSync(join(copy, relative(dir, resolve(c.file))), c.after);
    const after = scanPaths([join(copy, 'env')], { controls: ['ECS.20'] });
    const byRoot = new Map(after.findings.map((f) => [relative(copy, resolve(f.resource.root ?? '')), f.status]));
    assert.deepEqual(Object.fromEntries(byRoot), { [join('env', 'dev')]: 'PASSED', [join('env', 'prod')]: 'FAILED' });
  });

  it('a module sourced from outside the root folder (../../m) is followed and its block patched', async () => {
    const run = await fixChecked({ 'env/prod/main.tf': 'module "a" {\n  source = "../../m"\n  name   = "a"\n}\n', 'm/main.tf': MODULE }, ['ECS.20', 'ECS.2'], { sub: 'env/prod' });
    assert.deepEqual(applied(run.report), ['module.a.aws_ecs_service.this ECS.2', 'module.a.aws_ecs_task_definition.this ECS.20']);
    assert.equal(run.text('m/main.tf'), MODULE);
  });
});

// ---------------------------------------------------------------- the safety net

function targetsOf(dir: string, controls: string[]): PatchTarget[] {
  const result = scanPaths([dir], { keepResources: true, controls });
  const active = activeControls({ controls }).map((a) => ({ control: a.control, params: a.params }));
  return (result.judged ?? []).map((j) => ({ resource: j.resource, plan: planFixes(j.resource, active) })).filter((t) => t.plan.fixes.length);
}

function checked(dir: string, controls: string[], patch: typeof patchTerraformFiles) {
  const result = scanPaths([dir], { keepResources: true, controls });
  const active = activeControls({ controls });
  const targets = (result.judged ?? []).map((j) => ({ resource: j.resource, plan: planFixes(j.resource, active) })).filter((t) => t.plan.fixes.length);
  return patchTerraformChecked(targets, (result.judged ?? []).map((j) => j.resource), active, {}, patch);
}

/** A patcher that patches as usual, then spoils the text of the files whose name matches. */
function spoiling(match: RegExp, spoil: (text: string) => string): typeof patchTerraformFiles {
  return (targets, context, readFile) => {
    const out = patchTerraformFiles(targets, context, readFile);
    const files = new Map([...out.files].map(([f, c]) => [f, match.test(f) ? { ...c, after: spoil(c.after) } : c]));
    return { ...out, files };
  };
}

describe('Terraform fix: the patched files are read again and verified', () => {
  const two = {
    'main.tf': TD('t', '  container_definitions = jsonencode([{ name = "a", image = "b", user = "0" }])'),
    'other.tf': TD('u', '  container_definitions = jsonencode([{ name = "a", image = "b", user = "0" }])'),
  };

  it('a patched file that no longer parses is dropped and its fixes refused; the other file keeps its fixes', () => {
    const dir = folderWith(two);
    const out = checked(dir, ['ECS.20'], spoiling(/other\.tf$/, (t) => t.replace(/}\n$/, '')));
    assert.deepEqual(applied(out), ['aws_ecs_task_definition.t ECS.20']);
    assert.match(refusal(out, 'aws_ecs_task_definition.u', 'ECS.20'), /other\.tf: the patched file did not verify: it now has an input error/);
    assert.deepEqual([...out.files.keys()].map((f) => relative(dir, resolve(f))), ['main.tf']);
  });

  it('a patched file that changes another resource is dropped', () => {
    const dir = folderWith({ 'main.tf': two['main.tf'] + two['other.tf'].replace('user = "0"', 'user = "1"') });
    const out = checked(dir, ['ECS.20'], spoiling(/main\.tf$/, (t) => t.replace('user = "1"', 'user = "2"')));
    assert.deepEqual(applied(out), []);
    assert.match(refusal(out, 'aws_ecs_task_definition.t', 'ECS.20'), /the patched file did not verify: aws_ecs_task_definition\.u: containerDefinitions\[0\]\.user changed although no fix was applied to it/);
    assert.equal(out.files.size, 0);
  });

  it('a fix reported applied whose control still fails (a silent no-op) is refused', () => {
    const dir = folderWith(two);
    const out = checked(dir, ['ECS.20'], spoiling(/other\.tf$/, (t) => t.replace('user = "1000:1000"', 'user = "0"')));
    assert.deepEqual(applied(out), ['aws_ecs_task_definition.t ECS.20']);
    assert.match(refusal(out, 'aws_ecs_task_definition.u', 'ECS.20'), /the patched file did not verify: .*(ECS\.20 is FAILED|not what the applied fixes make it)/);
  });

  it('a fix that edits two files is dropped whole when one of them does not verify', () => {
    const dir = folderWith({ 'main.tf': TD('t', '  container_definitions = file("c.json")'), 'c.json': '[\n  {\n    "name": "a",\n    "image": "b",\n    "user": "1"\n  }\n]\n' });
    const out = checked(dir, ['ECS.5'], spoiling(/c\.json$/, (t) => t.replace('"readonlyRootFilesystem": true', '"readonlyRootFilesystem": false')));
    assert.deepEqual(applied(out), []);
    assert.match(refusal(out, 'aws_ecs_task_definition.t', 'ECS.5'), /c\.json: the patched file did not verify/);
    assert.equal(out.files.size, 0, 'the volume block added to main.tf by the same fix is dropped too');
  });

  it('a patcher that throws costs the fixes, not the run', () => {
    const dir = folderWith(two);
    const out = checked(dir, ['ECS.20'], () => {
      throw new Error('boom');
    });
    assert.deepEqual(out.applied, []);
    assert.equal(out.refused.length, 2);
    assert.match(out.refused[0].reason, /the Terraform patcher failed \(boom\)/);
  });

  it('fixPaths runs the net: what it reports applied passes in a scan of the written files', async () => {
    const run = await fixChecked(two, ['ECS.20']);
    assert.deepEqual(applied(run.report), ['aws_ecs_task_definition.t ECS.20', 'aws_ecs_task_definition.u ECS.20']);
  });
});

// ---------------------------------------------------------------- the built CLI

function cli(args: string[], cwd: string) {
  const env: Record<string, string | undefined> = { ...process.env, NO_COLOR: '1' };
  delete env.FORCE_COLOR;
  const r = spawnSync(process.execPath, [CLI, ...args], { cwd, env, encoding: 'utf8', timeout: 60_000 });
  if (r.error) throw r.error;
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

describe('Terraform fix: `fix --write` then `scan` through the built CLI', () => {
  for (const [name, setup] of [
    ['examples/terraform', (dir: string) => cpSync(join(ROOT, 'examples', 'terraform'), join(dir, 'terraform'), { recursive: true })],
    ['a hostile configuration (BOM, CRLF, tabs, JSON-style objects, a shared JSON file, count, an override)', (dir: string) => {
      const files: Record<string, string> = {
        'terraform/main.tf': ('\uFEFF# Café ☕\n' + TD('t', '\tcontainer_definitions = jsonencode([\n\t\t{\n\t\t\t"name": "a",\n\t\t\t"image": "b",\n\t\t\t"user": "0"\n\t\t}\n\t])') +
          TD('f', '  container_definitions = file("${path.module}/c.json")') + TD('g', '  container_definitions = file("${path.module}/c.json")') +
          'resource "aws_ecs_task_definition" "n" {\n  count  = 2\n  family = "n-${count.index}"\n  container_definitions = jsonencode([{ name = "a", image = "b", user = "0" }])\n}\n').replace(/\n/g, '\r\n'),
        'terraform/c.json': '[{"name":"a","image":"b","privileged":true}]\n',
        'terraform/z_override.tf': 'resource "aws_ecs_task_definition" "g" {\n  cpu = 256\n}\n',
      };
      for (const [f, t] of Object.entries(files)) {
        mkdirSync(dirname(join(dir, f)), { recursive: true });
        writeFileSync(join(dir, f), t);
      }
    }],
  ] as const) {
    it(name, () => {
      const dir = mkdtempSync(join(tmpdir(), 'ecsguard-hostile-tf-cli-'));
      setup(dir);
      const before = JSON.parse(cli(['scan', 'terraform', '--format', 'json'], dir).stdout) as { findings: { control: string; status: string; resource: { id: string } }[]; errors: unknown[] };
      const fix = cli(['fix', 'terraform', '--write', '--format', 'json'], dir);
      assert.equal(fix.code, 0, fix.stderr);
      const report = JSON.parse(fix.stdout) as { applied: { control: string; resource: { id: string } }[]; refused: { control: string; resource: { id: string }; reason: string }[] };
      assert.ok(report.applied.length > 0);
      const after = JSON.parse(cli(['scan', 'terraform', '--format', 'json'], dir).stdout) as typeof before;
      assert.deepEqual(after.errors, before.errors);
      const status = new Map(after.findings.map((f) => [key(f.resource.id, f.control), f.status]));
      for (const a of report.applied) assert.equal(status.get(key(a.resource.id, a.control)), 'PASSED', `${a.resource.id} ${a.control}`);
      for (const f of before.findings) {
        const k = key(f.resource.id, f.control);
        // fix runs the Security Hub controls (ECS.n) by default, scan the hardening checks too.
        if (f.control.startsWith('ECS.') && f.status === 'FAILED' && status.get(k) === 'FAILED') assert.ok(report.refused.some((r) => key(r.resource.id, r.control) === k), `${k} still FAILED and not reported`);
      }
      const again = cli(['fix', 'terraform', '--format', 'json'], dir);
      assert.equal(again.code, 0, again.stderr);
      assert.deepEqual((JSON.parse(again.stdout) as { applied: unknown[] }).applied, [], 'a second fix has nothing to apply');
    });
  }
});
