/**
 * The configuration file: discovery (walking up from the scanned path), the JSON Schema
 * (committed, generated from the control registry), every kind of mistake reported with
 * file:line:column, a full valid file, and the built CLI picking a file up from a parent folder.
 * The CLI tests need `npm run build` first (`npm test` builds before running the tests).
 */
import { after, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, realpathSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ConfigFileError, findConfigFile, loadConfigFile } from '../../src/engine/config-file.js';
import { ConfigError } from '../../src/engine/configuration.js';
import { generateSchema, renderSchema, SCHEMA_FILE } from '../../scripts/gen-schema.js';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const CLI = join(ROOT, 'dist/cli/main.js');

const tempDirs: string[] = [];
/** A fresh folder (its real path: macOS's /tmp is a link), removed after the tests. */
function tempDir(): string {
  const d = realpathSync(mkdtempSync(join(tmpdir(), 'ecsguard-config-test-')));
  tempDirs.push(d);
  return d;
}
after(() => {
  for (const d of tempDirs) rmSync(d, { recursive: true, force: true });
});

/** Writes `text` to a fresh `.ecsguard.yml` and returns its path. */
function configFile(text: string): string {
  const f = join(tempDir(), '.ecsguard.yml');
  writeFileSync(f, text);
  return f;
}

/** The message loadConfigFile throws for `text`, with the temporary folder cut off the file name. */
function problem(text: string): string {
  const f = configFile(text);
  try {
    loadConfigFile(f);
  } catch (e) {
    assert.ok(e instanceof ConfigError, `a ConfigError, not ${String(e)}`);
    return (e as Error).message.split(dirname(f) + '/').join('');
  }
  assert.fail(`no error for:\n${text}`);
}

describe('findConfigFile: walking up from the scanned path', () => {
  it('finds the nearest file in the folder or a parent, and stops at the first', () => {
    const root = tempDir();
    mkdirSync(join(root, 'a/b/c'), { recursive: true });
    writeFileSync(join(root, '.ecsguard.yml'), 'fail-on: low\n');
    writeFileSync(join(root, 'a/.ecsguard.yml'), 'fail-on: high\n');
    writeFileSync(join(root, 'a/b/c/task.json'), '{}');
    assert.equal(findConfigFile(join(root, 'a/b/c')), join(root, 'a/.ecsguard.yml'));
    assert.equal(findConfigFile(join(root, 'a/b/c/task.json')), join(root, 'a/.ecsguard.yml'), 'a file: from its folder');
    assert.equal(findConfigFile(join(root, 'a')), join(root, 'a/.ecsguard.yml'), 'the folder itself first');
    assert.equal(findConfigFile(root), join(root, '.ecsguard.yml'));
    assert.equal(findConfigFile(join(root, 'a/missing.json')), join(root, 'a/.ecsguard.yml'), 'a path that does not exist: from its parent');
  });

  it('takes .ecsguard.yaml too, .yml first; a folder named .ecsguard.yml is not a file', () => {
    const root = tempDir();
    mkdirSync(join(root, 'x/.ecsguard.yml'), { recursive: true });
    writeFileSync(join(root, 'x/.ecsguard.yaml'), '{}\n');
    assert.equal(findConfigFile(join(root, 'x')), join(root, 'x/.ecsguard.yaml'));
    writeFileSync(join(root, '.ecsguard.yaml'), '{}\n');
    writeFileSync(join(root, '.ecsguard.yml'), '{}\n');
    assert.equal(findConfigFile(root), join(root, '.ecsguard.yml'));
  });

  it('null when no folder up to the root has one; relative start, relative answer', () => {
    const root = tempDir();
    mkdirSync(join(root, 'deep/er'), { recursive: true });
    if (!['/', dirname(root)].some((d) => existsSync(join(d, '.ecsguard.yml')) || existsSync(join(d, '.ecsguard.yaml')))) {
      assert.equal(findConfigFile(join(root, 'deep/er')), null);
    }
    writeFileSync(join(root, '.ecsguard.yml'), '{}\n');
    const rel = relative(process.cwd(), join(root, 'deep/er'));
    assert.equal(findConfigFile(rel), relative(process.cwd(), join(root, '.ecsguard.yml')));
  });
});

