/**
 * Source dispatch: reads one input file, detects its format by content, and hands it to the
 * source that reads that format. Unrecognised files are skipped when found by walking a
 * directory and reported when named explicitly (../shared/spec/cli-and-output.md,
 * "Format detection").
 */
import { existsSync, readFileSync } from 'node:fs';
import { basename, dirname, extname, join, sep } from 'node:path';
import type { InputError, Resource } from '../model/index.js';
import { jsonSyntaxError, JsonLocator } from './json-tree.js';
import { decodeText, DEFAULT_MAX_FILE_BYTES, readTextFile, type TextRead } from './text.js';
import { looksLikeTaskDefinitionJson, readTaskDefinitionJson } from './taskdef-json/index.js';
import { looksLikeDescribeOutput, readDescribeOutput } from './taskdef-json/describe-outputs.js';
import { looksLikeTemplate, mayBeTemplateText, readCloudFormation } from './cloudformation/index.js';
import { looksLikePlan, readPlan } from './terraform/plan.js';
import { looksLikeConfigItems, readConfigItems } from './config-items/index.js';

/** What one file gave: the resources read and the errors met. */
export interface SourceResult {
  resources: Resource[];
  errors: InputError[];
  /** Parameters the template declares (CloudFormation), so unknown `--parameters` names can be reported once per scan. */
  parameterNames?: string[];
}

/** Options every source honours. */
export interface SourceOptions {
  /** Largest file read, in bytes (default 16 MiB). */
  maxFileBytes?: number;
  /** CloudFormation parameter values, overriding Defaults (`--parameters`). */
  cfnParameters?: Readonly<Record<string, string>>;
  /** Pseudo parameter values (`AWS::Region`, `AWS::AccountId`, `AWS::Partition`). */
  pseudoParameters?: Readonly<Record<string, string>>;
}

/** Extensions read when walking a directory; other files are not opened. */
const WALKED_EXTENSIONS = new Set(['.json', '.yaml', '.yml', '.template', '.tf']);

/** True when a file found by walking a directory should be opened at all. */
export function isCandidateFile(path: string): boolean {
  const lower = path.toLowerCase();
  return WALKED_EXTENSIONS.has(extname(lower)) || lower.endsWith('.json.gz');
}

/**
 * Reads one file (`-` is standard input, already read into `stdin`) and returns its resources
 * and errors; `null` when a walked file is not a format ecsguard reads.
 */
export function readInput(file: string, explicit: boolean, options: SourceOptions = {}, stdin?: Buffer): SourceResult | null {
  const read: TextRead = file === '-' ? decodeText(stdin ?? Buffer.alloc(0)) : readTextFile(file, options.maxFileBytes ?? DEFAULT_MAX_FILE_BYTES);
  const name = file === '-' ? '<stdin>' : file;
  if (!read.ok) return { resources: [], errors: [{ file: name, line: read.line, column: read.column, message: read.message }] };
  try {
    return readText(name, read.text, explicit, options);
  } catch (e) {
    // A parser's own limits (a stack overflow on absurd nesting ...) must cost one file, not the scan.
    const message = e instanceof RangeError ? 'nested too deeply to read' : `could not be read: ${(e as Error).message}`;
    return { resources: [], errors: [{ file: name, line: null, column: null, message }] };
  }
}

/** True for a CDK cloud assembly manifest (`cdk.out/manifest.json`). */
export function isCdkManifest(value: unknown): boolean {
  return typeof value === 'object' && value !== null && 'artifacts' in value && 'version' in value;
}

