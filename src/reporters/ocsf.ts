/**
 * The OCSF report (`--format ocsf`): every finding as an event of the Open Cybersecurity Schema
 * Framework's Compliance Finding class (class_uid 2003, category Findings, uid 2), the format that
 * AWS Security Hub (the OCSF-based service, schema version 1.6) and Amazon Security Lake use.
 * Schema: https://schema.ocsf.io/1.6.0/classes/compliance_finding (source:
 * github.com/ocsf/ocsf-schema, `events/findings/compliance_finding.json`, `objects/compliance.json`).
 *
 * The output is a JSON array of events, one per finding (PASSED ones included), in scan order. The
 * types below are written for the attributes ecsguard fills; OCSF has no TypeScript package of its own.
 *
 * Mappings:
 * - `activity_id`: 1 Create for FAILED, WARNING and NOT_AVAILABLE; 3 Close for PASSED (the finding
 *   is resolved); `type_uid` = 2003 × 100 + `activity_id` (200301, 200303).
 * - `compliance.status_id`: PASSED 1 Pass, FAILED 3 Fail, WARNING and NOT_AVAILABLE 2 Warning ("did
 *   not yield a result due to missing information"), with Security Hub's status kept in `status_code`.
 * - `severity_id`: Security Hub's label (LOW 2, MEDIUM 3, HIGH 4, CRITICAL 5); PASSED findings are
 *   1 Informational, as Security Hub reports passed controls.
 * - `status_id` (the finding's workflow): 1 New, 3 Suppressed for suppressed findings, 4 Resolved for PASSED.
 * - `resources[].type` is the CloudFormation type (`AWS::ECS::TaskDefinition`), `uid` the ARN or,
 *   for files, `file#type/id`; account and Region as in the ASFF report (ARN first, then
 *   `--account`/`--region`, then placeholders).
 */
import type { ScanResult } from '../engine/scan.js';
import type { ComplianceStatus, Finding, Severity } from '../model/index.js';
import { controlById } from '../controls/index.js';
import { TOOL } from '../version.js';
import type { ReportContext } from './context.js';
import {
  asffTypesOf,
  controlDocumentationUrl,
  findingDescription,
  findingScope,
  relatedRequirements,
  resourceKey,
  stableFindingId,
} from './asff.js';
import { setOf } from './sets.js';

/** The OCSF schema version the events declare (the version Security Hub reads). */
export const OCSF_VERSION = '1.6.0';

/** OCSF `key_value_object`. */
export interface OcsfKeyValue {
  name: string;
  value: string;
}

/** OCSF `compliance` object. */
export interface OcsfCompliance {
  /** The control ID, `ECS.21` (or `ECSG.1` for an ecsguard hardening check). */
  control: string;
  standards: string[];
  /** Framework requirements, `NIST.800-53.r5 AC-6`, `PCI DSS v4.0.1/2.2.5`. */
  requirements?: string[];
  status: 'Pass' | 'Warning' | 'Fail';
  status_id: 1 | 2 | 3;
  /** Security Hub's compliance status (`PASSED`, `FAILED`, `WARNING`, `NOT_AVAILABLE`). */
  status_code: ComplianceStatus;
  /** The reason, the other failing fields and the notes. */
  status_details?: string[];
}

/** OCSF `resource_details` object. */
export interface OcsfResourceDetails {
  uid: string;
  name: string;
  /** CloudFormation type name, `AWS::ECS::TaskDefinition`. */
  type: string;
  region: string;
  cloud_partition: string;
  tags?: OcsfKeyValue[];
  /** Where the resource was read: file, line, column, the ECS field path, the CDK construct path, the ARN. */
  data?: Record<string, string | number>;
}

/** OCSF Compliance Finding event (class 2003), as ecsguard fills it. */
export interface OcsfComplianceFinding {
  activity_id: 1 | 3;
  activity_name: 'Create' | 'Close';
  category_uid: 2;
  category_name: 'Findings';
  class_uid: 2003;
  class_name: 'Compliance Finding';
  type_uid: 200301 | 200303;
  type_name: string;
  /** Event time, milliseconds since the epoch. */
  time: number;
  severity_id: 1 | 2 | 3 | 4 | 5;
  severity: 'Informational' | 'Low' | 'Medium' | 'High' | 'Critical';
  status_id: 1 | 3 | 4;
  status: 'New' | 'Suppressed' | 'Resolved';
  status_detail?: string;
  message: string;
  metadata: {
    version: string;
    product: { name: string; vendor_name: string; version: string };
    profiles: string[];
  };
  cloud: { provider: 'AWS'; region: string; account: { uid: string; type: 'AWS Account'; type_id: 10 } };
  finding_info: {
    uid: string;
    title: string;
    desc: string;
    types: string[];
    created_time: number;
    first_seen_time: number;
    last_seen_time: number;
    modified_time: number;
    analytic: { uid: string; name: string; type: 'Rule'; type_id: 1; category?: string };
  };
  compliance: OcsfCompliance;
  resources: OcsfResourceDetails[];
  remediation: { desc: string; references: string[] };
}

const SEVERITY: Readonly<Record<Severity, { id: 2 | 3 | 4 | 5; caption: 'Low' | 'Medium' | 'High' | 'Critical' }>> = {
  LOW: { id: 2, caption: 'Low' },
  MEDIUM: { id: 3, caption: 'Medium' },
  HIGH: { id: 4, caption: 'High' },
  CRITICAL: { id: 5, caption: 'Critical' },
};

function complianceStatus(status: ComplianceStatus): Pick<OcsfCompliance, 'status' | 'status_id'> {
  if (status === 'PASSED') return { status: 'Pass', status_id: 1 };
  if (status === 'FAILED') return { status: 'Fail', status_id: 3 };
  return { status: 'Warning', status_id: 2 };
}

