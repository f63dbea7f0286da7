/**
 * The ASFF report (`--format asff`): findings in the AWS Security Finding Format
 * (https://docs.aws.amazon.com/securityhub/latest/userguide/securityhub-findings-format.html),
 * typed with `@aws-sdk/client-securityhub`'s `AwsSecurityFinding`, shaped like the findings Security
 * Hub's own ECS controls produce, but imported as a custom integration: `ProductArn` is the
 * account's default product and `GeneratorId` is `ecsguard/ECS.21`, never Security Hub's own
 * `security-control/ECS.21`. ecsguard's hardening checks (`ECSG.1` ...) are not Security Hub
 * controls and never claim to be: `GeneratorId` `ecsguard/ECSG.1`, types outside "Industry and
 * Regulatory Standards", no `Compliance.SecurityControlId` and no Security Hub documentation link.
 *
 * The output is a JSON array of findings, what `BatchImportFindings` takes (and
 * `aws securityhub batch-import-findings --findings file://report.json`; both accept at most 100
 * findings per call, so larger reports are sent in batches). PASSED findings are included with
 * `Compliance.Status` PASSED and `Workflow.Status` RESOLVED, so importing a later scan resolves a
 * finding an earlier one reported as FAILED (Security Hub also resolves it by itself when the
 * compliance status changes to PASSED, and ignores `Workflow` in imports of findings it already has).
 *
 * Account and Region: a resource with an ARN (live AWS, describe output) belongs to the account and
 * Region of its ARN; for anything else (files) `--account` and `--region` ({@link ReportContext})
 * supply them, defaulting to `000000000000` (flagged in `ProductFields`) and `us-east-1`.
 */
import { createHash } from 'node:crypto';
import type {
  AwsEcsClusterDetails,
  AwsEcsServiceDetails,
  AwsEcsTaskDefinitionContainerDefinitionsDetails,
  AwsEcsTaskDefinitionDetails,
  AwsEcsTaskDefinitionVolumesDetails,
  AwsSecurityFinding,
  Resource as AsffResource,
  ResourceDetails,
} from '@aws-sdk/client-securityhub';
import { controlById } from '../controls/index.js';
import type { Control } from '../controls/types.js';
import { setOf } from './sets.js';
import type { ScanResult } from '../engine/scan.js';
import type { Finding, Resource, ResourceType } from '../model/index.js';
import { TOOL } from '../version.js';
import type { ReportContext } from './context.js';

/** The account ID used when a finding's account is unknown (no ARN, no `--account`). */
export const PLACEHOLDER_ACCOUNT = '000000000000';
/** The Region used when a finding's Region is unknown (no ARN, no `--region`). */
export const DEFAULT_REGION = 'us-east-1';

/** The ASFF finding types ecsguard's findings of Security Hub controls carry (namespace/category of the ASFF types taxonomy). */
export const ASFF_TYPES: readonly string[] = [
  'Software and Configuration Checks/Industry and Regulatory Standards',
  'Software and Configuration Checks/AWS Security Best Practices',
];

/** The ASFF types of ecsguard's hardening checks: a best-practice check, not a standard's requirement. */
export const HARDENING_ASFF_TYPES: readonly string[] = ['Software and Configuration Checks/AWS Security Best Practices'];

/** The ASFF types of a finding, by the set of its control. */
export function asffTypesOf(f: Finding): string[] {
  return [...(setOf(f) === 'extra' ? HARDENING_ASFF_TYPES : ASFF_TYPES)];
}

/**
 * ASFF `Resources[].Type` of each ECS resource type. ASFF defines `AwsEcsCluster`, `AwsEcsService`,
 * `AwsEcsTaskDefinition` (and `AwsEcsTask`, `AwsEcsContainer`, which ecsguard does not judge) but no
 * type for task sets or capacity providers: those are `Other`, as ASFF prescribes for resources that
 * match none of its types, with the CloudFormation type name in `Details.Other.ResourceType`.
 */
