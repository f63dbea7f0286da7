/**
 * Expands the paths a user names into the files to scan: directories recursively (skipping
 * `node_modules` and `.git`, following symbolic links once), files as given.
 */
import { readdirSync, realpathSync, statSync, type Dirent } from 'node:fs';
import { isAbsolute, join, normalize, relative, sep } from 'node:path';
import type { InputError } from '../model/index.js';
import { ioMessage } from './text.js';

/** A file to scan; `explicit` when the user named it (so unrecognised content is reported, not skipped). */
export interface InputFile {
  path: string;
  explicit: boolean;
}

/** Directory names never walked into (downloaded Terraform modules are reached through .terraform/modules/modules.json). */
export const SKIPPED_DIRECTORIES = new Set(['node_modules', '.git', '.terraform', '.terraform.d']);

/**
 * Yields the files under `paths` in a stable (sorted) order. Problems (missing path, permission,
 * symbolic link loop) go to `errors` and the walk goes on.
 */
export function* walkInputs(paths: string[], errors: InputError[]): Generator<InputFile> {
  for (const given of paths) {
    if (given.trim() === '') {
      errors.push({ file: "''", line: null, column: null, message: 'an empty path was given; name a file or folder (. for the current folder)' });
      continue;
    }
    const p = displayPath(given);
    let st;
    try {
      st = statSync(p);
    } catch (e) {
      errors.push({ file: p, line: null, column: null, message: ioMessage(e) });
      continue;
    }
    if (st.isDirectory()) yield* walkDirectory(p, new Set(), errors);
    else if (st.isFile()) yield { path: p, explicit: true };
    // A FIFO, socket or device would block or never end: refused, not read.
    else errors.push({ file: p, line: null, column: null, message: 'not a regular file (a FIFO, socket or device); not read' });
  }
}

/**
 * The name a file is reported under: relative to the current directory (as the output contract
 * asks), however it was given.
 */
export function displayPath(p: string, cwd = process.cwd()): string {
  // A file named '-' keeps its './' so it is never taken for standard input.
  const out = isAbsolute(p) ? relative(cwd, p) || '.' : normalize(p);
  return out === '-' ? `.${sep}-` : out;
}

function* walkDirectory(dir: string, ancestors: Set<string>, errors: InputError[]): Generator<InputFile> {
  let real: string;
  let entries: Dirent[];
  try {
    real = realpathSync(dir);
    entries = readdirSync(dir, { withFileTypes: true });
  } catch (e) {
    errors.push({ file: dir, line: null, column: null, message: ioMessage(e) });
    return;
  }
  if (ancestors.has(real)) {
    errors.push({ file: dir, line: null, column: null, message: `symbolic link loop: this directory is ${real}, which is already being scanned; not followed` });
    return;
  }
  const chain = new Set(ancestors).add(real);
  entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  for (const entry of entries) {
    const full = join(dir, entry.name);
    let isDir = entry.isDirectory();
    let isFile = entry.isFile();
    if (entry.isSymbolicLink()) {
      try {
        const st = statSync(full);
        isDir = st.isDirectory();
        isFile = st.isFile();
      } catch (e) {
        errors.push({ file: full, line: null, column: null, message: `broken symbolic link: ${ioMessage(e)}` });
        continue;
      }
    }
    if (isDir) {
      if (SKIPPED_DIRECTORIES.has(entry.name)) continue;
      yield* walkDirectory(full, chain, errors);
    } else if (isFile) {
      yield { path: full, explicit: false };
    }
  }
}
