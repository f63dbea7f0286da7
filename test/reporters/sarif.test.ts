/**
 * The SARIF report: validated with Microsoft's SARIF Multitool (`validate --rule-kind "Ghas;Sarif"`,
 * the 2.1.0 schema plus GitHub code scanning's ingestion rules) on the fixture scan, a
 * CloudFormation + CDK scan, an empty scan and a scan of live resources (no file, ARN IDs); then
 * the structure GitHub relies on: locations, rules, security-severity, fingerprints.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { chmodSync, existsSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Log, Result } from 'sarif';
import { scanPaths, type ScanOptions } from '../../src/api.js';
import { CONTROLS } from '../../src/controls/index.js';
import type { ScanResult } from '../../src/engine/scan.js';
import type { Finding } from '../../src/model/index.js';
import type { ReportContext } from '../../src/reporters/context.js';
import { FINGERPRINT_KEY, renderSarif, resourceUri } from '../../src/reporters/sarif.js';
import { emptyScan, fixtureFolder, fixtureScan, ROOT } from './fixture.js';

const MULTITOOL = join(ROOT, 'node_modules/@microsoft/sarif-multitool-linux/Sarif.Multitool');

// ---------------------------------------------------------------- helpers

/** Scans `paths` from inside `dir`, so locations are relative to it. */
function scanIn(dir: string, paths: string[], options: ScanOptions = {}): ScanResult {
  const cwd = process.cwd();
  process.chdir(dir);
  try {
    return scanPaths(paths, options);
  } finally {
    process.chdir(cwd);
  }
}

interface Diagnostic {
  level: string;
  rule: string;
  line: string;
}

/**
 * Runs the Multitool once over `files` and returns its diagnostics per file, parsed from its console
 * lines (`FILE(line,col): error GH2012: ...`), and the whole console output for failure messages.
 */
function multitool(files: string[], workDir: string): { byFile: Map<string, Diagnostic[]>; output: string } {
  assert.ok(existsSync(MULTITOOL), `SARIF Multitool missing at ${MULTITOOL}: install devDependencies`);
  if (!(statSync(MULTITOOL).mode & 0o100)) chmodSync(MULTITOOL, statSync(MULTITOOL).mode | 0o100);
  const out = join(workDir, 'multitool-output.sarif');
  let output: string;
  try {
    output = execFileSync(MULTITOOL, ['validate', ...files, '-o', out, '--rule-kind', 'Ghas;Sarif', '--log', 'ForceOverwrite'], {
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'pipe'],
      timeout: 120_000,
      env: { ...process.env, DOTNET_CLI_TELEMETRY_OPTOUT: '1' },
    });
  } catch (e) {
    const err = e as { stdout?: string; stderr?: string; message: string };
    assert.fail(`SARIF Multitool failed to run: ${err.message}\n${err.stdout ?? ''}\n${err.stderr ?? ''}`);
  }
  assert.match(output, /Analysis completed successfully/, `Multitool did not complete:\n${output}`);
  const byFile = new Map<string, Diagnostic[]>(files.map((f) => [f, []]));
  for (const line of output.split(/\r?\n/)) {
    const m = /^(.*)\(\d+,\d+\): (error|warning|note) ([A-Z]+\d+):/.exec(line);
    if (!m) continue;
    const list = byFile.get(m[1]);
    assert.ok(list, `Multitool reported on an unexpected file: ${line}`);
    list.push({ level: m[2], rule: m[3], line });
  }
  return { byFile, output };
}

/**
 * Validates the documents with one Multitool run and asserts zero errors. The Multitool reports
 * nothing at all, for every file of the run, when one log cannot be deserialized (an unknown enum
 * value, for one), so each document goes with a canary copy that lacks one rule's
 * `fullDescription`: each canary must draw GitHub's GH2012 error, which proves the Multitool did
 * analyse the batch.
 */
