/**
 * Hostile but realistic inputs for the configuration file (src/engine/config-file.ts), the
 * suppressions (src/engine/suppressions.ts, src/sources/inline-suppressions.ts) and the baselines
 * (src/engine/baseline.ts): encodings, YAML aliases and tags, dates, glob shapes, inline
 * suppressions of the wrong shape, and fingerprints that must not move with the current
 * directory, symbolic links or a new task definition revision.
 */
import { after, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { mkdirSync, mkdtempSync, realpathSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative } from 'node:path';
import { scanPaths } from '../../src/api.js';
import { applyBaseline, fingerprint, readBaseline, writeBaseline } from '../../src/engine/baseline.js';
import { ConfigFileError, loadConfigFile } from '../../src/engine/config-file.js';
import { ConfigError } from '../../src/engine/configuration.js';
import type { ScanResult } from '../../src/engine/scan.js';
import { matchesEverything, Suppressor } from '../../src/engine/suppressions.js';
import type { ConfigSuppression, Finding, Resource } from '../../src/model/index.js';

const dirs: string[] = [];
/** A fresh folder (its real path), removed after the tests. */
function tempDir(): string {
  const d = realpathSync(mkdtempSync(join(tmpdir(), 'ecsguard-hostile-')));
  dirs.push(d);
  return d;
}
after(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

function write(dir: string, files: Record<string, string | Buffer>): void {
  for (const [name, text] of Object.entries(files)) {
    mkdirSync(dirname(join(dir, name)), { recursive: true });
    writeFileSync(join(dir, name), text);
  }
}

/** Writes a `.ecsguard.yml` with `content` in a fresh folder and returns its path. */
function configFile(content: string | Buffer): string {
  const f = join(tempDir(), '.ecsguard.yml');
  writeFileSync(f, content);
  return f;
}

/** The problems of a configuration file, the folder cut off, one per line. */
function problem(content: string | Buffer): string {
  const f = configFile(content);
  try {
    loadConfigFile(f);
  } catch (e) {
    assert.ok(e instanceof ConfigFileError, `a ConfigFileError, not ${(e as Error)?.constructor?.name}: ${String(e)}`);
    return e.message.split(dirname(f) + '/').join('');
  }
  assert.fail(`no error for:\n${String(content)}`);
}

const IMAGE = 'public.ecr.aws/nginx/nginx:1.27';
const entry = (extra: string) => `suppressions:\n  - control: ECS.5\n    resources: web\n    reason: the vendor image writes to /var/cache\n${extra}`;

// ---------------------------------------------------------------- the configuration file

describe('configuration file: encodings and sizes', () => {
  it('bytes that are not UTF-8 are an error at their line, not silently replaced', () => {
    const latin1 = Buffer.concat([Buffer.from('fail-on: high\nsuppressions:\n  - control: ECS.5\n    resources: web\n    reason: caf'), Buffer.from([0xe9]), Buffer.from(' cache\n')]);
    assert.match(problem(latin1), /^\.ecsguard\.yml:5:16: .*not UTF-8.*0xe9/);
  });

  it('UTF-16 (Windows "Unicode") and NUL bytes say what the file is', () => {
    assert.match(problem(Buffer.from('\ufefffail-on: high\n', 'utf16le')), /^\.ecsguard\.yml:1:1: .*UTF-16.*save it as UTF-8/);
    assert.match(problem('fail-on: high\n\u0000\n'), /^\.ecsguard\.yml:2:1: .*NUL/);
  });

  it('a UTF-8 byte order mark, an empty file, only comments, only --- or ~: fine', () => {
    assert.deepEqual(loadConfigFile(configFile(Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from('fail-on: high\n')]))), { failOn: 'high' });
    for (const text of ['', '\n\n', '# nothing yet\n', '---\n', '~\n', Buffer.from([0xef, 0xbb, 0xbf])]) assert.deepEqual(loadConfigFile(configFile(text)), {}, JSON.stringify(String(text)));
  });

  it('a file far larger than any configuration is refused before it is parsed', () => {
    const huge = `fail-on: high\n# ${'x'.repeat(5 * 1024 * 1024)}\n`;
    assert.match(problem(huge), /^\.ecsguard\.yml: .*MiB.*limit/);
  });
});

