import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { join, resolve } from 'node:path';
import { scanPaths } from '../../src/api.js';


const rel = (p: string) => join('test', 'fixtures', p);
const statusOf = (r: ReturnType<typeof scanPaths>, id: string, control: string) => r.findings.find((f) => f.resource.id === id && f.control === control)?.status ?? 'NOT_APPLICABLE';

describe('AWS CLI describe outputs of services, clusters, task sets, capacity providers', () => {
  it('describe-services: each service judged by ARN, with lines', () => {
    const r = scanPaths([rel('describe/describe-services.json')]);
    const arn = 'arn:aws:ecs:eu-west-1:111122223333:service/prod/checkout';
    assert.equal(statusOf(r, arn, 'ECS.2'), 'FAILED');
    assert.equal(statusOf(r, arn, 'ECS.10'), 'FAILED');
    assert.equal(statusOf(r, arn, 'ECS.13'), 'PASSED');
    const f = r.findings.find((x) => x.resource.id === arn && x.control === 'ECS.2')!;
    assert.deepEqual(f.location, { file: rel('describe/describe-services.json'), line: 17, column: 11 });
    assert.equal(f.resource.name, 'checkout');
    const search = 'arn:aws:ecs:eu-west-1:111122223333:service/prod/search';
    assert.equal(statusOf(r, search, 'ECS.10'), 'NOT_APPLICABLE', 'EC2 service');
    assert.equal(statusOf(r, search, 'ECS.13'), 'NOT_AVAILABLE', 'no tags key: describe-services ran without --include TAGS');
  });

  it('describe-clusters without --include SETTINGS: ECS.12 is NOT_AVAILABLE, never FAILED', () => {
    const r = scanPaths([rel('describe/describe-clusters-no-settings.json')]);
    const arn = 'arn:aws:ecs:eu-west-1:111122223333:cluster/prod';
    assert.equal(statusOf(r, arn, 'ECS.12'), 'NOT_AVAILABLE');
    assert.match(r.findings.find((f) => f.control === 'ECS.12')!.reason, /--include SETTINGS/);
    assert.equal(statusOf(r, arn, 'ECS.14'), 'NOT_AVAILABLE');
  });

  it('describe-clusters with settings and empty tags', () => {
    const r = scanPaths([rel('describe/describe-clusters.json')]);
    const arn = 'arn:aws:ecs:eu-west-1:111122223333:cluster/prod';
    assert.equal(statusOf(r, arn, 'ECS.12'), 'FAILED');
    assert.equal(statusOf(r, arn, 'ECS.14'), 'FAILED');
  });

  it('describe-task-sets and describe-capacity-providers', () => {
    const r = scanPaths([rel('describe/describe-task-sets.json'), rel('describe/describe-capacity-providers.json')]);
    assert.equal(statusOf(r, 'arn:aws:ecs:eu-west-1:111122223333:task-set/prod/checkout/ecs-svc/1234567890123456789', 'ECS.16'), 'PASSED');
    assert.equal(statusOf(r, 'arn:aws:ecs:eu-west-1:111122223333:capacity-provider/batch-asg', 'ECS.19'), 'FAILED');
    assert.equal(statusOf(r, 'arn:aws:ecs:eu-west-1:111122223333:capacity-provider/FARGATE', 'ECS.19'), 'NOT_APPLICABLE');
  });
});

describe('CDK cloud assembly (cdk.out)', () => {
  const out = rel('cdk/cdk.out');
  it('scans every stack template, nested stacks and stages included, with construct paths', () => {
    const r = scanPaths([out]);
    assert.deepEqual(r.errors, []);
    const ids = [...new Set(r.findings.map((f) => f.resource.id))].sort();
    assert.deepEqual(ids, ['BillingTaskDefA1B2C3D4', 'ClusterEB0386A7', 'ServiceD69D759B', 'TaskDef54694570', 'WorkerTaskDefC0FFEE11']);
    const worker = r.findings.find((f) => f.resource.id === 'WorkerTaskDefC0FFEE11' && f.control === 'ECS.4')!;
    assert.equal(worker.status, 'FAILED');
    assert.equal(worker.resource.cdkPath, 'OrdersStack/Workers/WorkerTaskDef/Resource');
    assert.equal(worker.location?.file, join(out, 'OrdersStackWorkersA1B2C3D4.nested.template.json'));
    assert.equal(worker.location?.line, 11);
    const billing = r.findings.find((f) => f.resource.id === 'BillingTaskDefA1B2C3D4' && f.control === 'ECS.21')!;
    assert.equal(billing.status, 'FAILED');
    assert.equal(billing.resource.cdkPath, 'Prod/Billing/BillingTaskDef/Resource');
  });

  it('a service that refers to its task definition with Ref is judged with it (ECS.10 on Fargate, Linux)', () => {
    const r = scanPaths([out]);
    assert.equal(statusOf(r, 'ServiceD69D759B', 'ECS.10'), 'PASSED');
    assert.equal(statusOf(r, 'ServiceD69D759B', 'ECS.2'), 'FAILED');
  });

  it('naming manifest.json scans the whole assembly', () => {
    const a = scanPaths([join(out, 'manifest.json')]);
    const b = scanPaths([out]);
    assert.equal(a.findings.length, b.findings.length);
    assert.ok(a.findings.length > 0);
  });
});

