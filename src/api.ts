/**
 * The library's entry points that do the whole job: scan paths (files, folders, standard input)
 * or judge one task definition object in memory.
 */
import type { TaskDefinition, Tag } from '@aws-sdk/client-ecs';
import { basename, dirname } from 'node:path';
import { readFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import { Scan, type ScanResult } from './engine/scan.js';
import type { EngineOptions } from './engine/configuration.js';
import type { ScanSettings } from './engine/scan.js';
import { evaluateResource } from './engine/evaluate.js';
import { activeControls } from './engine/configuration.js';
import type { Finding, InputError, Resource } from './model/index.js';
import { isCandidateFile, isCdkManifest, readInput, type SourceOptions, type SourceResult } from './sources/index.js';
import { walkInputs, type InputFile } from './sources/walk.js';
import { fromTransfer } from './sources/transfer.js';
import { moduleDirOf, readTerraformDirs } from './sources/terraform/module.js';
import { collectAws, type AwsScanOptions, type AwsScanOutcome } from './sources/aws/index.js';
import { collectOrganization, type OrganizationOutcome, type OrganizationScanOptions } from './sources/aws/organization.js';
import type { WorkRequest, WorkResult } from './sources/worker.js';

/** Options of {@link scanPaths} and {@link scanPathsAsync}. */
export interface ScanOptions extends ScanSettings, SourceOptions {
  /** The bytes of standard input, read when a path is `-`. */
  stdin?: Buffer;
  /**
   * Treat named files as if found by walking: a file in no format ecsguard reads is skipped
   * silently instead of reported (for pre-commit hooks, which pass every staged file).
   */
  onlyRecognized?: boolean;
  /** Terraform `--var name=value` values. */
  terraformVars?: Record<string, string>;
  /** Terraform `--var-file` paths. */
  terraformVarFiles?: string[];
  /**
   * Worker threads that read files in parallel ({@link scanPathsAsync} only). Default: one per
   * core up to 4 when there are at least 64 files, else none (starting a worker costs more).
   */
  workers?: number;
}

/** The files to read, in order, and the problems met finding them. */
function collectInputs(paths: string[], onlyRecognized = false): { files: InputFile[]; errors: InputError[]; terraformDirs: string[] } {
  const errors: InputError[] = [];
  const files: InputFile[] = [];
  const terraformDirs = new Set<string>();
  const named = paths.filter((p) => p !== '-');
  for (const file of walkInputs(named.map(expandCdkManifest), errors)) {
    if (onlyRecognized) file.explicit = false;
    // A .tf file belongs to its folder's module, which is read as a whole.
    if (file.path.endsWith('.tf')) terraformDirs.add(moduleDirOf(file.path));
    else if (file.explicit || isCandidateFile(file.path)) files.push(file);
  }
  return { files, errors, terraformDirs: [...terraformDirs] };
}

/** Reads the Terraform configurations of the scan (in this thread: modules cross folders); their resources are added by {@link finishTerraform}. */
function readTerraform(scan: Scan, dirs: string[], options: ScanOptions): TerraformConfig {
  const config: TerraformConfig = { locators: new Map(), resources: [], planned: new Set() };
  if (dirs.length === 0) return config;
  const out = readTerraformDirs(dirs, { vars: options.terraformVars, varFiles: options.terraformVarFiles, maxFileBytes: options.maxFileBytes });
  for (const e of out.errors) scan.addError(e);
  for (const r of out.resources) {
    config.resources.push(r);
    config.locators.set(r.id, r.locate);
  }
  for (let i = 0; i < out.inputsRead; i++) scan.noteInputRead();
  return config;
}

/** Judges the configuration's resources that no plan in the scan already covered. */
function finishTerraform(scan: Scan, config: TerraformConfig): void {
  for (const r of config.resources) if (!config.planned.has(r.id)) scan.add(r);
}

/**
 * The Terraform configurations of the scan, by address: plan findings point at them, and a
 * resource that a plan in the same scan also holds is judged once, from the plan (which has the
 * values Terraform will apply).
 */
interface TerraformConfig {
  locators: Map<string, Resource['locate']>;
  resources: Resource[];
  planned: Set<string>;
}

/** Feeds one file's result to the scan, and notes the template parameters it declares. */
function addResult(scan: Scan, out: SourceResult | null, declared: Set<string>, config?: TerraformConfig): void {
  if (!out) return;
  if (out.resources.length > 0 || out.errors.length === 0) scan.noteInputRead();
  for (const e of out.errors) scan.addError(e);
  for (const r of out.resources) {
    // A plan has no source lines; when the configuration is in the scan too, point at it.
    const fromPlan = r.origin.kind === 'file' && r.origin.format === 'tf-plan';
    if (fromPlan) config?.planned.add(r.id);
    const hcl = fromPlan ? config?.locators.get(r.id) ?? config?.locators.get(r.id.replace(/\[[^\]]*\]$/, '')) : undefined;
    scan.add(hcl ? { ...r, locate: hcl } : r);
  }
  for (const p of out.parameterNames ?? []) declared.add(p);
}