describe('configuration file: YAML features', () => {
  it('an alias bomb is a configuration error naming the file, not an internal error', () => {
    const levels = ['a: &a [x, x, x, x, x, x, x, x, x, x]'];
    for (const [i, name] of ['b', 'c', 'd', 'e', 'f', 'g', 'h'].entries()) levels.push(`${name}: &${name} [${Array(10).fill(`*${'abcdefg'[i]}`).join(', ')}]`);
    assert.match(problem(levels.join('\n') + '\n'), /^\.ecsguard\.yml:\d+:\d+: .*alias/);
  });

  it('many aliases of one anchor (a shared reason) are fine', () => {
    const text = 'suppressions:\n' + Array.from({ length: 150 }, (_, i) => `  - { control: ECS.5, resources: r${i}, reason: ${i === 0 ? '&why ' : '*why'}${i === 0 ? 'vendor image' : ''} }\n`).join('');
    const c = loadConfigFile(configFile(text));
    assert.equal(c.suppressions?.length, 150);
    assert.equal(c.suppressions?.[149].reason, 'vendor image');
  });

  it('merge keys (<<: *base) work as in most YAML tools', () => {
    const c = loadConfigFile(configFile('suppressions:\n  - &base { control: ECS.5, resources: a, reason: vendor image }\n  - <<: *base\n    resources: b\n'));
    assert.deepEqual(c.suppressions?.map((s) => [s.control, s.resources, s.reason]), [['ECS.5', ['a'], 'vendor image'], ['ECS.5', ['b'], 'vendor image']]);
  });

  it('duplicate keys and tab indentation are errors at their line; a tab after a colon is fine', () => {
    assert.match(problem('suppressions:\n  - control: ECS.5\n    control: ECS.9\n    resources: a\n    reason: b\n'), /^\.ecsguard\.yml:3:5: invalid YAML: Map keys must be unique/);
    assert.match(problem('suppressions:\n\t- control: ECS.5\n'), /^\.ecsguard\.yml:2:1: invalid YAML: Tabs are not allowed as indentation/);
    assert.equal(loadConfigFile(configFile('fail-on:\thigh\n')).failOn, 'high');
  });

  it('several documents, or an unknown tag, are explained', () => {
    assert.match(problem('fail-on: high\n---\nfail-on: low\n'), /^\.ecsguard\.yml:2:1: .*one YAML document/);
    assert.doesNotMatch(problem('fail-on: high\n---\nfail-on: low\n'), /parseAllDocuments/);
    assert.match(problem('fail-on: !Ref Gate\n'), /^\.ecsguard\.yml:1:10: .*tag '!Ref'/);
  });
});

describe('configuration file: expires', () => {
  it('an unquoted date is a date under YAML 1.1 too (%YAML 1.1, !!timestamp)', () => {
    assert.equal(loadConfigFile(configFile('%YAML 1.1\n---\n' + entry('    expires: 2026-12-31\n'))).suppressions?.[0].expires, '2026-12-31');
    assert.equal(loadConfigFile(configFile(entry('    expires: !!timestamp 2026-12-31\n'))).suppressions?.[0].expires, '2026-12-31');
  });

  it('a timestamp with a time, a number or a date without leading zeros is not a day', () => {
    assert.match(problem('%YAML 1.1\n---\n' + entry('    expires: 2026-12-31 10:00:00+02:00\n')), /expires: must be a date YYYY-MM-DD; got '2026-12-31 10:00:00\+02:00'/);
    assert.match(problem(entry('    expires: 20261231\n')), /^\.ecsguard\.yml:5:14: suppressions\[0\]\.expires: must be a date YYYY-MM-DD; got 20261231$/);
    assert.match(problem(entry('    expires: 2026-2-3\n')), /must be a date YYYY-MM-DD; got '2026-2-3'/);
    assert.match(problem(entry('    expires: 2026-02-29\n')), /'2026-02-29' is not a calendar date/);
    assert.match(problem(entry('    expires: 2026-12-31T00:00:00Z\n')), /must be a date YYYY-MM-DD/);
  });
});

describe('configuration file: values documented as any case', () => {
  it('a suppression control in any case, with spaces around it, is its canonical ID', () => {
    for (const spelled of ['ecs.5', 'Ecs.5', '" ECS.5 "']) {
      const c = loadConfigFile(configFile(`suppressions:\n  - control: ${spelled}\n    resources: web\n    reason: vendor image\n`));
      assert.equal(c.suppressions?.[0].control, 'ECS.5', spelled);
    }
    assert.match(problem('suppressions:\n  - control: ecs.77\n    resources: web\n    reason: x\n'), /unknown control 'ecs\.77'/);
  });

  it('fail-on in any case', () => {
    assert.equal(loadConfigFile(configFile('fail-on: High\n')).failOn, 'High');
  });
});

