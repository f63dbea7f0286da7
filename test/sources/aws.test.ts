import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fixtureAccount, fixtureArns, startEcsLoopback, type EcsLoopback, type Fault } from '../helpers/ecs-loopback.js';
import { AwsCredentialsError, AwsUsageError, collectAws, type AwsScanOptions, type AwsScanOutcome, type AwsScanProgress } from '../../src/sources/aws/index.js';
import { Scan, type ScanResult } from '../../src/engine/scan.js';
import { ConfigError } from '../../src/engine/configuration.js';
import type { Finding, Resource } from '../../src/model/index.js';
import { CREDENTIALS, READ_ONLY } from '../helpers/fix-aws.js';

const ACCOUNT = '111122223333';
const R1 = 'eu-west-1';
const R2 = 'us-east-1';
const A = fixtureArns(ACCOUNT);

let lb: EcsLoopback;
/** A scan without faults, for comparison; made before the tests. */
let baseline: Run;

before(async () => {
  lb = await startEcsLoopback({ account: ACCOUNT, fixture: fixtureAccount(ACCOUNT), pageSize: { ListServices: 25 } });
  baseline = await scanAws();
});
after(async () => {
  await lb.close();
});

interface Run {
  result: ScanResult;
  outcome: AwsScanOutcome;
  resources: Resource[];
  ms: number;
}

/** Scans the loopback account like the CLI will: collectAws into a Scan. */
async function scanAws(options: Partial<AwsScanOptions> = {}, faults: Fault[] = []): Promise<Run> {
  lb.faults.splice(0, lb.faults.length, ...faults);
  lb.requests.length = 0;
  const scan = new Scan({ allRevisions: options.allRevisions });
  const resources: Resource[] = [];
  const started = Date.now();
  try {
    const outcome = await collectAws({
      regions: [R1, R2],
      endpoint: lb.endpoint,
      credentials: CREDENTIALS,
      retryMode: 'standard',
      maxAttempts: 2,
      ...options,
    }, (r) => {
      resources.push(r);
      scan.add(r);
    });
    for (const e of outcome.errors) scan.addError(e);
    return { result: scan.result(), outcome, resources, ms: Date.now() - started };
  } finally {
    lb.faults.length = 0;
  }
}

const statusOf = (r: ScanResult, id: string, control: string): string => r.findings.find((f) => f.resource.id === id && f.control === control)?.status ?? 'NOT_APPLICABLE';
const shFindings = (r: ScanResult): Finding[] => r.findings.filter((f) => f.set === 'security-hub');
const judgedIds = (r: ScanResult): string[] => [...new Set(r.findings.map((f) => f.resource.id))].sort();
/** A stable text of the findings, for comparing two scans. */
const fingerprint = (findings: Finding[]): string => JSON.stringify(findings.map((f) => [f.resource.id, f.control, f.status, f.messageId, f.reason, f.path]));

