/**
 * The OCSF report: Compliance Finding events (class 2003) with the base event, finding_info,
 * compliance, resources and remediation objects filled; stable IDs; escaping; no secret value.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { scanPaths } from '../../src/api.js';
import type { ScanResult } from '../../src/engine/scan.js';
import type { Finding } from '../../src/model/index.js';
import type { ReportContext } from '../../src/reporters/context.js';
import { OCSF_VERSION, renderOcsf, toOcsfFindings, type OcsfComplianceFinding } from '../../src/reporters/ocsf.js';
import { emptyScan, fixtureFolder, fixtureScan } from './fixture.js';

const ACCESS_KEY_ID = 'AKIAIOSFODNN7EXAMPLE';
const SECRET_ACCESS_KEY = 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY';

function scanIn(dir: string, paths: string[], keepResources = false): ScanResult {
  const cwd = process.cwd();
  process.chdir(dir);
  try {
    return scanPaths(paths, { keepResources });
  } finally {
    process.chdir(cwd);
  }
}

const isString = (v: unknown): v is string => typeof v === 'string' && v.length > 0;
const isTime = (v: unknown): boolean => Number.isInteger(v) && (v as number) > 1_600_000_000_000;

function assertShape(e: OcsfComplianceFinding): void {
  const where = e.finding_info?.uid;
  assert.equal(e.class_uid, 2003, where);
  assert.equal(e.class_name, 'Compliance Finding', where);
  assert.equal(e.category_uid, 2, where);
  assert.equal(e.category_name, 'Findings', where);
  assert.ok([1, 2, 3].includes(e.activity_id), where);
  assert.equal(e.activity_name, { 1: 'Create', 2: 'Update', 3: 'Close' }[e.activity_id], where);
  assert.equal(e.type_uid, e.class_uid * 100 + e.activity_id, where);
  assert.equal(e.type_name, `Compliance Finding: ${e.activity_name}`, where);
  assert.ok(isTime(e.time), where);
  assert.ok([1, 2, 3, 4, 5].includes(e.severity_id), where);
  assert.equal(e.severity, { 1: 'Informational', 2: 'Low', 3: 'Medium', 4: 'High', 5: 'Critical' }[e.severity_id], where);
  assert.equal(e.status, { 1: 'New', 3: 'Suppressed', 4: 'Resolved' }[e.status_id], where);
  assert.ok(isString(e.message), where);
  assert.equal(e.metadata.version, OCSF_VERSION, where);
  assert.deepEqual(e.metadata.product, { name: 'ecsguard', vendor_name: 'ecsguard', version: e.metadata.product.version }, where);
  assert.ok(isString(e.metadata.product.version), where);
  assert.deepEqual(e.metadata.profiles, ['cloud'], where);
  assert.equal(e.cloud.provider, 'AWS', where);
  assert.match(e.cloud.account.uid, /^\d{12}$/, where);
  assert.ok(isString(e.cloud.region), where);
  // finding_info
  assert.ok(isString(e.finding_info.uid), where);
  assert.ok(isString(e.finding_info.title), where);
  assert.ok(isString(e.finding_info.desc), where);
  for (const t of ['created_time', 'first_seen_time', 'last_seen_time', 'modified_time'] as const) assert.ok(isTime(e.finding_info[t]), where);
  assert.equal(e.finding_info.analytic.uid, e.compliance.control, where);
  assert.equal(e.finding_info.analytic.type_id, 1, where);
  // compliance
  assert.match(e.compliance.control, /^ECSG?\.\d+$/, where);
  assert.ok(e.compliance.standards.length >= 1 && e.compliance.standards.every(isString), where);
  assert.equal(e.compliance.status, { 1: 'Pass', 2: 'Warning', 3: 'Fail' }[e.compliance.status_id], where);
  assert.equal(e.compliance.status_id, { PASSED: 1, WARNING: 2, NOT_AVAILABLE: 2, FAILED: 3 }[e.compliance.status_code], where);
  for (const r of e.compliance.requirements ?? []) assert.match(r, /^(NIST\.800-53\.r5 [A-Z]{2}-\d+(\(\d+\))?|PCI DSS v4\.0\.1\/[\d.]+)$/, where);
  // resources and remediation
  assert.equal(e.resources.length, 1, where);
  const r = e.resources[0];
  assert.ok(isString(r.uid) && isString(r.name), where);
  assert.match(r.type, /^AWS::ECS::/, where);
  assert.equal(r.region, e.cloud.region, where);
  assert.ok(['aws', 'aws-cn', 'aws-us-gov'].includes(r.cloud_partition), where);
  assert.ok(isString(e.remediation.desc), where);
  if (e.compliance.control.startsWith('ECSG.')) {
    // A hardening check claims no Security Hub standard, requirement or documentation page.
    assert.deepEqual(e.compliance.standards, ['ecsguard hardening checks'], where);
    assert.equal(e.compliance.requirements, undefined, where);
    assert.deepEqual(e.remediation.references, [], where);
    for (const t of e.finding_info.types) assert.doesNotMatch(t, /Industry and Regulatory Standards/, where);
  } else {
    assert.ok(e.compliance.standards.includes('AWS Security Hub controls'), where);
    assert.match(e.remediation.references[0], /^https:\/\/docs\.aws\.amazon\.com\/securityhub\/latest\/userguide\/ecs-controls\.html#ecs-\d+$/, where);
  }
}

function liveFinding(over: Partial<Finding> = {}): Finding {
  const arn = 'arn:aws:ecs:eu-central-1:444455556666:service/prod/web';
  return {
    control: 'ECS.2',
    title: 'ECS services should not have public IP addresses assigned to them automatically',
    severity: 'HIGH',
    status: 'FAILED',
    resource: { type: 'AWS::ECS::Service', id: arn, name: 'web' },
    location: null,
    path: 'networkConfiguration.awsvpcConfiguration.assignPublicIp',
    messageId: 'publicIp',
    reason: 'assignPublicIp is ENABLED',
    suppressed: null,
    violations: [],
    notes: [],
    ...over,
  };
}

describe('OCSF report', () => {
  let dir: string;
  let result: ScanResult;
  let context: ReportContext;
  let events: OcsfComplianceFinding[];
  let text: string;

  before(() => {
    dir = fixtureFolder();
    ({ result, context } = fixtureScan(dir));
    text = renderOcsf(result, context);
    events = JSON.parse(text) as OcsfComplianceFinding[];
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('is a JSON array of Compliance Finding events, one per finding', () => {
    assert.ok(Array.isArray(events));
    assert.equal(events.length, result.findings.length);
    assert.equal(renderOcsf(emptyScan(), context), '[]\n');
    for (const e of events) assertShape(e);
    assert.equal(events[0].time, context.now.getTime());
  });

  it('fills compliance, severity, activity and status from the finding', () => {
    events.forEach((e, i) => {
      const f = result.findings[i];
      assert.equal(e.compliance.control, f.control);
      assert.equal(e.compliance.status_code, f.status);
      assert.equal(e.finding_info.title, f.title);
      assert.equal(e.message, f.reason);
      if (f.status === 'PASSED') {
        assert.equal(e.activity_id, 3);
        assert.equal(e.type_uid, 200303);
        assert.equal(e.status_id, 4);
        assert.equal(e.severity_id, 1);
        assert.equal(e.compliance.status_id, 1);
      } else {
        assert.equal(e.activity_id, 1);
        assert.equal(e.type_uid, 200301);
        assert.equal(e.status_id, 1);
        assert.equal(e.severity, { LOW: 'Low', MEDIUM: 'Medium', HIGH: 'High', CRITICAL: 'Critical' }[f.severity]);
        // The examples give a NOT_AVAILABLE finding too (a role known only after a Terraform apply).
        assert.equal(e.compliance.status_id, f.status === 'FAILED' ? 3 : 2);
      }
    });
    const ecs2 = events.find((e) => e.compliance.control === 'ECS.2')!;
    assert.ok(ecs2.compliance.requirements!.includes('NIST.800-53.r5 SC-7(3)'));
    assert.ok(ecs2.compliance.requirements!.includes('PCI DSS v4.0.1/1.4.4'));
    assert.deepEqual(ecs2.compliance.standards, ['AWS Security Hub controls', 'NIST SP 800-53 Rev. 5', 'PCI DSS v4.0.1']);
    const [na, suppressed] = toOcsfFindings({ ...emptyScan(), findings: [
      liveFinding({ status: 'NOT_AVAILABLE', reason: 'assignPublicIp is unknown: Ref to parameter PublicIp' }),
      liveFinding({ suppressed: { reason: 'demo', by: 'inline' } }),
    ] }, context);
    assertShape(na);
    assert.equal(na.compliance.status_id, 2);
    assert.equal(na.compliance.status, 'Warning');
    assert.equal(na.compliance.status_code, 'NOT_AVAILABLE');
    assertShape(suppressed);
    assert.equal(suppressed.status_id, 3);
    assert.equal(suppressed.status, 'Suppressed');
    assert.match(suppressed.status_detail!, /inline: demo/);
  });

  it('describes the resource: type, uid (ARN or file#id), Region and account, file position', () => {
    const file = events.find((e) => e.resources[0].name === 'intranet-iis' && e.compliance.control === 'ECS.21')!;
    assert.equal(file.resources[0].type, 'AWS::ECS::TaskDefinition');
    assert.equal(file.resources[0].uid, 'examples/windows-iis-container-administrator.json#AWS::ECS::TaskDefinition/intranet-iis');
    assert.equal(file.cloud.account.uid, '111122223333');
    assert.equal(file.cloud.region, 'eu-west-1');
    assert.equal(file.resources[0].data!.file, 'examples/windows-iis-container-administrator.json');
    assert.equal(typeof file.resources[0].data!.line, 'number');
    const cluster = events.find((e) => e.resources[0].type === 'AWS::ECS::Cluster');
    assert.ok(cluster);
    const live = toOcsfFindings({ ...emptyScan(), findings: [liveFinding()] }, context)[0];
    assert.equal(live.resources[0].uid, 'arn:aws:ecs:eu-central-1:444455556666:service/prod/web');
    assert.equal(live.cloud.account.uid, '444455556666');
    assert.equal(live.cloud.region, 'eu-central-1');
    const kept = toOcsfFindings(scanIn(dir, ['.'], true), context);
    const tagged = kept.find((e) => e.resources[0].name === 'invoice-exporter-worker')!;
    assert.ok(tagged.resources[0].tags!.some((t) => t.name === 'team' && t.value === 'billing'));
  });

  it('gives each finding a stable, unique uid', () => {
    const uids = events.map((e) => e.finding_info.uid);
    assert.equal(new Set(uids).size, uids.length);
    assert.deepEqual(toOcsfFindings(result, { ...context, now: new Date('2031-05-05T00:00:00Z') }).map((e) => e.finding_info.uid), uids);
    const moved: ScanResult = { ...result, findings: result.findings.map((f) => ({ ...f, location: f.location && { ...f.location, line: f.location.line + 4 } })) };
    assert.deepEqual(toOcsfFindings(moved, context).map((e) => e.finding_info.uid), uids);
  });

  it('keeps hostile names intact through a JSON round trip', () => {
    assert.deepEqual(JSON.parse(text), JSON.parse(JSON.stringify(toOcsfFindings(result, context))));
    const hostile = events.find((e) => e.resources[0].name === 'café-<script>&"quoted"' && e.compliance.control === 'ECS.21')!;
    assert.ok(hostile);
    assert.match(hostile.message, /container 'line\nbreak <b>&amp; "q" 's' ünïcødé ✓'/);
  });

  it('never carries a secret value from examples/secrets-in-environment.json', () => {
    const source = readFileSync(join(dir, 'examples/secrets-in-environment.json'), 'utf8');
    assert.ok(source.includes(ACCESS_KEY_ID) && source.includes(SECRET_ACCESS_KEY));
    const kept = renderOcsf(scanIn(dir, ['.'], true), context);
    for (const out of [text, kept]) {
      assert.ok(!out.includes(ACCESS_KEY_ID), 'access key ID leaked');
      assert.ok(!out.includes(SECRET_ACCESS_KEY), 'secret access key leaked');
    }
  });
});
