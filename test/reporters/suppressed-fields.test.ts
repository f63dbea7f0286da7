/**
 * The `suppressed` object of the output contract: `{ reason, by, expires }` with `expires` null
 * when the suppression has none, and the text report showing the expiry date.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { scanPaths } from '../../src/api.js';
import { renderJson } from '../../src/reporters/json.js';
import { renderText } from '../../src/reporters/text.js';

function taskDefinition(dir: string, suppress: unknown[]): string {
  const file = join(dir, 'batch.json');
  writeFileSync(file, JSON.stringify({
    family: 'batch',
    runtimePlatform: { operatingSystemFamily: 'LINUX' },
    containerDefinitions: [{ name: 'job', image: 'busybox:1.36', user: '0', readonlyRootFilesystem: true, logConfiguration: { logDriver: 'awslogs' } }],
    ecsguard: { suppress },
  }, null, 2));
  return file;
}

test('suppressed.expires is null without an expiry and the date with one; the text report says until when', () => {
  const dir = mkdtempSync(join(tmpdir(), 'ecsguard-sup-'));
  const file = taskDefinition(dir, [{ control: 'ECS.20', reason: 'the vendor image needs root until 4.0' }]);
  const open = JSON.parse(renderJson(scanPaths([file], { controls: ['ECS.20'], today: '2026-11-29' })));
  assert.deepEqual(open.findings[0].suppressed, { reason: 'the vendor image needs root until 4.0', by: 'inline', expires: null });

  taskDefinition(dir, [{ control: 'ECS.20', reason: 'the vendor image needs root until 4.0', expires: '2027-03-31' }]);
  const result = scanPaths([file], { controls: ['ECS.20'], today: '2026-11-29' });
  assert.deepEqual(JSON.parse(renderJson(result)).findings[0].suppressed, { reason: 'the vendor image needs root until 4.0', by: 'inline', expires: '2027-03-31' });
  assert.match(renderText(result, { color: false, width: 120 }), /suppressed by inline: the vendor image needs root until 4\.0 \(until 2027-03-31\)/);
});