describe('loadConfigFile: mistakes name the file, line and column', () => {
  it('a file that does not exist', () => {
    assert.throws(() => loadConfigFile(join(tempDir(), 'nope.yml')), /nope\.yml: no such file$/);
  });

  it('invalid YAML, with the line', () => {
    assert.match(problem('controls: [ECS.1\nfail-on: high\n'), /^\.ecsguard\.yml:2:1: invalid YAML: /);
    assert.match(problem('fail-on: high\nfail-on: low\n'), /^\.ecsguard\.yml:2:1: invalid YAML: Map keys must be unique/);
  });

  it('not a mapping', () => {
    assert.equal(problem('- ECS.1\n'), ".ecsguard.yml:1:1: the configuration must be a mapping of keys (controls, fail-on, parameters ...); got a list");
  });

  it('an unknown key, with a suggestion, or the known keys', () => {
    assert.equal(problem('controls: [ECS.20]\nfail-on: high\nskip_controls: [ECS.15]\n'), ".ecsguard.yml:3:1: unknown key 'skip_controls' (did you mean 'skip-controls'?)");
    assert.equal(problem('failon: high\n'), ".ecsguard.yml:1:1: unknown key 'failon' (did you mean 'fail-on'?)");
    assert.match(problem('colour: red\n'), /^\.ecsguard\.yml:1:1: unknown key 'colour'; known keys: controls, skip-controls, fail-on, format, all-revisions, parameters, suppressions, fix$/);
    assert.equal(problem('fix:\n  linux_user: "1000"\n'), ".ecsguard.yml:2:3: fix: unknown key 'linux_user' (did you mean 'linuxUser'?)");
  });

  it('a value of the wrong type, at the value', () => {
    assert.equal(problem('fail-on: high\nall-revisions: yes\n'), ".ecsguard.yml:2:16: all-revisions: must be true or false; got 'yes'");
    assert.equal(problem('controls: 7\n'), '.ecsguard.yml:1:11: controls: must be a list of control IDs (or one comma-separated string); got 7');
    assert.equal(problem('suppressions: {control: ECS.5}\n'), '.ecsguard.yml:1:15: suppressions: must be a list; got a mapping');
    assert.equal(problem('fix:\n'), '.ecsguard.yml:1:1: fix: must be a mapping; got nothing', 'an empty value: at its key');
  });

  it('a bad fail-on or format', () => {
    assert.equal(problem('fail-on: severe\n'), ".ecsguard.yml:1:10: fail-on: must be one of low, medium, high, critical, none; got 'severe'");
    assert.equal(problem('fail-on: 3\n'), '.ecsguard.yml:1:10: fail-on: must be a string; got 3');
    assert.equal(problem('format: xml\n'), ".ecsguard.yml:1:9: format: must be one of text, json, sarif, asff, ocsf, junit, html, markdown; got 'xml'");
  });

  it('unknown control IDs in controls, skip-controls, parameters and suppressions, each at its line', () => {
    assert.equal(
      problem('controls:\n  - ECS.20\n  - ECS.99\n  - ecs.21\n'),
      [
        ".ecsguard.yml:3:5: controls[1]: unknown control 'ECS.99'; give control IDs or security-hub, extra, all, and run 'ecsguard controls' for the list",
        ".ecsguard.yml:4:5: controls[2]: unknown control 'ecs.21' (did you mean 'ECS.21'?); give control IDs or security-hub, extra, all, and run 'ecsguard controls' for the list",
      ].join('\n'),
    );
    assert.match(problem('fail-on: low\nskip-controls: "ECS.20, ECS.6"\n'), /^\.ecsguard\.yml:2:16: skip-controls: unknown control 'ECS\.6'; /);
    assert.match(problem('parameters:\n  ECS.8: { secretKeys: [A] }\n  ECS.6: {}\n'), /^\.ecsguard\.yml:3:3: parameters: unknown control 'ECS\.6'; /);
    assert.match(problem('parameters:\n  tags: {}\n'), /^\.ecsguard\.yml:2:3: parameters: unknown control 'tags'; /);
    assert.match(problem('suppressions:\n  - control: ECS.77\n    resources: a\n    reason: b\n'), /^\.ecsguard\.yml:2:14: suppressions\[0\]\.control: unknown control 'ECS\.77'; give a control ID or '\*'/);
  });

  it('a suppression without a reason, with an empty one, or with an unknown key', () => {
    const text = 'suppressions:\n  - control: ECS.5\n    resources: legacy-*\n    reason: vendor image\n  - control: ECS.5\n    resources: [a]\n';
    assert.equal(problem(text), ".ecsguard.yml:5:5: suppressions[1]: 'reason' is required");
    assert.equal(problem('suppressions:\n  - { control: "*", resources: a, reason: "  " }\n'), '.ecsguard.yml:2:43: suppressions[0].reason: must not be empty');
    assert.equal(
      problem('suppressions:\n  - control: ECS.5\n    resource: a\n    reason: b\n'),
      ".ecsguard.yml:2:5: suppressions[0]: 'resources' is required\n.ecsguard.yml:3:5: suppressions[0]: unknown key 'resource' (did you mean 'resources'?)",
    );
    assert.equal(problem('suppressions:\n  - { control: "*", resources: [], reason: b }\n'), '.ecsguard.yml:2:32: suppressions[0].resources: must not be an empty list');
  });

  it('an expires that is not a date, or not a day of the calendar', () => {
    const entry = (expires: string) => `suppressions:\n  - control: "*"\n    resources: a\n    reason: b\n    expires: ${expires}\n`;
    assert.equal(problem(entry('2026-02-30')), ".ecsguard.yml:5:14: suppressions[0].expires: '2026-02-30' is not a calendar date (YYYY-MM-DD)");
    assert.equal(problem(entry('2026-13-01')), ".ecsguard.yml:5:14: suppressions[0].expires: '2026-13-01' is not a calendar date (YYYY-MM-DD)");
    assert.equal(problem(entry('31/12/2026')), ".ecsguard.yml:5:14: suppressions[0].expires: must be a date YYYY-MM-DD; got '31/12/2026'");
    assert.doesNotThrow(() => loadConfigFile(configFile(entry('2028-02-29'))), 'a leap day');
  });

  it('parameters of the wrong type, unknown, or refused by the control', () => {
    assert.equal(problem('parameters:\n  ECS.19:\n    requireManagedScaling: "yes"\n'), ".ecsguard.yml:3:28: parameters.ECS.19.requireManagedScaling: must be true or false; got 'yes'");
    assert.equal(problem('parameters:\n  ECS.15: { requiredTagKeys: 5 }\n'), '.ecsguard.yml:2:30: parameters.ECS.15.requiredTagKeys: must be a list of strings (or one comma-separated string); got 5');
    assert.equal(problem('parameters:\n  ECS.15:\n'), '.ecsguard.yml:2:3: parameters.ECS.15: must be a mapping; got nothing');
    assert.equal(problem('parameters:\n  ECS.8: { secretKey: [X] }\n'), ".ecsguard.yml:2:12: parameters: ECS.8 has no parameter 'secretKey' (did you mean 'secretKeys'?); it takes secretKeys");
    assert.equal(problem('parameters:\n  ECS.3: { x: 1 }\n'), ".ecsguard.yml:2:12: parameters: ECS.3 has no parameter 'x'; it takes none");
    assert.match(problem('parameters:\n  ECSG.4: { sensitiveHostPaths: [etc] }\n'), /^\.ecsguard\.yml:2:33: parameters: ECSG\.4 parameter 'sensitiveHostPaths': /);
  });

  it('fix: users the controls would fail, and a bad log group prefix', () => {
    assert.equal(
      problem('fix:\n  linuxUser: "0:0"\n  windowsUser: containeradministrator\n'),
      ".ecsguard.yml:2:14: fix.linuxUser: '0:0' is root, which ECS.20 fails; give a non-root user such as 1000:1000\n" +
        ".ecsguard.yml:3:16: fix.windowsUser: 'containeradministrator' is what ECS.21 fails; give ContainerUser or another non-administrator user",
    );
    assert.equal(problem('fix: { logGroupPrefix: "my logs" }\n'), ".ecsguard.yml:1:24: fix.logGroupPrefix: may hold only letters, digits and . - _ / #; got 'my logs'");
  });

  it('every problem is listed, in file order, and kept on the error', () => {
    const f = configFile('fail-on: severe\nformat: xml\nskip_controls: []\n');
    try {
      loadConfigFile(f);
      assert.fail('no error');
    } catch (e) {
      assert.ok(e instanceof ConfigFileError);
      assert.deepEqual(e.problems.map((p) => [p.line, p.column]), [[1, 10], [2, 9], [3, 1]]);
      assert.equal(e.message.split('\n').length, 3);
      assert.ok(e.message.split('\n').every((l) => l.startsWith(`${f}:`)));
    }
  });
});

