/**
 * What a machine-readable report may need beyond the findings: the account and region a file
 * scan stands for (ASFF, OCSF need them; a file cannot say), the time of the scan, and the folder
 * that locations are relative to (SARIF's repository root).
 */
export interface ReportContext {
  /** 12-digit AWS account ID (`--account`); reports that need one use `000000000000` and say so when absent. */
  account?: string;
  /** AWS Region (`--region`); default `us-east-1` where a report needs one. */
  region?: string;
  /** When the scan ran; fixed in tests. */
  now: Date;
  /** Absolute path of the working directory, which every `location.file` is relative to. */
  cwd: string;
}

/** A context for the current process. */
export function defaultContext(overrides: Partial<ReportContext> = {}): ReportContext {
  return { now: new Date(), cwd: process.cwd(), ...overrides };
}
