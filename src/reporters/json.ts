/**
 * The JSON report: the contract in ../shared/spec/cli-and-output.md (`version` 1). Fields are
 * only ever added; `violations`, `notes` and `skipped` are additions to the contract's example.
 */
import type { ScanResult } from '../engine/scan.js';
import { TOOL } from '../version.js';

/** Renders a scan result as the JSON document of the output contract, with a trailing newline. */
export function renderJson(result: ScanResult): string {
  const doc = {
    version: 1,
    tool: { name: TOOL.name, version: TOOL.version },
    findings: result.findings,
    errors: result.errors,
    skipped: result.skipped,
    summary: result.summary,
  };
  return JSON.stringify(doc, null, 2) + '\n';
}