describe('configuration file: suppression patterns', () => {
  it('a blank pattern, or one starting with ! (which would match every other resource), is an error at its line', () => {
    assert.match(problem('suppressions:\n  - control: ECS.5\n    resources: " "\n    reason: x\n'), /^\.ecsguard\.yml:3:16: suppressions\[0\]\.resources: must not be empty$/);
    assert.match(problem('suppressions:\n  - control: ECS.5\n    resources: [web, " "]\n    reason: x\n'), /^\.ecsguard\.yml:3:22: suppressions\[0\]\.resources\[1\]: must not be empty$/);
    assert.match(problem('suppressions:\n  - control: ECS.5\n    resources:\n      - web\n      - "!legacy-*"\n    reason: x\n'), /^\.ecsguard\.yml:5:9: suppressions\[0\]\.resources\[1\]: '!legacy-\*' starts with '!'/);
    assert.throws(() => new Suppressor([{ control: 'ECS.5', resources: ['!legacy-*'], reason: 'x' }]), (e: Error) => e instanceof ConfigError && /starts with '!'/.test(e.message));
  });

  it('a pattern that matches every resource is a warning (skip-controls or fail-on: none say it better)', () => {
    const one = loadConfigFile(configFile('suppressions:\n  - control: ECS.15\n    resources: "*"\n    reason: we do not tag yet\n'));
    assert.equal(one.warnings?.length, 1);
    assert.match(`${one.warnings?.[0].line}:${one.warnings?.[0].column}: ${one.warnings?.[0].message}`, /^3:16: suppressions\[0\]\.resources: '\*' matches every resource.*skip-controls/);
    const all = loadConfigFile(configFile('suppressions:\n  - control: "*"\n    resources: ["**"]\n    reason: later\n'));
    assert.match(all.warnings?.[0].message ?? '', /every finding of every resource.*fail-on: none/);
    assert.equal(loadConfigFile(configFile('suppressions:\n  - control: "*"\n    resources: [legacy-*, "infra/vendor/**"]\n    reason: x\n')).warnings, undefined);
    for (const p of ['*', '**', '?*', '**/*', '{*,x}']) assert.ok(matchesEverything(p), p);
    for (const p of ['legacy-*', 'infra/**', '*Task', 'arn:aws:ecs:*:*:task-definition/*']) assert.ok(!matchesEverything(p), p);
  });

  it('a suppression for a control the same file does not run is a warning', () => {
    const c = loadConfigFile(configFile('skip-controls: [ECS.5]\nsuppressions:\n  - control: ECS.5\n    resources: web\n    reason: x\n'));
    assert.match(c.warnings?.[0].message ?? '', /suppressions\[0\]\.control: ECS\.5 is not run .*no effect/);
    assert.equal(c.warnings?.[0].line, 3);
    assert.equal(loadConfigFile(configFile('controls: [security-hub]\nsuppressions:\n  - { control: ECS.5, resources: web, reason: x }\n')).warnings, undefined);
  });
});

// ---------------------------------------------------------------- configuration suppressions

/** A task definition failing ECS.5, read from `file`. */
function taskDefinition(id: string, file: string, family = id): Resource {
  return {
    type: 'AWS::ECS::TaskDefinition',
    id,
    name: id,
    properties: { family, containerDefinitions: [{ name: 'app', image: IMAGE, user: '1000', essential: true }], tags: [{ key: 'team', value: 'x' }] },
    origin: { kind: 'file', file, format: 'taskdef-json' },
    locate: () => ({ file, line: 1, column: 1 }),
  };
}

function suppressed(resource: Resource, s: ConfigSuppression, cwd?: string): boolean {
  const findings = scanWith([resource], [s], cwd);
  return findings.some((f) => f.control === 'ECS.5' && f.suppressed?.by === 'config');
}

function scanWith(resources: Resource[], suppressions: ConfigSuppression[], cwd?: string): Finding[] {
  const suppressor = new Suppressor(suppressions, '2026-06-15', cwd);
  const findings: Finding[] = [];
  for (const r of resources) {
    const f: Finding = {
      control: 'ECS.5', title: '', severity: 'HIGH', status: 'FAILED', resource: { type: r.type, id: r.id, name: r.name }, location: r.locate(null), path: null,
      messageId: 'notReadonly', reason: '', suppressed: null, violations: [], notes: [],
    };
    suppressor.apply(r, [f]);
    findings.push(f);
  }
  return findings;
}

const rule = (resources: string[], extra: Partial<ConfigSuppression> & { baseDir?: string } = {}): ConfigSuppression => ({ control: 'ECS.5', resources, reason: 'accepted', ...extra });

