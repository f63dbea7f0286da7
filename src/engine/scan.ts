/**
 * A scan: resources go in one at a time (as sources read them), findings come out. Applies
 * Security Hub's revision scoping: only the latest ACTIVE revision of each task definition family
 * is judged (unless `allRevisions`), INACTIVE and DELETE_IN_PROGRESS revisions never; what is
 * not judged is listed in `skipped`, never dropped. Memory holds findings, not resources.
 */
import type { TaskDefinition } from '@aws-sdk/client-ecs';
import { isUnresolved, type Unresolved, type Finding, type InputError, type Resource, type Skipped } from '../model/index.js';
import { activeControls, type ActiveControl, type EngineOptions } from './configuration.js';
import { evaluateResource } from './evaluate.js';
import { Suppressor } from './suppressions.js';
import type { BaselineEntry } from './baseline.js';

/** Counts for the summary line and the JSON `summary` object. */
export interface ScanSummary {
  resources: number;
  passed: number;
  failed: number;
  warning: number;
  notAvailable: number;
  suppressed: number;
  errors: number;
  skipped: number;
  /** Input files read without a fatal problem (a template with no ECS resource counts). */
  inputsRead: number;
}

/** A judged resource with its findings (kept only when the scan is asked to keep resources). */
export interface JudgedResource {
  resource: Resource;
  findings: Finding[];
}

/** Everything a scan produced, in the order resources were read. */
export interface ScanResult {
  findings: Finding[];
  errors: InputError[];
  skipped: Skipped[];
  summary: ScanSummary;
  /** The judged resources, when {@link ScanSettings.keepResources} is set (for the inventory). */
  judged?: JudgedResource[];
  /**
   * Set when a baseline was applied (src/engine/baseline.ts, `scan --baseline FILE`): the file as
   * given, how many of its entries match a current FAILED finding, and the entries that match none
   * (fixed since the baseline was recorded, or no longer scanned).
   */
  baseline?: { file: string; matched: number; fixed: BaselineEntry[] };
}

/** Engine options plus what the scan keeps. */
export interface ScanSettings extends EngineOptions {
  /** Keep every judged resource (memory grows with the scan): the inventory needs them. */
  keepResources?: boolean;
}

interface Pending {
  slot: number;
  revision: number;
  skip: Skipped;
  where: string;
}

function whereOf(resource: Resource): string {
  const loc = resource.locate(null);
  return loc ? `${loc.file}:${loc.line}` : resource.id;
}

/** Accumulates a scan. Throws ConfigError from the constructor when `options` are invalid. */
export class Scan {
  readonly controls: readonly ActiveControl[];
  private readonly slots: { findings: Finding[]; resource?: Resource }[] = [];
  private readonly latest = new Map<string, Pending>();
  private readonly skipped: Skipped[] = [];
  private readonly errors: InputError[] = [];
  private readonly deferred: Resource[] = [];
  private readonly taskDefinitionOs = new Map<string, string | Unresolved | null>();
  private resources = 0;
  private inputsRead = 0;
  private readonly suppressor: Suppressor;
  private readonly reportedErrors = new Set<string>();

  /** Throws ConfigError for invalid options: unknown controls, bad parameters, invalid suppressions or `today`. */
  constructor(private readonly options: ScanSettings = {}) {
    this.controls = activeControls(options);
    this.suppressor = new Suppressor(options.suppressions ?? [], options.today);
  }

  /** Counts an input that was read (whether or not it held ECS resources). */
  noteInputRead(): void {
    this.inputsRead++;
  }

  /** Records an input error. */
  addError(error: InputError): void {
    this.errors.push(error);
  }

  /**
   * Judges one resource (or holds it back until the end, for services whose task definition may
   * come later). Its inline suppressions are checked now, whether or not it is judged: the
   * unusable ones are input errors (once each, however many instances share them).
   */
  add(resource: Resource): void {
    if (resource.suppressions?.length) {
      for (const e of this.suppressor.inline(resource).errors) {
        const key = `${e.file}:${e.line}:${e.column}:${e.message}`;
        if (this.reportedErrors.has(key)) continue;
        this.reportedErrors.add(key);
        this.addError(e);
      }
    }
    if (resource.type === 'AWS::ECS::TaskDefinition') {
      this.addTaskDefinition(resource as Resource<'AWS::ECS::TaskDefinition'>);
      return;
    }
    if (resource.type === 'AWS::ECS::Service' && resource.context?.taskDefinitionOperatingSystemFamily === undefined) {
      this.deferred.push(resource);
      return;
    }
    this.judge(resource);
  }

