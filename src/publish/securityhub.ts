/**
 * Publishing findings to AWS Security Hub with BatchImportFindings
 * (https://docs.aws.amazon.com/securityhub/1.0/APIReference/API_BatchImportFindings.html):
 * at most 100 findings a call; findings the API rejects are retried, then reported. Ids are
 * stable, so a re-scan updates findings in place: a fixed resource's finding comes back PASSED
 * with Workflow RESOLVED, and, with `archiveMissing`, findings of this tool and scope that the
 * scan no longer produces (a deleted resource) are re-imported with RecordState ARCHIVED.
 */
import { BatchImportFindingsCommand, GetFindingsCommand, type AwsSecurityFinding, type SecurityHubClient } from '@aws-sdk/client-securityhub';

/** What happened to each finding. */
export interface PublishReport {
  imported: number;
  archived: number;
  /** Findings still rejected after the retries, with Security Hub's error code and message. */
  failed: { id: string; code: string; message: string }[];
}

/** Options of {@link publishFindings}. */
export interface PublishOptions {
  /** Extra attempts for findings Security Hub rejects (default 2). */
  retries?: number;
  /** Milliseconds before the first retry, doubled each time (default 500; 0 in tests). */
  backoffMs?: number;
  /**
   * Archive this tool's ACTIVE findings in the same scope that the scan did not produce. The
   * scope is `ProductFields['ecsguard/scope']`, set on every published finding.
   */
  archiveMissing?: boolean;
  /** A name for what was scanned (the paths, or the account and regions): findings of other scopes are never archived. */
  scope: string;
  now?: Date;
}

const BATCH = 100;

/** Imports `findings` (ASFF, as `toAsffFindings` makes them) into Security Hub. Throws only when a call itself fails (credentials, network). */
export async function publishFindings(client: SecurityHubClient, findings: AwsSecurityFinding[], options: PublishOptions): Promise<PublishReport> {
  const now = (options.now ?? new Date()).toISOString();
  const scoped = findings.map((f) => ({ ...f, ProductFields: { ...f.ProductFields, 'ecsguard/scope': options.scope } }));
  const report: PublishReport = { imported: 0, archived: 0, failed: [] };
  const send = async (list: AwsSecurityFinding[]): Promise<{ ok: number; failed: PublishReport['failed'] }> => {
    let pending = list;
    let failed: PublishReport['failed'] = [];
    let ok = 0;
    const retries = options.retries ?? 2;
    for (let attempt = 0; attempt <= retries && pending.length > 0; attempt++) {
      if (attempt > 0 && (options.backoffMs ?? 500) > 0) await new Promise((r) => setTimeout(r, (options.backoffMs ?? 500) * 2 ** (attempt - 1)));
      const next: AwsSecurityFinding[] = [];
      failed = [];
      for (let i = 0; i < pending.length; i += BATCH) {
        const batch = pending.slice(i, i + BATCH);
        const res = await client.send(new BatchImportFindingsCommand({ Findings: batch }));
        ok += res.SuccessCount ?? batch.length - (res.FailedCount ?? 0);
        for (const f of res.FailedFindings ?? []) {
          const original = batch.find((b) => b.Id === f.Id);
          if (original) next.push(original);
          failed.push({ id: f.Id ?? '?', code: f.ErrorCode ?? 'Unknown', message: f.ErrorMessage ?? '' });
        }
      }
      pending = next;
    }
    return { ok, failed };
  };
  const first = await send(scoped);
  report.imported = first.ok;
  report.failed.push(...first.failed);
  if (options.archiveMissing && scoped.length > 0) {
    const current = new Set(scoped.map((f) => f.Id));
    const stale: AwsSecurityFinding[] = [];
    let token: string | undefined;
    do {
      const page = await client.send(new GetFindingsCommand({
        Filters: {
          ProductArn: [{ Value: scoped[0].ProductArn, Comparison: 'EQUALS' }],
          GeneratorId: [{ Value: 'ecsguard/', Comparison: 'PREFIX' }],
          RecordState: [{ Value: 'ACTIVE', Comparison: 'EQUALS' }],
        },
        MaxResults: 100,
        NextToken: token,
      }));
      for (const f of page.Findings ?? []) {
        if (f.Id && !current.has(f.Id) && f.ProductFields?.['ecsguard/scope'] === options.scope) stale.push({ ...f, RecordState: 'ARCHIVED', UpdatedAt: now });
      }
      token = page.NextToken;
    } while (token);
    if (stale.length) {
      const archived = await send(stale);
      report.archived = archived.ok;
      report.failed.push(...archived.failed);
    }
  }
  return report;
}