describe('configuration suppressions: pattern shapes', () => {
  it('Windows paths with backslashes match the file', () => {
    assert.ok(suppressed(taskDefinition('web', 'infra/vendor/web.json'), rule(['infra\\vendor\\**'])));
    assert.ok(suppressed(taskDefinition('web', 'infra/vendor/web.json'), rule(['infra\\vendor\\*.json'])));
    assert.ok(!suppressed(taskDefinition('web', 'infra/own/web.json'), rule(['infra\\vendor\\**'])));
  });

  it('Terraform splats and keys: [*] and ["*"] match any index or key', () => {
    const svc = (id: string) => taskDefinition(id, 'tf/main.tf', 'x');
    assert.ok(suppressed(svc('aws_ecs_task_definition.this["api"]'), rule(['aws_ecs_task_definition.this[*]'])));
    assert.ok(suppressed(svc('module.app[0].aws_ecs_task_definition.this'), rule(['module.app[*].aws_ecs_task_definition.this'])));
    assert.ok(suppressed(svc('aws_ecs_task_definition.this["api"]'), rule(['aws_ecs_task_definition.this["*"]'])));
    assert.ok(!suppressed(svc('aws_ecs_task_definition.other["api"]'), rule(['aws_ecs_task_definition.this[*]'])));
    // A character class still works where there are no brackets in the text.
    assert.ok(suppressed(taskDefinition('web-5', 'a.json'), rule(['web-[0-9]'])));
    // Braces and globstars.
    assert.ok(suppressed(taskDefinition('api', 'infra/a/b/api.json'), rule(['{web,api}'])));
    assert.ok(suppressed(taskDefinition('api', 'infra/a/b/api.json'), rule(['infra/**/*.json'])));
  });

  it('file patterns are also relative to the configuration file\'s folder, whatever the current directory', () => {
    const repo = tempDir();
    write(repo, { '.ecsguard.yml': 'suppressions:\n  - control: ECS.5\n    resources: [infra/vendor/**]\n    reason: vendored\n', 'infra/vendor/web.json': JSON.stringify({ family: 'web', containerDefinitions: [{ name: 'web', image: IMAGE, user: '1000' }] }) });
    const config = loadConfigFile(join(repo, '.ecsguard.yml'));
    // Scanned from infra/vendor (file as given: web.json), or from elsewhere by absolute path.
    const fromInside = scanWith([taskDefinition('web', 'web.json')], config.suppressions ?? [], join(repo, 'infra/vendor'));
    assert.equal(fromInside[0].suppressed?.by, 'config');
    const r = scanPaths([join(repo, 'infra/vendor/web.json')], { controls: ['ECS.5'], today: '2026-06-15', suppressions: config.suppressions });
    assert.equal(r.findings[0].suppressed?.by, 'config', relative(process.cwd(), repo));
  });
});

// ---------------------------------------------------------------- inline suppressions