export const ASFF_RESOURCE_TYPE: Readonly<Record<ResourceType, string>> = {
  'AWS::ECS::TaskDefinition': 'AwsEcsTaskDefinition',
  'AWS::ECS::Service': 'AwsEcsService',
  'AWS::ECS::Cluster': 'AwsEcsCluster',
  'AWS::ECS::TaskSet': 'Other',
  'AWS::ECS::CapacityProvider': 'Other',
};

/** The parts of an ARN. */
export interface ParsedArn {
  partition: string;
  service: string;
  region: string;
  account: string;
  resource: string;
}

/** Splits `arn:partition:service:region:account:resource`; undefined when `value` is not an ARN. */
export function parseArn(value: string | undefined): ParsedArn | undefined {
  if (!value) return undefined;
  const m = /^arn:([^:]+):([^:]+):([^:]*):([^:]*):(.+)$/.exec(value);
  return m ? { partition: m[1], service: m[2], region: m[3], account: m[4], resource: m[5] } : undefined;
}

/** The AWS partition of a Region: `aws-cn` for `cn-*`, `aws-us-gov` for `us-gov-*`, else `aws`. */
export function partitionOf(region: string): string {
  if (region.startsWith('cn-')) return 'aws-cn';
  if (region.startsWith('us-gov-')) return 'aws-us-gov';
  return 'aws';
}

/** Where a finding belongs: account, Region and partition, and whether the account is the placeholder. */
export interface FindingScope {
  account: string;
  region: string;
  partition: string;
  /** True when neither an ARN nor `--account` gave the account, so {@link PLACEHOLDER_ACCOUNT} stands in. */
  accountIsPlaceholder: boolean;
  /** The resource's ARN, when it has one. */
  arn?: string;
}

/** The ARN of a finding's resource: `resource.arn`, or its ID when that is an ARN. */
export function resourceArn(f: Finding): string | undefined {
  if (f.resource.arn) return f.resource.arn;
  return f.resource.id.startsWith('arn:') ? f.resource.id : undefined;
}

/** The account and Region of a finding: its ARN's when it has one, else the context's, else the defaults. */
export function findingScope(f: Finding, context: ReportContext): FindingScope {
  const arn = resourceArn(f);
  const parsed = parseArn(arn);
  const account = (parsed?.account && /^\d{12}$/.test(parsed.account) ? parsed.account : undefined) ?? context.account ?? PLACEHOLDER_ACCOUNT;
  const region = parsed?.region || context.region || DEFAULT_REGION;
  const partition = parsed?.partition ?? partitionOf(region);
  return { account, region, partition, accountIsPlaceholder: !parsed?.account && !context.account, ...(arn ? { arn } : {}) };
}

/**
 * The identity of a finding's resource, independent of line numbers and time: the ARN when the
 * resource has one, else `file#type/id` (two templates may both hold a `TaskDefinition` logical ID),
 * else `type/id`. Used as the ASFF and OCSF resource ID and in the stable finding ID.
 */
export function resourceKey(f: Finding): string {
  const arn = resourceArn(f);
  if (arn) return arn;
  // A Terraform root module is part of the identity: two roots calling one module share addresses.
  if (f.resource.root !== undefined) return `${f.resource.root.replace(/\\/g, '/')}#${f.resource.type}/${f.resource.id}`;
  if (f.location) return `${f.location.file.replace(/\\/g, '/')}#${f.resource.type}/${f.resource.id}`;
  return `${f.resource.type}/${f.resource.id}`;
}

/**
 * A stable finding ID: `ecsguard/{account}/{region}/{control}/{hash}`, the hash (SHA-256, 32 hex
 * digits) taken over account, Region, control and {@link resourceKey}: the same resource and
 * control give the same ID in every scan, whatever moved in the file and whenever it ran, so a
 * re-import updates the finding instead of adding one.
 */
export function stableFindingId(f: Finding, scope: FindingScope): string {
  const hash = createHash('sha256').update(JSON.stringify([scope.account, scope.region, f.control.toUpperCase(), resourceKey(f)]), 'utf8').digest('hex').slice(0, 32);
  return `ecsguard/${scope.account}/${scope.region}/${f.control}/${hash}`;
}

