/** Temporary folders for tests, removed after the file's tests, and writing several files into one. */
import { after } from 'node:test';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';

/**
 * Returns a function that makes a fresh temporary folder named `ecsguard-<prefix>-*` (Terraform
 * parses are cached per folder, so tests that rewrite files want their own); all are removed
 * when the test file ends.
 */
export function tempDirs(prefix: string): () => string {
  const dirs: string[] = [];
  after(() => {
    for (const d of dirs) rmSync(d, { recursive: true, force: true });
  });
  return () => {
    const d = mkdtempSync(join(tmpdir(), `ecsguard-${prefix}-`));
    dirs.push(d);
    return d;
  };
}

/** Writes files (relative path -> text) under `dir`, creating folders as needed. */
export function writeFiles(dir: string, files: Record<string, string>): void {
  for (const [name, text] of Object.entries(files)) {
    mkdirSync(dirname(join(dir, name)), { recursive: true });
    writeFileSync(join(dir, name), text);
  }
}