describe('inline suppressions: wrong shapes and near misses', () => {
  const td = (meta: string) => `Resources:
  T:
    Type: AWS::ECS::TaskDefinition
    Metadata:
${meta}
    Properties:
      Family: t
      ContainerDefinitions:
        - { Name: a, Image: "${IMAGE}", User: root }
`;
  const scan = (dir: string, path: string) => scanPaths([join(dir, path)], { controls: ['ECS.5', 'ECS.9', 'ECS.20'], today: '2026-06-15' });
  const errors = (r: ScanResult) => r.errors.map((e) => `${e.line}:${e.column} ${e.message}`);
  const supp = (r: ScanResult, control: string) => r.findings.find((f) => f.control === control)?.suppressed ?? null;

  it('CloudFormation: several controls in one entry, "*", a reason that is not text: errors, not applied', () => {
    const dir = tempDir();
    write(dir, {
      'a.yaml': td('      ecsguard:\n        suppress:\n          - control: "ECS.5, ECS.20"\n            reason: two at once\n          - control: "*"\n            reason: everything\n          - control: ECS.9\n            reason: true\n'),
    });
    const r = scan(dir, 'a.yaml');
    const e = errors(r);
    assert.ok(e.some((m) => /^7:13 .*several controls \('ECS\.5, ECS\.20'\).*one control per entry/.test(m)), e.join('\n'));
    assert.ok(e.some((m) => /^9:13 .*names '\*'.*configuration file/.test(m)), e.join('\n'));
    assert.ok(e.some((m) => /^12:21 .*reason must be text/.test(m)), e.join('\n'));
    for (const c of ['ECS.5', 'ECS.9', 'ECS.20']) assert.equal(supp(r, c), null, c);
  });

  it('CloudFormation: lower-case control, padded reason: applied; whitespace-only reason: an error', () => {
    const dir = tempDir();
    write(dir, { 'a.yaml': td('      ecsguard:\n        suppress:\n          - control: ecs.5\n            reason: "  nginx cache  "\n          - control: ECS.20\n            reason: "   "\n') });
    const r = scan(dir, 'a.yaml');
    assert.deepEqual(supp(r, 'ECS.5'), { reason: 'nginx cache', by: 'inline' });
    assert.equal(supp(r, 'ECS.20'), null);
    assert.ok(errors(r).some((m) => /^9:13 .*ECS\.20 gives no reason/.test(m)), errors(r).join('\n'));
  });

  it('cdk.out JSON templates: a string instead of a list, an extra key', () => {
    const dir = tempDir();
    const template = (ecsguard: unknown) => JSON.stringify({ Resources: { T: { Type: 'AWS::ECS::TaskDefinition', Metadata: { 'aws:cdk:path': 'S/T/Resource', ecsguard }, Properties: { Family: 't', ContainerDefinitions: [{ Name: 'a', Image: IMAGE, User: 'root' }] } } } }, null, 1);
    write(dir, { 'cdk.out/A.template.json': template({ suppress: 'ECS.5' }), 'cdk.out/B.template.json': template({ suppress: [{ control: 'ECS.5', reason: 'x', owner: 'me' }] }) });
    const a = scan(dir, 'cdk.out/A.template.json');
    assert.match(errors(a).join('\n'), /suppress must be a list/);
    const b = scan(dir, 'cdk.out/B.template.json');
    assert.match(errors(b).join('\n'), /unknown key 'owner'/);
    assert.equal(supp(b, 'ECS.5'), null);
  });

  it('Terraform: an expiry after the reason, or with spaces around =, is an error (it would never expire)', () => {
    const dir = tempDir();
    write(dir, {
      'main.tf': `# ecsguard:suppress ECS.5 vendor scratch dir expires=2026-01-01
# ecsguard:suppress ECS.9 expires = 2026-01-01 logs go elsewhere
#ecsguard:suppress ECS.20 until=2099-01-01 no space after the hash
resource "aws_ecs_task_definition" "a" {
  family = "a"
  container_definitions = jsonencode([{ name = "a", image = "${IMAGE}", user = "root" }])
}
`,
    });
    const r = scan(dir, 'main.tf');
    const e = errors(r);
    assert.ok(e.some((m) => /^1:1 .*ECS\.5.*'expires=2026-01-01'.*right after the control ID/.test(m)), e.join('\n'));
    assert.ok(e.some((m) => /^2:1 .*ECS\.9.*'expires = 2026-01-01'.*right after the control ID/.test(m)), e.join('\n'));
    assert.equal(supp(r, 'ECS.5'), null);
    assert.equal(supp(r, 'ECS.9'), null);
    assert.deepEqual(supp(r, 'ECS.20'), { reason: 'no space after the hash', by: 'inline', expires: '2099-01-01' });
  });

  it('Terraform: several controls on one line is an error naming them; a module resource applies for each caller', () => {
    const dir = tempDir();
    write(dir, {
      'main.tf': 'module "one" {\n  source = "./td"\n  name   = "one"\n}\nmodule "two" {\n  source = "./td"\n  name   = "two"\n}\n',
      'td/main.tf': `variable "name" {}
# ecsguard:suppress ECS.5,ECS.20 two at once
resource "aws_ecs_task_definition" "a" {
  family = var.name
  # ecsguard:suppress ECS.9 inside the block
  container_definitions = jsonencode([{ name = "a", image = "${IMAGE}", user = "root" }])
}
`,
    });
    const r = scan(dir, '.');
    const e = errors(r);
    assert.equal(e.length, 1, e.join('\n'));
    assert.match(e[0], /^2:1 .*several controls \('ECS\.5,ECS\.20'\)/);
    for (const id of ['module.one.aws_ecs_task_definition.a', 'module.two.aws_ecs_task_definition.a']) {
      assert.equal(r.findings.find((f) => f.resource.id === id && f.control === 'ECS.9')?.suppressed?.by, 'inline', id);
      assert.equal(r.findings.find((f) => f.resource.id === id && f.control === 'ECS.5')?.suppressed, null, id);
    }
  });

  it('task definition JSON: ecsguard as a string, a list, or suppress as a mapping: errors at their line', () => {
    const dir = tempDir();
    const tdj = (ecsguard: unknown) => JSON.stringify({ family: 'j', containerDefinitions: [{ name: 'a', image: IMAGE, user: 'root' }], ecsguard }, null, 2);
    write(dir, { 'a.json': tdj('ECS.5'), 'b.json': tdj([{ control: 'ECS.5', reason: 'r' }]), 'c.json': tdj({ suppress: { control: 'ECS.5', reason: 'r' } }), 'd.json': tdj({ suppress: [{ control: 'ECS.5', reason: 42 }] }) });
    assert.match(errors(scan(dir, 'a.json')).join('\n'), /ecsguard must be a mapping/);
    assert.match(errors(scan(dir, 'b.json')).join('\n'), /ecsguard must be a mapping/);
    assert.match(errors(scan(dir, 'c.json')).join('\n'), /suppress must be a list/);
    const d = scan(dir, 'd.json');
    assert.match(errors(d).join('\n'), /reason must be text/);
    assert.equal(supp(d, 'ECS.5'), null);
  });
});

