/**
 * The ECS model every source produces and every control reads.
 *
 * Sources turn their input into `Resource`s whose `properties` are in the ECS API's own
 * shape (camelCase, as `@aws-sdk/client-ecs` types them); controls never see a source format.
 * See ../shared/DESIGN.md, "Data flow".
 */
import type {
  CapacityProvider,
  Cluster,
  Service,
  Tag,
  TaskDefinition,
  TaskSet,
} from '@aws-sdk/client-ecs';

/** Security Hub's compliance statuses (ASFF `Compliance.Status`). */
export type ComplianceStatus = 'PASSED' | 'FAILED' | 'WARNING' | 'NOT_AVAILABLE';

/**
 * The two sets of controls: Security Hub's own ECS controls (`ECS.21`), and ecsguard's hardening
 * checks beyond them (`ECSG.1`), which must never pass for Security Hub's.
 */
export type ControlSet = 'security-hub' | 'extra';

/** Security Hub's severity labels (ASFF `Severity.Label`), lowest first. */
export type Severity = 'LOW' | 'MEDIUM' | 'HIGH' | 'CRITICAL';

/** Severity labels in ascending order; index comparisons implement `--fail-on`. */
export const SEVERITY_ORDER: readonly Severity[] = ['LOW', 'MEDIUM', 'HIGH', 'CRITICAL'];

/** CloudFormation type names, as Security Hub and AWS Config name ECS resources. */
export type ResourceType =
  | 'AWS::ECS::TaskDefinition'
  | 'AWS::ECS::Service'
  | 'AWS::ECS::Cluster'
  | 'AWS::ECS::TaskSet'
  | 'AWS::ECS::CapacityProvider';

/** A place in a file: `file` relative to the working directory (or as given), 1-based line and column. */
export interface Location {
  file: string;
  line: number;
  column: number;
}

/**
 * A value a source could not know (a `Ref` to a parameter without a default, a Terraform
 * variable without a value, a field with the wrong type): `{ unresolved: reason }`, an object
 * with that one key. No ECS API field has that shape, so the marker survives cloning and JSON
 * round trips. Controls that depend on it return NOT_AVAILABLE with `reason`; it is never guessed.
 */
export interface Unresolved {
  readonly unresolved: string;
}

/** Makes an `Unresolved` marker; `reason` says what is unknown and why, for a human. */
export function unresolved(reason: string): Unresolved {
  return Object.freeze({ unresolved: reason });
}

/** True when `value` is an `Unresolved` marker: an object whose only key is a string `unresolved`. */
export function isUnresolved(value: unknown): value is Unresolved {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return false;
  if (typeof (value as { unresolved?: unknown }).unresolved !== 'string') return false;
  for (const k in value) if (k !== 'unresolved') return false;
  return true;
}

/** Where a resource came from: a file, or an account and region for live AWS. */
export type Origin =
  | { kind: 'file'; file: string; format: SourceFormat }
  | { kind: 'aws'; account: string; region: string };

/** The input formats ecsguard reads. */
export type SourceFormat =
  | 'taskdef-json'
  | 'cfn-yaml'
  | 'cfn-json'
  | 'cdk'
  | 'tf-hcl'
  | 'tf-plan'
  | 'aws'
  | 'config-items';

/** Tags in the ECS API's spelling, on any resource. */
export interface Tagged {
  tags?: Tag[];
}

/** The properties of each resource type: the ECS API shape plus tags. Any leaf may be {@link Unresolved} at run time. */
export interface ResourceProperties {
  'AWS::ECS::TaskDefinition': TaskDefinition & Tagged;
  'AWS::ECS::Service': Service & Tagged;
  'AWS::ECS::Cluster': Cluster & Tagged;
  'AWS::ECS::TaskSet': TaskSet & Tagged;
  'AWS::ECS::CapacityProvider': CapacityProvider & Tagged;
}

/**
 * Facts about a resource that live outside its own properties, supplied by the source or the
 * engine: for a service, the operating system family of the task definition it runs (ECS.10).
 */
export interface ResourceContext {
  /** `runtimePlatform.operatingSystemFamily` of the service's task definition, when it is in the same scan. */
  taskDefinitionOperatingSystemFamily?: string | Unresolved | null;
  /** Whether the input can say anything about tags (false for describe output fetched without `--include TAGS`). */
  tagsKnown?: boolean | Unresolved;
}

