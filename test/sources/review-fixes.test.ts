/** Faults found by trying ecsguard as a newcomer would; each test holds the right behaviour. */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync, mkdirSync, existsSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { spawnSync } from 'node:child_process';
import { scanPaths } from '../../src/api.js';
import { loadConfigFile } from '../../src/engine/config-file.js';
import { activeControls } from '../../src/engine/configuration.js';
import { findingOf, scanText, statusOf } from '../helpers/scan-text.js';

const ROOT = resolve(import.meta.dirname, '..', '..');
const CLI = join(ROOT, 'dist', 'cli', 'main.js');
const tmp = () => mkdtempSync(join(tmpdir(), 'ecsguard-fix-'));
const linuxTask = (user: string, params = '', extra = '') => `${params ? `Parameters:\n${params}` : ''}${extra}Resources:
  Task:
    Type: AWS::ECS::TaskDefinition
    Properties:
      RuntimePlatform: { OperatingSystemFamily: LINUX }
      PidMode: task
      ContainerDefinitions:
        - Name: web
          Image: nginx
          User: ${user}
`;

describe('values known only at deployment are never guessed', () => {
  it('an SSM parameter type: its Default names the parameter, it is not the value', () => {
    const r = scanText('t.yaml', linuxTask('!Ref RunAs', '  RunAs:\n    Type: AWS::SSM::Parameter::Value<String>\n    Default: /platform/ecs/run-as-user\n'));
    const f = findingOf(r, 'Task', 'ECS.20')!;
    assert.equal(f.status, 'NOT_AVAILABLE');
    assert.match(f.reason, /SSM Parameter Store at deployment/);
  });
  it('a dynamic reference {{resolve:...}}', () => {
    const r = scanText('t.yaml', linuxTask("'{{resolve:ssm:/platform/user:3}}'"));
    assert.equal(statusOf(r, 'Task', 'ECS.20'), 'NOT_AVAILABLE');
  });
  it('a value outside AllowedValues is an error and unknown', () => {
    const r = scanText('t.yaml', linuxTask('!Ref U', '  U:\n    Type: String\n    AllowedValues: ["1000", "2000"]\n    Default: "1000"\n'), { cfnParameters: { U: 'root' } });
    assert.ok(r.errors.some((e) => /'root' is not one of its AllowedValues/.test(e.message) && e.line === 4), JSON.stringify(r.errors));
    assert.equal(statusOf(r, 'Task', 'ECS.20'), 'NOT_AVAILABLE');
  });
  it('an undecidable condition says why and how to decide it', () => {
    const r = scanText('t.yaml', linuxTask('!If [UseRoot, root, "1000"]', '  Mode:\n    Type: String\n', 'Conditions:\n  UseRoot: !Equals [!Ref Mode, root]\n'));
    const f = findingOf(r, 'Task', 'ECS.20')!;
    assert.ok(f.notes.some((n) => n.includes('condition UseRoot: Ref to parameter Mode, which has no Default; pass --parameters Mode=VALUE')), f.notes.join(' | '));
    assert.match(findingOf(scanText('t.yaml', linuxTask('!Ref AWS::Region')), 'Task', 'ECS.20')!.reason, /pass --region/);
  });
});