// ---------------------------------------------------------------- baselines

const describeOutput = (revision: number, containerName = 'p') =>
  JSON.stringify({
    taskDefinition: {
      taskDefinitionArn: `arn:aws:ecs:eu-west-1:111122223333:task-definition/payments:${revision}`,
      family: 'payments', revision, status: 'ACTIVE',
      containerDefinitions: [{ name: containerName, image: IMAGE, user: '1000', logConfiguration: { logDriver: 'awslogs' } }],
    },
    tags: [{ key: 'team', value: 'payments' }],
  }, null, 2);

const unsuppressed = (r: ScanResult) => r.findings.filter((f) => f.status === 'FAILED' && !f.suppressed).map((f) => `${f.resource.id} ${f.control}`);

describe('baselines: what stays the same finding', () => {
  it('a new revision of the same family with the same failure stays known (payments:41 -> payments:42)', () => {
    const dir = tempDir();
    write(dir, { 'infra/payments.json': describeOutput(41) });
    const file = join(dir, '.ecsguard-baseline.json');
    writeBaseline(scanPaths([join(dir, 'infra')], { controls: ['ECS.5'] }), file);
    write(dir, { 'infra/payments.json': describeOutput(42) });
    const r = scanPaths([join(dir, 'infra')], { controls: ['ECS.5'] });
    // The scan gives paths relative to this process's directory: the default cwd.
    const out = applyBaseline(r, file);
    assert.deepEqual(unsuppressed(r), []);
    assert.deepEqual([out.matched, out.fixed.length], [1, 0]);
  });

  it('live ARNs: a revision bump keeps the fingerprint; another family or account does not', () => {
    const live = (arn: string): Finding => ({
      control: 'ECS.5', title: '', severity: 'HIGH', status: 'FAILED', resource: { type: 'AWS::ECS::TaskDefinition', id: arn, name: arn.split('/').pop()!, arn }, location: null, path: null,
      messageId: 'notReadonly', reason: '', suppressed: null, violations: [], notes: [],
    });
    const p41 = fingerprint(live('arn:aws:ecs:eu-west-1:111122223333:task-definition/payments:41'), '/x', '/x');
    assert.equal(fingerprint(live('arn:aws:ecs:eu-west-1:111122223333:task-definition/payments:42'), '/x', '/x'), p41);
    assert.notEqual(fingerprint(live('arn:aws:ecs:eu-west-1:111122223333:task-definition/payments-v2:41'), '/x', '/x'), p41);
    assert.notEqual(fingerprint(live('arn:aws:ecs:eu-west-1:444455556666:task-definition/payments:41'), '/x', '/x'), p41);
    // A family:revision id from a task definition file, likewise.
    const fromFile = (id: string): Finding => ({ ...live('arn:x'), resource: { type: 'AWS::ECS::TaskDefinition', id, name: id }, location: { file: 'infra/td.json', line: 1, column: 1 } });
    assert.equal(fingerprint(fromFile('web:3'), '/x', '/x'), fingerprint(fromFile('web:4'), '/x', '/x'));
    assert.notEqual(fingerprint(fromFile('web:3'), '/x', '/x'), fingerprint(fromFile('api:3'), '/x', '/x'));
    // Terraform keys with colons are left alone.
    const tf = (id: string): Finding => ({ ...fromFile(id), resource: { type: 'AWS::ECS::TaskDefinition', id, name: id, root: '.' } });
    assert.notEqual(fingerprint(tf('aws_ecs_task_definition.t["a:1"]'), '/x', '/x'), fingerprint(tf('aws_ecs_task_definition.t["a:2"]'), '/x', '/x'));
  });

  it('a describe output turned into register input (as ecsguard fix does) keeps its fingerprints: files key by file, not by the ARN field', () => {
    const dir = tempDir();
    write(dir, { 'payments.json': describeOutput(41) });
    const before = scanPaths([join(dir, 'payments.json')], { controls: ['ECS.5'] }).findings[0];
    const described = JSON.parse(describeOutput(41)) as { taskDefinition: Record<string, unknown> };
    const register = { ...described.taskDefinition };
    for (const k of ['taskDefinitionArn', 'revision', 'status', 'requiresAttributes', 'compatibilities', 'registeredAt', 'registeredBy']) delete register[k];
    write(dir, { 'payments.json': JSON.stringify(register, null, 2) });
    const after = scanPaths([join(dir, 'payments.json')], { controls: ['ECS.5'] }).findings[0];
    assert.equal(after.status, 'FAILED');
    assert.equal(fingerprint(after, dir, dir), fingerprint(before, dir, dir));
    // A live resource (an ARN id) keys by its ARN without the revision.
    const arn = 'arn:aws:ecs:eu-west-1:111122223333:task-definition/payments';
    const live = (rev: number): Finding => ({ ...before, resource: { type: 'AWS::ECS::TaskDefinition', id: `${arn}:${rev}`, name: `payments:${rev}`, arn: `${arn}:${rev}` }, location: null });
    assert.equal(fingerprint(live(41), dir, dir), fingerprint(live(42), dir, dir));
  });

  it('renaming a container keeps the finding known', () => {
    const dir = tempDir();
    write(dir, { 'p.json': describeOutput(41, 'p') });
    const file = join(dir, 'b.json');
    writeBaseline(scanPaths([join(dir, 'p.json')], { controls: ['ECS.5'] }), file);
    write(dir, { 'p.json': describeOutput(41, 'payments-api') });
    const r = scanPaths([join(dir, 'p.json')], { controls: ['ECS.5'] });
    applyBaseline(r, file);
    assert.deepEqual(unsuppressed(r), []);
  });

  it('baselines recorded before revisions were left out still match', () => {
    const dir = tempDir();
    write(dir, { 'infra/payments.json': describeOutput(41) });
    const old = createHash('sha256').update(JSON.stringify(['ecsguard-fingerprint-1', 'ECS.5', 'AWS::ECS::TaskDefinition', 'file infra/payments.json payments:41', 'notReadonly'])).digest('hex');
    const file = join(dir, 'old.json');
    writeFileSync(file, JSON.stringify({ version: 1, tool: 'ecsguard', created: '2026-01-01', findings: [{ fingerprint: old, control: 'ECS.5', resource: { type: 'AWS::ECS::TaskDefinition', id: 'payments:41', name: 'payments:41' }, file: 'infra/payments.json', messageId: 'notReadonly' }] }));
    const r = scanPaths([join(dir, 'infra/payments.json')], { controls: ['ECS.5'] });
    // The scan gives paths relative to this process's directory: the default cwd.
    const out = applyBaseline(r, file);
    assert.deepEqual(unsuppressed(r), []);
    assert.deepEqual([out.matched, out.fixed.length], [1, 0]);
  });
});

