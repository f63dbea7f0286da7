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