/** The control's framework requirements as Security Hub spells them (`NIST.800-53.r5 AC-6`, `PCI DSS v4.0.1/2.2.5`), at most 32. */
export function relatedRequirements(control: Control | undefined): string[] {
  if (!control) return [];
  return [
    ...control.mappings.nist80053r5.map((r) => `NIST.800-53.r5 ${r}`),
    ...control.mappings.pciDss401.map((r) => `PCI DSS v4.0.1/${r}`),
  ].slice(0, 32);
}

/** Where a control is documented: the Security Hub user guide for Security Hub's controls, none for hardening checks (`ecsguard explain`). */
export function controlDocumentationUrl(f: Finding): string | undefined {
  return setOf(f) === 'security-hub' ? securityHubControlUrl(f.control) : undefined;
}

/** The Security Hub user guide's section about a control (`…/ecs-controls.html#ecs-21`). */
export function securityHubControlUrl(controlId: string): string {
  return `https://docs.aws.amazon.com/securityhub/latest/userguide/ecs-controls.html#${controlId.toLowerCase().replace(/\./g, '-')}`;
}

/** `s` cut to at most `max` UTF-16 units (never inside a surrogate pair), ending with `…` when cut. */
export function truncate(s: string, max: number): string {
  if (s.length <= max) return s;
  let cut = max - 1;
  const code = s.charCodeAt(cut - 1);
  if (code >= 0xd800 && code <= 0xdbff) cut--;
  return s.slice(0, cut) + '…';
}

/** The finding's text for humans: its reason, the other failing fields and the notes. */
export function findingDescription(f: Finding): string {
  const lines = [f.reason];
  for (const v of f.violations) lines.push(`Also: ${v.reason}${v.path ? ` (${v.path})` : ''}`);
  for (const n of f.notes) lines.push(`Note: ${n}`);
  return lines.join('\n');
}

// ----- Details from the resource's properties (only plain values; Unresolved markers are skipped) -----

const str = (v: unknown): string | undefined => (typeof v === 'string' ? v : undefined);
const num = (v: unknown): number | undefined => (typeof v === 'number' && Number.isFinite(v) ? v : undefined);
const bool = (v: unknown): boolean | undefined => (typeof v === 'boolean' ? v : undefined);
const obj = (v: unknown): Record<string, unknown> | undefined => (v && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : undefined);
const arr = (v: unknown): unknown[] => (Array.isArray(v) ? v : []);
const strings = (v: unknown): string[] | undefined => {
  const out = arr(v).filter((x): x is string => typeof x === 'string');
  return out.length ? out : undefined;
};

/** Drops undefined members (and empty objects) so the JSON holds only what is known. */
function compact<T extends object>(o: T): T | undefined {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(o)) if (v !== undefined) out[k] = v;
  return Object.keys(out).length ? (out as T) : undefined;
}

/**
 * A container definition's ASFF details. Environment variables are listed by name only: their
 * values are where ECS.8 finds secrets, and a report must never carry them. Log driver options are
 * left out for the same reason (a Splunk token, for one).
 */
function containerDetails(c: Record<string, unknown>): AwsEcsTaskDefinitionContainerDefinitionsDetails | undefined {
  const env = arr(c.environment).flatMap((e) => {
    const name = str(obj(e)?.name);
    return name ? [{ Name: name }] : [];
  });
  const secrets = arr(c.secrets).flatMap((e) => {
    const o = obj(e);
    const name = str(o?.name);
    return name ? [compact({ Name: name, ValueFrom: str(o?.valueFrom) })!] : [];
  });
  const log = obj(c.logConfiguration);
  return compact<AwsEcsTaskDefinitionContainerDefinitionsDetails>({
    Name: str(c.name),
    Image: str(c.image),
    User: str(c.user),
    Essential: bool(c.essential),
    Privileged: bool(c.privileged),
    ReadonlyRootFilesystem: bool(c.readonlyRootFilesystem),
    LogConfiguration: log ? compact({ LogDriver: str(log.logDriver) }) : undefined,
    Environment: env.length ? env : undefined,
    Secrets: secrets.length ? secrets : undefined,
  });
}