describe('loadConfigFile: a valid file', () => {
  it('every key, normalised', () => {
    const f = configFile(
      [
        '# yaml-language-server: $schema=./schema/ecsguard.schema.json',
        'controls: [security-hub, ECSG.1, ECS.1]',
        'skip-controls: ECS.15, extra',
        'fail-on: HIGH',
        'format: sarif',
        'all-revisions: true',
        'parameters:',
        '  ECS.8: { secretKeys: "AWS_ACCESS_KEY_ID, DB_PASSWORD" }',
        '  ECS.15: { requiredTagKeys: [team, cost-center] }',
        '  ECSG.2: { requireDropAll: false }',
        'suppressions:',
        '  - control: ECS.5',
        '    resources: legacy-*',
        '    reason: the vendor image writes to /var/cache',
        '    expires: 2027-06-30',
        '  - control: "*"',
        '    resources: [infra/sandbox/**, "arn:aws:ecs:*:111122223333:task-definition/scratch-*"]',
        '    reason: sandbox account',
        'fix:',
        '  linuxUser: "1000:1000"',
        '  windowsUser: ContainerUser',
        '  logGroupPrefix: /ecs/prod/',
        '',
      ].join('\n'),
    );
    assert.deepEqual(loadConfigFile(f), {
      controls: ['security-hub', 'ECSG.1', 'ECS.1'],
      skipControls: ['ECS.15', 'extra'],
      failOn: 'HIGH',
      format: 'sarif',
      allRevisions: true,
      parameters: {
        'ECS.8': { secretKeys: ['AWS_ACCESS_KEY_ID', 'DB_PASSWORD'] },
        'ECS.15': { requiredTagKeys: ['team', 'cost-center'] },
        'ECSG.2': { requireDropAll: false },
      },
      suppressions: [
        { control: 'ECS.5', resources: ['legacy-*'], reason: 'the vendor image writes to /var/cache', expires: '2027-06-30', source: `${f}:12`, baseDir: dirname(f) },
        { control: '*', resources: ['infra/sandbox/**', 'arn:aws:ecs:*:111122223333:task-definition/scratch-*'], reason: 'sandbox account', source: `${f}:16`, baseDir: dirname(f) },
      ],
      fix: { linuxUser: '1000:1000', windowsUser: 'ContainerUser', logGroupPrefix: '/ecs/prod/' },
    });
  });

  it('an empty file, or only comments, sets nothing', () => {
    assert.deepEqual(loadConfigFile(configFile('')), {});
    assert.deepEqual(loadConfigFile(configFile('# nothing yet\n')), {});
  });
});

