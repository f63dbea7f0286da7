import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync, cpSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { scanPaths, scanPathsAsync } from '../../src/api.js';
import { generateTemplate, generateTaskDefinition } from '../../bench/run.js';

describe('parallel reading gives exactly the sequential result', () => {
  it('same findings, errors and order, with workers, on a mix of YAML templates, JSON and bad files', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'ecsguard-par-'));
    try {
      let seed = 3;
      const rand = () => ((seed = (seed * 1103515245 + 12345) >>> 0) / 2 ** 32);
      for (let i = 0; i < 40; i++) writeFileSync(join(dir, `t${String(i).padStart(2, '0')}.yaml`), generateTemplate(i, 5 + (i % 6), rand));
      for (let i = 0; i < 20; i++) writeFileSync(join(dir, `td${i}.json`), JSON.stringify(generateTaskDefinition(i, rand), null, 2));
      writeFileSync(join(dir, 't99-if.yaml'), 'Parameters:\n  Mode:\n    Type: String\nConditions:\n  UseRoot: !Equals [!Ref Mode, root]\nResources:\n  Task:\n    Type: AWS::ECS::TaskDefinition\n    Properties:\n      ContainerDefinitions:\n        - Name: web\n          Image: nginx\n          User: !If [UseRoot, root, "1000"]\n');
      writeFileSync(join(dir, 'broken.yaml'), 'AWSTemplateFormatVersion: "2010-09-09"\nResources: [\n');
      cpSync(resolve(import.meta.dirname, '..', 'fixtures', 'cdk'), join(dir, 'cdk'), { recursive: true });
      const seq = scanPaths([dir]);
      const par = await scanPathsAsync([dir], { workers: 2 });
      assert.ok(seq.findings.length > 500);
      assert.ok(seq.findings.some((f) => f.notes.some((n) => n.includes('cannot be evaluated'))), 'variants cross the thread boundary too');
      assert.deepEqual(JSON.parse(JSON.stringify(par)), JSON.parse(JSON.stringify(seq)));
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