function volumeDetails(v: Record<string, unknown>): AwsEcsTaskDefinitionVolumesDetails | undefined {
  const efs = obj(v.efsVolumeConfiguration);
  const auth = obj(efs?.authorizationConfig);
  const host = obj(v.host);
  return compact<AwsEcsTaskDefinitionVolumesDetails>({
    Name: str(v.name),
    Host: host ? compact({ SourcePath: str(host.sourcePath) }) : undefined,
    EfsVolumeConfiguration: efs
      ? compact({
          FilesystemId: str(efs.fileSystemId),
          RootDirectory: str(efs.rootDirectory),
          TransitEncryption: str(efs.transitEncryption),
          TransitEncryptionPort: num(efs.transitEncryptionPort),
          AuthorizationConfig: auth ? compact({ AccessPointId: str(auth.accessPointId), Iam: str(auth.iam) }) : undefined,
        })
      : undefined,
  });
}

function taskDefinitionDetails(p: Record<string, unknown>): AwsEcsTaskDefinitionDetails | undefined {
  const containers = arr(p.containerDefinitions).flatMap((c) => {
    const d = obj(c) && containerDetails(obj(c)!);
    return d ? [d] : [];
  });
  const volumes = arr(p.volumes).flatMap((v) => {
    const d = obj(v) && volumeDetails(obj(v)!);
    return d ? [d] : [];
  });
  return compact<AwsEcsTaskDefinitionDetails>({
    Family: str(p.family),
    Status: str(p.status),
    Cpu: str(p.cpu) ?? (num(p.cpu) !== undefined ? String(p.cpu) : undefined),
    Memory: str(p.memory) ?? (num(p.memory) !== undefined ? String(p.memory) : undefined),
    NetworkMode: str(p.networkMode),
    PidMode: str(p.pidMode),
    IpcMode: str(p.ipcMode),
    RequiresCompatibilities: strings(p.requiresCompatibilities),
    TaskRoleArn: str(p.taskRoleArn),
    ExecutionRoleArn: str(p.executionRoleArn),
    ContainerDefinitions: containers.length ? containers : undefined,
    Volumes: volumes.length ? volumes : undefined,
  });
}

function serviceDetails(p: Record<string, unknown>): AwsEcsServiceDetails | undefined {
  const vpc = obj(obj(p.networkConfiguration)?.awsvpcConfiguration);
  return compact<AwsEcsServiceDetails>({
    Name: str(p.serviceName),
    ServiceName: str(p.serviceName),
    ServiceArn: str(p.serviceArn),
    Cluster: str(p.clusterArn) ?? str(p.cluster),
    TaskDefinition: str(p.taskDefinition),
    LaunchType: str(p.launchType),
    PlatformVersion: str(p.platformVersion),
    DesiredCount: num(p.desiredCount),
    PropagateTags: str(p.propagateTags),
    EnableEcsManagedTags: bool(p.enableECSManagedTags),
    EnableExecuteCommand: bool(p.enableExecuteCommand),
    SchedulingStrategy: str(p.schedulingStrategy),
    NetworkConfiguration: vpc
      ? compact({ AwsVpcConfiguration: compact({ AssignPublicIp: str(vpc.assignPublicIp), Subnets: strings(vpc.subnets), SecurityGroups: strings(vpc.securityGroups) }) })
      : undefined,
  });
}

function clusterDetails(p: Record<string, unknown>): AwsEcsClusterDetails | undefined {
  const settings = arr(p.settings).flatMap((s) => {
    const o = obj(s);
    const d = o && compact({ Name: str(o.name), Value: str(o.value) });
    return d ? [d] : [];
  });
  return compact<AwsEcsClusterDetails>({
    ClusterName: str(p.clusterName),
    ClusterArn: str(p.clusterArn),
    Status: str(p.status),
    CapacityProviders: strings(p.capacityProviders),
    ClusterSettings: settings.length ? settings : undefined,
  });
}