describe('the JSON Schema', () => {
  it('the committed schema/ecsguard.schema.json is what scripts/gen-schema.ts generates', () => {
    assert.equal(readFileSync(SCHEMA_FILE, 'utf8'), renderSchema(), 'stale: run node --import tsx scripts/gen-schema.ts');
  });

  it('has an $id, titles, descriptions and no other keys; a parameter schema for every control', () => {
    const schema = generateSchema() as { $id: string; title: string; additionalProperties: boolean; properties: Record<string, { description: string; properties?: Record<string, unknown> }> };
    assert.ok(schema.$id && schema.title);
    assert.equal(schema.additionalProperties, false);
    assert.deepEqual(Object.keys(schema.properties), ['controls', 'skip-controls', 'fail-on', 'format', 'all-revisions', 'parameters', 'suppressions', 'fix']);
    for (const [key, s] of Object.entries(schema.properties)) assert.ok(s.description, `${key} has a description`);
    const ecs8 = schema.properties.parameters.properties?.['ECS.8'] as { properties: Record<string, { type: string[]; default: string[] }> };
    assert.deepEqual(ecs8.properties.secretKeys.type, ['array', 'string']);
    assert.ok(ecs8.properties.secretKeys.default.includes('AWS_ACCESS_KEY_ID'));
  });
});

