/** Terraform inputs that broke or misled an earlier version; each test holds the right behaviour. */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { scanPaths, type ScanOptions } from '../../src/api.js';
import type { ScanResult } from '../../src/engine/scan.js';

function scanTf(files: Record<string, string>, options: ScanOptions = {}, setup?: (dir: string) => void): ScanResult {
  const dir = mkdtempSync(join(tmpdir(), 'ecsguard-tf-'));
  try {
    for (const [name, text] of Object.entries(files)) {
      mkdirSync(join(dir, name, '..'), { recursive: true });
      writeFileSync(join(dir, name), text);
    }
    setup?.(dir);
    return scanPaths([dir], options);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
const td = (user: string, extra = '') => `resource "aws_ecs_task_definition" "t" {\n  family = "t"\n  container_definitions = jsonencode([{ name = "a", image = "b", user = ${user}${extra} }])\n}\n`;
const find = (r: ScanResult, control: string, id = 'aws_ecs_task_definition.t') => r.findings.find((f) => f.control === control && f.resource.id === id);

describe('crashes and hangs are one input error, never the whole scan', () => {
  it('a variable whose default refers to itself', () => {
    const r = scanTf({ 'main.tf': `variable "user" { default = var.user }\n${td('var.user')}` });
    assert.equal(find(r, 'ECS.20')?.status, 'NOT_AVAILABLE');
  });
  it('nesting 3,000 deep in a local', () => {
    const r = scanTf({ 'main.tf': `locals { deep = ${'['.repeat(3000)}1${']'.repeat(3000)} }\n${td('"1000"', ', x = local.deep')}`, 'other/main.tf': 'resource "aws_ecs_cluster" "c" { name = "c" }\n' });
    assert.ok(r.findings.some((f) => f.resource.id === 'aws_ecs_cluster.c'), 'the other folder is still judged');
  });
  it('a folder and a FIFO named *.tf are refused, not read', () => {
    const r = scanTf({ 'main.tf': td('"1000"') }, {}, (dir) => {
      mkdirSync(join(dir, 'legacy.tf'));
      execFileSync('mkfifo', [join(dir, 'pipe.tf')]);
    });
    assert.equal(find(r, 'ECS.20')?.status, 'PASSED');
    assert.ok(r.errors.filter((e) => /not a regular file/.test(e.message)).length >= 1, JSON.stringify(r.errors));
  });
  it('file("/dev/zero") is refused', () => {
    const r = scanTf({ 'main.tf': 'resource "aws_ecs_task_definition" "t" {\n  family = "t"\n  container_definitions = file("/dev/zero")\n}\n' });
    assert.ok(r.errors.some((e) => /not a regular file/.test(e.message)));
    assert.equal(find(r, 'ECS.20')?.status, 'NOT_AVAILABLE');
  });
  it('a module that calls itself (with count) is a cycle, reported once at its line', () => {
    const r = scanTf({ 'main.tf': 'module "r" {\n  source = "./modules/rec"\n}\n', 'modules/rec/main.tf': 'module "again" {\n  source = "../rec"\n  count  = 3\n}\nresource "aws_ecs_cluster" "c" { name = "c" }\n' });
    assert.deepEqual(r.findings.filter((f) => f.control === 'ECS.12').map((f) => f.resource.id), ['module.r.aws_ecs_cluster.c']);
    const cycles = r.errors.filter((e) => /module cycle/.test(e.message));
    assert.equal(cycles.length, 1);
    assert.equal(cycles[0].line, 1);
  });
  it('two folders calling each other are both still read', () => {
    const r = scanTf({ 'a/main.tf': 'module "b" { source = "../b" }\nresource "aws_ecs_cluster" "a" { name = "a" }\n', 'b/main.tf': 'module "a" { source = "../a" }\nresource "aws_ecs_cluster" "b" { name = "b" }\n' });
    assert.ok(r.findings.length > 0);
    assert.ok(r.errors.some((e) => /module cycle/.test(e.message)));
  });
  it('a .tf file over --max-file-size is refused', () => {
    const r = scanTf({ 'main.tf': td('"1000"'), 'big.tf': `# ${'x'.repeat(5000)}\n` }, { maxFileBytes: 2000 });
    assert.ok(r.errors.some((e) => e.file.endsWith('big.tf') && /over the/.test(e.message)));
    assert.equal(find(r, 'ECS.20')?.status, 'PASSED');
  });
});

describe('Terraform semantics', () => {
  it('override.tf merges into the block it names', () => {
    const r = scanTf({ 'main.tf': 'resource "aws_ecs_cluster" "main" { name = "main" }\n', 'override.tf': 'resource "aws_ecs_cluster" "main" {\n  setting {\n    name  = "containerInsights"\n    value = "enabled"\n  }\n}\n' });
    const f = r.findings.filter((x) => x.control === 'ECS.12');
    assert.equal(f.length, 1);
    assert.equal(f[0].status, 'PASSED');
    assert.match(f[0].location!.file, /override\.tf$/);
  });
  it('try() and can() of an unknown value stay unknown', () => {
    const r = scanTf({ 'main.tf': `data "aws_ssm_parameter" "uid" { name = "/app/uid" }\n${td('try(data.aws_ssm_parameter.uid.value, "1000")')}` });
    assert.equal(find(r, 'ECS.20')?.status, 'NOT_AVAILABLE');
    const c = scanTf({ 'main.tf': `data "aws_ssm_parameter" "uid" { name = "/app/uid" }\n${td('can(data.aws_ssm_parameter.uid.value) ? "1000" : "0"')}` });
    assert.equal(find(c, 'ECS.20')?.status, 'NOT_AVAILABLE');
  });
  it('--var for a variable without a type is a string; bool and number variables convert', () => {
    const r = scanTf({ 'main.tf': `variable "u" {}\n${td('var.u')}` }, { terraformVars: { u: '0' } });
    assert.equal(find(r, 'ECS.20')?.status, 'FAILED');
    assert.deepEqual(r.errors, []);
    const b = scanTf({ 'main.tf': `variable "priv" { type = bool }\n${td('"1000"', ', privileged = var.priv')}` }, { terraformVars: { priv: '1' } });
    assert.equal(find(b, 'ECS.4')?.status, 'FAILED');
  });
  it('a conditional mixing a string and a number gives a string', () => {
    const r = scanTf({ 'main.tf': `variable "uid" {\n  type    = number\n  default = 0\n}\n${td('false ? "ContainerUser" : var.uid')}` });
    assert.equal(find(r, 'ECS.20')?.status, 'FAILED');
    assert.deepEqual(r.errors, []);
  });
  it('maps are iterated in key order, so field paths match what Terraform sends', () => {
    const r = scanTf({ 'main.tf': 'variable "containers" {\n  default = { web = { user = "0" }, api = { user = "1000" } }\n}\nresource "aws_ecs_task_definition" "t" {\n  family = "t"\n  container_definitions = jsonencode([for name, c in var.containers : { name = name, image = "x", user = c.user }])\n}\n' });
    assert.equal(find(r, 'ECS.20')?.path, 'containerDefinitions[1].user');
  });
  it('for_each over toset() with duplicates gives each instance once', () => {
    const r = scanTf({ 'main.tf': 'resource "aws_ecs_cluster" "e" {\n  for_each = toset(["prod", "dev", "prod"])\n  name = each.key\n}\n' });
    assert.deepEqual(r.findings.filter((f) => f.control === 'ECS.12').map((f) => f.resource.id), ['aws_ecs_cluster.e["dev"]', 'aws_ecs_cluster.e["prod"]']);
  });
  it('count given as a string, a negative count, and a count over the expansion limit', () => {
    const r = scanTf({ 'main.tf': 'resource "aws_ecs_cluster" "s" {\n  count = "2"\n  name = "s"\n}\nresource "aws_ecs_cluster" "n" {\n  count = -1\n  name = "n"\n}\n' });
    assert.deepEqual(r.findings.filter((f) => f.control === 'ECS.12').map((f) => f.resource.id), ['aws_ecs_cluster.s[0]', 'aws_ecs_cluster.s[1]']);
    assert.ok(r.errors.some((e) => /negative count/.test(e.message)));
  });
  it('an undeclared --var is reported; .tf.json files are reported, not silently skipped', () => {
    const r = scanTf({ 'main.tf': td('"1000"'), 'extra.tf.json': '{}' }, { terraformVars: { usr: 'x' } });
    assert.ok(r.errors.some((e) => /no root module in this scan declares a variable named usr/.test(e.message)));
    assert.ok(r.errors.some((e) => /\.tf\.json\) is not read/.test(e.message)));
  });
  it('templatefile: a key missing from the variables is an error; var.* is not visible; ${jsonencode({...})} renders', () => {
    const r = scanTf({ 'main.tf': 'resource "aws_ecs_task_definition" "t" {\n  family = "t"\n  container_definitions = templatefile("${path.module}/c.tpl", { image = "x" })\n}\n', 'c.tpl': '[{"name": "a", "image": "${image}", "user": "${user}"}]\n' });
    assert.ok(r.errors.some((e) => /has no key 'user'/.test(e.message)));
    assert.equal(find(r, 'ECS.20')?.status, 'NOT_AVAILABLE');
    const j = scanTf({ 'main.tf': 'resource "aws_ecs_task_definition" "t" {\n  family = "t"\n  container_definitions = templatefile("${path.module}/c.tpl", { env = { A = "1" } })\n}\n', 'c.tpl': '[{"name": "a", "image": "x", "user": "0", "environment": ${jsonencode([for k, v in env : { name = k, value = v }])}}]\n' });
    assert.equal(find(j, 'ECS.20')?.status, 'FAILED');
  });
  it('an indented heredoc (<<-) gives the right columns on every line', () => {
    const r = scanTf({ 'main.tf': 'resource "aws_ecs_task_definition" "t" {\n  family = "t"\n  container_definitions = <<-EOT\n    [\n      {\n        "name": "a",\n        "user": "root"\n      }\n    ]\n  EOT\n}\n' });
    assert.deepEqual([find(r, 'ECS.20')?.location?.line, find(r, 'ECS.20')?.location?.column], [7, 9]);
  });
  it('merge() keeps where each key was written', () => {
    const r = scanTf({ 'main.tf': 'locals {\n  defaults = { image = "x", user = "1000" }\n}\nresource "aws_ecs_task_definition" "t" {\n  family = "t"\n  container_definitions = jsonencode([merge(local.defaults, {\n    name       = "a"\n    privileged = true\n  })])\n}\n' });
    assert.equal(find(r, 'ECS.4')?.location?.line, 8);
  });
  it('a plan entry that is forgotten or deleted is not judged', () => {
    const plan = { format_version: '1.2', resource_changes: [{ address: 'aws_ecs_cluster.f', mode: 'managed', type: 'aws_ecs_cluster', name: 'f', change: { actions: ['forget'], before: { name: 'f' }, after: null } }] };
    const r = scanTf({ 'plan.json': JSON.stringify(plan) });
    assert.equal(r.findings.length, 0);
  });
});

describe('providers passed to modules', () => {
  it('a module given providers = { aws = aws.use1 } uses that provider\'s default_tags (none here)', () => {
    const r = scanTf({
      'main.tf': 'provider "aws" {\n  default_tags {\n    tags = { owner = "platform" }\n  }\n}\nprovider "aws" {\n  alias = "use1"\n}\nmodule "east" {\n  source    = "./modules/svc"\n  providers = { aws = aws.use1 }\n}\nmodule "west" {\n  source = "./modules/svc"\n}\n',
      'modules/svc/main.tf': 'resource "aws_ecs_cluster" "c" { name = "c" }\n',
    });
    const status = (id: string) => r.findings.find((f) => f.control === 'ECS.14' && f.resource.id === id)?.status;
    assert.equal(status('module.east.aws_ecs_cluster.c'), 'FAILED');
    assert.equal(status('module.west.aws_ecs_cluster.c'), 'PASSED');
  });
});

describe('hardening checks (ECSG) from Terraform', () => {
  it('capabilities, host mounts, image pinning, shared roles and ECS Exec, with lines', () => {
    const r = scanTf({
      'main.tf': `resource "aws_ecs_task_definition" "t" {
  family             = "t"
  task_role_arn      = "arn:aws:iam::111122223333:role/app"
  execution_role_arn = "arn:aws:iam::111122223333:role/app"
  container_definitions = jsonencode([{
    name  = "a"
    image = "nginx:latest"
    user  = "1000"
    linuxParameters = {
      capabilities = { add = ["SYS_ADMIN"] }
    }
    mountPoints = [{ sourceVolume = "sock", containerPath = "/var/run/docker.sock" }]
  }])
  volume {
    name      = "sock"
    host_path = "/var/run/docker.sock"
  }
}
resource "aws_ecs_service" "s" {
  name                   = "s"
  enable_execute_command = true
}
`,
    });
    const st = (control: string, id = 'aws_ecs_task_definition.t') => r.findings.find((f) => f.control === control && f.resource.id === id);
    assert.equal(st('ECSG.1')?.status, 'FAILED');
    assert.equal(st('ECSG.1')?.location?.line, 10);
    assert.equal(st('ECSG.4')?.status, 'FAILED');
    assert.equal(st('ECSG.6')?.status, 'FAILED');
    assert.equal(st('ECSG.8')?.status, 'FAILED');
    assert.equal(st('ECSG.9', 'aws_ecs_service.s')?.status, 'FAILED');
    assert.equal(st('ECSG.9', 'aws_ecs_service.s')?.location?.line, 21);
  });
});

describe('two root modules calling one module', () => {
  it('keep their findings apart: the root is part of the identity (ASFF Id, SARIF fingerprint, text grouping)', async () => {
    const { toAsffFindings } = await import('../../src/reporters/asff.js');
    const { findingFingerprint } = await import('../../src/reporters/sarif.js');
    const { defaultContext } = await import('../../src/reporters/context.js');
    const r = scanTf({
      'envs/dev/main.tf': 'module "app" {\n  source = "../../modules/app"\n  user   = "0"\n}\n',
      'envs/prod/main.tf': 'module "app" {\n  source = "../../modules/app"\n  user   = "1000"\n}\n',
      'modules/app/main.tf': `variable "user" {}\nresource "aws_ecs_task_definition" "this" {\n  family = "app"\n  container_definitions = jsonencode([{ name = "a", image = "b", user = var.user }])\n}\n`,
    });
    const f20 = r.findings.filter((f) => f.control === 'ECS.20');
    assert.equal(f20.length, 2);
    assert.deepEqual(f20.map((f) => f.status).sort(), ['FAILED', 'PASSED']);
    assert.notEqual(f20[0].resource.root, f20[1].resource.root);
    const ids = toAsffFindings({ ...r, findings: f20 }, defaultContext({ account: '111122223333', region: 'eu-west-1' })).map((a) => a.Id);
    assert.equal(new Set(ids).size, 2);
    assert.notEqual(findingFingerprint(f20[0]), findingFingerprint(f20[1]));
  });
});