/** One error per `--parameters` name that no template of the scan declares (a typo would otherwise pass silently). */
function reportUnusedParameters(scan: Scan, options: ScanOptions, declared: Set<string>): void {
  for (const name of Object.keys(options.cfnParameters ?? {})) {
    if (!declared.has(name)) scan.addError({ file: '--parameters', line: null, column: null, message: `${name}: no CloudFormation template in this scan declares a parameter named ${name}` });
  }
}

/** The common start of a file scan: standard input, the walk, and the Terraform configurations. */
function startScan(paths: string[], options: ScanOptions): { scan: Scan; declared: Set<string>; files: InputFile[]; config: TerraformConfig } {
  const scan = new Scan(options);
  const declared = new Set<string>();
  if (paths.includes('-')) addResult(scan, readInput('-', true, options, options.stdin), declared);
  const { files, errors, terraformDirs } = collectInputs(paths, options.onlyRecognized);
  for (const e of errors) scan.addError(e);
  return { scan, declared, files, config: readTerraform(scan, terraformDirs, options) };
}

/**
 * Scans files and directories (recursively; `-` is standard input) in this thread. One bad file
 * never stops the others: its problems are in `errors`. Throws ConfigError only for invalid options.
 */
export function scanPaths(paths: string[], options: ScanOptions = {}): ScanResult {
  const { scan, declared, files, config } = startScan(paths, options);
  for (const f of files) addResult(scan, readInput(f.path, f.explicit, options), declared, config);
  finishTerraform(scan, config);
  reportUnusedParameters(scan, options, declared);
  return scan.result();
}

/**
 * As {@link scanPaths}, reading and parsing files in worker threads when there are many; the
 * findings are the same and in the same order. Controls still run in this thread.
 */
export async function scanPathsAsync(paths: string[], options: ScanOptions = {}): Promise<ScanResult> {
  const { scan, declared, files, config } = startScan(paths, options);
  const workers = options.workers ?? (files.filter(isHeavy).length >= 32 ? Math.min(4, availableParallelism()) : 0);
  if (workers <= 0 || files.length === 0) {
    for (const f of files) addResult(scan, readInput(f.path, f.explicit, options), declared, config);
    finishTerraform(scan, config);
    reportUnusedParameters(scan, options, declared);
    return scan.result();
  }
  const sourceOptions: SourceOptions = { maxFileBytes: options.maxFileBytes, cfnParameters: options.cfnParameters, pseudoParameters: options.pseudoParameters };
  await readInWorkers(files, sourceOptions, workers, (out) => addResult(scan, out, declared, config));
  finishTerraform(scan, config);
  reportUnusedParameters(scan, options, declared);
  return scan.result();
}

/** Files worth sending to a worker: YAML templates, whose parsing dominates a scan; JSON parses faster here than it crosses threads. */
function isHeavy(f: InputFile): boolean {
  return /\.(ya?ml|template)$/i.test(f.path);
}

/**
 * Reads `files` in order, calling `onResult` for each in that order: batches of YAML files go to a
 * pool of `count` workers, batches of JSON files are read in this thread while the workers run.
 */