describe('live AWS source against a loopback ECS endpoint', () => {
  it('finds every fixture resource by ARN and reaches the Security Hub verdicts', async () => {
    const { result, outcome, resources } = await scanAws();
    assert.deepEqual(outcome.errors, []);
    assert.deepEqual(result.errors, []);
    assert.equal(outcome.account, ACCOUNT);
    assert.equal(outcome.throttled, 0);
    assert.equal(outcome.calls, lb.requests.filter((q) => q.action !== 'GetCallerIdentity').length);

    const expected = [
      A.batch1, A.web3, A.win2, A.worker1, // latest ACTIVE revision of each ACTIVE family
      A.dev, A.prod, A.tools,
      A.api, A.blueGreen, A.checkout, ...A.devServices,
      A.taskSet,
      A.asgProtected, A.asgUnprotected, A.fargate, A.fargateSpot,
      A.use1App, A.use1Cluster, A.use1Fargate,
    ].sort();
    assert.deepEqual(resources.map((r) => r.id).sort(), expected);
    for (const never of [A.web1, A.web2, A.worker2, A.legacy1, A.win1]) assert.ok(!resources.some((r) => r.id === never), `${never} must not be read`);

    for (const r of resources) {
      assert.equal(r.origin.kind, 'aws');
      assert.equal((r.origin as { account: string }).account, ACCOUNT);
      assert.equal((r.origin as { region: string }).region, r.id.split(':')[3], `${r.id}: origin region is the ARN's`);
      assert.equal(r.locate(null), null);
      assert.equal(r.locate('containerDefinitions[0].user'), null);
    }
    const names = Object.fromEntries(resources.map((r) => [r.id, r.name]));
    assert.equal(names[A.web3], 'web:3');
    assert.equal(names[A.checkout], 'checkout');
    assert.equal(names[A.prod], 'prod');
    assert.equal(names[A.asgUnprotected], 'asg-unprotected');
    assert.equal(names[A.taskSet], 'ecs-svc/1234567890123456789');

    // Tags come beside taskDefinition in the API; the resource holds them in properties.tags.
    const web3 = resources.find((r) => r.id === A.web3)!;
    assert.deepEqual((web3.properties as { tags?: unknown }).tags, [{ key: 'team', value: 'shop' }]);

    // Security Hub verdicts
    assert.equal(statusOf(result, A.dev, 'ECS.12'), 'FAILED', 'cluster without Container Insights');
    assert.equal(statusOf(result, A.prod, 'ECS.12'), 'PASSED');
    assert.equal(statusOf(result, A.tools, 'ECS.12'), 'PASSED', 'enhanced counts as on');
    assert.equal(statusOf(result, A.dev, 'ECS.14'), 'FAILED', 'untagged cluster');
    assert.equal(statusOf(result, A.prod, 'ECS.14'), 'PASSED');
    assert.equal(statusOf(result, A.checkout, 'ECS.2'), 'FAILED', 'service with a public IP');
    assert.equal(statusOf(result, A.api, 'ECS.2'), 'PASSED');
    assert.equal(statusOf(result, A.devServices[11], 'ECS.2'), 'PASSED');
    assert.equal(statusOf(result, A.checkout, 'ECS.13'), 'PASSED');
    assert.equal(statusOf(result, A.devServices[0], 'ECS.13'), 'FAILED');
    assert.equal(statusOf(result, A.taskSet, 'ECS.16'), 'FAILED', 'task set with a public IP');
    assert.equal(statusOf(result, A.asgUnprotected, 'ECS.19'), 'FAILED', 'ASG provider without termination protection');
    assert.equal(statusOf(result, A.asgProtected, 'ECS.19'), 'PASSED');
    assert.equal(statusOf(result, A.fargate, 'ECS.19'), 'NOT_APPLICABLE');
    assert.equal(statusOf(result, A.web3, 'ECS.20'), 'PASSED');
    assert.equal(statusOf(result, A.worker1, 'ECS.20'), 'FAILED', 'no user');
    assert.equal(statusOf(result, A.batch1, 'ECS.20'), 'FAILED', 'UID 0');
    assert.equal(statusOf(result, A.win2, 'ECS.21'), 'PASSED');
    assert.equal(statusOf(result, A.win2, 'ECS.20'), 'NOT_APPLICABLE', 'Windows task definition');
    assert.equal(statusOf(result, A.web3, 'ECS.15'), 'PASSED');
    assert.equal(statusOf(result, A.worker1, 'ECS.15'), 'FAILED');
    assert.equal(statusOf(result, A.use1Cluster, 'ECS.12'), 'PASSED');
    assert.equal(statusOf(result, A.use1App, 'ECS.20'), 'PASSED');
    // Only the latest ACTIVE revision of each family is judged.
    assert.deepEqual(judgedIds(result).filter((id) => id.includes(':task-definition/')), [A.batch1, A.use1App, A.web3, A.win2, A.worker1].sort());
    for (const f of result.findings) assert.equal(f.location, null);
    assert.ok(!result.findings.some((f) => f.status === 'NOT_AVAILABLE'), 'a clean scan knows everything');
  });

  it('calls only read actions, batches describes within API limits, follows every nextToken', async () => {
    await scanAws({ concurrency: 3 });
    const ecs = lb.requests.filter((q) => q.action !== 'GetCallerIdentity');
    for (const q of lb.requests) assert.ok(READ_ONLY.has(q.action), `unexpected action ${q.action}`);
    for (const q of lb.requests) assert.equal(q.accessKeyId, CREDENTIALS.accessKeyId);
    // Every list in eu-west-1 spans several pages of 2: the second page was asked for with a nextToken.
    for (const action of ['ListTaskDefinitionFamilies', 'ListClusters', 'DescribeCapacityProviders']) {
      const calls = ecs.filter((q) => q.action === action && q.region === R1);
      assert.ok(calls.length >= 2, `${action} paged (${calls.length} calls)`);
      assert.ok(calls.slice(1).every((q) => typeof q.input.nextToken === 'string'), `${action} passes nextToken`);
      assert.ok(calls.every((q) => typeof q.input.maxResults === 'number'), `${action} asks for full pages`);
    }
    for (const q of ecs.filter((x) => x.action === 'ListTaskDefinitionFamilies')) assert.equal(q.input.status, 'ACTIVE');
    for (const q of ecs.filter((x) => x.action === 'DescribeTaskDefinition')) assert.deepEqual(q.input.include, ['TAGS']);
    for (const q of ecs.filter((x) => x.action === 'DescribeClusters')) {
      assert.deepEqual([...(q.input.include as string[])].sort(), ['CONFIGURATIONS', 'SETTINGS', 'TAGS']);
    }
    const describeServices = ecs.filter((q) => q.action === 'DescribeServices');
    for (const q of describeServices) {
      assert.ok((q.input.services as string[]).length <= 10);
      assert.deepEqual(q.input.include, ['TAGS']);
    }
    const devBatches = describeServices.filter((q) => String(q.input.cluster).endsWith('cluster/dev')).map((q) => (q.input.services as string[]).length).sort((a, b) => a - b);
    assert.deepEqual(devBatches, [2, 10], '12 services of one cluster: batches of 10 and 2');
    const taskSets = ecs.filter((q) => q.action === 'DescribeTaskSets');
    assert.equal(taskSets.length, 1, 'only the EXTERNAL service has task sets');
    assert.equal(taskSets[0].input.service, A.blueGreen);
    assert.deepEqual(taskSets[0].input.include, ['TAGS']);
    for (const q of ecs.filter((x) => x.action === 'DescribeCapacityProviders')) assert.deepEqual(q.input.include, ['TAGS']);
    // One DescribeTaskDefinition per ACTIVE family (its latest ACTIVE revision), by family name.
    assert.deepEqual(ecs.filter((q) => q.action === 'DescribeTaskDefinition' && q.region === R1).map((q) => q.input.taskDefinition).sort(), ['batch', 'web', 'win', 'worker']);
  });

  it('keeps at most `concurrency` requests in flight per region', async () => {
    lb.maxInFlight.clear();
    const slow = await startEcsLoopback({ account: ACCOUNT, fixture: fixtureAccount(ACCOUNT), latencyMs: 15 });
    try {
      const scan = new Scan();
      await collectAws({ regions: [R1], endpoint: slow.endpoint, credentials: CREDENTIALS, concurrency: 3, maxAttempts: 1 }, (r) => scan.add(r));
      const peak = slow.maxInFlight.get(R1) ?? 0;
      assert.ok(peak >= 2, `requests overlap (peak ${peak})`);
      assert.ok(peak <= 3, `at most 3 in flight (peak ${peak})`);
      assert.deepEqual(fingerprint(shFindings(scan.result())), fingerprint(shFindings(baseline.result).filter((f) => f.resource.id.includes(`:${R1}:`))));
    } finally {
      await slow.close();
    }
  });

  it('allRevisions reads every ACTIVE revision, never an INACTIVE one', async () => {
    const { result, resources } = await scanAws({ allRevisions: true });
    const tds = resources.filter((r) => r.type === 'AWS::ECS::TaskDefinition').map((r) => r.id).sort();
    assert.deepEqual(tds, [A.batch1, A.use1App, A.web2, A.web3, A.win1, A.win2, A.worker1].sort());
    assert.equal(statusOf(result, A.web2, 'ECS.20'), 'FAILED', 'older ACTIVE revision running as root');
    assert.equal(statusOf(result, A.web3, 'ECS.20'), 'PASSED');
    assert.equal(statusOf(result, A.win1, 'ECS.21'), 'FAILED', 'older ACTIVE revision running as ContainerAdministrator');
    for (const q of lb.requests.filter((x) => x.action === 'ListTaskDefinitions')) assert.equal(q.input.status, 'ACTIVE');
  });

  it('throttling only slows the scan: same findings, throttled count > 0', async () => {
    const throttleFirst = (action: string, times: number): Fault => ({ kind: 'throttle', action, region: R1, times });
    // Adaptive mode, as in production: after a throttle the SDK's client-side limiter drops to
    // 0.5 requests a second and recovers over seconds, so each throttle here costs seconds; one
    // per throttling bucket, whose clients recover side by side.
    const run = await scanAws({ retryMode: 'adaptive', maxAttempts: 6 }, [
      throttleFirst('DescribeTaskDefinition', 1),
      throttleFirst('DescribeClusters', 1),
      throttleFirst('DescribeServices', 1),
      throttleFirst('DescribeCapacityProviders', 1),
    ]);
    assert.deepEqual(run.outcome.errors, []);
    assert.equal(run.outcome.throttled, 4);
    assert.equal(run.outcome.throttled, lb.requests.filter((q) => q.fault === 'throttle').length);
    assert.equal(fingerprint(run.result.findings), fingerprint(baseline.result.findings));
    assert.ok(!run.result.findings.some((f) => f.status === 'NOT_AVAILABLE'));
  });

  it('connection resets are retried and lose nothing', async () => {
    const run = await scanAws({ maxAttempts: 3 }, [
      { kind: 'reset', action: 'ListTaskDefinitionFamilies', times: 1 },
      { kind: 'reset', action: 'DescribeClusters', region: R1, times: 1 },
      { kind: 'server-error', action: 'DescribeServices', region: R1, times: 1 },
    ]);
    assert.deepEqual(run.outcome.errors, []);
    assert.equal(fingerprint(run.result.findings), fingerprint(baseline.result.findings));
  });

  it('AccessDenied on DescribeServices: errors name the action, account and region; clusters and task definitions are still judged', async () => {
    const { result, outcome } = await scanAws({}, [{ kind: 'deny', action: 'DescribeServices', region: R1 }]);
    assert.equal(outcome.errors.length, 1, JSON.stringify(outcome.errors));
    const [e] = outcome.errors;
    assert.equal(e.file, `aws://${ACCOUNT}/${R1}`);
    assert.equal(e.line, null);
    assert.match(e.message, /DescribeServices/);
    assert.match(e.message, new RegExp(ACCOUNT));
    assert.match(e.message, /eu-west-1/);
    assert.match(e.message, /AccessDeniedException/);
    assert.match(e.message, /ecs:DescribeServices/);
    assert.match(e.message, /15 more|and \d+ more/, 'one error for all 15 services, not one each');
    assert.deepEqual(result.errors, outcome.errors);
    // The services were listed, so they are reported, NOT_AVAILABLE: never PASSED from nothing.
    for (const arn of [A.checkout, A.api, ...A.devServices]) {
      assert.equal(statusOf(result, arn, 'ECS.2'), 'NOT_AVAILABLE', arn);
      assert.equal(statusOf(result, arn, 'ECS.13'), 'NOT_AVAILABLE', arn);
    }
    assert.match(result.findings.find((f) => f.resource.id === A.checkout && f.control === 'ECS.2')!.reason, /DescribeServices failed: AccessDeniedException/);
    // Clusters, task definitions, capacity providers and the other region are unaffected.
    assert.equal(statusOf(result, A.dev, 'ECS.12'), 'FAILED');
    assert.equal(statusOf(result, A.prod, 'ECS.12'), 'PASSED');
    assert.equal(statusOf(result, A.worker1, 'ECS.20'), 'FAILED');
    assert.equal(statusOf(result, A.web3, 'ECS.20'), 'PASSED');
    assert.equal(statusOf(result, A.asgUnprotected, 'ECS.19'), 'FAILED');
    assert.equal(statusOf(result, A.use1Cluster, 'ECS.12'), 'PASSED');
    assert.equal(lb.count('DescribeTaskSets'), 0, 'task sets of undescribed services cannot be asked for');
  });

  it('a resource whose describe keeps failing is NOT_AVAILABLE, never PASSED', async () => {
    const { result, outcome } = await scanAws({ maxAttempts: 2 }, [
      { kind: 'throttle', action: 'DescribeTaskDefinition', match: (input) => input.taskDefinition === 'win' },
      { kind: 'reset', action: 'DescribeClusters', region: R1 },
      { kind: 'server-error', action: 'DescribeTaskSets' },
    ]);
    const winArn = `arn:aws:ecs:${R1}:${ACCOUNT}:task-definition/win`;
    const win = result.findings.filter((f) => f.resource.id === winArn);
    assert.ok(win.length >= 5, 'every task definition control reports on it');
    for (const f of win) {
      assert.equal(f.status, 'NOT_AVAILABLE', `${f.control} on the undescribed family`);
      assert.match(f.reason, /DescribeTaskDefinition failed: ThrottlingException/);
    }
    for (const arn of [A.prod, A.dev, A.tools]) {
      for (const control of ['ECS.12', 'ECS.14']) assert.equal(statusOf(result, arn, control), 'NOT_AVAILABLE', `${control} ${arn}`);
    }
    // The task set falls back to the copy DescribeServices returns: judged on its network
    // configuration, but its tags stay unknown.
    assert.equal(statusOf(result, A.taskSet, 'ECS.16'), 'FAILED');
    // The services were still listed and described through the clusters' ARNs.
    assert.equal(statusOf(result, A.checkout, 'ECS.2'), 'FAILED');
    assert.equal(statusOf(result, A.web3, 'ECS.20'), 'PASSED');
    const messages = outcome.errors.map((e) => e.message).join('\n');
    assert.match(messages, /DescribeTaskDefinition failed in account 111122223333, region eu-west-1 for task definition win: ThrottlingException/);
    assert.match(messages, /DescribeClusters failed in account 111122223333, region eu-west-1 for cluster dev, cluster prod, cluster tools: ECONNRESET/);
    assert.match(messages, /DescribeTaskSets failed in account 111122223333, region eu-west-1 for service blue-green: ServerException/);
    assert.ok(!result.findings.some((f) => f.resource.id === winArn && f.status === 'PASSED'));
  });

  it('a failing region leaves the other region intact', async () => {
    const others = (r: ScanResult) => fingerprint(r.findings.filter((f) => f.resource.id.includes(`:${R2}:`)));
    for (const kind of ['unrecognized', 'reset'] as const) {
      const { result, outcome } = await scanAws({ maxAttempts: 2 }, [{ kind, region: R1 }]);
      assert.equal(others(result), others(baseline.result), `${kind}: us-east-1 findings unchanged`);
      assert.ok(!result.findings.some((f) => f.resource.id.includes(`:${R1}:`)), `${kind}: nothing was listed in eu-west-1`);
      assert.equal(outcome.errors.length, 1, `${kind}: one error for the region: ${JSON.stringify(outcome.errors)}`);
      assert.equal(outcome.errors[0].file, `aws://${ACCOUNT}/${R1}`);
      assert.match(outcome.errors[0].message, /account 111122223333, region eu-west-1/);
      assert.match(outcome.errors[0].message, /(ListTaskDefinitionFamilies|ListClusters|DescribeCapacityProviders) failed/);
      assert.match(outcome.errors[0].message, kind === 'unrecognized' ? /UnrecognizedClientException.*region enabled/ : /ECONNRESET/);
      const summary = outcome.regions.find((x) => x.region === R1)!;
      if (kind === 'unrecognized') {
        assert.match(summary.failed ?? '', /UnrecognizedClientException/);
        // Once the region is given up, no more calls go to it.
        assert.ok(lb.requests.filter((q) => q.region === R1).length <= 3 * 2, 'the region was given up, not hammered');
      }
      assert.equal(outcome.regions.find((x) => x.region === R2)!.failed, null);
    }
  });

  it('a region whose endpoint dies mid-scan is given up, not hammered; what was listed is NOT_AVAILABLE', async () => {
    let served = 0;
    const { result, outcome } = await scanAws({ concurrency: 1, maxAttempts: 2 }, [
      { kind: 'reset', region: R1, match: () => ++served > 3 },
    ]);
    const r1 = lb.requests.filter((q) => q.region === R1 && q.action !== 'GetCallerIdentity');
    // 3 answered, then 6 calls in a row fail (2 attempts each) and the region is given up.
    assert.ok(r1.length <= 3 + 6 * 2, `${r1.length} requests to the dead region`);
    const r1Errors = outcome.errors.filter((e) => e.file === `aws://${ACCOUNT}/${R1}`);
    assert.equal(r1Errors.length, 1, JSON.stringify(r1Errors));
    assert.match(r1Errors[0].message, /ECONNRESET.*6 calls in a row failed so after every retry, and the region was given up/);
    // The first pages were listed: those resources are reported, NOT_AVAILABLE, never dropped or PASSED.
    const r1Findings = result.findings.filter((f) => f.resource.id.includes(`:${R1}:`));
    assert.ok(r1Findings.some((f) => f.resource.id === `arn:aws:ecs:${R1}:${ACCOUNT}:task-definition/batch` && f.status === 'NOT_AVAILABLE'));
    assert.equal(statusOf(result, A.dev, 'ECS.12'), 'NOT_AVAILABLE');
    assert.ok(!r1Findings.some((f) => f.status === 'PASSED' && f.resource.type !== 'AWS::ECS::CapacityProvider'), 'nothing undescribed passes');
    assert.equal(fingerprint(result.findings.filter((f) => f.resource.id.includes(`:${R2}:`))), fingerprint(baseline.result.findings.filter((f) => f.resource.id.includes(`:${R2}:`))));
  });

  it('two scans of the same account give identical findings, whatever order the answers arrive in', async () => {
    const jittery = await startEcsLoopback({ account: ACCOUNT, fixture: fixtureAccount(ACCOUNT), latencyMs: () => Math.floor(Math.random() * 12), pageSize: { ListServices: 25 } });
    try {
      const once = async () => {
        const scan = new Scan();
        const ids: string[] = [];
        await collectAws({ regions: [R1, R2], endpoint: jittery.endpoint, credentials: CREDENTIALS, concurrency: 6 }, (r) => { ids.push(r.id); scan.add(r); });
        return { findings: fingerprint(scan.result().findings), ids };
      };
      const first = await once();
      const second = await once();
      assert.deepEqual(second.ids, first.ids, 'resources come in the same order');
      assert.equal(second.findings, first.findings);
      assert.equal(first.findings, fingerprint(baseline.result.findings));
    } finally {
      await jittery.close();
    }
  });

  it('an exception from onResource ends the scan and reaches the caller', async () => {
    const boom = new Error('the consumer failed');
    let seen = 0;
    await assert.rejects(
      collectAws({ regions: [R1, R2], endpoint: lb.endpoint, credentials: CREDENTIALS, maxAttempts: 1 }, () => { if (++seen === 3) throw boom; }),
      (e: unknown) => e === boom,
    );
    assert.equal(seen, 3, 'no resource is passed on after the failure');
  });

  it('reports progress after every call and at each region boundary', async () => {
    const events: AwsScanProgress[] = [];
    const { outcome } = await scanAws({ onProgress: (p) => { events.push(p); if (p.event === 'call' && p.calls === 3) throw new Error('a broken progress display'); } });
    assert.equal(events.filter((e) => e.event === 'region-start').length, 2);
    assert.equal(events.filter((e) => e.event === 'region-done').length, 2);
    assert.equal(events.at(-1)!.regionsDone, 2);
    assert.equal(events.at(-1)!.calls, outcome.calls);
    assert.equal(events.filter((e) => e.event === 'call').length, outcome.calls);
    assert.equal(events.at(-1)!.resources, outcome.resources);
    assert.equal(outcome.resources, baseline.resources.length, 'an exception in onProgress does not break the scan');
  });
});

