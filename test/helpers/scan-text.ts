/** Scans one in-memory input through the real source dispatch and engine, as the CLI would. */
import { Scan, type ScanResult } from '../../src/engine/scan.js';
import type { EngineOptions } from '../../src/engine/configuration.js';
import { readText, type SourceOptions } from '../../src/sources/index.js';
import type { Finding } from '../../src/model/index.js';

/** Reads `text` as if it were the file `file`, and returns the scan result. */
export function scanText(file: string, text: string, options: SourceOptions & EngineOptions = {}): ScanResult {
  const scan = new Scan(options);
  const out = readText(file, text, true, options);
  if (out) {
    out.errors.forEach((e) => scan.addError(e));
    out.resources.forEach((r) => scan.add(r));
  }
  return scan.result();
}

/** The finding for (resource id, control), or undefined when the control yielded none. */
export function findingOf(result: ScanResult, id: string, control: string): Finding | undefined {
  return result.findings.find((f) => f.resource.id === id && f.control === control);
}

/** The status for (resource id, control), or 'NOT_APPLICABLE'. */
export function statusOf(result: ScanResult, id: string, control: string): string {
  return findingOf(result, id, control)?.status ?? 'NOT_APPLICABLE';
}
