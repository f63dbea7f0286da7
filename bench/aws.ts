/**
 * `npm run bench:aws`: a live-account scan against the loopback ECS server holding 2,000 task
 * definition families, 50 clusters and 1,000 services, answering after 20 ms and enforcing ECS's
 * documented read quotas (token buckets, see src/sources/aws/limits.ts). Reports the scan's wall
 * time against the least time those quotas allow for the calls it needs, and against a
 * one-call-at-a-time loop over the same server (what the usual inventory shell script does).
 * Target: within 1.3 times the quota bound, with no failed call. Takes a few minutes.
 */
import { ECSClient, DescribeClustersCommand, DescribeServicesCommand, DescribeTaskDefinitionCommand, ListClustersCommand, ListServicesCommand, ListTaskDefinitionFamiliesCommand } from '@aws-sdk/client-ecs';
import type { Cluster, Service, TaskDefinition, Tag } from '@aws-sdk/client-ecs';
import { startEcsLoopback, type RegionFixture } from '../test/helpers/ecs-loopback.js';
import { collectAws } from '../src/sources/aws/index.js';
import { BUCKET_OF, ECS_READ_QUOTAS } from '../src/sources/aws/limits.js';

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';
const ACCOUNT = '111122223333';
const REGION = 'eu-west-1';
const CREDENTIALS = { accessKeyId: 'AKIDBENCH', secretAccessKey: 'bench-secret' };

function fixture(): RegionFixture {
  const arn = (kind: string, name: string) => `arn:aws:ecs:${REGION}:${ACCOUNT}:${kind}/${name}`;
  const taskDefinitions: { taskDefinition: TaskDefinition; tags?: Tag[] }[] = [];
  for (let i = 0; i < 2000; i++) {
    const family = `svc-${String(i).padStart(4, '0')}`;
    taskDefinitions.push({
      taskDefinition: { taskDefinitionArn: arn('task-definition', `${family}:1`), family, revision: 1, status: 'ACTIVE', networkMode: 'awsvpc', containerDefinitions: [{ name: 'app', image: 'nginx:1.27', user: i % 3 ? '1000' : undefined, readonlyRootFilesystem: i % 2 === 0, logConfiguration: { logDriver: 'awslogs', options: {} } }] },
      tags: [{ key: 'team', value: 'platform' }],
    });
  }
  const clusters: Cluster[] = [];
  const services: Service[] = [];
  for (let c = 0; c < 50; c++) {
    const clusterName = `cluster-${c}`;
    clusters.push({ clusterArn: arn('cluster', clusterName), clusterName, status: 'ACTIVE', settings: [{ name: 'containerInsights', value: c % 2 ? 'enabled' : 'disabled' }], tags: [{ key: 'team', value: 'platform' }] });
    for (let s = 0; s < 20; s++) {
      const serviceName = `svc-${c}-${s}`;
      services.push({ serviceArn: arn('service', `${clusterName}/${serviceName}`), serviceName, clusterArn: arn('cluster', clusterName), launchType: 'FARGATE', platformVersion: 'LATEST', taskDefinition: arn('task-definition', `svc-${String(c * 20 + s).padStart(4, '0')}:1`), networkConfiguration: { awsvpcConfiguration: { subnets: ['subnet-1'], assignPublicIp: s === 0 ? 'ENABLED' : 'DISABLED' } }, tags: [] });
    }
  }
  return { taskDefinitions, clusters, services, taskSets: [], capacityProviders: [] };
}

/** The least wall time ECS's quotas allow for `calls` per throttling category (categories run in parallel). */
function quotaBound(calls: Map<string, number>): number {
  let worst = 0;
  for (const [bucket, n] of calls) {
    const q = ECS_READ_QUOTAS[bucket as keyof typeof ECS_READ_QUOTAS];
    worst = Math.max(worst, Math.max(0, n - q.burst) / q.sustainedPerSecond);
  }
  return worst;
}

async function main(): Promise<void> {
  const fx = fixture();
  const start = () => startEcsLoopback({ account: ACCOUNT, fixture: { [REGION]: fx }, latencyMs: 20, pageSize: 100, rateLimits: true });

  let lb = await start();
  let resources = 0;
  const t0 = performance.now();
  const out = await collectAws({ regions: [REGION], endpoint: lb.endpoint, credentials: CREDENTIALS, account: ACCOUNT, maxAttempts: 20 }, () => resources++);
  const seconds = (performance.now() - t0) / 1000;
  const ok = lb.requests.filter((r) => !r.fault);
  const perBucket = new Map<string, number>();
  for (const r of ok) {
    const b = (BUCKET_OF as Record<string, string | undefined>)[r.action];
    if (b) perBucket.set(b, (perBucket.get(b) ?? 0) + 1);
  }
  const bound = quotaBound(perBucket);
  const throttled = lb.requests.length - ok.length;
  await lb.close();

  // The usual shell loop: one call at a time, the SDK's standard retries.
  lb = await start();
  const ecs = new ECSClient({ region: REGION, endpoint: lb.endpoint, credentials: CREDENTIALS, maxAttempts: 20, retryMode: 'standard' });
  const t1 = performance.now();
  let loopFailed = 0;
  const call = async <T,>(fn: () => Promise<T>): Promise<T | null> => {
    try {
      return await fn();
    } catch {
      loopFailed++;
      return null;
    }
  };
  let token: string | undefined;
  const families: string[] = [];
  do {
    const page = await call(() => ecs.send(new ListTaskDefinitionFamiliesCommand({ status: 'ACTIVE', nextToken: token })));
    families.push(...(page?.families ?? []));
    token = page?.nextToken;
  } while (token);
  for (const f of families) await call(() => ecs.send(new DescribeTaskDefinitionCommand({ taskDefinition: f, include: ['TAGS'] })));
  const clusters = (await call(() => ecs.send(new ListClustersCommand({}))))?.clusterArns ?? [];
  for (const c of clusters) {
    await call(() => ecs.send(new DescribeClustersCommand({ clusters: [c], include: ['SETTINGS', 'TAGS'] })));
    const arns = (await call(() => ecs.send(new ListServicesCommand({ cluster: c }))))?.serviceArns ?? [];
    for (const s of arns) await call(() => ecs.send(new DescribeServicesCommand({ cluster: c, services: [s], include: ['TAGS'] })));
  }
  const loopSeconds = (performance.now() - t1) / 1000;
  await lb.close();

  const rows: [string, string, string, boolean][] = [
    ['resources found (2,000 + 50 + 1,000)', String(resources), '3,050', resources === 3050],
    ['scan wall seconds', seconds.toFixed(1), '', true],
    ['least seconds the ECS quotas allow for its calls', bound.toFixed(1), '', true],
    ['ratio to the quota bound', (seconds / Math.max(bound, 0.001)).toFixed(2), '<= 1.30', seconds <= 1.3 * bound + 1],
    ['successful calls / throttled answers', `${ok.length} / ${throttled}`, '', true],
    ['failed calls (errors reported)', String(out.errors.length), '0', out.errors.length === 0],
    ['one-call-at-a-time loop, seconds', loopSeconds.toFixed(1), '', true],
    ['calls that failed in the loop', String(loopFailed), '', true],
  ];
  for (const [what, value, target, good] of rows) console.log(`${good ? '  ' : '!!'} ${what.padEnd(52)} ${value.padStart(12)}  ${target}`);
  process.exitCode = rows.every((r) => r[3]) ? 0 : 1;
}

await main();
