/**
 * One fixed scan that every report format is tested on: the bundled examples plus inputs with an
 * input error and text that needs escaping (<, &, quotes, newlines, non-ASCII) in names.
 */
import { mkdtempSync, writeFileSync, cpSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { scanPaths } from '../../src/api.js';
import type { ScanResult } from '../../src/engine/scan.js';
import { defaultContext, type ReportContext } from '../../src/reporters/context.js';

export const ROOT = resolve(import.meta.dirname, '..', '..');

/** A folder with the examples, a broken file and a task definition with hostile characters. */
export function fixtureFolder(): string {
  const dir = mkdtempSync(join(tmpdir(), 'ecsguard-report-'));
  cpSync(join(ROOT, 'examples'), join(dir, 'examples'), { recursive: true });
  mkdirSync(join(dir, 'odd'));
  writeFileSync(join(dir, 'odd', 'broken.json'), '{\n  "family": "broken",\n  "containerDefinitions": [\n');
  writeFileSync(join(dir, 'odd', 'escaping.json'), JSON.stringify({
    family: 'café-<script>&"quoted"',
    containerDefinitions: [{ name: 'line\nbreak <b>&amp; "q" \'s\' ünïcødé ✓', image: 'nginx', user: 'ContainerAdministrator' }],
    tags: [{ key: 'team', value: 'x' }],
  }, null, 2));
  return dir;
}

/** Scans the fixture folder from inside it (so locations are relative to it). */
export function fixtureScan(dir: string): { result: ScanResult; context: ReportContext } {
  const cwd = process.cwd();
  process.chdir(dir);
  try {
    const result = scanPaths(['.']);
    return { result, context: defaultContext({ cwd: dir, now: new Date('2026-11-29T12:00:00Z'), account: '111122223333', region: 'eu-west-1' }) };
  } finally {
    process.chdir(cwd);
  }
}

/** An empty scan (no input at all). */
export function emptyScan(): ScanResult {
  return scanPaths([]);
}