async function readInWorkers(files: InputFile[], options: SourceOptions, count: number, onResult: (r: SourceResult | null) => void): Promise<void> {
  const batch = 16;
  const batches: { files: InputFile[]; local: boolean }[] = [];
  for (let i = 0; i < files.length; i += batch) {
    const slice = files.slice(i, i + batch);
    batches.push({ files: slice, local: !slice.some(isHeavy) });
  }
  const remote = batches.map((b, i) => (b.local ? -1 : i)).filter((i) => i >= 0);
  const here = import.meta.url;
  const script = new URL(here.endsWith('.ts') ? './sources/worker.ts' : './sources/worker.js', here);
  const done = new Map<number, WorkResult['results']>();
  let next = 0;
  let emitted = 0;
  const drain = () => {
    while (emitted < batches.length) {
      const b = batches[emitted];
      if (b.local) {
        for (const f of b.files) onResult(readInput(f.path, f.explicit, options));
      } else if (done.has(emitted)) {
        for (const r of done.get(emitted) ?? []) onResult(r && { errors: r.errors, resources: r.resources.map(fromTransfer), parameterNames: r.parameterNames });
        done.delete(emitted);
      } else return;
      emitted++;
    }
  };
  // Running from TypeScript sources (the tests), the worker registers tsx before loading its script.
  const fromSource = here.endsWith('.ts');
  const entry = fromSource ? `import('tsx/esm/api').then((m) => { m.register(); return import(${JSON.stringify(script.href)}); });` : script;
  const pool = Array.from({ length: Math.min(count, remote.length) }, () => new Worker(entry, { eval: fromSource, execArgv: [], resourceLimits: { maxYoungGenerationSizeMb: 32 } }));
  try {
    await new Promise<void>((resolve, reject) => {
      const feed = (w: Worker) => {
        if (next >= remote.length) return;
        const id = remote[next++];
        w.postMessage({ id, files: batches[id].files.map((f) => ({ path: f.path, explicit: f.explicit })), options } satisfies WorkRequest);
      };
      for (const w of pool) {
        w.on('message', (msg: WorkResult) => {
          done.set(msg.id, msg.results);
          feed(w);
          drain();
          if (emitted === batches.length) resolve();
        });
        w.on('error', reject);
        feed(w);
      }
      drain();
      if (emitted === batches.length) resolve();
    });
  } finally {
    await Promise.all(pool.map((w) => w.terminate()));
  }
}

/**
 * Scans a live AWS account read-only (see src/sources/aws/): every ACTIVE task definition family
 * (latest revision, or every ACTIVE one with `allRevisions`), cluster, service, task set and
 * capacity provider in `aws.regions`. Faults go to `errors`; a resource that could not be fully
 * described is NOT_AVAILABLE, never judged from partial data. Throws AwsCredentialsError when
 * there are no usable credentials, AwsUsageError (a ConfigError) for bad options.
 */
export async function scanAws(aws: AwsScanOptions, options: ScanSettings = {}): Promise<ScanResult & { aws: AwsScanOutcome }> {
  const scan = new Scan({ ...options, allRevisions: options.allRevisions ?? aws.allRevisions });
  const outcome = await collectAws(aws, (r) => scan.add(r));
  for (const e of outcome.errors) scan.addError(e);
  if (outcome.resources > 0 || outcome.errors.length === 0) scan.noteInputRead();
  return { ...scan.result(), aws: outcome };
}

/**
 * Scans every ACTIVE account of the AWS Organization (see src/sources/aws/organization.ts);
 * accounts that cannot be assumed are errors naming them. Throws AwsCredentialsError when the
 * organisation cannot be listed.
 */
export async function scanOrganization(org: OrganizationScanOptions, options: ScanSettings = {}): Promise<ScanResult & { organization: OrganizationOutcome }> {
  const scan = new Scan({ ...options, allRevisions: options.allRevisions ?? org.allRevisions });
  const outcome = await collectOrganization(org, (r) => scan.add(r));
  for (const e of outcome.errors) scan.addError(e);
  if (outcome.accounts.some((a) => a.scanned)) scan.noteInputRead();
  return { ...scan.result(), organization: outcome };
}

/** A CDK `manifest.json` named on its own stands for its whole cloud assembly folder. */
function expandCdkManifest(path: string): string {
  if (basename(path) !== 'manifest.json') return path;
  try {
    const v: unknown = JSON.parse(readFileSync(path, 'utf8'));
    return isCdkManifest(v) ? dirname(path) : path;
  } catch {
    return path;
  }
}

/**
 * Judges one task definition (ECS API shape, as `DescribeTaskDefinition` returns it) with the
 * default controls, or those `options` choose. `tags` are the task definition's tags.
 * Findings have no location.
 */
export function evaluateTaskDefinition(taskDefinition: TaskDefinition, tags?: Tag[], options: EngineOptions = {}): Finding[] {
  const id = taskDefinition.taskDefinitionArn ?? (taskDefinition.revision ? `${taskDefinition.family}:${taskDefinition.revision}` : taskDefinition.family ?? 'task-definition');
  const resource: Resource<'AWS::ECS::TaskDefinition'> = {
    type: 'AWS::ECS::TaskDefinition',
    id,
    name: id,
    properties: { ...taskDefinition, tags: tags ?? (taskDefinition as { tags?: Tag[] }).tags },
    origin: { kind: 'file', file: '<memory>', format: 'taskdef-json' },
    locate: () => null,
  };
  return evaluateResource(resource, activeControls(options));
}