/** The resource's tags as an ASFF tag map (string keys and values only). */
function tagsOf(p: Record<string, unknown> | undefined): Record<string, string> | undefined {
  const out: Record<string, string> = {};
  for (const t of arr(p?.tags)) {
    const o = obj(t);
    const k = str(o?.key);
    const v = str(o?.value);
    if (k !== undefined && v !== undefined) out[k] = v;
  }
  return Object.keys(out).length ? out : undefined;
}

/** The ASFF `Details` of a finding's resource: from its properties when the scan kept them, else from its name. */
function detailsOf(f: Finding, resource: Resource | undefined): ResourceDetails {
  const p = resource ? obj(resource.properties) : undefined;
  const details: ResourceDetails = {};
  const name = f.resource.name;
  switch (f.resource.type) {
    case 'AWS::ECS::TaskDefinition': {
      const d = p ? taskDefinitionDetails(p) : undefined;
      details.AwsEcsTaskDefinition = d ?? { Family: name.replace(/:\d+$/, '') };
      break;
    }
    case 'AWS::ECS::Service':
      details.AwsEcsService = (p ? serviceDetails(p) : undefined) ?? { Name: name, ServiceName: name };
      break;
    case 'AWS::ECS::Cluster':
      details.AwsEcsCluster = (p ? clusterDetails(p) : undefined) ?? { ClusterName: name };
      break;
    default:
      break;
  }
  const other: Record<string, string> = { ResourceType: f.resource.type, ResourceId: truncate(f.resource.id, 1024), ResourceName: truncate(name, 1024) };
  if (f.location) {
    other.SourceFile = truncate(f.location.file, 1024);
    other.SourceLine = String(f.location.line);
    other.SourceColumn = String(f.location.column);
  }
  if (f.resource.cdkPath) other.CdkPath = truncate(f.resource.cdkPath, 1024);
  details.Other = other;
  return details;
}

/** Maps each finding to its judged resource (when the scan kept resources): by identity, else by type, ID and file. */
function resourceIndex(result: ScanResult): (f: Finding) => Resource | undefined {
  if (!result.judged?.length) return () => undefined;
  const byFinding = new Map<Finding, Resource>();
  const byKey = new Map<string, Resource>();
  for (const j of result.judged) {
    for (const f of j.findings) byFinding.set(f, j.resource);
    const loc = j.resource.locate(null);
    byKey.set(`${j.resource.type}\u0000${j.resource.id}\u0000${loc?.file ?? ''}`, j.resource);
  }
  return (f) => byFinding.get(f) ?? byKey.get(`${f.resource.type}\u0000${f.resource.id}\u0000${f.location?.file ?? ''}`);
}

/** ProductFields values are at most 2048 characters. */
function productFields(f: Finding, control: Control | undefined, scope: FindingScope): Record<string, string> {
  const out: Record<string, string> = {
    'ecsguard/ToolVersion': TOOL.version,
    'ecsguard/ControlId': f.control,
    'ecsguard/ControlSet': setOf(f),
    'ecsguard/MessageId': f.messageId,
    'ecsguard/ResourceId': f.resource.id,
    'ecsguard/ResourceName': f.resource.name,
    'ecsguard/ResourceType': f.resource.type,
  };
  if (control?.configRule) out['ecsguard/ConfigRule'] = control.configRule;
  if (f.path) out['ecsguard/Path'] = f.path;
  if (f.location) out['ecsguard/Location'] = `${f.location.file}:${f.location.line}:${f.location.column}`;
  if (f.resource.cdkPath) out['ecsguard/CdkPath'] = f.resource.cdkPath;
  if (f.suppressed) {
    out['ecsguard/SuppressedBy'] = f.suppressed.by;
    out['ecsguard/SuppressionReason'] = f.suppressed.reason;
    if (f.suppressed.expires) out['ecsguard/SuppressionExpires'] = f.suppressed.expires;
  }
  if (scope.accountIsPlaceholder) out['ecsguard/AccountIdPlaceholder'] = `no account known for this resource (give --account); ${PLACEHOLDER_ACCOUNT} stands in`;
  for (const k of Object.keys(out)) out[k] = truncate(out[k], 2048);
  return out;
}

