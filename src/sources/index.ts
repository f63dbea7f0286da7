/**
 * Source dispatch: reads one input file, detects its format by content, and hands it to the
 * source that reads that format. Unrecognised files are skipped when found by walking a
 * directory and reported when named explicitly (../shared/spec/cli-and-output.md).
 */
import { extname } from 'node:path';
import type { InputError, Resource } from '../model/index.js';
import { jsonSyntaxError } from './json-tree.js';
import { decodeText, DEFAULT_MAX_FILE_BYTES, readTextFile, type TextRead } from './text.js';
import { looksLikeTaskDefinitionJson, readTaskDefinitionJson, type SourceResult } from './taskdef-json/index.js';

export type { SourceResult } from './taskdef-json/index.js';

/** Options every source honours. */
export interface SourceOptions {
  /** Largest file read, in bytes (default 16 MiB). */
  maxFileBytes?: number;
}

/** Extensions read when walking a directory; other files are not opened. */
const WALKED_EXTENSIONS = new Set(['.json']);

/** True when a file found by walking a directory should be opened at all. */
export function isCandidateFile(path: string): boolean {
  return WALKED_EXTENSIONS.has(extname(path).toLowerCase());
}

/**
 * Reads one file (`-` is standard input, already read into `stdin`) and returns its resources
 * and errors; `null` when a walked file is not a format ecsguard reads.
 */
export function readInput(file: string, explicit: boolean, options: SourceOptions = {}, stdin?: Buffer): SourceResult | null {
  const read: TextRead = file === '-' ? decodeText(stdin ?? Buffer.alloc(0)) : readTextFile(file, options.maxFileBytes ?? DEFAULT_MAX_FILE_BYTES);
  const name = file === '-' ? '<stdin>' : file;
  if (!read.ok) return { resources: [], errors: [{ file: name, line: read.line, column: read.column, message: read.message }] };
  return readText(name, read.text, explicit);
}

/** Detects the format of `text` and reads it; `null` for a walked file in no known format. */
export function readText(file: string, text: string, explicit: boolean): SourceResult | null {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    const e = jsonSyntaxError(text);
    if (!explicit && extname(file).toLowerCase() !== '.json') return null;
    return { resources: [], errors: [{ file, line: e.line, column: e.column, message: e.message }] };
  }
  if (looksLikeTaskDefinitionJson(value)) return readTaskDefinitionJson(file, text, value);
  if (!explicit) return null;
  return { resources: [], errors: [notRecognised(file)] };
}

function notRecognised(file: string): InputError {
  return {
    file,
    line: null,
    column: null,
    message: 'not a format ecsguard reads: expected ECS task definition JSON (containerDefinitions, or a taskDefinition object as describe-task-definition prints it)',
  };
}

export type { Resource };
