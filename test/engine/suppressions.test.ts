/**
 * Suppressions (src/engine/suppressions.ts and the sources' inline forms): configuration
 * suppressions by id, file, family, ARN and account globs; inline CloudFormation Metadata (YAML,
 * JSON), Terraform comments (above and inside the block) and the task definition JSON key;
 * expiry against `today`; unusable inline suppressions as input errors; and the CLI: suppressed
 * findings stay in JSON and SARIF, marked, and do not fail the run.
 */
import { before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { scanPaths } from '../../src/api.js';
import { Scan, type ScanResult } from '../../src/engine/scan.js';
import { ConfigError, type EngineOptions } from '../../src/engine/configuration.js';
import { accountOfArn, checkDate, matchTexts, Suppressor } from '../../src/engine/suppressions.js';
import { dateText } from '../../src/sources/inline-suppressions.js';
import { parseSuppressionComment } from '../../src/sources/terraform/module.js';
import type { ConfigSuppression, Finding, Location, Resource } from '../../src/model/index.js';
import { tempDirs, writeFiles } from '../helpers/files.js';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const CLI = join(ROOT, 'dist/cli/main.js');

const tempDir = tempDirs('suppress');
const write = writeFiles;

const find = (r: ScanResult, id: string, control: string): Finding => {
  const f = r.findings.find((x) => x.resource.id === id && x.control === control);
  assert.ok(f, `no ${control} finding for ${id}; have ${[...new Set(r.findings.map((x) => x.resource.id))].join(', ')}`);
  return f;
};

/** One container that fails ECS.5 (readonlyRootFilesystem unset) and passes ECS.20 (user 1000). */
const CONTAINERS = [{ name: 'web', image: 'public.ecr.aws/nginx/nginx:1.27', user: '1000', essential: true }];

/** A task definition resource as a source would give it: from a file, or from live AWS. */
function taskDefinition(opts: { id: string; family: string; file?: string; arn?: string; account?: string }): Resource {
  const origin: Resource['origin'] = opts.account ? { kind: 'aws', account: opts.account, region: 'eu-west-1' } : { kind: 'file', file: opts.file ?? 'infra/web.json', format: 'taskdef-json' };
  const loc: Location | null = opts.account ? null : { file: opts.file ?? 'infra/web.json', line: 3, column: 5 };
  return {
    type: 'AWS::ECS::TaskDefinition',
    id: opts.id,
    name: opts.id,
    properties: { family: opts.family, ...(opts.arn ? { taskDefinitionArn: opts.arn } : {}), containerDefinitions: CONTAINERS.map((c) => ({ ...c })), tags: [{ key: 'team', value: 'web' }] },
    origin,
    locate: () => loc,
  };
}

/** Judges resources with the given options and returns the result. */
function judge(resources: Resource[], options: EngineOptions = {}): ScanResult {
  const scan = new Scan({ controls: ['ECS.5', 'ECS.9', 'ECS.20'], today: '2026-06-15', ...options });
  for (const r of resources) scan.add(r);
  return scan.result();
}

const rule = (control: string, resources: string[], extra: Partial<ConfigSuppression> = {}): ConfigSuppression => ({ control, resources, reason: 'accepted by the platform team', source: '.ecsguard.yml:4', ...extra });

describe('configuration suppressions', () => {
  it('by id glob: the control named, the resources matched, nothing else', () => {
    const r = judge([taskDefinition({ id: 'web-frontend:3', family: 'web-frontend' }), taskDefinition({ id: 'api:1', family: 'api', file: 'infra/api.json' })], { suppressions: [rule('ECS.5', ['web-*'])] });
    assert.deepEqual(find(r, 'web-frontend:3', 'ECS.5').suppressed, { reason: 'accepted by the platform team', by: 'config' });
    assert.equal(find(r, 'web-frontend:3', 'ECS.5').status, 'FAILED', 'a suppressed finding keeps its status');
    assert.equal(find(r, 'web-frontend:3', 'ECS.9').suppressed, null, 'another control');
    assert.equal(find(r, 'api:1', 'ECS.5').suppressed, null, 'another resource');
    assert.equal(r.summary.suppressed, 1);
    assert.equal(r.summary.failed, 4, 'suppressed findings still count as failed');
  });

  it('the control is case-insensitive, and * is every control', () => {
    const r = judge([taskDefinition({ id: 'web:3', family: 'web' })], { suppressions: [rule('ecs.5', ['web:3'])] });
    assert.equal(find(r, 'web:3', 'ECS.5').suppressed?.by, 'config');
    const all = judge([taskDefinition({ id: 'web:3', family: 'web' })], { suppressions: [rule('*', ['web:3'])] });
    assert.ok(find(all, 'web:3', 'ECS.5').suppressed && find(all, 'web:3', 'ECS.9').suppressed);
  });

  it('a PASSED finding is never marked', () => {
    const r = judge([taskDefinition({ id: 'web:3', family: 'web' })], { suppressions: [rule('*', ['**'])] });
    assert.equal(find(r, 'web:3', 'ECS.20').status, 'PASSED');
    assert.equal(find(r, 'web:3', 'ECS.20').suppressed, null);
  });

  it('by file glob: the file as given, and relative to the current directory when given absolute', () => {
    const rel = judge([taskDefinition({ id: 'web', family: 'web', file: 'infra/prod/web.json' })], { suppressions: [rule('ECS.5', ['infra/**/*.json'])] });
    assert.equal(find(rel, 'web', 'ECS.5').suppressed?.by, 'config');
    const abs = judge([taskDefinition({ id: 'web', family: 'web', file: join(process.cwd(), 'infra', 'prod', 'web.json') })], { suppressions: [rule('ECS.5', ['infra/prod/*.json'])] });
    assert.equal(find(abs, 'web', 'ECS.5').suppressed?.by, 'config');
    const other = judge([taskDefinition({ id: 'web', family: 'web', file: 'infra/staging/web.json' })], { suppressions: [rule('ECS.5', ['infra/prod/*.json'])] });
    assert.equal(find(other, 'web', 'ECS.5').suppressed, null);
  });

  it('by family: properties.family of a task definition whose id is something else (a Terraform address)', () => {
    const r = judge([taskDefinition({ id: 'aws_ecs_task_definition.app', family: 'orders-worker', file: 'tf/main.tf' })], { suppressions: [rule('ECS.5', ['orders-*'])] });
    assert.equal(find(r, 'aws_ecs_task_definition.app', 'ECS.5').suppressed?.by, 'config');
  });

  it('by ARN: the id of a live resource, or taskDefinitionArn of a file resource', () => {
    const arn = 'arn:aws:ecs:eu-west-1:111122223333:task-definition/web:7';
    const live = judge([taskDefinition({ id: arn, family: 'web', arn, account: '111122223333' })], { suppressions: [rule('ECS.5', ['arn:aws:ecs:eu-west-1:111122223333:task-definition/web:*'])] });
    assert.equal(find(live, arn, 'ECS.5').suppressed?.by, 'config');
    const file = judge([taskDefinition({ id: 'web:7', family: 'web', arn })], { suppressions: [rule('ECS.5', ['arn:aws:ecs:*:111122223333:task-definition/*'])] });
    assert.equal(find(file, 'web:7', 'ECS.5').suppressed?.by, 'config');
  });

  it('by account: the account of a live resource, or the one in the ARN', () => {
    const arn = 'arn:aws:ecs:eu-west-1:111122223333:task-definition/web:7';
    const live = judge([taskDefinition({ id: arn, family: 'web', arn, account: '111122223333' })], { suppressions: [rule('ECS.9', ['111122223333'])] });
    assert.equal(find(live, arn, 'ECS.9').suppressed?.by, 'config');
    const other = judge([taskDefinition({ id: arn.replace('111122223333', '444455556666'), family: 'web', account: '444455556666' })], { suppressions: [rule('ECS.9', ['111122223333'])] });
    assert.equal(other.findings.find((f) => f.control === 'ECS.9')?.suppressed, null);
    const fromFile = judge([taskDefinition({ id: 'web:7', family: 'web', arn })], { suppressions: [rule('ECS.9', ['1111222233*'])] });
    assert.equal(find(fromFile, 'web:7', 'ECS.9').suppressed?.by, 'config');
    assert.equal(accountOfArn(arn), '111122223333');
    assert.equal(accountOfArn('arn:aws:s3:::bucket'), undefined);
  });

  it('matchTexts lists id, name, files, family, ARN and account', () => {
    const arn = 'arn:aws:ecs:eu-west-1:111122223333:task-definition/web:7';
    assert.deepEqual(matchTexts(taskDefinition({ id: 'web:7', family: 'web', arn, file: './infra/web.json' }), process.cwd()), ['web:7', 'infra/web.json', 'web', arn, '111122223333']);
  });

  it('expiry: applies up to and including the expires day, then gives a note instead', () => {
    const r = (today: string) => judge([taskDefinition({ id: 'web', family: 'web' })], { today, suppressions: [rule('ECS.5', ['web'], { expires: '2026-01-31', reason: 'until the base image is rebuilt' })] });
    assert.deepEqual(find(r('2026-01-30'), 'web', 'ECS.5').suppressed, { reason: 'until the base image is rebuilt', by: 'config', expires: '2026-01-31' });
    assert.equal(find(r('2026-01-31'), 'web', 'ECS.5').suppressed?.expires, '2026-01-31', 'the expires day is the last day it applies');
    const late = find(r('2026-02-01'), 'web', 'ECS.5');
    assert.equal(late.suppressed, null);
    assert.ok(late.notes.includes('suppression expired on 2026-01-31 (until the base image is rebuilt, .ecsguard.yml:4)'), late.notes.join('\n'));
  });

  it('an expired suppression does not hide a current one, and the first current one wins', () => {
    const r = judge([taskDefinition({ id: 'web', family: 'web' })], { suppressions: [rule('ECS.5', ['web'], { expires: '2026-01-01', reason: 'old' }), rule('ECS.5', ['web'], { reason: 'new' }), rule('*', ['web'], { reason: 'broad' })] });
    const f = find(r, 'web', 'ECS.5');
    assert.equal(f.suppressed?.reason, 'new');
    assert.ok(f.notes.some((n) => n.startsWith('suppression expired on 2026-01-01 (old')));
  });

  it('an invalid configuration suppression or today is a ConfigError naming the entry', () => {
    assert.throws(() => new Suppressor([rule('ECS.99', ['x'])]), (e: Error) => e instanceof ConfigError && /\.ecsguard\.yml:4: unknown control 'ECS\.99'/.test(e.message));
    assert.throws(() => new Suppressor([rule('ECS.5', ['x'], { reason: ' ' })]), (e: Error) => e instanceof ConfigError && /no reason/.test(e.message));
    assert.throws(() => new Suppressor([rule('ECS.5', [])]), (e: Error) => e instanceof ConfigError && /resources/.test(e.message));
    assert.throws(() => new Suppressor([rule('ECS.5', ['x'], { expires: '2026-02-30' })]), (e: Error) => e instanceof ConfigError && /2026-02-30/.test(e.message));
    assert.throws(() => new Scan({ today: '15/06/2026' }), ConfigError);
  });

  it('dates: malformed, impossible, real; Date objects and strings from YAML readers', () => {
    assert.equal(checkDate('2026-12-31'), null);
    assert.equal(checkDate('2028-02-29'), null);
    assert.equal(checkDate('2026-02-29'), 'impossible');
    assert.equal(checkDate('2026-13-01'), 'impossible');
    assert.equal(checkDate('2026-1-31'), 'malformed');
    assert.equal(checkDate('tomorrow'), 'malformed');
    assert.equal(dateText(new Date(Date.UTC(2026, 11, 31))), '2026-12-31');
    assert.equal(dateText(' 2026-12-31 '), '2026-12-31');
    assert.equal(dateText(null), undefined);
  });
});

describe('inline suppressions: CloudFormation Metadata', () => {
  const yaml = `AWSTemplateFormatVersion: "2010-09-09"
Parameters:
  Mode:
    Type: String
Conditions:
  Writable: !Equals [!Ref Mode, writable]
Resources:
  WebTask:
    Type: AWS::ECS::TaskDefinition
    Metadata:
      ecsguard:
        suppress:
          - control: ECS.5
            reason: nginx writes its cache under /var/cache/nginx
            expires: 2026-12-31
          - control: ecs.9
            reason: "logs are shipped by the FireLens sidecar"
            expires: "2026-03-01"
    Properties:
      Family: web
      ContainerDefinitions:
        - Name: web
          Image: public.ecr.aws/nginx/nginx:1.27
          User: "1000"
  BranchTask:
    Type: AWS::ECS::TaskDefinition
    Metadata:
      ecsguard:
        suppress:
          - control: ECS.5
            reason: judged on both branches of an undecidable condition
    Properties:
      Family: branch
      ContainerDefinitions:
        - Name: app
          Image: public.ecr.aws/nginx/nginx:1.27
          User: "1000"
          ReadonlyRootFilesystem: !If [Writable, false, true]
  BadTask:
    Type: AWS::ECS::TaskDefinition
    Metadata:
      ecsguard:
        suppress:
          - control: ECS.55
            reason: no such control
          - control: ECS.9
          - control: ECS.20
            reason: a date that does not exist
            expires: 2026-02-30
          - control: ECS.5
            reason: not a date at all
            expires: end of year
          - control: ECS.5
            reasn: a typo in a key
    Properties:
      Family: bad
      ContainerDefinitions:
        - Name: app
          Image: public.ecr.aws/nginx/nginx:1.27
          User: root
`;

  it('YAML: entries apply to their control, unquoted and quoted dates alike; expired ones give a note', () => {
    const dir = tempDir();
    write(dir, { 'web.yaml': yaml });
    const r = scanPaths([join(dir, 'web.yaml')], { controls: ['ECS.5', 'ECS.9', 'ECS.20'], today: '2026-06-15' });
    const web5 = find(r, 'WebTask', 'ECS.5');
    assert.deepEqual(web5.suppressed, { reason: 'nginx writes its cache under /var/cache/nginx', by: 'inline', expires: '2026-12-31' });
    const web9 = find(r, 'WebTask', 'ECS.9');
    assert.equal(web9.suppressed, null, 'expired on 2026-03-01');
    const file = relative(process.cwd(), join(dir, 'web.yaml'));
    assert.ok(web9.notes.includes(`suppression expired on 2026-03-01 (logs are shipped by the FireLens sidecar, ${file}:16)`), web9.notes.join('\n'));
  });

  it('a resource with condition branches (variants): the folded finding is suppressed', () => {
    const dir = tempDir();
    write(dir, { 'web.yaml': yaml });
    const r = scanPaths([join(dir, 'web.yaml')], { controls: ['ECS.5'], today: '2026-06-15' });
    const f = find(r, 'BranchTask', 'ECS.5');
    assert.equal(f.status, 'FAILED');
    assert.ok(f.notes.some((n) => n.includes('condition')), 'judged per branch');
    assert.equal(f.suppressed?.by, 'inline');
  });

  it('unknown control, no reason, impossible or malformed date: input errors at their line, not applied', () => {
    const dir = tempDir();
    write(dir, { 'web.yaml': yaml });
    const r = scanPaths([join(dir, 'web.yaml')], { controls: ['ECS.5', 'ECS.9', 'ECS.20'], today: '2026-06-15' });
    const byLine = new Map(r.errors.map((e) => [e.line, e.message]));
    assert.match(byLine.get(44) ?? '', /unknown control 'ECS\.55'.*not applied/);
    assert.match(byLine.get(46) ?? '', /ECS\.9 gives no reason/);
    assert.match(byLine.get(47) ?? '', /'2026-02-30' is not a day of the calendar/);
    assert.match(byLine.get(50) ?? '', /'end of year' is not a date in the form YYYY-MM-DD/);
    assert.match(byLine.get(54) ?? '', /unknown key 'reasn'/);
    assert.equal(r.errors.length, 5, JSON.stringify(r.errors, null, 1));
    for (const e of r.errors) assert.ok(e.file.endsWith('web.yaml'));
    for (const c of ['ECS.5', 'ECS.9', 'ECS.20']) assert.equal(find(r, 'BadTask', c).suppressed, null, c);
  });

  it('JSON templates (and so cdk.out) read the same Metadata', () => {
    const dir = tempDir();
    const template = {
      Resources: {
        ApiTask: {
          Type: 'AWS::ECS::TaskDefinition',
          Metadata: { 'aws:cdk:path': 'Api/Task/Resource', ecsguard: { suppress: [{ control: 'ECS.5', reason: 'writes to /tmp', expires: '2027-01-01' }, { control: 'ECS.9', reason: '' }] } },
          Properties: { Family: 'api', ContainerDefinitions: [{ Name: 'api', Image: 'public.ecr.aws/nginx/nginx:1.27', User: '1000' }] },
        },
      },
    };
    const text = JSON.stringify(template, null, 2);
    write(dir, { 'Api.template.json': text });
    const r = scanPaths([join(dir, 'Api.template.json')], { controls: ['ECS.5', 'ECS.9'], today: '2026-06-15' });
    assert.deepEqual(find(r, 'ApiTask', 'ECS.5').suppressed, { reason: 'writes to /tmp', by: 'inline', expires: '2027-01-01' });
    assert.equal(find(r, 'ApiTask', 'ECS.9').suppressed, null);
    assert.equal(r.errors.length, 1);
    const lines = text.split('\n');
    assert.equal(r.errors[0].line, lines.findIndex((l) => l.includes('"control": "ECS.9"')), 'the second entry of the suppress list (its opening brace)');
    assert.match(r.errors[0].message, /gives no reason/);
  });
});

describe('inline suppressions: Terraform comments', () => {
  const tf = `variable "image" {
  default = "public.ecr.aws/nginx/nginx:1.27"
}

# The vendor agent writes its scratch files to /opt/agent.
# ecsguard:suppress ECS.5 expires=2026-12-31 scratch dir written by vendor agent
// ecsguard:suppress ECS.9 until=2026-01-31 logs go to the agent's own collector
resource "aws_ecs_task_definition" "agent" {
  family = "agent"
  count  = 2
  # ecsguard:suppress ECS.20 the agent needs root to read host metrics
  container_definitions = jsonencode([
    { name = "agent", image = var.image, user = "root" }
  ])
}

# ecsguard:suppress ECS.5 separated from the block by a blank line: not applied

resource "aws_ecs_task_definition" "web" {
  family                = "web"
  container_definitions = jsonencode([{ name = "web", image = var.image, user = "1000" }])
}

resource "aws_ecs_task_definition" "bad" {
  family = "bad"
  # ecsguard:suppress ECS.77 no such control
  # ecsguard:suppress ECS.5
  # ecsguard:suppress ECS.9 expires=2026-13-01 month thirteen
  container_definitions = jsonencode([{ name = "bad", image = var.image, user = "1000" }])
}
`;

  it('comments above the block (contiguous, # and //) and inside it apply to every instance', () => {
    const dir = tempDir();
    write(dir, { 'main.tf': tf });
    const r = scanPaths([dir], { controls: ['ECS.5', 'ECS.9', 'ECS.20'], today: '2026-06-15' });
    for (const id of ['aws_ecs_task_definition.agent[0]', 'aws_ecs_task_definition.agent[1]']) {
      assert.deepEqual(find(r, id, 'ECS.5').suppressed, { reason: 'scratch dir written by vendor agent', by: 'inline', expires: '2026-12-31' });
      assert.deepEqual(find(r, id, 'ECS.20').suppressed, { reason: 'the agent needs root to read host metrics', by: 'inline' });
      const f9 = find(r, id, 'ECS.9');
      assert.equal(f9.suppressed, null, 'until=2026-01-31 has passed');
      assert.ok(f9.notes.some((n) => n.startsWith("suppression expired on 2026-01-31 (logs go to the agent's own collector, ") && n.endsWith('main.tf:7)')), f9.notes.join('\n'));
    }
    assert.equal(find(r, 'aws_ecs_task_definition.web', 'ECS.5').suppressed, null, 'a blank line ends the comment lines above a block');
  });

  it('unusable comments are input errors at their line, once however many instances', () => {
    const dir = tempDir();
    write(dir, { 'main.tf': tf });
    const r = scanPaths([dir], { controls: ['ECS.5', 'ECS.9', 'ECS.20'], today: '2026-06-15' });
    const lines = r.errors.map((e) => `${e.file.split(/[\\/]/).pop()}:${e.line}: ${e.message}`);
    assert.equal(lines.length, 3, lines.join('\n'));
    assert.match(lines[0], /^main\.tf:26: .*unknown control 'ECS\.77'/);
    assert.match(lines[1], /^main\.tf:27: .*ECS\.5 gives no reason/);
    assert.match(lines[2], /^main\.tf:28: .*'2026-13-01' is not a day of the calendar/);
    for (const c of ['ECS.5', 'ECS.9']) assert.equal(find(r, 'aws_ecs_task_definition.bad', c).suppressed, null);
  });

  it('the comment grammar', () => {
    const at = { file: 'main.tf', line: 1, column: 1 };
    assert.deepEqual(parseSuppressionComment('# ecsguard:suppress ECS.5 expires=2026-12-31 scratch dir', at), { control: 'ECS.5', reason: 'scratch dir', expires: '2026-12-31', location: at });
    assert.deepEqual(parseSuppressionComment('//ecsguard:suppress ECS.5 because', at), { control: 'ECS.5', reason: 'because', location: at });
    assert.deepEqual(parseSuppressionComment('/* ecsguard:suppress ECS.5 until=2026-01-01 why */', at), { control: 'ECS.5', reason: 'why', expires: '2026-01-01', location: at });
    assert.deepEqual(parseSuppressionComment('# ecsguard:suppress', at), { control: '', reason: '', location: at });
    assert.equal(parseSuppressionComment('# see ecsguard:suppress in the README', at), null);
    assert.equal(parseSuppressionComment('# ecsguard:suppressed ECS.5 x', at), null);
  });
});

describe('inline suppressions: task definition JSON', () => {
  it('the top-level ecsguard key: applied, no input error, not in the ECS properties', () => {
    const dir = tempDir();
    const td = {
      family: 'worker',
      containerDefinitions: [{ name: 'worker', image: 'public.ecr.aws/nginx/nginx:1.27', user: '1000' }],
      ecsguard: { suppress: [{ control: 'ECS.5', reason: 'scratch space on the root filesystem', expires: '2026-12-31' }] },
    };
    const text = JSON.stringify(td, null, 2);
    write(dir, { 'worker.json': text });
    const r = scanPaths([join(dir, 'worker.json')], { controls: ['ECS.5', 'ECS.9'], today: '2026-06-15', keepResources: true });
    assert.deepEqual(r.errors, []);
    assert.deepEqual(find(r, 'worker', 'ECS.5').suppressed, { reason: 'scratch space on the root filesystem', by: 'inline', expires: '2026-12-31' });
    assert.equal(find(r, 'worker', 'ECS.9').suppressed, null);
    const props = r.judged?.[0].resource.properties as Record<string, unknown>;
    assert.ok(!('ecsguard' in props), 'not an ECS field');
    assert.equal(r.judged?.[0].resource.suppressions?.[0].location?.line, text.split('\n').findIndex((l) => l.includes('"control": "ECS.5"')), 'the entry (its opening brace)');
  });

  it('beside the describe output wrapper, and in arrays; bad entries are errors at their line', () => {
    const dir = tempDir();
    const text = JSON.stringify([
      {
        taskDefinition: { family: 'payments', revision: 4, status: 'ACTIVE', containerDefinitions: [{ name: 'p', image: 'public.ecr.aws/nginx/nginx:1.27', user: '1000' }] },
        tags: [{ key: 'team', value: 'payments' }],
        ecsguard: { suppress: [{ control: 'ECS.9', reason: 'sidecar ships logs' }] },
      },
      {
        family: 'batch',
        containerDefinitions: [{ name: 'b', image: 'public.ecr.aws/nginx/nginx:1.27', user: '1000' }],
        ecsguard: { suppress: [{ control: 'ECS.5', reason: 'old', expires: '2026-02-30' }, { control: 'ECS.5', reason: 'x', until: '2026-12-31' }], note: 'x' },
      },
    ], null, 2);
    write(dir, { 'tds.json': text });
    const r = scanPaths([join(dir, 'tds.json')], { controls: ['ECS.5', 'ECS.9'], today: '2026-06-15' });
    assert.equal(find(r, 'payments:4', 'ECS.9').suppressed?.reason, 'sidecar ships logs');
    assert.equal(find(r, 'batch', 'ECS.5').suppressed, null);
    const lineOf = (needle: string) => text.split('\n').findIndex((l) => l.includes(needle)) + 1;
    const got = r.errors.map((e) => [e.line, e.message] as const);
    assert.equal(got.length, 3, JSON.stringify(got));
    assert.ok(got.some(([l, m]) => l === lineOf('"until"') && /unknown key 'until'/.test(m)));
    assert.ok(got.some(([l, m]) => l === lineOf('"note"') && /unknown key 'note'/.test(m)));
    assert.ok(got.some(([l, m]) => /'2026-02-30' is not a day of the calendar/.test(m) && typeof l === 'number' && l > lineOf('"family": "batch"')));
  });
});

describe('the CLI: suppressed findings stay in the output, marked, and do not fail the run', () => {
  before(() => {
    assert.ok(existsSync(CLI), `${CLI} is missing: run 'npm run build' first (npm test does)`);
  });
  const run = (args: string[], cwd: string) => {
    const r = spawnSync(process.execPath, [CLI, ...args], { cwd, env: { ...process.env, NO_COLOR: '1' }, encoding: 'utf8', timeout: 60_000 });
    return { code: r.status, stdout: r.stdout, stderr: r.stderr };
  };
  const files = {
    'infra/web.yaml': `Resources:
  WebTask:
    Type: AWS::ECS::TaskDefinition
    Metadata:
      ecsguard:
        suppress:
          - { control: ECS.5, reason: "nginx cache on the root filesystem", expires: 2099-12-31 }
    Properties:
      Family: web
      ContainerDefinitions:
        - { Name: web, Image: "public.ecr.aws/nginx/nginx:1.27", User: "1000" }
`,
    'tf/main.tf': `resource "aws_ecs_task_definition" "app" {
  family = "app" # ecsguard:suppress ECS.5 vendor agent scratch dir
  container_definitions = jsonencode([{ name = "app", image = "public.ecr.aws/nginx/nginx:1.27", user = "1000" }])
}
`,
  };

  it('JSON: suppressed set, status kept, summary counts, exit 0', () => {
    const dir = tempDir();
    write(dir, files);
    const r = run(['scan', '.', '--controls', 'ECS.5', '--format', 'json'], dir);
    assert.equal(r.code, 0, r.stderr);
    const report = JSON.parse(r.stdout) as { findings: Finding[]; summary: Record<string, number> };
    assert.equal(report.findings.length, 2);
    for (const f of report.findings) {
      assert.equal(f.status, 'FAILED');
      assert.equal(f.suppressed?.by, 'inline');
    }
    assert.deepEqual(report.findings.find((f) => f.resource.id === 'WebTask')?.suppressed, { reason: 'nginx cache on the root filesystem', by: 'inline', expires: '2099-12-31' });
    assert.equal(report.summary.suppressed, 2);
    assert.equal(report.summary.failed, 2);
    assert.ok(!('baseline' in report), 'no baseline key without --baseline');
  });

  it('SARIF: results carry suppressions (inSource for inline); the same scan without them exits 1', () => {
    const dir = tempDir();
    write(dir, files);
    const r = run(['scan', '.', '--controls', 'ECS.5', '--format', 'sarif'], dir);
    assert.equal(r.code, 0, r.stderr);
    const sarif = JSON.parse(r.stdout) as { runs: { results: { ruleId: string; suppressions?: { kind: string; justification: string }[] }[] }[] };
    const results = sarif.runs[0].results.filter((x) => x.ruleId === 'ECS.5');
    assert.equal(results.length, 2);
    for (const x of results) assert.equal(x.suppressions?.[0].kind, 'inSource');
    write(dir, { 'tf/main.tf': files['tf/main.tf'].replace(' # ecsguard:suppress ECS.5 vendor agent scratch dir', '') });
    assert.equal(run(['scan', '.', '--controls', 'ECS.5', '--format', 'json'], dir).code, 1);
  });

  it('text: SUPPRESSED with the reason; an inline error is reported and the scan goes on', () => {
    const dir = tempDir();
    write(dir, { ...files, 'worker.json': JSON.stringify({ family: 'worker', containerDefinitions: [{ name: 'w', image: 'public.ecr.aws/nginx/nginx:1.27', user: '1000' }], ecsguard: { suppress: [{ control: 'ECS.500', reason: 'typo' }] } }, null, 2) });
    const r = run(['scan', '.', '--controls', 'ECS.5'], dir);
    assert.equal(r.code, 1, 'the worker finding is not suppressed');
    assert.match(r.stdout, /SUPPRESSED\s+ECS\.5/);
    assert.match(r.stdout, /suppressed by inline: nginx cache on the root filesystem/);
    assert.match(r.stdout, /worker\.json:12:7\n\s+ecsguard suppression names an unknown control 'ECS\.500'/);
    const quiet = run(['scan', '.', '--controls', 'ECS.5', '--quiet'], dir);
    assert.doesNotMatch(quiet.stdout, /SUPPRESSED/, '--quiet leaves suppressed findings out');
    assert.match(quiet.stdout, /2 suppressed/);
  });
});
