/**
 * `ecsguard fix` on files: scans the paths, plans the fix of every FAILED control of every
 * resource read (src/fix/plan.ts), and hands each file to the patcher of its format, which edits
 * it in place of the failing properties. Nothing is written here: the caller prints the diff or
 * writes `after` to the file. Inputs that cannot be patched (Terraform plans, AWS Config items,
 * describe-services output) are reported with the reason, never dropped. Each patched file is
 * read again and verified (src/fix/verify.ts); one that does not verify is not changed and its
 * fixes are refused with the reason. Terraform files are patched together (a fix may edit a `.tf`
 * file and the JSON file its `file()` reads, or the calling module block) and verified together,
 * by reading the configuration again with the patched files.
 */
import { scanPathsAsync, type ScanOptions } from '../api.js';
import { activeControls } from '../engine/configuration.js';
import type { InputError, Resource } from '../model/index.js';
import { checkFixSettings, planFixes, type FixSettings } from './plan.js';
import { patchCdkTemplate, patchCloudFormationJson, patchCloudFormationYaml } from './cloudformation.js';
import { patchTaskDefinitionJson } from './taskdef-json.js';
import { resourceRef, type AppliedFix, type Patcher, type PatchTarget, type RefusedFix } from './types.js';
import { patchFile, patchTerraformChecked } from './verify.js';

/** One file the fix changes (or would change). */
export interface FileChange {
  file: string;
  before: string;
  after: string;
}

/** Everything `fix` found to do. */
export interface FixReport {
  /** Files whose text changes, in the order first read. */
  changes: FileChange[];
  applied: AppliedFix[];
  refused: RefusedFix[];
  /** Where to make changes outside the files given (module inputs, CDK constructs), and how to deploy. */
  guidance: string[];
  /** Input errors of the scan: files that could not be read are reported, never dropped. */
  errors: InputError[];
  /** Resources read. */
  resources: number;
}

/** Options of {@link fixPaths}: the scan's, plus the fix settings. */
export interface FixOptions extends ScanOptions {
  fix?: FixSettings;
  /** The region values such as awslogs-region are written for, when the input does not say. */
  region?: string;
}

const PATCHERS: Partial<Record<string, Patcher>> = {
  'taskdef-json': patchTaskDefinitionJson,
  'cfn-yaml': patchCloudFormationYaml,
  'cfn-json': patchCloudFormationJson,
  cdk: patchCdkTemplate,
};

/** How the changed file reaches the running services, by format (the "redeploy" step of every fix). */
const REDEPLOY: Partial<Record<string, (file: string) => string>> = {
  'cfn-yaml': (file) => `Redeploy: update the stack from ${file} (aws cloudformation deploy, or your pipeline); services that use the task definition roll to its new revision.`,
  'cfn-json': (file) => `Redeploy: update the stack from ${file} (aws cloudformation deploy, or your pipeline); services that use the task definition roll to its new revision.`,
  'taskdef-json': (file) => `Redeploy: after registering ${file}, point each service at the new revision (aws ecs update-service --task-definition <family> --force-new-deployment), or use ecsguard fix --aws --apply.`,
};

const NOT_PATCHED: Record<string, string> = {
  'tf-plan': 'a Terraform plan is generated: fix the configuration it was planned from (scan and fix the .tf files)',
  'config-items': 'AWS Config items record deployed resources: fix the template or code that deploys them, or use `ecsguard fix --aws`',
};

/**
 * Plans and patches the fixes of every resource under `paths`. Throws ConfigError for invalid
 * options (as a scan does) and fix settings the controls would fail; file problems are in `errors`.
 */
export async function fixPaths(paths: string[], options: FixOptions = {}): Promise<FixReport> {
  checkFixSettings(options.fix ?? {});
  const result = await scanPathsAsync(paths, { ...options, keepResources: true });
  const controls = activeControls(options).map((a) => ({ control: a.control, params: a.params }));
  const report: FixReport = { changes: [], applied: [], refused: [], guidance: [], errors: result.errors, resources: result.summary.resources };
  const byFile = new Map<string, { format: string; targets: PatchTarget[] }>();
  const terraform: PatchTarget[] = [];
  for (const { resource, findings } of result.judged ?? []) {
    const suppressed = new Map(findings.flatMap((f) => (f.suppressed ? [[f.control, `${f.suppressed.by}: ${f.suppressed.reason}`] as const] : [])));
    const plan = planFixes(resource, controls, options.fix, suppressed);
    if (plan.fixes.length === 0 && plan.refused.length === 0) continue;
    // What the plan itself refuses is reported here, once; patchers report what they do with plan.fixes.
    report.refused.push(...plan.refused.map((r) => ({ ...r, resource: resourceRef(resource) })));
    const origin = resource.origin;
    if (origin.kind !== 'file') {
      refuseAll(report, resource, plan.fixes.map((f) => f.control), 'not read from a file: use `ecsguard fix --aws`');
      continue;
    }
    if (origin.format === 'tf-hcl') { terraform.push({ resource, plan }); continue; }
    const entry = byFile.get(origin.file) ?? { format: origin.format, targets: [] };
    entry.targets.push({ resource, plan });
    byFile.set(origin.file, entry);
  }
  for (const [file, { format, targets }] of byFile) {
    const patcher = PATCHERS[format];
    if (!patcher) {
      for (const t of targets) {
        refuseAll(report, t.resource, t.plan.fixes.map((f) => f.control), `${file}: ${NOT_PATCHED[format] ?? `${format} input is not patched`}`);
      }
      continue;
    }
    // Read as the scan read it, patched, then read again and verified (src/fix/verify.ts).
    const out = patchFile(file, patcher, targets, controls, options);
    if ('error' in out) {
      report.errors.push({ file, line: null, column: null, message: out.error });
      continue;
    }
    collect(report, out.applied, out.refused, out.guidance);
    if (out.after !== out.before) {
      report.changes.push({ file, before: out.before, after: out.after });
      if (REDEPLOY[format]) collect(report, [], [], [REDEPLOY[format]!(file)]);
    }
  }
  if (terraform.length) {
    // Patched, then read again with the patched files and verified (src/fix/verify.ts).
    const out = patchTerraformChecked(terraform, (result.judged ?? []).map((j) => j.resource), controls, options);
    collect(report, out.applied, out.refused, out.guidance);
    for (const [file, { before, after }] of out.files) if (before !== after) report.changes.push({ file, before, after });
    if (out.files.size && [...out.files.values()].some((f) => f.before !== f.after)) collect(report, [], [], ['Redeploy: terraform plan, review the task definition and service changes, then terraform apply (a changed task definition is a new revision, and the services using it roll to it).']);
  }
  return report;
}

function collect(report: FixReport, applied: AppliedFix[], refused: RefusedFix[], guidance: string[]): void {
  report.applied.push(...applied);
  report.refused.push(...refused);
  for (const g of guidance) if (!report.guidance.includes(g)) report.guidance.push(g);
}

function refuseAll(report: FixReport, resource: Resource, controls: string[], reason: string): void {
  for (const control of controls) report.refused.push({ resource: resourceRef(resource), control, path: null, reason });
}