describe('baselines: paths, links and files', () => {
  const CFN = `Resources:\n  WebTask:\n    Type: AWS::ECS::TaskDefinition\n    Properties:\n      Family: web\n      ContainerDefinitions:\n        - { Name: web, Image: "${IMAGE}", User: "1000", LogConfiguration: { LogDriver: awslogs } }\n`;

  it('the same files from another current directory: the same fingerprints', () => {
    const dir = tempDir();
    write(dir, { 'repo/infra/web.yaml': CFN });
    const file = join(dir, 'repo/.ecsguard-baseline.json');
    writeBaseline(scanPaths(['infra/web.yaml'].map((p) => relative(process.cwd(), join(dir, 'repo', p))), { controls: ['ECS.5'] }), file);
    // From the repository itself, with relative paths (cwd given to the baseline).
    const r = scanPaths([join(dir, 'repo/infra/web.yaml')], { controls: ['ECS.5'] });
    for (const f of r.findings) if (f.location) f.location = { ...f.location, file: 'infra/web.yaml' };
    applyBaseline(r, '.ecsguard-baseline.json', { cwd: join(dir, 'repo') });
    assert.deepEqual(unsuppressed(r), []);
  });

  it('a symbolic link to the repository (scanned, or holding the baseline) does not change the fingerprints', () => {
    const dir = tempDir();
    write(dir, { 'repo/infra/web.yaml': CFN });
    symlinkSync(join(dir, 'repo'), join(dir, 'link'), 'dir');
    const file = join(dir, 'repo/.ecsguard-baseline.json');
    writeBaseline(scanPaths([join(dir, 'repo/infra')], { controls: ['ECS.5'] }), file);
    // Scanned through the link, baseline by its real path.
    const viaLink = scanPaths([join(dir, 'link/infra')], { controls: ['ECS.5'] });
    assert.equal(applyBaseline(viaLink, file).matched, 1);
    assert.deepEqual(unsuppressed(viaLink), []);
    // Scanned by the real path, baseline through the link.
    const real = scanPaths([join(dir, 'repo/infra')], { controls: ['ECS.5'] });
    assert.equal(applyBaseline(real, join(dir, 'link/.ecsguard-baseline.json')).matched, 1);
    assert.deepEqual(unsuppressed(real), []);
    // The entry's file is relative to the baseline folder either way.
    writeBaseline(viaLink, join(dir, 'link/again.json'));
    assert.equal(readBaseline(join(dir, 'repo/again.json')).findings[0].file, 'infra/web.yaml');
  });

  it('a byte order mark is read; UTF-16 and empty files are explained', () => {
    const dir = tempDir();
    write(dir, {
      'bom.json': Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(JSON.stringify({ version: 1, tool: 'ecsguard', created: '2026-01-01', findings: [] }))]),
      'utf16.json': Buffer.from('\ufeff' + JSON.stringify({ version: 1, tool: 'ecsguard', findings: [] }), 'utf16le'),
      'empty.json': '',
    });
    assert.equal(readBaseline(join(dir, 'bom.json')).created, '2026-01-01');
    assert.throws(() => readBaseline(join(dir, 'utf16.json')), (e: Error) => e instanceof ConfigError && /not an ecsguard baseline: .*UTF-16/.test(e.message));
    assert.throws(() => readBaseline(join(dir, 'empty.json')), (e: Error) => e instanceof ConfigError && /not an ecsguard baseline: .*empty/.test(e.message));
  });

  it('duplicate fingerprints count once, in known and in fixed', () => {
    const dir = tempDir();
    write(dir, { 'web.yaml': CFN });
    const file = join(dir, 'b.json');
    writeBaseline(scanPaths([join(dir, 'web.yaml')], { controls: ['ECS.5'] }), file);
    const b = readBaseline(file);
    const gone = { ...b.findings[0], fingerprint: 'f'.repeat(64) };
    writeFileSync(file, JSON.stringify({ ...b, findings: [b.findings[0], b.findings[0], gone, gone] }));
    assert.equal(readBaseline(file).findings.length, 2);
    const r = scanPaths([join(dir, 'web.yaml')], { controls: ['ECS.5'] });
    const out = applyBaseline(r, file);
    assert.deepEqual([out.matched, out.fixed.length], [1, 1]);
  });
});

