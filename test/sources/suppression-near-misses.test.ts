/**
 * Suppressions spelled almost right are never silently ignored: Terraform comments with a space
 * or another case are read, and an `ECSGuard` key (task definition JSON, CloudFormation Metadata)
 * is an input error at its line.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { scanPaths } from '../../src/api.js';

function dir(files: Record<string, string>): string {
  const d = mkdtempSync(join(tmpdir(), 'ecsguard-near-'));
  for (const [name, text] of Object.entries(files)) writeFileSync(join(d, name), text);
  return d;
}

const CONTAINERS = `jsonencode([{ name = "job", image = "busybox:1.36", user = "0", readonlyRootFilesystem = true, logConfiguration = { logDriver = "awslogs" } }])`;

test('Terraform: "# ecsguard: suppress" and "// ECSGUARD:SUPPRESS" are read as suppressions', () => {
  for (const comment of ['# ecsguard: suppress ECS.20 the vendor image needs root', '// ECSGUARD:SUPPRESS ECS.20 the vendor image needs root', '#ecsguard :suppress ECS.20 the vendor image needs root']) {
    const d = dir({ 'main.tf': `${comment}\nresource "aws_ecs_task_definition" "job" {\n  family = "job"\n  runtime_platform {\n    operating_system_family = "LINUX"\n  }\n  container_definitions = ${CONTAINERS}\n}\n` });
    const r = scanPaths([d], { controls: ['ECS.20'], today: '2026-11-29' });
    assert.equal(r.findings.length, 1, comment);
    assert.deepEqual(r.findings[0].suppressed, { reason: 'the vendor image needs root', by: 'inline' }, comment);
  }
});

test('task definition JSON and CloudFormation: an ECSGuard key is an input error naming its line, not a silent no-op', () => {
  const d = dir({
    'job.json': JSON.stringify({ family: 'job', ECSGuard: { suppress: [{ control: 'ECS.20', reason: 'vendor image' }] }, containerDefinitions: [{ name: 'job', image: 'busybox:1.36', user: '0' }] }, null, 2),
    'job.yaml': 'Resources:\n  Job:\n    Type: AWS::ECS::TaskDefinition\n    Metadata:\n      ECSGuard:\n        suppress:\n          - control: ECS.20\n            reason: vendor image\n    Properties:\n      Family: job\n      ContainerDefinitions:\n        - Name: job\n          Image: busybox:1.36\n          User: "0"\n',
  });
  const r = scanPaths([d], { controls: ['ECS.20'] });
  const messages = r.errors.map((e) => `${e.file.split('/').pop()}:${e.line} ${e.message}`).sort();
  assert.deepEqual(messages, [
    "job.json:3 'ECSGuard' looks like ecsguard's suppression key, which is spelled 'ecsguard' (lower case); it is not read",
    "job.yaml:5 Job: Metadata.ECSGuard looks like ecsguard's suppression key, which is spelled 'ecsguard' (lower case); it is not read",
  ]);
  assert.ok(r.findings.every((f) => f.status === 'FAILED' && f.suppressed === null));
});