/** One ECS resource of type `T`, in the ECS API's shape, with a way back to its source. */
export interface Resource<T extends ResourceType = ResourceType> {
  type: T;
  /** ARN, CloudFormation logical ID, Terraform address, or `family[:revision]` for task definition files. */
  id: string;
  /** Human name: `family:revision`, the service name, the cluster name. */
  name: string;
  properties: ResourceProperties[T];
  origin: Origin;
  /**
   * The location of an ECS API property path such as `containerDefinitions[1].user`. When the
   * field is absent it returns the nearest present ancestor (the container object); `null` only
   * when the resource has no file (live AWS).
   */
  locate(path: string | null): Location | null;
  /** Notes about the whole resource (created only under an undecidable condition ...); in every finding. */
  assumptions?: string[];
  /**
   * Assumptions the source made for one field (a parameter Default used for `containerDefinitions[0].user`);
   * a finding repeats only those about fields its control reads.
   */
  fieldAssumptions?: FieldAssumption[];
  context?: ResourceContext;
  /** The CDK construct path (`aws:cdk:path` metadata), for resources synthesised by the AWS CDK. */
  cdkPath?: string;
  /**
   * The Terraform root module a resource was evaluated in (its folder): two roots calling one
   * module give the same address, and this keeps their findings apart.
   */
  root?: string;
  /**
   * Alternative readings of the resource when its properties hang on a condition that cannot be
   * decided (an `Fn::If` on a parameter without Default): the engine judges each and reports the
   * worst, naming the condition values that lead to it.
   */
  variants?: ResourceVariant[];
  /** Suppressions written next to the resource in its source (see {@link InlineSuppression}). */
  suppressions?: InlineSuppression[];
}

/** One reading of a resource under fixed condition values (see {@link Resource.variants}). */
export interface ResourceVariant {
  /** The condition values, e.g. `condition UseRoot is true`. */
  label: string;
  /** Why those conditions could not be decided, e.g. `Ref to parameter Mode, which has no Default ...`. */
  why?: string;
  properties: ResourceProperties[ResourceType];
  locate(path: string | null): Location | null;
  assumptions?: string[];
  fieldAssumptions?: FieldAssumption[];
}

/** An assumption behind one field's value: its ECS API path and a note for humans. */
export interface FieldAssumption {
  path: string;
  note: string;
}

/** A piece of input that could not be read or judged: reported, never dropped. */
export interface InputError {
  file: string;
  line: number | null;
  column: number | null;
  message: string;
}

/** Values interpolated into a control's message template. */
export type MessageData = Record<string, string | number | undefined>;

/** One verdict a control reaches on one resource (or one field of it). */
export interface Evaluation {
  status: ComplianceStatus;
  /** A key of the control's `messages`. */
  messageId: string;
  data?: MessageData;
  /** ECS API path of the deciding field, e.g. `containerDefinitions[0].user`; null for the resource as a whole. */
  path: string | null;
}

/** How a finding was suppressed (see the config issue); null when it is not. */
export interface Suppression {
  reason: string;
  by: 'config' | 'inline' | 'baseline';
  /** `YYYY-MM-DD`: the last day the suppression applies. */
  expires?: string;
}

/**
 * A suppression written next to the resource: CloudFormation `Metadata: { ecsguard: { suppress: [...] } }`,
 * a Terraform comment `# ecsguard:suppress ECS.5 reason` on the resource block, or the top-level
 * `ecsguard` key of a task definition JSON file. Sources attach them to {@link Resource.suppressions}.
 */
export interface InlineSuppression {
  /** A control ID (`ECS.5`), case-insensitive. */
  control: string;
  /** Why the finding is accepted: mandatory (a suppression without one is an input error, not a suppression). */
  reason: string;
  /** `YYYY-MM-DD`: the last day it applies; after it the finding is no longer suppressed and says so. */
  expires?: string;
  /** Where the suppression is written. */
  location: Location | null;
}

/**
 * A suppression in the configuration file's `suppressions:` list: a control (or `*`) and glob
 * patterns on the resource; see src/engine/suppressions.ts for what the patterns are matched against.
 */
export interface ConfigSuppression {
  /** A control ID (`ECS.5`) or `*` for every control. */
  control: string;
  /** Glob patterns (picomatch); the suppression applies when one matches the resource's id, name, file, family, ARN or account. */
  resources: string[];
  reason: string;
  /** `YYYY-MM-DD`: the last day it applies. */
  expires?: string;
  /** The configuration file and line the entry is written on, for messages. */
  source?: string;
}

/** One more failing or unknown field behind a finding, beyond the one its `path` names. */
export interface Violation {
  path: string | null;
  messageId: string;
  reason: string;
  location: Location | null;
}

/**
 * One (resource, control) verdict, as the JSON output contract (../shared/spec/cli-and-output.md)
 * gives it. `violations` lists every failing (or unknown) field when several decide the verdict.
 */
export interface Finding {
  control: string;
  /** The set the control belongs to; the engine always sets it (an addition to the contract). */
  set?: ControlSet;
  title: string;
  severity: Severity;
  status: ComplianceStatus;
  resource: { type: ResourceType; id: string; name: string; arn?: string; cdkPath?: string; root?: string };
  location: Location | null;
  path: string | null;
  messageId: string;
  reason: string;
  suppressed: Suppression | null;
  violations: Violation[];
  notes: string[];
}

/** A resource read but deliberately not judged (an INACTIVE or superseded revision), so nothing disappears silently. */
export interface Skipped {
  resource: { type: ResourceType; id: string; name: string };
  location: Location | null;
  reason: string;
}