describe('suppressed both inline and by the baseline', () => {
  const tpl = (expires: string) => `Resources:
  WebTask:
    Type: AWS::ECS::TaskDefinition
    Metadata:
      ecsguard:
        suppress:
          - { control: ECS.5, reason: nginx cache, expires: ${expires} }
    Properties:
      Family: web
      ContainerDefinitions:
        - { Name: web, Image: "${IMAGE}", User: "1000", LogConfiguration: { LogDriver: awslogs } }
`;

  it('the inline suppression wins and the entry is still known; once it expires, the baseline takes over', () => {
    const dir = tempDir();
    write(dir, { 'web.yaml': tpl('2026-12-31') });
    const file = join(dir, 'b.json');
    // Recorded before the inline suppression was written.
    const before = scanPaths([join(dir, 'web.yaml')], { controls: ['ECS.5'], today: '2027-06-01' });
    writeBaseline(before, file);
    assert.equal(readBaseline(file).findings.length, 1);
    const current = scanPaths([join(dir, 'web.yaml')], { controls: ['ECS.5'], today: '2026-06-15' });
    const out = applyBaseline(current, file);
    assert.equal(current.findings[0].suppressed?.by, 'inline');
    assert.deepEqual([out.matched, out.fixed.length], [1, 0]);
    const later = scanPaths([join(dir, 'web.yaml')], { controls: ['ECS.5'], today: '2027-06-01' });
    applyBaseline(later, file);
    assert.equal(later.findings[0].suppressed?.by, 'baseline');
    assert.ok(later.findings[0].notes.some((n) => n.startsWith('suppression expired on 2026-12-31')));
  });
});
