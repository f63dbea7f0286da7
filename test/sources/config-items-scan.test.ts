import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { scanPaths } from '../../src/api.js';

describe('AWS Config items through the file scan', () => {
  it('a get-resource-config-history output found by walking a folder is judged by ARN', () => {
    const arn = 'arn:aws:ecs:eu-west-1:111122223333:task-definition/intranet-iis:4';
    const item = {
      version: '1.3', accountId: '111122223333', configurationItemCaptureTime: '2026-11-20T10:00:00.000Z', configurationItemStatus: 'ResourceDiscovered',
      arn, resourceType: 'AWS::ECS::TaskDefinition', resourceId: 'intranet-iis:4', awsRegion: 'eu-west-1',
      configuration: JSON.stringify({ TaskDefinitionArn: arn, Family: 'intranet-iis', Status: 'ACTIVE', RuntimePlatform: { OperatingSystemFamily: 'WINDOWS_SERVER_2022_CORE' }, ContainerDefinitions: [{ Name: 'iis', Image: 'iis', User: 'ContainerAdministrator' }] }),
      tags: { team: 'it' },
    };
    const dir = mkdtempSync(join(tmpdir(), 'ecsguard-config-'));
    try {
      writeFileSync(join(dir, 'history.json'), JSON.stringify({ configurationItems: [item] }, null, 2));
      const r = scanPaths([dir]);
      assert.deepEqual(r.errors, []);
      const f = r.findings.find((x) => x.control === 'ECS.21')!;
      assert.equal(f.status, 'FAILED');
      assert.equal(f.resource.id, arn);
      assert.equal(r.findings.find((x) => x.control === 'ECS.15')!.status, 'PASSED');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('AWS Config deliveries to S3', () => {
  it('a gzip-compressed snapshot file (*.json.gz) is read; a gzip bomb over the limit is refused', async () => {
    const { gzipSync } = await import('node:zlib');
    const arn = 'arn:aws:ecs:eu-west-1:111122223333:cluster/prod';
    const snapshot = { fileVersion: '1.0', configurationItems: [{ configurationItemVersion: '1.3', awsAccountId: '111122223333', awsRegion: 'eu-west-1', configurationItemStatus: 'OK', ARN: arn, resourceType: 'AWS::ECS::Cluster', resourceId: 'prod', configuration: { ClusterName: 'prod', ClusterSettings: [{ Name: 'containerInsights', Value: 'disabled' }] }, tags: { team: 'x' } }] };
    const dir = mkdtempSync(join(tmpdir(), 'ecsguard-gz-'));
    try {
      writeFileSync(join(dir, '111122223333_Config_eu-west-1_ConfigSnapshot_20261129T000000Z_abc.json.gz'), gzipSync(JSON.stringify(snapshot)));
      writeFileSync(join(dir, 'bomb.json.gz'), gzipSync(Buffer.alloc(4_000_000, 32)));
      const r = scanPaths([dir], { maxFileBytes: 1_000_000 });
      assert.equal(r.findings.find((f) => f.control === 'ECS.12')?.status, 'FAILED');
      assert.ok(r.errors.some((e) => e.file.endsWith('bomb.json.gz') && /over the/.test(e.message)), JSON.stringify(r.errors));
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
