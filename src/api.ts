/**
 * The library's entry points that do the whole job: scan paths (files, folders, standard input)
 * or judge one task definition object in memory.
 */
import type { TaskDefinition, Tag } from '@aws-sdk/client-ecs';
import { Scan, type ScanResult } from './engine/scan.js';
import type { EngineOptions } from './engine/configuration.js';
import { evaluateResource } from './engine/evaluate.js';
import { activeControls } from './engine/configuration.js';
import type { Finding, Resource } from './model/index.js';
import { basename, dirname } from 'node:path';
import { readFileSync } from 'node:fs';
import { isCandidateFile, isCdkManifest, readInput, type SourceOptions } from './sources/index.js';
import { walkInputs } from './sources/walk.js';

/** Options of {@link scanPaths}. */
export interface ScanOptions extends EngineOptions, SourceOptions {
  /** The bytes of standard input, read when a path is `-`. */
  stdin?: Buffer;
}

/**
 * Scans files and directories (recursively; `-` is standard input). One bad file never stops the
 * others: its problems are in `errors`. Throws ConfigError only for invalid options.
 */
export function scanPaths(paths: string[], options: ScanOptions = {}): ScanResult {
  const scan = new Scan(options);
  const errors: { file: string; line: number | null; column: number | null; message: string }[] = [];
  const named = paths.filter((p) => p !== '-');
  for (const p of paths) {
    if (p !== '-') continue;
    const out = readInput('-', true, options, options.stdin);
    if (out) { out.errors.forEach((e) => scan.addError(e)); out.resources.forEach((r) => scan.add(r)); }
  }
  for (const file of walkInputs(named.map(expandCdkManifest), errors)) {
    for (const e of errors.splice(0)) scan.addError(e);
    if (!file.explicit && !isCandidateFile(file.path)) continue;
    const out = readInput(file.path, file.explicit, options);
    if (!out) continue;
    for (const e of out.errors) scan.addError(e);
    for (const r of out.resources) scan.add(r);
  }
  for (const e of errors) scan.addError(e);
  return scan.result();
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
