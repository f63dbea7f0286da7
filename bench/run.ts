/**
 * `npm run bench`: the speed and memory figures of the core job.
 *  1. Control evaluations per second, in-process, over 100,000 generated task definitions
 *     (1-10 containers each). Target: at least 1,000,000 evaluations per second.
 *  2. `ecsguard scan` end to end over 10,000 task definition files of about 3 KB: wall time,
 *     files per second and peak resident memory of the CLI process.
 *     Targets: under 3 seconds, under 250 MB.
 * Prints a table and exits 1 when a target is missed. Not part of `npm test`.
 */
import { mkdirSync, rmSync, writeFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';
import { activeControls } from '../src/engine/configuration.js';
import { evaluateResource } from '../src/engine/evaluate.js';
import type { Resource } from '../src/model/index.js';

/** A small deterministic PRNG so every run measures the same inputs. */
function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s * 1664525 + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

const IMAGES = ['public.ecr.aws/nginx/nginx:1.27', '111122223333.dkr.ecr.eu-west-1.amazonaws.com/orders-api:2.14.3', 'public.ecr.aws/aws-observability/aws-otel-collector:v0.40.0', 'public.ecr.aws/aws-observability/aws-for-fluent-bit:stable', 'datadog/agent:7', 'mcr.microsoft.com/windows/servercore/iis:windowsservercore-ltsc2022'];
const USERS = [undefined, '1000', '1000:1000', 'root', '0:0', 'nginx', 'app:app', 'ContainerUser', 'ContainerAdministrator', ''];
const OS = [undefined, 'LINUX', 'LINUX', 'LINUX', 'WINDOWS_SERVER_2022_CORE', 'WINDOWS_SERVER_2019_FULL'];

/** A realistic task definition (register input shape) with 1-10 containers. */
export function generateTaskDefinition(i: number, rand: () => number): Record<string, unknown> {
  const n = 1 + Math.floor(rand() * 10);
  const family = `svc-${i}`;
  const containers = [];
  for (let c = 0; c < n; c++) {
    const pick = <T,>(xs: T[]) => xs[Math.floor(rand() * xs.length)];
    containers.push({
      name: c === 0 ? 'app' : `sidecar-${c}`,
      image: pick(IMAGES),
      essential: c === 0,
      cpu: 128,
      memory: 256,
      ...(rand() < 0.8 ? { user: pick(USERS) } : {}),
      ...(rand() < 0.1 ? { privileged: true } : {}),
      readonlyRootFilesystem: rand() < 0.6,
      portMappings: c === 0 ? [{ containerPort: 8080, protocol: 'tcp' }] : [],
      environment: [
        { name: 'LOG_LEVEL', value: 'info' },
        { name: 'REGION', value: 'eu-west-1' },
        ...(rand() < 0.05 ? [{ name: 'AWS_SECRET_ACCESS_KEY', value: 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY' }] : []),
      ],
      ...(rand() < 0.9 ? { logConfiguration: { logDriver: 'awslogs', options: { 'awslogs-group': `/ecs/${family}`, 'awslogs-region': 'eu-west-1', 'awslogs-stream-prefix': 'ecs' } } } : {}),
      healthCheck: { command: ['CMD-SHELL', 'curl -f http://localhost:8080/health || exit 1'], interval: 30, timeout: 5, retries: 3 },
    });
  }
  const os = OS[Math.floor(rand() * OS.length)];
  return {
    family,
    taskRoleArn: `arn:aws:iam::111122223333:role/${family}-task`,
    executionRoleArn: 'arn:aws:iam::111122223333:role/ecsTaskExecutionRole',
    networkMode: rand() < 0.1 ? 'host' : 'awsvpc',
    ...(rand() < 0.05 ? { pidMode: 'host' } : {}),
    requiresCompatibilities: ['FARGATE'],
    cpu: '1024',
    memory: '2048',
    ...(os ? { runtimePlatform: { operatingSystemFamily: os, cpuArchitecture: 'X86_64' } } : {}),
    containerDefinitions: containers,
    ...(rand() < 0.2 ? { volumes: [{ name: 'shared', efsVolumeConfiguration: { fileSystemId: 'fs-0123456789abcdef0', ...(rand() < 0.5 ? { transitEncryption: 'ENABLED' } : {}) } }] } : {}),
    ...(rand() < 0.7 ? { tags: [{ key: 'team', value: 'platform' }, { key: 'env', value: 'prod' }] } : {}),
  };
}

function benchEvaluations(count: number, set: 'security-hub' | 'all'): { evaluations: number; seconds: number; perSecond: number } {
  const rand = rng(42);
  const controls = activeControls({ controls: [set] });
  const resources: Resource[] = [];
  for (let i = 0; i < count; i++) {
    const td = generateTaskDefinition(i, rand);
    resources.push({ type: 'AWS::ECS::TaskDefinition', id: `svc-${i}`, name: `svc-${i}`, properties: td as Resource['properties'], origin: { kind: 'file', file: 'bench', format: 'taskdef-json' }, locate: () => null });
  }
  // Warm up the JIT on a slice, then measure the whole set.
  for (let i = 0; i < 2000; i++) evaluateResource(resources[i], controls);
  let evaluations = 0;
  const t0 = process.hrtime.bigint();
  for (const r of resources) {
    for (const { control, params } of controls) {
      if (control.resourceTypes.includes(r.type)) {
        control.evaluate(r, params);
        evaluations++;
      }
    }
  }
  const seconds = Number(process.hrtime.bigint() - t0) / 1e9;
  return { evaluations, seconds, perSecond: evaluations / seconds };
}

function benchEndToEnd(files: number, extraArgs: string[] = []): { seconds: number; filesPerSecond: number; peakMb: number; bytes: number; findings: number } {
  const dir = join(import.meta.dirname, '.work', 'taskdefs');
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  const rand = rng(7);
  let bytes = 0;
  for (let i = 0; i < files; i++) {
    let td = generateTaskDefinition(i, rand);
    // Keep files near 3 KB: one to three containers.
    const cds = td.containerDefinitions as unknown[];
    td = { ...td, containerDefinitions: cds.slice(0, 2 + (i % 3)) };
    const text = JSON.stringify(td, null, 2);
    bytes += text.length;
    writeFileSync(join(dir, `td-${String(i).padStart(5, '0')}.json`), text);
  }
  const cli = join(import.meta.dirname, '..', 'dist', 'cli', 'main.js');
  if (!existsSync(cli)) throw new Error('dist/cli/main.js missing: run npm run build');
  const out = join(import.meta.dirname, '.work', 'report.json');
  const probe = `process.on('exit', () => process.stderr.write('MAXRSS ' + process.resourceUsage().maxRSS + '\\n')); await import(${JSON.stringify(cli)});`;
  const t0 = process.hrtime.bigint();
  const run = spawnSync(process.execPath, ['--input-type=module', '-e', probe, 'ecsguard', 'scan', dir, '--format', 'json', '--output', out, ...extraArgs], { encoding: 'utf8', env: { ...process.env, NO_COLOR: '1' } });
  const seconds = Number(process.hrtime.bigint() - t0) / 1e9;
  if (run.status !== 0 && run.status !== 1) throw new Error(`scan exited ${run.status}: ${run.stderr}`);
  const rss = /MAXRSS (\d+)/.exec(run.stderr);
  const report = JSON.parse(require_text(out)) as { findings: unknown[]; summary: { resources: number } };
  if (report.summary.resources !== files) throw new Error(`expected ${files} resources judged, got ${report.summary.resources}`);
  return { seconds, filesPerSecond: files / seconds, peakMb: rss ? Number(rss[1]) / 1024 : NaN, bytes, findings: report.findings.length };
}

/** A YAML template with `n` ECS resources of every type, using parameters, conditions, Sub, If, FindInMap, GetAtt. */
export function generateTemplate(i: number, n: number, rand: () => number): string {
  const out: string[] = [
    'AWSTemplateFormatVersion: "2010-09-09"',
    `Description: generated stack ${i}`,
    'Parameters:',
    '  Env:',
    '    Type: String',
    '    Default: prod',
    '  AppUser:',
    '    Type: String',
    '    Default: "1000"',
    '  Subnets:',
    '    Type: List<AWS::EC2::Subnet::Id>',
    'Conditions:',
    '  IsProd: !Equals [!Ref Env, prod]',
    '  UseSpot: !Equals [!Ref AWS::Region, eu-west-1]',
    'Mappings:',
    '  Versions:',
    '    linux: { fargate: 1.4.0 }',
    'Resources:',
  ];
  for (let r = 0; r < n; r++) {
    const kind = r % 5;
    const id = `Res${r}`;
    if (kind === 0 || kind === 3) {
      out.push(`  ${id}:`, '    Type: AWS::ECS::TaskDefinition', '    Properties:', `      Family: !Sub "\${Env}-app-${i}-${r}"`, '      NetworkMode: awsvpc', '      RequiresCompatibilities: [FARGATE]', '      Cpu: "512"', '      Memory: "1024"', '      RuntimePlatform:', '        OperatingSystemFamily: LINUX', '      ContainerDefinitions:');
      const containers = 1 + Math.floor(rand() * 4);
      for (let c = 0; c < containers; c++) {
        out.push(
          `        - Name: c${c}`,
          `          Image: !Sub "\${AWS::AccountId}.dkr.ecr.\${AWS::Region}.amazonaws.com/app-${c}:1.${r}"`,
          `          User: ${rand() < 0.7 ? '!Ref AppUser' : rand() < 0.5 ? '!If [IsProd, "1000:1000", root]' : '"0:0"'}`,
          `          ReadonlyRootFilesystem: ${rand() < 0.6 ? 'true' : '"false"'}`,
          '          Environment:',
          '            - Name: LOG_LEVEL',
          '              Value: !If [IsProd, info, debug]',
          '          LogConfiguration:',
          '            LogDriver: awslogs',
          '            Options:',
          `              awslogs-group: !Sub /ecs/\${AWS::StackName}/c${c}`,
          '              awslogs-region: !Ref AWS::Region',
          '              awslogs-stream-prefix: app',
        );
      }
      out.push('      Tags:', '        - Key: team', '          Value: platform');
    } else if (kind === 1) {
      out.push(`  ${id}:`, '    Type: AWS::ECS::Service', '    Properties:', `      TaskDefinition: !Ref Res${r - 1}`, '      LaunchType: FARGATE', '      PlatformVersion: !FindInMap [Versions, linux, fargate]', '      NetworkConfiguration:', '        AwsvpcConfiguration:', `          AssignPublicIp: ${rand() < 0.2 ? 'ENABLED' : 'DISABLED'}`, '          Subnets: !Ref Subnets', '          SecurityGroups: [!GetAtt Sg.GroupId]');
    } else if (kind === 2) {
      out.push(`  ${id}:`, '    Type: AWS::ECS::Cluster', '    Properties:', '      ClusterSettings:', '        - Name: containerInsights', '          Value: !If [IsProd, enhanced, disabled]');
    } else {
      out.push(`  ${id}:`, '    Type: AWS::ECS::CapacityProvider', '    Properties:', '      AutoScalingGroupProvider:', '        AutoScalingGroupArn: !GetAtt Asg.Arn', `        ManagedTerminationProtection: ${rand() < 0.5 ? 'ENABLED' : 'DISABLED'}`, '        ManagedScaling:', '          Status: !If [UseSpot, ENABLED, DISABLED]');
    }
  }
  out.push('  Sg:', '    Type: AWS::EC2::SecurityGroup', '    Properties:', '      GroupDescription: app', '  Asg:', '    Type: AWS::AutoScaling::AutoScalingGroup', '    Properties:', '      MinSize: "0"', '      MaxSize: "4"');
  return out.join('\n') + '\n';
}

/** Runs the CLI over `dir` with a probe for peak memory; returns seconds, peak MB and the report. */
function runCli(dir: string): { seconds: number; peakMb: number; report: { findings: unknown[]; errors: unknown[]; summary: { resources: number } } } {
  const cli = join(import.meta.dirname, '..', 'dist', 'cli', 'main.js');
  if (!existsSync(cli)) throw new Error('dist/cli/main.js missing: run npm run build');
  const out = join(import.meta.dirname, '.work', 'report.json');
  const probe = `process.on('exit', () => process.stderr.write('MAXRSS ' + process.resourceUsage().maxRSS + '\\n')); await import(${JSON.stringify(cli)});`;
  const t0 = process.hrtime.bigint();
  const run = spawnSync(process.execPath, ['--input-type=module', '-e', probe, 'ecsguard', 'scan', dir, '--format', 'json', '--output', out], { encoding: 'utf8', env: { ...process.env, NO_COLOR: '1' } });
  const seconds = Number(process.hrtime.bigint() - t0) / 1e9;
  if (run.status !== 0 && run.status !== 1) throw new Error(`scan exited ${run.status}: ${run.stderr}`);
  const rss = /MAXRSS (\d+)/.exec(run.stderr);
  return { seconds, peakMb: rss ? Number(rss[1]) / 1024 : NaN, report: JSON.parse(require_text(out)) };
}

function benchTemplates(count: number): { seconds: number; perSecond: number; peakMb: number; resources: number; errors: number } {
  const dir = join(import.meta.dirname, '.work', 'templates');
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  const rand = rng(11);
  let resources = 0;
  for (let i = 0; i < count; i++) {
    const n = 5 + Math.floor(rand() * 16);
    resources += n;
    writeFileSync(join(dir, `stack-${String(i).padStart(4, '0')}.yaml`), generateTemplate(i, n, rand));
  }
  const { seconds, peakMb, report } = runCli(dir);
  if (report.summary.resources !== resources) throw new Error(`expected ${resources} resources judged, got ${report.summary.resources}`);
  return { seconds, perSecond: count / seconds, peakMb, resources, errors: report.errors.length };
}

/**
 * `ecsguard fix` over the templates `benchTemplates` wrote (diff mode, nothing written): seconds,
 * fixes applied, and how many were dropped because the patched file did not verify (target 0:
 * each such refusal is a patcher fault on a plain template).
 */
function benchFix(): { seconds: number; peakMb: number; files: number; applied: number; unverified: number; refused: number } {
  const dir = join(import.meta.dirname, '.work', 'templates');
  const cli = join(import.meta.dirname, '..', 'dist', 'cli', 'main.js');
  const out = join(import.meta.dirname, '.work', 'fix.json');
  const probe = `process.on('exit', () => process.stderr.write('MAXRSS ' + process.resourceUsage().maxRSS + '\\n')); await import(${JSON.stringify(cli)});`;
  const t0 = process.hrtime.bigint();
  const run = spawnSync(process.execPath, ['--input-type=module', '-e', probe, 'ecsguard', 'fix', dir, '--format', 'json', '--output', out], { encoding: 'utf8', env: { ...process.env, NO_COLOR: '1' } });
  const seconds = Number(process.hrtime.bigint() - t0) / 1e9;
  if (run.status !== 0) throw new Error(`fix exited ${run.status}: ${run.stderr}`);
  const rss = /MAXRSS (\d+)/.exec(run.stderr);
  const report = JSON.parse(require_text(out)) as { files: unknown[]; applied: unknown[]; refused: { reason: string }[] };
  return {
    seconds,
    peakMb: rss ? Number(rss[1]) / 1024 : NaN,
    files: report.files.length,
    applied: report.applied.length,
    unverified: report.refused.filter((r) => r.reason.includes('did not verify')).length,
    refused: report.refused.length,
  };
}

/** 100 Terraform root modules of five files each (500 .tf files, 200 ECS resources) using variables, locals and jsonencode. */
function benchTerraform(): { seconds: number; files: number; resources: number; peakMb: number; errors: number } {
  const root = join(import.meta.dirname, '.work', 'terraform');
  rmSync(root, { recursive: true, force: true });
  let files = 0;
  for (let i = 0; i < 100; i++) {
    const dir = join(root, `stack-${String(i).padStart(3, '0')}`);
    mkdirSync(dir, { recursive: true });
    const write = (name: string, text: string) => {
      writeFileSync(join(dir, name), text);
      files++;
    };
    write('providers.tf', `provider "aws" {\n  region = var.region\n  default_tags {\n    tags = { stack = "stack-${i}", owner = "platform" }\n  }\n}\n`);
    write('variables.tf', ['region = "eu-west-1"', `app_user = "${i % 4 === 0 ? 'root' : '1000'}"`, 'image_tag = "1.2.3"', 'env = "prod"'].map((l) => {
      const [k, v] = l.split(' = ');
      return `variable "${k}" {\n  type    = string\n  default = ${v}\n}\n`;
    }).join('\n'));
    write('locals.tf', `locals {\n  name = "svc-${i}"\n  log = {\n    logDriver = "awslogs"\n    options = { "awslogs-group" = "/ecs/\${local.name}", "awslogs-region" = var.region, "awslogs-stream-prefix" = "app" }\n  }\n  common = { essential = true, readonlyRootFilesystem = var.env == "prod", logConfiguration = local.log }\n}\n`);
    write('main.tf', `resource "aws_ecs_task_definition" "app" {\n  family                   = local.name\n  requires_compatibilities = ["FARGATE"]\n  network_mode             = "awsvpc"\n  cpu                      = 512\n  memory                   = 1024\n  container_definitions = jsonencode([\n    merge(local.common, { name = "app", image = "111122223333.dkr.ecr.eu-west-1.amazonaws.com/\${local.name}:\${var.image_tag}", user = var.app_user }),\n    merge(local.common, { name = "sidecar", image = "public.ecr.aws/aws-observability/aws-otel-collector:v0.40.0", user = "10001" }),\n  ])\n  runtime_platform {\n    operating_system_family = "LINUX"\n  }\n  tags = { service = local.name }\n}\n\nresource "aws_ecs_service" "app" {\n  name            = local.name\n  cluster         = "main"\n  task_definition = aws_ecs_task_definition.app.arn\n  launch_type     = "FARGATE"\n  desired_count   = 2\n  network_configuration {\n    subnets          = ["subnet-0aaaaaaaaaaaaaaaa"]\n    assign_public_ip = ${i % 5 === 0}\n  }\n}\n`);
    write('outputs.tf', `output "service_name" {\n  value = aws_ecs_service.app.name\n}\n`);
  }
  const { seconds, peakMb, report } = runCli(root);
  return { seconds, files, resources: report.summary.resources, peakMb, errors: report.errors.length };
}

function require_text(file: string): string {
  return spawnSync('cat', [file], { encoding: 'utf8', maxBuffer: 1 << 30 }).stdout;
}

if (import.meta.url === `file://${process.argv[1]}`) main();

function main(): void {
const ev = benchEvaluations(100_000, 'security-hub');
const evAll = benchEvaluations(100_000, 'all');
const e2e = benchEndToEnd(10_000, ['--controls', 'security-hub']);
const e2eAll = benchEndToEnd(10_000);
const cfn = benchTemplates(1_000);
const fix = benchFix();
const tf = benchTerraform();
const rows = [
  ['Security Hub control evaluations / s (100,000 task defs)', Math.round(ev.perSecond).toLocaleString('en-US'), '>= 1,000,000', ev.perSecond >= 1_000_000],
  ['evaluations run', ev.evaluations.toLocaleString('en-US'), '', true],
  ['all controls (with ECSG) evaluations / s', Math.round(evAll.perSecond).toLocaleString('en-US'), '', true],
  ['scan of 10,000 files (Security Hub controls), seconds', e2e.seconds.toFixed(2), '< 3.00', e2e.seconds < 3],
  ['files / s', Math.round(e2e.filesPerSecond).toLocaleString('en-US'), '', true],
  ['average file size, bytes', Math.round(e2e.bytes / 10_000).toLocaleString('en-US'), '~3,000', true],
  ['peak memory of the scan, MB', e2e.peakMb.toFixed(0), '< 250', e2e.peakMb < 250],
  ['findings written', e2e.findings.toLocaleString('en-US'), '', true],
  ['same scan, all controls (default), seconds', e2eAll.seconds.toFixed(2), '', true],
  ['peak memory, all controls, MB', e2eAll.peakMb.toFixed(0), '< 250', e2eAll.peakMb < 250],
  ['scan of 1,000 CloudFormation YAML templates, seconds', cfn.seconds.toFixed(2), '< 4.00', cfn.seconds < 4],
  ['templates / s', Math.round(cfn.perSecond).toLocaleString('en-US'), '', true],
  ['ECS resources in them', cfn.resources.toLocaleString('en-US'), '', true],
  ['peak memory of the template scan, MB', cfn.peakMb.toFixed(0), '', true],
  ['input errors in generated templates', String(cfn.errors), '0', cfn.errors === 0],
  ['fix of the same templates (diff, nothing written), seconds', fix.seconds.toFixed(2), '', true],
  ['templates changed / fixes applied', `${fix.files} / ${fix.applied}`, '', true],
  ['failing controls not fixed automatically (listed)', fix.refused.toLocaleString('en-US'), '', true],
  ['fixes dropped because the patched file did not verify', String(fix.unverified), '0', fix.unverified === 0],
  ['peak memory of the fix, MB', fix.peakMb.toFixed(0), '', true],
  ['scan of 500 .tf files (100 root modules), seconds', tf.seconds.toFixed(2), '< 5.00', tf.seconds < 5],
  ['.tf files / s', Math.round(tf.files / tf.seconds).toLocaleString('en-US'), '', true],
  ['ECS resources in them', String(tf.resources), '200', tf.resources === 200],
  ['peak memory of the Terraform scan, MB', tf.peakMb.toFixed(0), '', true],
  ['input errors in generated Terraform', String(tf.errors), '0', tf.errors === 0],
] as const;
for (const [what, value, target, ok] of rows) console.log(`${ok ? '  ' : '!!'} ${what.padEnd(52)} ${String(value).padStart(12)}  ${target}`);
process.exitCode = rows.every((r) => r[3]) ? 0 : 1;
}