// ---------------------------------------------------------------- the built CLI

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

function run(args: string[], cwd: string): Run {
  const env: Record<string, string | undefined> = { ...process.env, NO_COLOR: '1' };
  delete env.FORCE_COLOR;
  delete env.ECSGUARD_DEBUG;
  const r = spawnSync(process.execPath, [CLI, ...args], { cwd, env, encoding: 'utf8', timeout: 60_000 });
  if (r.error) throw r.error;
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

const ROOT_TASK = JSON.stringify({ family: 'web', containerDefinitions: [{ name: 'app', image: 'nginx', user: 'root' }] });

describe('the CLI and the configuration file', () => {
  it('picks up a configuration file in a parent folder of the scanned path; the command line wins', () => {
    assert.ok(existsSync(CLI), `${CLI} is missing: run 'npm run build' first`);
    const root = tempDir();
    mkdirSync(join(root, 'repo/infra/app'), { recursive: true });
    writeFileSync(join(root, 'repo/.ecsguard.yml'), 'controls: [ECS.20]\nformat: json\n');
    writeFileSync(join(root, 'repo/infra/app/task.json'), ROOT_TASK);
    const r = run(['scan', 'repo/infra/app'], root);
    assert.equal(r.code, 1, r.stderr);
    const report = JSON.parse(r.stdout) as { findings: Array<{ control: string; status: string }> };
    assert.deepEqual(report.findings.map((f) => [f.control, f.status]), [['ECS.20', 'FAILED']]);
    // With no path, from the current directory up.
    const here = run(['scan'], join(root, 'repo/infra'));
    assert.deepEqual((JSON.parse(here.stdout) as typeof report).findings.map((f) => f.control), ['ECS.20']);
    // --format on the command line wins over the file's format.
    const text = run(['scan', 'repo/infra/app', '--format', 'text'], root);
    assert.throws(() => JSON.parse(text.stdout));
    assert.match(text.stdout, /ECS\.20/);
  });

  it('a bad configuration file exits 2 with file:line:column on standard error, one line per problem', () => {
    const root = tempDir();
    mkdirSync(join(root, 'repo/infra'), { recursive: true });
    writeFileSync(join(root, 'repo/.ecsguard.yml'), 'controls: [ECS.20]\nfail-on: severe\n');
    writeFileSync(join(root, 'repo/infra/task.json'), ROOT_TASK);
    const r = run(['scan', 'repo/infra/task.json'], root);
    assert.equal(r.code, 2);
    assert.equal(r.stdout, '');
    assert.equal(r.stderr, "ecsguard: repo/.ecsguard.yml:2:10: fail-on: must be one of low, medium, high, critical, none; got 'severe'\n");
    writeFileSync(join(root, 'repo/.ecsguard.yml'), 'controls: [ECS.20]\nfail-on: "a\\nb"\nskip_controls: [ECS.8]\n');
    const two = run(['inventory', 'repo/infra'], root);
    assert.equal(two.code, 2);
    assert.equal(
      two.stderr,
      "ecsguard: repo/.ecsguard.yml:2:10: fail-on: must be one of low, medium, high, critical, none; got 'a\\nb'\n" +
        "ecsguard: repo/.ecsguard.yml:3:1: unknown key 'skip_controls' (did you mean 'skip-controls'?)\n",
    );
  });

  it('--config FILE that does not exist is a usage error naming it', () => {
    const root = tempDir();
    writeFileSync(join(root, 'task.json'), ROOT_TASK);
    const r = run(['scan', 'task.json', '--config', 'missing.yml'], root);
    assert.equal(r.code, 2);
    assert.match(r.stderr, /^ecsguard: --config missing\.yml: no such file\n$/);
  });
});