describe('notes and errors say only what matters', () => {
  it('an assumed Default is noted on the findings whose fields it decided, not on every finding', () => {
    const r = scanText('t.yaml', linuxTask('!Ref AppUser', '  AppUser:\n    Type: String\n    Default: "1000"\n'));
    assert.ok(findingOf(r, 'Task', 'ECS.20')!.notes.some((n) => n.includes("AppUser's Default")));
    assert.ok(findingOf(r, 'Task', 'ECS.21') === undefined);
    assert.deepEqual(findingOf(r, 'Task', 'ECS.3')!.notes, []);
    assert.deepEqual(findingOf(r, 'Task', 'ECS.9')!.notes, []);
  });
  it('one YAML syntax error is one input error', () => {
    const r = scanText('t.yaml', 'Resources:\n  Task:\n    Type: AWS::ECS::TaskDefinition\n    Properties:\n      Family: "unclosed\n      NetworkMode: awsvpc\n      ContainerDefinitions:\n        - Name: a\n');
    assert.equal(r.errors.length, 1, JSON.stringify(r.errors));
  });
  it('Fn::GetAtt on a resource the template does not have is an error', () => {
    const r = scanText('t.yaml', linuxTask('!GetAtt Missing.User'));
    assert.ok(r.errors.some((e) => /Fn::GetAtt names 'Missing'/.test(e.message)));
  });
  it('--parameters names no template declares are reported once per scan; declared ones nowhere', () => {
    const dir = tmp();
    try {
      writeFileSync(join(dir, 'a.yaml'), linuxTask('!Ref AppUser', '  AppUser:\n    Type: String\n'));
      writeFileSync(join(dir, 'b.yaml'), linuxTask('"1000"'));
      const r = scanPaths([dir], { cfnParameters: { AppUser: '1000', Typo: 'x' } });
      assert.deepEqual(r.errors.map((e) => e.message), ['Typo: no CloudFormation template in this scan declares a parameter named Typo']);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
  it('a broken JSON file that cannot be ECS (tsconfig with comments) is skipped when walked, reported when named', () => {
    const dir = tmp();
    try {
      writeFileSync(join(dir, 'tsconfig.json'), '{\n  // comment\n  "compilerOptions": {}\n}\n');
      writeFileSync(join(dir, 'td.json'), '{\n  "family": "x",\n  "containerDefinitions": [\n');
      const walked = scanPaths([dir]);
      assert.deepEqual(walked.errors.map((e) => e.file.endsWith('td.json')), [true]);
      assert.equal(scanPaths([join(dir, 'tsconfig.json')]).errors.length, 1);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
  it('a JSON key given twice is reported, and the location is the one judged (the last)', () => {
    const text = '{\n  "family": "x",\n  "containerDefinitions": [{\n    "name": "a",\n    "user": "ContainerUser",\n    "image": "i",\n    "user": "ContainerAdministrator"\n  }]\n}\n';
    const r = scanText('td.json', text);
    assert.ok(r.errors.some((e) => e.line === 7 && /duplicate key 'user'/.test(e.message)));
    const f = findingOf(r, 'x', 'ECS.21')!;
    assert.equal(f.status, 'FAILED');
    assert.equal(f.location?.line, 7);
  });
  it('two copies of one revision: the message names where the judged one is', () => {
    const dir = tmp();
    try {
      const td = JSON.stringify({ taskDefinition: { family: 'sync', revision: 7, status: 'ACTIVE', containerDefinitions: [{ name: 'a', image: 'i', user: '1000' }] }, tags: [] });
      writeFileSync(join(dir, 'a.json'), td);
      writeFileSync(join(dir, 'b.json'), td);
      const r = scanPaths([dir]);
      assert.equal(r.skipped.length, 1);
      assert.match(r.skipped[0].reason, /already read from .*a\.json:1/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('configuration mistakes are usage errors that name their source', () => {
  it('--controls and --skip-controls that leave nothing', () => {
    assert.throws(() => activeControls({ controls: ['ECS.8'], skipControls: ['ECS.8'] }), /no control left to run/);
  });
  it('config file: bad fail-on, unknown parameter, invalid YAML all name the file (and line)', () => {
    const dir = tmp();
    try {
      const f = join(dir, '.ecsguard.yml');
      writeFileSync(f, 'fail-on: severe\n');
      assert.throws(() => loadConfigFile(f), new RegExp(`^ConfigError: ${f.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}:1:10: fail-on: must be one of low, medium, high, critical, none; got 'severe'`));
      writeFileSync(f, 'parameters:\n  ECS.8: { secretKey: [X] }\n');
      assert.throws(() => loadConfigFile(f), /\.ecsguard\.yml:2:12: parameters: ECS\.8 has no parameter 'secretKey' \(did you mean 'secretKeys'\?\)/);
      writeFileSync(f, 'controls: [ECS.1\nfail-on: high\n');
      assert.throws(() => loadConfigFile(f), /\.ecsguard\.yml:\d+:\d+: invalid YAML/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('CDK assemblies', () => {
  it('a manifest whose template is missing is an error naming it', () => {
    const dir = tmp();
    try {
      mkdirSync(join(dir, 'cdk.out'));
      writeFileSync(join(dir, 'cdk.out', 'manifest.json'), JSON.stringify({ version: '36.0.0', artifacts: { App: { type: 'aws:cloudformation:stack', properties: { templateFile: 'App.template.json' } } } }, null, 2));
      const r = scanPaths([join(dir, 'cdk.out')]);
      assert.equal(r.errors.length, 1);
      assert.match(r.errors[0].message, /App: App\.template\.json is missing from the cloud assembly/);
      assert.equal(r.errors[0].line, 7);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
  it('stack tags from the manifest count for the tagging controls, with a note', () => {
    const dir = tmp();
    try {
      mkdirSync(join(dir, 'cdk.out'));
      writeFileSync(join(dir, 'cdk.out', 'manifest.json'), JSON.stringify({ version: '36.0.0', artifacts: { App: { type: 'aws:cloudformation:stack', properties: { templateFile: 'App.template.json', tags: { team: 'orders' } } } } }));
      writeFileSync(join(dir, 'cdk.out', 'App.template.json'), JSON.stringify({ Resources: { C: { Type: 'AWS::ECS::Cluster', Properties: {}, Metadata: { 'aws:cdk:path': 'App/C/Resource' } } } }));
      const r = scanPaths([join(dir, 'cdk.out')]);
      const f = r.findings.find((x) => x.control === 'ECS.14')!;
      assert.equal(f.status, 'PASSED');
      assert.ok(f.notes.some((n) => n.includes('stack tags team')));
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('CLI conveniences', () => {
  const run = (args: string[], cwd = ROOT) => spawnSync(process.execPath, [CLI, ...args], { cwd, encoding: 'utf8', env: { ...process.env, NO_COLOR: '1' } });
  it('--output into a folder that does not exist creates it; --format is case-insensitive', () => {
    const dir = tmp();
    try {
      const out = join(dir, 'reports', 'nested', 'r.json');
      const r = run(['scan', 'examples/fully-compliant.json', '--controls', 'security-hub', '-f', 'JSON', '-o', out]);
      assert.equal(r.status, 0, r.stderr);
      assert.ok(existsSync(out));
      assert.equal(JSON.parse(readFileSync(out, 'utf8')).version, 1);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
  it('a scan that finds nothing says so on standard error', () => {
    const dir = tmp();
    try {
      const r = run(['scan', dir]);
      assert.equal(r.status, 0);
      assert.match(r.stderr, /no ECS resources found/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
  it('names and values from inputs cannot drive the terminal in the text report', () => {
    const dir = tmp();
    try {
      writeFileSync(join(dir, 'evil.json'), JSON.stringify({ family: 'x\u001b[31m', containerDefinitions: [{ name: 'a\u001b]0;pwned\u0007', image: 'i', user: 'root\u001b[2J' }] }));
      const r = run(['scan', join(dir, 'evil.json')]);
      assert.ok(!r.stdout.includes('\u001b') && !r.stderr.includes('\u001b'));
      assert.ok(r.stdout.includes('\\x1b'));
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