/**
 * The standards a control belongs to: the Security Hub control set, plus the frameworks AWS maps
 * it to; a hardening check belongs to ecsguard's own set and claims no standard.
 */
function standardsOf(f: Finding): string[] {
  const control = controlById(f.control);
  if (setOf(f) === 'extra') return ['ecsguard hardening checks'];
  const out = ['AWS Security Hub controls'];
  if (control?.mappings.nist80053r5.length) out.push('NIST SP 800-53 Rev. 5');
  if (control?.mappings.pciDss401.length) out.push('PCI DSS v4.0.1');
  return out;
}

/** The tags of the finding's judged resource (when the scan kept resources) as OCSF key/value pairs. */
function tagsOf(result: ScanResult): (f: Finding) => OcsfKeyValue[] | undefined {
  if (!result.judged?.length) return () => undefined;
  const byFinding = new Map<Finding, OcsfKeyValue[]>();
  for (const j of result.judged) {
    const tags: OcsfKeyValue[] = [];
    const raw: unknown = (j.resource.properties as { tags?: unknown }).tags;
    for (const t of Array.isArray(raw) ? raw : []) {
      const k: unknown = (t as { key?: unknown })?.key;
      const v: unknown = (t as { value?: unknown })?.value;
      if (typeof k === 'string' && typeof v === 'string') tags.push({ name: k, value: v });
    }
    if (tags.length) for (const f of j.findings) byFinding.set(f, tags);
  }
  return (f) => byFinding.get(f);
}

/** One finding as an OCSF Compliance Finding event. */
function toEvent(f: Finding, context: ReportContext, tags: OcsfKeyValue[] | undefined): OcsfComplianceFinding {
  const control = controlById(f.control);
  const scope = findingScope(f, context);
  const time = context.now.getTime();
  const passed = f.status === 'PASSED';
  const severity = passed ? { id: 1 as const, caption: 'Informational' as const } : SEVERITY[f.severity];
  const activity = passed ? { id: 3 as const, name: 'Close' as const } : { id: 1 as const, name: 'Create' as const };
  const status = f.suppressed ? { id: 3 as const, name: 'Suppressed' as const } : passed ? { id: 4 as const, name: 'Resolved' as const } : { id: 1 as const, name: 'New' as const };
  const hardening = setOf(f) === 'extra';
  const requirements = hardening ? [] : relatedRequirements(control);
  const docsUrl = controlDocumentationUrl(f);
  const data: Record<string, string | number> = { resource_id: f.resource.id };
  if (scope.arn) data.arn = scope.arn;
  if (f.location) {
    data.file = f.location.file;
    data.line = f.location.line;
    data.column = f.location.column;
  }
  if (f.path) data.path = f.path;
  if (f.resource.cdkPath) data.cdk_path = f.resource.cdkPath;
  if (scope.accountIsPlaceholder) data.account_note = 'no account known for this resource (give --account); 000000000000 stands in';
  const resource: OcsfResourceDetails = {
    uid: resourceKey(f),
    name: f.resource.name,
    type: f.resource.type,
    region: scope.region,
    cloud_partition: scope.partition,
    data,
  };
  if (tags) resource.tags = tags;
  const event: OcsfComplianceFinding = {
    activity_id: activity.id,
    activity_name: activity.name,
    category_uid: 2,
    category_name: 'Findings',
    class_uid: 2003,
    class_name: 'Compliance Finding',
    type_uid: activity.id === 1 ? 200301 : 200303,
    type_name: `Compliance Finding: ${activity.name}`,
    time,
    severity_id: severity.id,
    severity: severity.caption,
    status_id: status.id,
    status: status.name,
    message: f.reason,
    metadata: {
      version: OCSF_VERSION,
      product: { name: TOOL.name, vendor_name: TOOL.name, version: TOOL.version },
      profiles: ['cloud'],
    },
    cloud: { provider: 'AWS', region: scope.region, account: { uid: scope.account, type: 'AWS Account', type_id: 10 } },
    finding_info: {
      uid: stableFindingId(f, scope),
      title: f.title,
      desc: findingDescription(f),
      types: asffTypesOf(f),
      created_time: time,
      first_seen_time: time,
      last_seen_time: time,
      modified_time: time,
      analytic: { uid: f.control, name: control?.configRule ?? f.control, type: 'Rule', type_id: 1, ...(hardening ? { category: 'ecsguard hardening checks' } : {}) },
    },
    compliance: {
      control: f.control,
      standards: standardsOf(f),
      ...(requirements.length ? { requirements } : {}),
      ...complianceStatus(f.status),
      status_code: f.status,
      status_details: findingDescription(f).split('\n'),
    },
    resources: [resource],
    remediation: {
      desc: control?.docs.fix ?? (hardening ? `Run ecsguard explain ${f.control}.` : `See the Security Hub documentation of ${f.control}.`),
      references: docsUrl ? [docsUrl] : [],
    },
  };
  if (f.suppressed) {
    event.status_detail = `suppressed by ${f.suppressed.by}: ${f.suppressed.reason}${f.suppressed.expires ? ` (until ${f.suppressed.expires})` : ''}`;
  }
  return event;
}

/** Every finding of a scan as an OCSF Compliance Finding event (see the module comment for the mappings). */
export function toOcsfFindings(result: ScanResult, context: ReportContext): OcsfComplianceFinding[] {
  const tags = tagsOf(result);
  return result.findings.map((f) => toEvent(f, context, tags(f)));
}

/** The OCSF report: the JSON array of {@link toOcsfFindings}, ending with a newline. */
export function renderOcsf(result: ScanResult, context: ReportContext): string {
  return JSON.stringify(toOcsfFindings(result, context), null, 2) + '\n';
}