function assertValid(docs: Record<string, string>): void {
  const dir = mkdtempSync(join(tmpdir(), 'ecsguard-sarif-'));
  try {
    const files: string[] = [];
    const canaries = new Map<string, string>();
    for (const [name, text] of Object.entries(docs)) {
      const file = join(dir, `${name}.sarif`);
      writeFileSync(file, text);
      files.push(file);
      const canary = JSON.parse(text) as Log;
      delete canary.runs[0].tool.driver.rules![0].fullDescription;
      const canaryFile = join(dir, `${name}.canary.sarif`);
      writeFileSync(canaryFile, JSON.stringify(canary, null, 2));
      files.push(canaryFile);
      canaries.set(file, canaryFile);
    }
    const { byFile, output } = multitool(files, dir);
    for (const [file, canaryFile] of canaries) {
      const errors = byFile.get(file)!.filter((d) => d.level === 'error');
      assert.deepEqual(errors.map((d) => d.line), [], `SARIF Multitool errors for ${file}:\n${output}`);
      const canaryErrors = byFile.get(canaryFile)!.filter((d) => d.level === 'error').map((d) => d.rule);
      assert.ok(
        canaryErrors.includes('GH2012'),
        `the Multitool analysed nothing (the canary of ${file} drew no GH2012): it reports nothing for any file of a batch when one document cannot be deserialized (an unknown enum value, for one):\n${output}`,
      );
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Every result must have a physical location GitHub accepts: a non-empty relative URI and a start line. */
function assertLocated(log: Log): void {
  for (const r of log.runs[0].results ?? []) {
    const pl = r.locations?.[0]?.physicalLocation;
    assert.ok(pl, `result without physicalLocation: ${JSON.stringify(r)}`);
    const uri = pl.artifactLocation?.uri ?? '';
    assert.ok(uri.length > 0, 'empty artifact URI');
    assert.doesNotMatch(uri, /^[a-z][a-z0-9+.-]*:/i, `URI has a scheme: ${uri}`);
    assert.ok(!uri.startsWith('/'), `URI is absolute: ${uri}`);
    assert.doesNotMatch(uri, /\\/, `URI has a backslash: ${uri}`);
    assert.equal(pl.artifactLocation?.uriBaseId, undefined);
    assert.ok(Number.isInteger(pl.region?.startLine) && pl.region!.startLine! >= 1, `bad startLine in ${uri}`);
    assert.ok(Number.isInteger(pl.region?.startColumn) && pl.region!.startColumn! >= 1, `bad startColumn in ${uri}`);
  }
}

/** Rule IDs, indexes, GitHub's required rule fields and security-severity. */
function assertRules(log: Log): void {
  const rules = log.runs[0].tool.driver.rules ?? [];
  assert.deepEqual(rules.slice(0, CONTROLS.length).map((r) => r.id), CONTROLS.map((c) => c.id));
  for (const rule of rules) {
    assert.ok(rule.name && rule.name !== rule.id, `rule ${rule.id} needs a name`);
    assert.ok(rule.shortDescription?.text, `rule ${rule.id} shortDescription`);
    assert.ok(rule.fullDescription?.text, `rule ${rule.id} fullDescription`);
    assert.ok(rule.help?.text && rule.help.markdown, `rule ${rule.id} help text and markdown`);
    const tags = (rule.properties?.tags ?? []) as string[];
    if (rule.id.startsWith('ECSG.')) {
      // A hardening check is no Security Hub control: no link to its guide, its own tag and set.
      assert.equal(rule.helpUri, undefined, rule.id);
      assert.equal(rule.properties?.controlSet, 'extra', rule.id);
      assert.ok(tags.includes('ecsguard-hardening') && !tags.includes('aws-security-hub'), rule.id);
      assert.match(rule.help!.text!, /not a Security Hub control/, rule.id);
    } else {
      assert.equal(rule.helpUri, `https://docs.aws.amazon.com/securityhub/latest/userguide/ecs-controls.html#${rule.id.toLowerCase().replace('.', '-')}`);
      assert.equal(rule.properties?.controlSet, 'security-hub', rule.id);
      assert.ok(tags.includes('aws-security-hub') && !tags.includes('ecsguard-hardening'), rule.id);
    }
    const sev = rule.properties?.['security-severity'] as unknown;
    assert.equal(typeof sev, 'string', `rule ${rule.id} security-severity`);
    const n = Number(sev);
    assert.ok(n > 0 && n <= 10, `rule ${rule.id} security-severity ${String(sev)}`);
    assert.ok((rule.properties?.tags ?? []).includes('security'));
  }
  for (const r of log.runs[0].results ?? []) {
    assert.equal(typeof r.ruleIndex, 'number');
    assert.equal(rules[r.ruleIndex!].id, r.ruleId, 'ruleIndex points at the rule of ruleId');
    assert.ok(['error', 'warning', 'note'].includes(r.level ?? ''), `level ${String(r.level)}`);
    assert.equal(typeof r.partialFingerprints?.[FINGERPRINT_KEY], 'string');
    assert.equal(r.properties?.controlSet, rules[r.ruleIndex!].properties?.controlSet, 'a result names the set of its rule');
  }
}

function fingerprints(log: Log): Map<string, string> {
  const out = new Map<string, string>();
  for (const r of log.runs[0].results ?? []) {
    const key = `${r.ruleId}|${(r.properties?.resource as { id: string }).id}|${r.locations![0].physicalLocation!.artifactLocation!.uri!}`;
    out.set(key, r.partialFingerprints![FINGERPRINT_KEY]);
  }
  return out;
}

const parse = (text: string): Log => JSON.parse(text) as Log;

/** A live-AWS scan: findings without a file, their resource IDs ARNs, one suppressed, one NOT_AVAILABLE. */
function liveScan(): ScanResult {
  const arnTd = 'arn:aws:ecs:eu-west-1:111122223333:task-definition/web:3';
  const arnSvc = 'arn:aws:ecs:eu-west-1:111122223333:service/prod/web';
  const base = (over: Partial<Finding>): Finding => ({
    control: 'ECS.21',
    title: 'ECS Task Definitions should configure non-administrator users in Windows container definitions',
    severity: 'MEDIUM',
    status: 'FAILED',
    resource: { type: 'AWS::ECS::TaskDefinition', id: arnTd, name: 'web:3', arn: arnTd },
    location: null,
    path: 'containerDefinitions[0].user',
    messageId: 'userIsAdmin',
    reason: "container 'web' runs as 'ContainerAdministrator' (the built-in administrator); set user to \"ContainerUser\"",
    suppressed: null,
    violations: [{ path: 'containerDefinitions[1].user', messageId: 'noUser', reason: "container 'sidecar' has no user", location: null }],
    notes: [],
    ...over,
  });
  const findings: Finding[] = [
    base({}),
    base({ control: 'ECS.2', title: 'ECS services should not have public IP addresses assigned to them automatically', severity: 'HIGH', resource: { type: 'AWS::ECS::Service', id: arnSvc, name: 'web' }, path: 'networkConfiguration.awsvpcConfiguration.assignPublicIp', messageId: 'publicIp', reason: 'assignPublicIp is ENABLED', violations: [], suppressed: { reason: 'public demo <b>"x"</b>', by: 'config', expires: '2027-01-01' } }),
    base({ control: 'ECS.20', title: 'ECS Task Definitions should configure non-root users in Linux container definitions', status: 'NOT_AVAILABLE', messageId: 'userUnknown', reason: "container 'web': user is unknown: Ref to parameter AppUser", violations: [] }),
    base({ control: 'ECS.3', title: 'ECS task definitions should not share the host\'s process namespace', severity: 'HIGH', status: 'PASSED', path: 'pidMode', messageId: 'ok', reason: 'pidMode is not host', violations: [] }),
  ];
  return {
    findings,
    errors: [{ file: '--parameters', line: null, column: null, message: 'AppUser: no CloudFormation template in this scan declares a parameter named AppUser' }],
    skipped: [],
    summary: { resources: 2, passed: 1, failed: 2, warning: 0, notAvailable: 1, suppressed: 1, errors: 1, skipped: 0, inputsRead: 1 },
  };
}

// ---------------------------------------------------------------- tests

describe('SARIF report', () => {
  let dir: string;
  let fixture: { result: ScanResult; context: ReportContext };
  let iac: ScanResult;
  let live: ScanResult;
  let empty: ScanResult;
  let docs: Record<string, string>;

  before(() => {
    dir = fixtureFolder();
    fixture = fixtureScan(dir);
    iac = scanIn(dir, ['examples/cloudformation', 'examples/cdk.out']);
    live = liveScan();
    empty = emptyScan();
    docs = {
      fixture: renderSarif(fixture.result, fixture.context),
      iac: renderSarif(iac, fixture.context),
      empty: renderSarif(empty, fixture.context),
      live: renderSarif(live, { ...fixture.context, cwd: dir }),
    };
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('passes the SARIF Multitool (2.1.0 schema and GitHub ingestion rules) with zero errors for every source', () => {
    assert.ok(iac.findings.some((f) => f.location?.file.endsWith('.yaml')), 'the CloudFormation template was scanned');
    assert.ok(iac.findings.some((f) => f.location?.file.includes('cdk.out')), 'the CDK output was scanned');
    assertValid(docs);
  });

  it('gives every result a physical location with a relative file URI, line and column', () => {
    for (const [name, text] of Object.entries(docs)) {
      const log = parse(text);
      assert.equal(log.version, '2.1.0', name);
      assertLocated(log);
    }
  });

  it('has one rule per control with GitHub\'s fields and security-severity, and results whose rule IDs match', () => {
    for (const text of Object.values(docs)) assertRules(parse(text));
    const rules = parse(docs.fixture).runs[0].tool.driver.rules!;
    const bySeverity = new Map(CONTROLS.map((c) => [c.id, c.severity]));
    for (const rule of rules) {
      const expected = { CRITICAL: 9.5, HIGH: 8, MEDIUM: 5.5, LOW: 3 }[bySeverity.get(rule.id)!];
      assert.equal(Number(rule.properties!['security-severity']), expected, rule.id);
    }
    const ecs2 = rules.find((r) => r.id === 'ECS.2')!;
    assert.ok((ecs2.properties!.relatedRequirements as string[]).includes('PCI DSS v4.0.1/1.4.4'));
    const ecsg8 = rules.find((r) => r.id === 'ECSG.8')!;
    assert.match(ecsg8.help!.markdown!, /### Peer checks\n\n- Checkov CKV_AWS_249/);
    assert.match(ecs2.help!.markdown!, /### How to fix/);
    assert.match(ecs2.help!.markdown!, /```yaml\n/);
  });

  it('reports FAILED findings by severity and NOT_AVAILABLE as notes, and only those', () => {
    const { result } = fixture;
    const log = parse(docs.fixture);
    const results = log.runs[0].results!;
    assert.equal(results.length, result.findings.filter((f) => f.status !== 'PASSED').length);
    const levelOf = (r: Result) => r.level;
    for (const r of results) {
      const sev = r.properties!.severity as string;
      const status = r.properties!.status as string;
      if (status === 'FAILED') assert.equal(levelOf(r), { CRITICAL: 'error', HIGH: 'error', MEDIUM: 'warning', LOW: 'note' }[sev]);
      else assert.equal(levelOf(r), 'note');
    }
    const liveLog = parse(docs.live);
    const na = liveLog.runs[0].results!.find((r) => r.ruleId === 'ECS.20')!;
    assert.equal(na.level, 'note');
    assert.equal(liveLog.runs[0].results!.some((r) => r.ruleId === 'ECS.3'), false, 'PASSED is no result');
  });

  it('points file findings at the file, line and column the finding names', () => {
    const { result } = fixture;
    const log = parse(docs.fixture);
    const failed = result.findings.filter((f) => f.status !== 'PASSED');
    log.runs[0].results!.forEach((r, i) => {
      const f = failed[i];
      const pl = r.locations![0].physicalLocation!;
      assert.equal(decodeURIComponent(pl.artifactLocation!.uri!), f.location!.file);
      assert.equal(pl.region!.startLine, f.location!.line);
      assert.equal(pl.region!.startColumn, f.location!.column);
      assert.equal(r.ruleId, f.control);
    });
    const cdk = log.runs[0].results!.find((r) => r.locations![0].physicalLocation!.artifactLocation!.uri === 'examples/cdk.out/OrdersStackWorkersA1B2C3D4.nested.template.json');
    assert.ok(cdk, 'a CDK nested stack finding');
  });

  it('locates findings without a file at a stable repository-relative stand-in path, with the ARN as logical location', () => {
    const log = parse(docs.live);
    const results = log.runs[0].results!;
    assert.equal(results.length, 3);
    const td = results.find((r) => r.ruleId === 'ECS.21')!;
    assert.equal(td.locations![0].physicalLocation!.artifactLocation!.uri, 'aws/111122223333/eu-west-1/ecs/task-definition/web%3A3');
    assert.deepEqual(td.locations![0].physicalLocation!.region, { startLine: 1, startColumn: 1 });
    assert.equal(td.locations![0].logicalLocations![0].fullyQualifiedName, 'arn:aws:ecs:eu-west-1:111122223333:task-definition/web:3');
    assert.equal(td.relatedLocations, undefined, 'violations without a location add no related location');
    assert.match(td.message.text!, /also: container 'sidecar' has no user/);
    const svc = results.find((r) => r.ruleId === 'ECS.2')!;
    assert.equal(svc.locations![0].physicalLocation!.artifactLocation!.uri, 'aws/111122223333/eu-west-1/ecs/service/prod/web');
    assert.equal(resourceUri('not-an-arn'), 'aws/unknown/not-an-arn');
  });

  it('marks suppressed findings with a SARIF suppression', () => {
    const svc = parse(docs.live).runs[0].results!.find((r) => r.ruleId === 'ECS.2')!;
    assert.equal(svc.suppressions?.length, 1);
    assert.equal(svc.suppressions![0].kind, 'external');
    assert.equal(svc.suppressions![0].status, 'accepted');
    assert.equal(svc.suppressions![0].justification, 'public demo <b>"x"</b> (until 2027-01-01)');
    for (const r of parse(docs.fixture).runs[0].results!) assert.equal(r.suppressions, undefined);
  });

  it('keeps partialFingerprints stable across renders and unchanged when only the line moves', () => {
    const again = parse(renderSarif(fixture.result, fixture.context));
    const first = fingerprints(parse(docs.fixture));
    assert.deepEqual(fingerprints(again), first);
    assert.equal(new Set(first.values()).size, first.size, 'one fingerprint per result');
    // The same scan with every location moved down: same fingerprints.
    const moved: ScanResult = {
      ...fixture.result,
      findings: fixture.result.findings.map((f) => ({ ...f, location: f.location && { ...f.location, line: f.location.line + 7, column: f.location.column + 2 } })),
    };
    assert.deepEqual(fingerprints(parse(renderSarif(moved, fixture.context))), first);
    // A real edit: blank lines above the resource, rescanned.
    const file = join(dir, 'examples/windows-iis-container-administrator.json');
    const original = readFileSync(file, 'utf8');
    try {
      writeFileSync(file, '\n\n\n' + original);
      const rescanned = parse(renderSarif(scanIn(dir, ['.']), fixture.context));
      const uri = 'examples/windows-iis-container-administrator.json';
      const before = parse(docs.fixture).runs[0].results!.find((r) => r.locations![0].physicalLocation!.artifactLocation!.uri === uri)!;
      const after = rescanned.runs[0].results!.find((r) => r.locations![0].physicalLocation!.artifactLocation!.uri === uri)!;
      assert.equal(after.locations![0].physicalLocation!.region!.startLine, before.locations![0].physicalLocation!.region!.startLine! + 3);
      assert.equal(after.partialFingerprints![FINGERPRINT_KEY], before.partialFingerprints![FINGERPRINT_KEY]);
      assert.deepEqual(fingerprints(rescanned), first);
    } finally {
      writeFileSync(file, original);
    }
  });

  it('reports input errors and skipped revisions as tool execution notifications', () => {
    const inv = parse(docs.fixture).runs[0].invocations![0];
    assert.equal(inv.executionSuccessful, true, 'some inputs were read');
    const error = inv.toolExecutionNotifications!.find((n) => n.level === 'error')!;
    assert.match(error.message.text!, /odd\/broken\.json: invalid JSON/);
    assert.deepEqual(error.locations![0].physicalLocation, { artifactLocation: { uri: 'odd/broken.json' }, region: { startLine: 4, startColumn: 1 } });
    const skipped = inv.toolExecutionNotifications!.find((n) => n.level === 'note')!;
    assert.match(skipped.message.text!, /payments:41 not judged/);
    const liveInv = parse(docs.live).runs[0].invocations![0];
    assert.equal(liveInv.toolExecutionNotifications![0].locations, undefined, '--parameters is no file');
    const broken: ScanResult = { ...empty, errors: [{ file: 'x.json', line: 1, column: 2, message: 'bad' }], summary: { ...empty.summary, errors: 1 } };
    assert.equal(parse(renderSarif(broken, fixture.context)).runs[0].invocations![0].executionSuccessful, false, 'nothing could be read');
  });

  it('renders an empty scan as a valid run with rules and no results', () => {
    const log = parse(docs.empty);
    assert.deepEqual(log.runs[0].results, []);
    assert.equal(log.runs[0].tool.driver.rules!.length, CONTROLS.length);
    assert.equal(log.runs[0].invocations![0].executionSuccessful, true);
  });

  it('keeps hostile names intact through a JSON round trip', () => {
    const log = parse(docs.fixture);
    const r = log.runs[0].results!.find((x) => (x.properties!.resource as { id: string }).id === 'café-<script>&"quoted"' && x.ruleId === 'ECS.21')!;
    assert.ok(r, 'the escaping fixture is reported');
    assert.match(r.message.text!, /line\nbreak <b>&amp; "q" 's' ünïcødé ✓/);
    assert.equal(r.locations![0].logicalLocations![0].name, 'café-<script>&"quoted"');
    assert.ok(!docs.fixture.includes('AKIAIOSFODNN7EXAMPLE') && !docs.fixture.includes('wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY'), 'no secret value');
  });
});
