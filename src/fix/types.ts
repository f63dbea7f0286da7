/**
 * The contract between `ecsguard fix` and the source patchers (one per input format): a
 * patcher receives the text of one file and the planned fixes of the resources read from it, and
 * returns the edited text, keeping everything outside the edited properties byte for byte.
 */
import type { Resource } from '../model/index.js';
import type { ControlFix, FixPlan, Refusal } from './plan.js';

/** One resource of the file with its planned fixes. */
export interface PatchTarget {
  resource: Resource;
  plan: FixPlan;
}

/** Facts a patcher may need to spell values. */
export interface PatchContext {
  /** The region (--region, or the task definition ARN's), for `awslogs-region`; undefined when unknown. */
  region?: string;
}

/** A fix applied to one resource. */
export interface AppliedFix extends ControlFix {
  resource: ResourceRef;
}

/** A fix not applied to one resource, and why. */
export interface RefusedFix extends Refusal {
  resource: ResourceRef;
}

/** What a patcher did to one file. */
export interface PatchOutcome {
  /** The new text (equal to the input when nothing was applied). */
  text: string;
  applied: AppliedFix[];
  refused: RefusedFix[];
  /**
   * Where to make the change instead, when it is not in this file: the module input or CDK
   * construct property (`module.api (source ./modules/service): set its input container_user`),
   * or that the module exposes none.
   */
  guidance: string[];
}

/**
 * A source patcher: `file` as the scan named it, `text` its content. It reports what it did with each
 * target's `plan.fixes` (applied or refused); `plan.refused` is reported by the caller. Never throws
 * for a refusal; throws Error only on a bug.
 */
export type Patcher = (file: string, text: string, targets: readonly PatchTarget[], context: PatchContext) => PatchOutcome;

/** The identity of a resource as fix reports give it, with the file it was read from. */
export function resourceRef(resource: Resource): ResourceRef {
  return { type: resource.type, id: resource.id, name: resource.name, ...(resource.origin.kind === 'file' ? { file: resource.origin.file } : {}) };
}

/** A resource in a fix report: type, id, name and, for files, the file it was read from. */
export interface ResourceRef {
  type: string;
  id: string;
  name: string;
  file?: string;
}