/** One finding in ASFF. */
function toAsff(f: Finding, context: ReportContext, resource: Resource | undefined): AwsSecurityFinding {
  const control = controlById(f.control);
  const scope = findingScope(f, context);
  const now = context.now.toISOString();
  const passed = f.status === 'PASSED';
  const label = passed ? 'INFORMATIONAL' : f.severity;
  const workflow = f.suppressed ? 'SUPPRESSED' : passed ? 'RESOLVED' : 'NEW';
  const hardening = setOf(f) === 'extra';
  const requirements = hardening ? [] : relatedRequirements(control);
  const types = asffTypesOf(f);
  const docsUrl = controlDocumentationUrl(f);
  const asffResource: AsffResource = {
    Type: ASFF_RESOURCE_TYPE[f.resource.type] ?? 'Other',
    Id: truncate(resourceKey(f), 512),
    Partition: scope.partition as AsffResource['Partition'],
    Region: scope.region,
    Details: detailsOf(f, resource),
  };
  const tags = tagsOf(resource ? obj(resource.properties) : undefined);
  if (tags) asffResource.Tags = tags;
  const finding: AwsSecurityFinding = {
    SchemaVersion: '2018-10-08',
    Id: stableFindingId(f, scope),
    ProductArn: `arn:${scope.partition}:securityhub:${scope.region}:${scope.account}:product/${scope.account}/default`,
    ProductName: TOOL.name,
    CompanyName: TOOL.name,
    GeneratorId: `${TOOL.name}/${f.control}`,
    AwsAccountId: scope.account,
    Types: types,
    FirstObservedAt: now,
    LastObservedAt: now,
    CreatedAt: now,
    UpdatedAt: now,
    Severity: { Label: label, Original: f.severity },
    Title: truncate(f.title, 256),
    Description: truncate(findingDescription(f), 1024),
    Remediation: {
      Recommendation: {
        Text: truncate(control?.docs.fix ?? (hardening ? `Run ecsguard explain ${f.control}.` : `See the Security Hub documentation of ${f.control}.`), 512),
        ...(docsUrl ? { Url: docsUrl } : {}),
      },
    },
    ProductFields: productFields(f, control, scope),
    Resources: [asffResource],
    // A hardening check is no Security Hub control: its ID goes in GeneratorId and ProductFields only.
    Compliance: hardening
      ? { Status: f.status }
      : { Status: f.status, SecurityControlId: f.control, ...(requirements.length ? { RelatedRequirements: requirements } : {}) },
    Workflow: { Status: workflow },
    RecordState: 'ACTIVE',
    FindingProviderFields: { Severity: { Label: label, Original: f.severity }, Types: [...types] },
  };
  if (f.suppressed) {
    finding.Note = { Text: truncate(`Suppressed by ${f.suppressed.by}: ${f.suppressed.reason}${f.suppressed.expires ? ` (until ${f.suppressed.expires})` : ''}`, 512), UpdatedBy: TOOL.name, UpdatedAt: now };
  }
  return finding;
}

/**
 * Every finding of a scan (PASSED, FAILED, WARNING and NOT_AVAILABLE) as an ASFF finding, in scan
 * order. `Details` come from the resource's properties when the scan kept them
 * (`keepResources`, `result.judged`), else from its name; input errors and skipped revisions are
 * not findings and are left out (the JSON and SARIF reports carry them).
 */
export function toAsffFindings(result: ScanResult, context: ReportContext): AwsSecurityFinding[] {
  const lookup = resourceIndex(result);
  return result.findings.map((f) => toAsff(f, context, lookup(f)));
}

/** The ASFF report: the JSON array of {@link toAsffFindings}, ending with a newline. */
export function renderAsff(result: ScanResult, context: ReportContext): string {
  return JSON.stringify(toAsffFindings(result, context), null, 2) + '\n';
}