  private judge(resource: Resource): number {
    this.resources++;
    const findings = evaluateResource(resource, this.controls);
    this.suppressor.apply(resource, findings);
    this.slots.push({ findings, resource: this.options.keepResources ? resource : undefined });
    return this.slots.length - 1;
  }

  private addTaskDefinition(resource: Resource<'AWS::ECS::TaskDefinition'>): void {
    const td = resource.properties as TaskDefinition;
    this.rememberOs(resource, td);
    const status: unknown = td.status;
    const skip = (reason: string): Skipped => ({ resource: { type: resource.type, id: resource.id, name: resource.name }, location: resource.locate(null), reason });
    if (typeof status === 'string' && status !== 'ACTIVE') {
      this.skipped.push(skip(`status is ${status}: Security Hub evaluates only ACTIVE revisions`));
      return;
    }
    const family: unknown = td.family;
    const revision: unknown = td.revision;
    if (this.options.allRevisions || typeof family !== 'string' || typeof revision !== 'number') {
      this.judge(resource);
      return;
    }
    const origin = resource.origin.kind === 'aws' ? `${resource.origin.account}/${resource.origin.region}/` : '';
    const key = origin + family;
    const seen = this.latest.get(key);
    const supersededBy = (rev: number) => `revision ${rev} of family '${family}' is in this scan too; Security Hub evaluates only the latest ACTIVE revision (use --all-revisions to judge every one)`;
    if (!seen) {
      this.latest.set(key, { slot: this.judge(resource), revision, skip: skip(supersededBy(revision)), where: whereOf(resource) });
      return;
    }
    if (revision <= seen.revision) {
      this.skipped.push(skip(revision === seen.revision ? `revision ${revision} of family '${family}' was already read from ${seen.where}; the first one read is judged` : supersededBy(seen.revision)));
      return;
    }
    // A newer revision replaces the one judged so far.
    this.slots[seen.slot] = { findings: [] };
    this.resources--;
    this.skipped.push({ ...seen.skip, reason: supersededBy(revision) });
    this.latest.set(key, { slot: this.judge(resource), revision, skip: skip(supersededBy(revision)), where: whereOf(resource) });
  }

  private rememberOs(resource: Resource, td: TaskDefinition): void {
    const family: unknown = (td.runtimePlatform as { operatingSystemFamily?: unknown } | undefined)?.operatingSystemFamily;
    const os = typeof family === 'string' || isUnresolved(family) ? family : null;
    for (const k of [resource.id, resource.name, td.family, td.taskDefinitionArn]) {
      if (typeof k === 'string' && k) this.taskDefinitionOs.set(k, os);
    }
  }

  /** Ends the scan: judges the deferred resources and returns everything in reading order. */
  result(): ScanResult {
    for (const service of this.deferred) {
      const ref: unknown = (service.properties as { taskDefinition?: unknown }).taskDefinition;
      const os = typeof ref === 'string' ? this.lookupOs(ref) : undefined;
      this.judge(os === undefined ? service : { ...service, context: { ...service.context, taskDefinitionOperatingSystemFamily: os } });
    }
    this.deferred.length = 0;
    const findings = this.slots.flatMap((s) => s.findings);
    const summary: ScanSummary = { resources: this.resources, passed: 0, failed: 0, warning: 0, notAvailable: 0, suppressed: 0, errors: this.errors.length, skipped: this.skipped.length, inputsRead: this.inputsRead };
    for (const f of findings) {
      if (f.suppressed) summary.suppressed++;
      if (f.status === 'PASSED') summary.passed++;
      else if (f.status === 'FAILED') summary.failed++;
      else if (f.status === 'WARNING') summary.warning++;
      else summary.notAvailable++;
    }
    const result: ScanResult = { findings, errors: [...this.errors], skipped: [...this.skipped], summary };
    if (this.options.keepResources) result.judged = this.slots.flatMap((s) => (s.resource ? [{ resource: s.resource, findings: s.findings }] : []));
    return result;
  }

  private lookupOs(ref: string): string | Unresolved | null | undefined {
    if (this.taskDefinitionOs.has(ref)) return this.taskDefinitionOs.get(ref);
    const family = ref.replace(/^arn:[^:]*:ecs:[^:]*:[^:]*:task-definition\//, '').split(':')[0];
    return this.taskDefinitionOs.get(family);
  }
}
