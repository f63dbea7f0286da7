/**
 * The ASFF report: the fields `BatchImportFindings` requires, with the types `AwsSecurityFinding`
 * gives them and ASFF's length limits; stable IDs; resource types and details; Security Hub's
 * spelling of related requirements; statuses; escaping; and no secret value from the examples.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import type { AwsSecurityFinding } from '@aws-sdk/client-securityhub';
import { scanPaths } from '../../src/api.js';
import type { ScanResult } from '../../src/engine/scan.js';
import type { Finding, ResourceType } from '../../src/model/index.js';
import type { ReportContext } from '../../src/reporters/context.js';
import { renderAsff, toAsffFindings } from '../../src/reporters/asff.js';
import { emptyScan, fixtureFolder, fixtureScan } from './fixture.js';

const ACCESS_KEY_ID = 'AKIAIOSFODNN7EXAMPLE';
const SECRET_ACCESS_KEY = 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY';
const ISO = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?Z$/;

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

/** Asserts the required and promised ASFF fields, their types and ASFF's documented limits. */
function assertShape(f: AwsSecurityFinding): void {
  const where = `finding ${String(f.Id)}`;
  // Required by BatchImportFindings (non-optional in AwsSecurityFinding).
  assert.equal(f.SchemaVersion, '2018-10-08', where);
  assert.ok(isString(f.Id) && f.Id.length <= 512, where);
  assert.match(f.ProductArn!, /^arn:aws(-cn|-us-gov)?:securityhub:[a-z0-9-]+:\d{12}:product\/\d{12}\/default$/, where);
  assert.match(f.GeneratorId!, /^ecsguard\/ECSG?\.\d+$/, where);
  assert.doesNotMatch(f.GeneratorId!, /^security-control\//, where);
  assert.match(f.AwsAccountId!, /^\d{12}$/, where);
  assert.ok(f.ProductArn!.endsWith(`:${f.AwsAccountId!}:product/${f.AwsAccountId!}/default`), where);
  assert.match(f.CreatedAt!, ISO, where);
  assert.match(f.UpdatedAt!, ISO, where);
  assert.ok(isString(f.Title) && f.Title.length <= 256, where);
  assert.ok(isString(f.Description) && f.Description.length <= 1024, where);
  assert.ok(Array.isArray(f.Resources) && f.Resources.length >= 1 && f.Resources.length <= 32, where);
  for (const r of f.Resources!) {
    assert.ok(isString(r.Type) && r.Type.length <= 256, where);
    assert.ok(isString(r.Id), where);
    assert.ok(isString(r.Region) && r.Region.length <= 16, where);
    assert.ok(['aws', 'aws-cn', 'aws-us-gov'].includes(r.Partition!), where);
    assert.equal(typeof r.Details, 'object', where);
    for (const [k, v] of Object.entries(r.Details!.Other ?? {})) assert.ok(typeof k === 'string' && typeof v === 'string', where);
    for (const v of Object.values(r.Tags ?? {})) assert.equal(typeof v, 'string', where);
  }
  // Promised by the report.
  assert.ok(Array.isArray(f.Types) && f.Types.length >= 1 && f.Types.length <= 50, where);
  for (const t of f.Types!) assert.match(t, /^Software and Configuration Checks\//, where);
  assert.ok(['INFORMATIONAL', 'LOW', 'MEDIUM', 'HIGH', 'CRITICAL'].includes(f.Severity!.Label!), where);
  assert.ok(isString(f.Remediation!.Recommendation!.Text) && f.Remediation!.Recommendation!.Text.length <= 512, where);
  assert.ok(['PASSED', 'FAILED', 'WARNING', 'NOT_AVAILABLE'].includes(f.Compliance!.Status!), where);
  const id = f.ProductFields!['ecsguard/ControlId'];
  assert.equal(f.GeneratorId, `ecsguard/${id}`, where);
  if (f.ProductFields!['ecsguard/ControlSet'] === 'extra') {
    // ecsguard's hardening checks never pass for Security Hub controls.
    assert.match(id, /^ECSG\.\d+$/, where);
    assert.equal(f.Compliance!.SecurityControlId, undefined, where);
    assert.equal(f.Compliance!.RelatedRequirements, undefined, where);
    assert.equal(f.Remediation!.Recommendation!.Url, undefined, where);
    for (const t of [...f.Types!, ...(f.FindingProviderFields?.Types ?? [])]) assert.doesNotMatch(t, /Industry and Regulatory Standards/, where);
    assert.equal(f.ProductFields!['ecsguard/ConfigRule'], undefined, where);
  } else {
    assert.equal(f.ProductFields!['ecsguard/ControlSet'], 'security-hub', where);
    assert.match(f.Remediation!.Recommendation!.Url!, /^https:\/\/docs\.aws\.amazon\.com\/securityhub\/latest\/userguide\/ecs-controls\.html#ecs-\d+$/, where);
    assert.match(f.Compliance!.SecurityControlId!, /^ECS\.\d+$/, where);
    assert.equal(id, f.Compliance!.SecurityControlId, where);
  }
  assert.ok((f.Compliance!.RelatedRequirements ?? []).length <= 32, where);
  assert.ok(['NEW', 'NOTIFIED', 'RESOLVED', 'SUPPRESSED'].includes(f.Workflow!.Status!), where);
  assert.equal(f.RecordState, 'ACTIVE', where);
  const fields = Object.entries(f.ProductFields ?? {});
  assert.ok(fields.length <= 50, where);
  for (const [k, v] of fields) assert.ok(k.length <= 128 && typeof v === 'string' && v.length <= 2048, where);
}

const control = (f: AwsSecurityFinding) => f.ProductFields!['ecsguard/ControlId'];
const resourceId = (f: AwsSecurityFinding) => f.ProductFields!['ecsguard/ResourceId'];

/** A live-AWS finding: no file, the resource ID an ARN. */
function liveFinding(over: Partial<Finding> = {}): Finding {
  const arn = 'arn:aws:ecs:ap-southeast-2:444455556666:task-definition/web:3';
  return {
    control: 'ECS.21',
    title: 'ECS Task Definitions should configure non-administrator users in Windows container definitions',
    severity: 'MEDIUM',
    status: 'FAILED',
    resource: { type: 'AWS::ECS::TaskDefinition', id: arn, name: 'web:3', arn },
    location: null,
    path: 'containerDefinitions[0].user',
    messageId: 'noUser',
    reason: "container 'web' has no user",
    suppressed: null,
    violations: [],
    notes: [],
    ...over,
  };
}

function resultOf(findings: Finding[]): ScanResult {
  const empty = emptyScan();
  return { ...empty, findings };
}

describe('ASFF report', () => {
  let dir: string;
  let result: ScanResult;
  let context: ReportContext;
  let findings: AwsSecurityFinding[];
  let text: string;

  before(() => {
    dir = fixtureFolder();
    ({ result, context } = fixtureScan(dir));
    text = renderAsff(result, context);
    findings = JSON.parse(text) as AwsSecurityFinding[];
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('is a JSON array with one ASFF finding per finding, PASSED ones included', () => {
    assert.ok(Array.isArray(findings));
    assert.equal(findings.length, result.findings.length);
    assert.ok(findings.some((f) => f.Compliance!.Status === 'PASSED'));
    assert.ok(text.endsWith('\n'));
    assert.equal(renderAsff(emptyScan(), context), '[]\n');
  });

  it('fills every required field with the type AwsSecurityFinding gives it, within ASFF limits', () => {
    for (const f of findings) assertShape(f);
    const kept = toAsffFindings(scanIn(dir, ['.'], true), context);
    for (const f of kept) assertShape(f);
  });

  it('uses the account and Region of --account/--region for files and of the ARN for resources that have one', () => {
    const file = findings.find((f) => resourceId(f) === 'intranet-iis')!;
    assert.equal(file.AwsAccountId, '111122223333');
    assert.equal(file.ProductArn, 'arn:aws:securityhub:eu-west-1:111122223333:product/111122223333/default');
    assert.equal(file.Resources![0].Region, 'eu-west-1');
    assert.equal(file.Resources![0].Id, 'examples/windows-iis-container-administrator.json#AWS::ECS::TaskDefinition/intranet-iis');
    const described = findings.find((f) => resourceId(f) === 'nightly-ledger-reconcile:17')!;
    assert.equal(described.Resources![0].Id, 'arn:aws:ecs:us-east-1:111122223333:task-definition/nightly-ledger-reconcile:17');
    assert.equal(described.Resources![0].Region, 'us-east-1');
    assert.equal(described.ProductArn, 'arn:aws:securityhub:us-east-1:111122223333:product/111122223333/default');
    const live = toAsffFindings(resultOf([liveFinding()]), context)[0];
    assertShape(live);
    assert.equal(live.AwsAccountId, '444455556666');
    assert.equal(live.Resources![0].Id, 'arn:aws:ecs:ap-southeast-2:444455556666:task-definition/web:3');
    assert.equal(live.Resources![0].Region, 'ap-southeast-2');
    const fileNoAccount = toAsffFindings(result, { now: context.now, cwd: dir }).find((f) => resourceId(f) === 'intranet-iis')!;
    assert.equal(fileNoAccount.AwsAccountId, '000000000000');
    assert.equal(fileNoAccount.Resources![0].Region, 'us-east-1');
    assert.match(fileNoAccount.ProductFields!['ecsguard/AccountIdPlaceholder'], /--account/);
    const china = toAsffFindings(result, { ...context, region: 'cn-north-1' }).find((f) => resourceId(f) === 'intranet-iis')!;
    assert.equal(china.ProductArn, 'arn:aws-cn:securityhub:cn-north-1:111122223333:product/111122223333/default');
    assert.equal(china.Resources![0].Partition, 'aws-cn');
  });

  it('gives each finding a stable Id: unique, the same across renders, times and line moves, different per account', () => {
    const ids = findings.map((f) => f.Id!);
    assert.equal(new Set(ids).size, ids.length, 'unique');
    assert.deepEqual(toAsffFindings(result, context).map((f) => f.Id), ids);
    assert.deepEqual(toAsffFindings(result, { ...context, now: new Date('2030-01-01T00:00:00Z') }).map((f) => f.Id), ids);
    const moved: ScanResult = { ...result, findings: result.findings.map((f) => ({ ...f, location: f.location && { ...f.location, line: f.location.line + 9 } })) };
    assert.deepEqual(toAsffFindings(moved, context).map((f) => f.Id), ids);
    const other = toAsffFindings(result, { ...context, account: '999988887777' });
    const fileIdx = result.findings.findIndex((f) => !f.resource.arn);
    assert.notEqual(other[fileIdx].Id, ids[fileIdx]);
    for (const id of ids) assert.match(id, /^ecsguard\/\d{12}\/[a-z0-9-]+\/ECSG?\.\d+\/[0-9a-f]{32}$/);
  });

  it('marks the set: hardening checks have GeneratorId ecsguard/ECSG.n, best-practice types only, and no SecurityControlId', () => {
    const hardening = findings.filter((f) => f.ProductFields!['ecsguard/ControlSet'] === 'extra');
    const hub = findings.filter((f) => f.ProductFields!['ecsguard/ControlSet'] === 'security-hub');
    assert.ok(hardening.length > 0 && hub.length > 0);
    assert.equal(hardening.length + hub.length, findings.length);
    const g = hardening.find((f) => control(f) === 'ECSG.5' && f.Compliance!.Status === 'FAILED')!;
    assert.equal(g.GeneratorId, 'ecsguard/ECSG.5');
    assert.deepEqual(g.Types, ['Software and Configuration Checks/AWS Security Best Practices']);
    assert.deepEqual(g.Compliance, { Status: 'FAILED' });
    assert.match(g.Remediation!.Recommendation!.Text!, /Secrets Manager/);
    const h = hub.find((f) => control(f) === 'ECS.8')!;
    assert.ok(h.Types!.includes('Software and Configuration Checks/Industry and Regulatory Standards'));
    assert.equal(h.Compliance!.SecurityControlId, 'ECS.8');
  });

  it('names resources with the ASFF type of their ECS type (Other for task sets and capacity providers) and details', () => {
    const expected: Record<ResourceType, string> = {
      'AWS::ECS::TaskDefinition': 'AwsEcsTaskDefinition',
      'AWS::ECS::Service': 'AwsEcsService',
      'AWS::ECS::Cluster': 'AwsEcsCluster',
      'AWS::ECS::TaskSet': 'Other',
      'AWS::ECS::CapacityProvider': 'Other',
    };
    const detailKey: Record<string, string> = { AwsEcsTaskDefinition: 'AwsEcsTaskDefinition', AwsEcsService: 'AwsEcsService', AwsEcsCluster: 'AwsEcsCluster' };
    const seen = new Set<string>();
    findings.forEach((f, i) => {
      const type = result.findings[i].resource.type;
      const r = f.Resources![0];
      assert.equal(r.Type, expected[type]);
      seen.add(r.Type!);
      if (detailKey[r.Type!]) assert.ok((r.Details as Record<string, unknown>)[detailKey[r.Type!]], `${r.Type!} details`);
      assert.equal(r.Details!.Other!.ResourceType, type);
      assert.equal(r.Details!.Other!.SourceFile, result.findings[i].location!.file);
    });
    assert.deepEqual([...seen].sort(), ['AwsEcsCluster', 'AwsEcsService', 'AwsEcsTaskDefinition', 'Other']);
    const taskSet = toAsffFindings(resultOf([liveFinding({ control: 'ECS.16', resource: { type: 'AWS::ECS::TaskSet', id: 'arn:aws:ecs:eu-west-1:111122223333:task-set/prod/web/ecs-svc/123', name: 'ecs-svc/123' } })]), context)[0];
    assert.equal(taskSet.Resources![0].Type, 'Other');
    assert.equal(taskSet.Resources![0].Details!.Other!.ResourceType, 'AWS::ECS::TaskSet');
    // With the resources kept, details come from the properties.
    const kept = toAsffFindings(scanIn(dir, ['.'], true), context);
    const iis = kept.find((f) => resourceId(f) === 'intranet-iis' && control(f) === 'ECS.21')!;
    const td = iis.Resources![0].Details!.AwsEcsTaskDefinition!;
    assert.equal(td.Family, 'intranet-iis');
    assert.ok(td.ContainerDefinitions!.length >= 1);
    assert.equal(typeof td.ContainerDefinitions![0].Name, 'string');
    const service = kept.find((f) => control(f) === 'ECS.2' && resourceId(f) === 'ServiceD69D759B')!;
    assert.equal(service.Resources![0].Details!.AwsEcsService!.NetworkConfiguration!.AwsVpcConfiguration!.AssignPublicIp, 'ENABLED');
  });

  it('lists related requirements as Security Hub spells them', () => {
    const ecs2 = findings.find((f) => control(f) === 'ECS.2')!;
    assert.ok(ecs2.Compliance!.RelatedRequirements!.includes('NIST.800-53.r5 AC-21'));
    assert.ok(ecs2.Compliance!.RelatedRequirements!.includes('PCI DSS v4.0.1/1.4.4'));
    const ecs8 = findings.find((f) => control(f) === 'ECS.8')!;
    assert.deepEqual(ecs8.Compliance!.RelatedRequirements, ['NIST.800-53.r5 CA-9(1)', 'NIST.800-53.r5 CM-2', 'PCI DSS v4.0.1/8.6.2']);
    const ecs21 = findings.find((f) => control(f) === 'ECS.21')!;
    assert.equal(ecs21.Compliance!.RelatedRequirements, undefined, 'no mapping, no empty list');
  });

  it('maps statuses: FAILED is NEW at the control severity, PASSED is RESOLVED and INFORMATIONAL, NOT_AVAILABLE and suppressed kept', () => {
    findings.forEach((f, i) => {
      const src = result.findings[i];
      assert.equal(f.Compliance!.Status, src.status);
      if (src.status === 'PASSED') {
        assert.equal(f.Workflow!.Status, 'RESOLVED');
        assert.equal(f.Severity!.Label, 'INFORMATIONAL');
      } else {
        assert.equal(f.Workflow!.Status, 'NEW');
        assert.equal(f.Severity!.Label, src.severity);
      }
      assert.equal(f.Severity!.Original, src.severity);
      assert.deepEqual(f.FindingProviderFields!.Severity, f.Severity);
    });
    const [na, suppressed] = toAsffFindings(resultOf([
      liveFinding({ status: 'NOT_AVAILABLE', reason: 'user is unknown: Ref to parameter AppUser' }),
      liveFinding({ control: 'ECS.20', suppressed: { reason: 'legacy image, tracked in JIRA-1', by: 'config', expires: '2027-06-30' } }),
    ]), context);
    assert.equal(na.Compliance!.Status, 'NOT_AVAILABLE');
    assert.equal(na.Workflow!.Status, 'NEW');
    assert.equal(suppressed.Workflow!.Status, 'SUPPRESSED');
    assert.match(suppressed.Note!.Text!, /legacy image, tracked in JIRA-1 \(until 2027-06-30\)/);
    assert.equal(suppressed.Note!.UpdatedBy, 'ecsguard');
  });

  it('keeps hostile names intact through a JSON round trip', () => {
    assert.deepEqual(JSON.parse(text), JSON.parse(JSON.stringify(toAsffFindings(result, context))));
    const hostile = findings.filter((f) => resourceId(f) === 'café-<script>&"quoted"');
    assert.ok(hostile.length > 0);
    const ecs21 = hostile.find((f) => control(f) === 'ECS.21')!;
    assert.match(ecs21.Description!, /container 'line\nbreak <b>&amp; "q" 's' ünïcødé ✓' runs as 'ContainerAdministrator'/);
    assert.equal(ecs21.Resources![0].Details!.Other!.ResourceName, 'café-<script>&"quoted"');
    assert.equal(ecs21.Resources![0].Details!.AwsEcsTaskDefinition!.Family, 'café-<script>&"quoted"');
  });

  it('never carries a secret value from examples/secrets-in-environment.json', () => {
    const source = readFileSync(join(dir, 'examples/secrets-in-environment.json'), 'utf8');
    assert.ok(source.includes(ACCESS_KEY_ID) && source.includes(SECRET_ACCESS_KEY), 'the example holds the secrets');
    const kept = renderAsff(scanIn(dir, ['.'], true), context);
    for (const out of [text, kept]) {
      assert.ok(!out.includes(ACCESS_KEY_ID), 'access key ID leaked');
      assert.ok(!out.includes(SECRET_ACCESS_KEY), 'secret access key leaked');
    }
    const ecs8 = (JSON.parse(kept) as AwsSecurityFinding[]).find((f) => control(f) === 'ECS.8' && f.Compliance!.Status === 'FAILED')!;
    const env = ecs8.Resources![0].Details!.AwsEcsTaskDefinition!.ContainerDefinitions![0].Environment!;
    assert.ok(env.some((e) => e.Name === 'AWS_SECRET_ACCESS_KEY'), 'names are kept');
    assert.ok(env.every((e) => e.Value === undefined), 'values are not');
  });
});