/** Detects the format of `text` and reads it; `null` for a walked file in no known format. */
export function readText(file: string, text: string, explicit: boolean, options: SourceOptions = {}): SourceResult | null {
  const ext = extname(file.replace(/\.gz$/i, '')).toLowerCase();
  const trimmed = text.trimStart();
  const jsonLike = ext === '.json' || trimmed.startsWith('{') || trimmed.startsWith('[');
  if (jsonLike) {
    let value: unknown;
    try {
      value = JSON.parse(text);
    } catch {
      // A broken JSON file found by walking (a tsconfig.json with comments ...) is reported only
      // when it looks like something ecsguard reads; named explicitly, it always is.
      if (!explicit && !/containerDefinitions|taskDefinition|AWSTemplateFormatVersion|"AWS::|"(services|clusters|taskSets|capacityProviders|format_version|configurationItems?|baseConfigurationItems)"/.test(text)) return null;
      if (ext === '.json' || explicit) {
        // A YAML template may start with '{' only when written as flow YAML; try it as a template.
        if (ext !== '.json' && mayBeTemplateText(text)) return cloudFormation(file, text, explicit, options);
        const e = jsonSyntaxError(text);
        return { resources: [], errors: [{ file, line: e.line, column: e.column, message: e.message }] };
      }
      return null;
    }
    if (looksLikeTaskDefinitionJson(value)) return readTaskDefinitionJson(file, text, value);
    if (looksLikeTemplate(value)) return cloudFormation(file, text, explicit, options);
    if (looksLikeDescribeOutput(value)) return readDescribeOutput(file, text, value);
    if (looksLikePlan(value)) return readPlan(file, text, value);
    if (looksLikeConfigItems(value)) return readConfigItems(file, text, value);
    if (isCdkManifest(value)) return { resources: [], errors: checkCdkManifest(file, text, value) };
    return explicit ? { resources: [], errors: [notRecognised(file)] } : null;
  }
  if (!explicit && !mayBeTemplateText(text)) return null;
  return cloudFormation(file, text, explicit, options);
}

/** A CDK manifest's stacks and nested assemblies must exist beside it: a missing template is an error, not an empty scan. */
function checkCdkManifest(file: string, text: string, value: unknown): InputError[] {
  const errors: InputError[] = [];
  const artifacts = (value as { artifacts?: unknown }).artifacts;
  if (!artifacts || typeof artifacts !== 'object') return errors;
  const locator = new JsonLocator(text, file);
  for (const [name, a] of Object.entries(artifacts as Record<string, unknown>)) {
    const art = a as { type?: unknown; properties?: { templateFile?: unknown; directoryName?: unknown } };
    let wanted: string | null = null;
    let key = '';
    if (art?.type === 'aws:cloudformation:stack' && typeof art.properties?.templateFile === 'string') { wanted = art.properties.templateFile; key = 'templateFile'; }
    else if (art?.type === 'cdk:cloud-assembly' && typeof art.properties?.directoryName === 'string') { wanted = join(art.properties.directoryName, 'manifest.json'); key = 'directoryName'; }
    if (wanted === null || existsSync(join(dirname(file), wanted))) continue;
    const loc = locator.locate(['artifacts', name, 'properties', key]);
    errors.push({ file, line: loc.line, column: loc.column, message: `${name}: ${wanted} is missing from the cloud assembly; run cdk synth again` });
  }
  return errors;
}

const manifestCache = new Map<string, Record<string, Record<string, string>>>();

/** Stack tags from the `manifest.json` beside a CDK template (CloudFormation propagates them to the stack's resources). */
function cdkStackTags(file: string): Record<string, string> | undefined {
  const dir = dirname(file);
  let byTemplate = manifestCache.get(dir);
  if (!byTemplate) {
    byTemplate = {};
    try {
      const m = JSON.parse(readFileSync(join(dir, 'manifest.json'), 'utf8')) as { artifacts?: Record<string, { type?: string; properties?: { templateFile?: string; tags?: Record<string, string> } }> };
      for (const a of Object.values(m.artifacts ?? {})) {
        const t = a?.properties;
        if (a?.type === 'aws:cloudformation:stack' && typeof t?.templateFile === 'string' && t.tags && typeof t.tags === 'object') byTemplate[t.templateFile] = t.tags;
      }
    } catch {
      // No manifest, or not readable: no stack tags.
    }
    manifestCache.set(dir, byTemplate);
  }
  return byTemplate[basename(file)];
}

function cloudFormation(file: string, text: string, explicit: boolean, options: SourceOptions): SourceResult | null {
  const cdk = file.split(sep).includes('cdk.out') || file.includes('cdk.out/') || text.includes('aws:cdk:path');
  const out = readCloudFormation(file, text, { parameters: options.cfnParameters, pseudo: options.pseudoParameters, format: cdk ? 'cdk' : undefined, stackTags: cdk ? cdkStackTags(file) : undefined }, explicit);
  if (!out.isTemplate) return explicit ? { resources: [], errors: [...out.errors, notRecognised(file)] } : null;
  return { resources: out.resources, errors: out.errors, parameterNames: out.parameterNames };
}

function notRecognised(file: string): InputError {
  return {
    file,
    line: null,
    column: null,
    message: 'not a format ecsguard reads: expected ECS task definition JSON, an AWS CLI describe output, AWS Config configuration items, a CloudFormation template or a Terraform plan',
  };
}

export type { Resource };