describe('live AWS source: credentials and options', () => {
  it('checks the credentials once with STS GetCallerIdentity and takes the account from it', async () => {
    const { outcome } = await scanAws();
    assert.equal(lb.count('GetCallerIdentity'), 1);
    assert.equal(lb.requests[0].action, 'GetCallerIdentity', 'before any ECS call');
    assert.equal(outcome.account, ACCOUNT);
  });

  it('expired credentials stop the scan before it starts with AwsCredentialsError', async () => {
    await assert.rejects(scanAws({}, [{ kind: 'expired', action: 'GetCallerIdentity' }]), (e: unknown) => {
      assert.ok(e instanceof AwsCredentialsError);
      assert.equal(e.problem, 'expired');
      assert.match(e.message, /expired/);
      assert.match(e.message, /aws sso login|new session credentials/);
      return true;
    });
    assert.equal(lb.requests.filter((q) => q.action !== 'GetCallerIdentity').length, 0, 'no ECS call was made');
  });

  it('credentials that expire during the scan stop it with AwsCredentialsError, after passing on what was read', async () => {
    const seen: Resource[] = [];
    lb.faults.splice(0, lb.faults.length, { kind: 'expired', action: 'DescribeServices' });
    try {
      await assert.rejects(
        collectAws({ regions: [R1, R2], endpoint: lb.endpoint, credentials: CREDENTIALS, account: ACCOUNT, maxAttempts: 1 }, (r) => seen.push(r)),
        (e: unknown) => e instanceof AwsCredentialsError && e.problem === 'expired' && /stopped part-way/.test(e.message),
      );
    } finally {
      lb.faults.length = 0;
    }
    assert.ok(seen.length > 0, 'what was read before is not lost');
    for (const r of seen.filter((x) => x.type === 'AWS::ECS::Service')) assert.equal(typeof r.properties, 'object');
  });

  it('no credentials anywhere: AwsCredentialsError telling the user what to do', async () => {
    const saved = { ...process.env };
    for (const k of Object.keys(process.env)) if (k.startsWith('AWS_') && k !== 'AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED') delete process.env[k];
    process.env.AWS_SHARED_CREDENTIALS_FILE = '/nonexistent/ecsguard-test/credentials';
    process.env.AWS_CONFIG_FILE = '/nonexistent/ecsguard-test/config';
    process.env.AWS_EC2_METADATA_DISABLED = 'true';
    try {
      await assert.rejects(collectAws({ regions: [R1], endpoint: lb.endpoint }, () => {}), (e: unknown) => {
        assert.ok(e instanceof AwsCredentialsError, String(e));
        assert.equal(e.problem, 'missing');
        assert.match(e.message, /no AWS credentials found/);
        assert.match(e.message, /--profile|AWS_PROFILE/);
        return true;
      });
    } finally {
      for (const k of Object.keys(process.env)) if (!(k in saved)) delete process.env[k];
      Object.assign(process.env, saved);
    }
  });

  it('without credentials in code, uses the default chain (environment) or a named profile', async () => {
    const saved = { ...process.env };
    const dir = mkdtempSync(join(tmpdir(), 'ecsguard-aws-'));
    try {
      for (const k of Object.keys(process.env)) if (k.startsWith('AWS_') && k !== 'AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED') delete process.env[k];
      writeFileSync(join(dir, 'credentials'), '[audit]\naws_access_key_id = AKIDFROMPROFILE\naws_secret_access_key = profile-secret\n');
      writeFileSync(join(dir, 'config'), '');
      process.env.AWS_SHARED_CREDENTIALS_FILE = join(dir, 'credentials');
      process.env.AWS_CONFIG_FILE = join(dir, 'config');
      process.env.AWS_EC2_METADATA_DISABLED = 'true';

      lb.requests.length = 0;
      await collectAws({ regions: [R2], endpoint: lb.endpoint, profile: 'audit', maxAttempts: 1 }, () => {});
      assert.ok(lb.requests.length > 1);
      assert.deepEqual([...new Set(lb.requests.map((q) => q.accessKeyId))], ['AKIDFROMPROFILE']);

      process.env.AWS_ACCESS_KEY_ID = 'AKIDFROMENV';
      process.env.AWS_SECRET_ACCESS_KEY = 'env-secret';
      lb.requests.length = 0;
      await collectAws({ regions: [R2], endpoint: lb.endpoint, maxAttempts: 1 }, () => {});
      assert.deepEqual([...new Set(lb.requests.map((q) => q.accessKeyId))], ['AKIDFROMENV']);
    } finally {
      for (const k of Object.keys(process.env)) if (!(k in saved)) delete process.env[k];
      Object.assign(process.env, saved);
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('invalid options are usage errors (ConfigError), before any call', async () => {
    lb.requests.length = 0;
    const bad: Partial<AwsScanOptions>[] = [
      { regions: [] },
      { regions: ['eu-west-1', 'Europe'] },
      { roleArn: 'arn:aws:iam::111122223333:user/alice' },
      { externalId: 'abc123' },
      { concurrency: 0 },
      { maxAttempts: 100 },
      { endpoint: 'ftp://example' },
    ];
    for (const options of bad) {
      await assert.rejects(collectAws({ regions: [R1], endpoint: lb.endpoint, credentials: CREDENTIALS, ...options }, () => {}), (e: unknown) => e instanceof AwsUsageError && e instanceof ConfigError, JSON.stringify(options));
    }
    assert.equal(lb.requests.length, 0);
  });
});
