/**
 * The shape of a control: metadata, documentation, messages and a pure `evaluate`.
 * Modelled on ESLint's rule `meta` + `messages` (see ../shared/DESIGN.md, "Controls").
 */
import type { ControlSet, Evaluation, MessageData, Resource, ResourceType, Severity } from '../model/index.js';

export type { ControlSet } from '../model/index.js';

/** A control parameter's value after configuration is applied. */
export type ParamValue = string | number | boolean | string[];

/** Parameter values by name, validated against the control's {@link ParameterSpec}s before `evaluate` runs. */
export type ControlParams = Readonly<Record<string, ParamValue | undefined>>;

/** One parameter a control accepts, with its default (undefined: none) and an optional validator. */
export interface ParameterSpec {
  type: 'string' | 'string[]' | 'boolean' | 'number';
  default: ParamValue | undefined;
  description: string;
  /** Returns a human error message when the value is invalid, null when it is fine. */
  validate?: (value: ParamValue) => string | null;
}

/** `ecsguard explain` text, written by the project. */
export interface ControlDocs {
  /** What the control checks, in the terms of the ECS API. */
  checks: string;
  /** Why it matters: the attack or failure it prevents. */
  why: string;
  /** How to fix: the field and the change. */
  fix: string;
  /** The fix as ECS API JSON (task definition, service, cluster ... fragment). */
  snippet: string;
  /** The CloudFormation spelling of the fix. */
  cloudformation: string;
  /** The Terraform spelling of the fix. */
  terraform: string;
  /** When a FAILED verdict is a false positive, or when to disable the control. */
  falsePositives: string;
}

/** Compliance framework requirements AWS maps the control to. */
export interface FrameworkMappings {
  /** NIST SP 800-53 Rev. 5 controls, e.g. `AC-6(10)`. */
  nist80053r5: string[];
  /** PCI DSS v4.0.1 requirements, e.g. `2.2.5`. */
  pciDss401: string[];
}

/** A check of another tool that looks for the same thing, so users moving from it can map suppressions. */
export interface PeerCheck {
  tool: 'Checkov' | 'KICS' | 'Prowler' | 'Trivy' | 'CloudSploit';
  /** The tool's own ID: `CKV_AWS_249`, a KICS query UUID, a Prowler check name, `AVD-AWS-0036`. */
  id: string;
  /** The tool's title for it, or what part of this control it matches. */
  title: string;
}

/** A Security Hub ECS control (or an ecsguard hardening check). */
export interface Control {
  /** Security Hub control ID, `ECS.21`; ecsguard's own checks are `ECSG.1` ... */
  id: string;
  /** `security-hub` for Security Hub's controls, `extra` for ecsguard's hardening checks. */
  set: ControlSet;
  /** Security Hub's title (ecsguard's own for hardening checks). */
  title: string;
  /** Security Hub's severity label (the project's choice for hardening checks). */
  severity: Severity;
  resourceTypes: readonly ResourceType[];
  /**
   * The ECS API property names the control reads (`user`, `runtimePlatform` ...): a note about an
   * assumed value is repeated in the control's findings only when it concerns one of them.
   */
  fields: readonly string[];
  /** The AWS Config managed rule the control mirrors; null for hardening checks, which mirror none. */
  configRule: string | null;
  /** False for retired controls (ECS.1): they run only when named in `--controls`. */
  enabledByDefault: boolean;
  /** Set when AWS retired the control: when and what replaces it. */
  retired?: string;
  parameters: Readonly<Record<string, ParameterSpec>>;
  docs: ControlDocs;
  mappings: FrameworkMappings;
  /** Checks of other tools that look for the same thing (hardening checks list only IDs the project confirmed). */
  peers?: readonly PeerCheck[];
  /** Message templates by stable ID; `{key}` is replaced from the evaluation's data. */
  messages: Readonly<Record<string, string>>;
  /**
   * Judges one resource of one of `resourceTypes`. Returns no evaluation when the control does
   * not apply (a LINUX task definition for ECS.21), else one or more; the engine folds them into
   * one finding (FAILED over NOT_AVAILABLE over PASSED). Pure: no I/O, no state.
   */
  evaluate(resource: Resource, params: ControlParams): Evaluation[];
}

/** Messages every control can emit, merged into each control's own. */
export const COMMON_MESSAGES = {
  containersUnknown: 'cannot judge the containers: {reason}',
  containerUnknown: 'container #{index} is unknown: {reason}',
  valueUnknown: '{field} is unknown: {reason}',
} as const;

/** Renders a message template, replacing `{key}` with `data[key]`; unknown keys stay as written. */
export function renderMessage(template: string, data: MessageData | undefined): string {
  if (!data) return template;
  return template.replace(/\{(\w+)\}/g, (m, key: string) => (data[key] !== undefined ? String(data[key]) : m));
}
