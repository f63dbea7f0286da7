/** `ecsguard scan --aws` and `inventory --aws` end to end: the built CLI against the loopback ECS server. */
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { join, resolve } from 'node:path';
import { fixtureAccount, startEcsLoopback, type EcsLoopback } from '../helpers/ecs-loopback.js';

const CLI = join(resolve(import.meta.dirname, '..', '..'), 'dist', 'cli', 'main.js');
const ACCOUNT = '111122223333';
let lb: EcsLoopback;

before(async () => {
  lb = await startEcsLoopback({ account: ACCOUNT, fixture: fixtureAccount(ACCOUNT) });
});
after(async () => {
  await lb.close();
});

/** Runs the CLI asynchronously (the loopback server lives in this process, so spawnSync would block it). */
function run(args: string[], env: Record<string, string> = {}): Promise<{ status: number | null; stdout: string; stderr: string }> {
  return new Promise((done) => {
    const child = spawn(process.execPath, [CLI, ...args], {
      env: { ...process.env, NO_COLOR: '1', AWS_ACCESS_KEY_ID: 'AKIDLOOPBACKTEST0000', AWS_SECRET_ACCESS_KEY: 'loopback-secret', AWS_REGION: '', AWS_DEFAULT_REGION: '', AWS_PROFILE: '', ...env },
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    child.on('close', (status) => done({ status, stdout, stderr }));
  });
}

describe('ecsguard scan --aws', () => {
  it('judges the loopback account by ARN, with account and region, and exits 1 on its failures', async () => {
    const r = await run(['scan', '--aws', '--region', 'eu-west-1', '--endpoint-url', lb.endpoint, '--account', ACCOUNT, '--controls', 'security-hub', '-f', 'json']);
    assert.equal(r.status, 1, r.stderr);
    const doc = JSON.parse(r.stdout);
    assert.ok(doc.findings.length > 10);
    for (const f of doc.findings) {
      assert.match(f.resource.id, new RegExp(`^arn:aws:ecs:eu-west-1:${ACCOUNT}:`));
      assert.equal(f.location, null, 'live resources have no file location');
    }
    assert.ok(doc.findings.some((f: { control: string; status: string }) => f.control === 'ECS.12' && f.status === 'FAILED'));
    assert.equal(lb.requests.every((q) => /^(List|Describe)/.test(q.action)), true, 'read-only calls');
  });
  it('inventory --aws lists containers and services', async () => {
    const r = await run(['inventory', '--aws', '--region', 'eu-west-1', '--endpoint-url', lb.endpoint, '--account', ACCOUNT, '-f', 'json']);
    assert.equal(r.status, 0, r.stderr);
    const doc = JSON.parse(r.stdout);
    assert.ok(doc.containers.length > 0 && doc.services.length > 0);
  });
  it('usage errors: --aws without a region, or with paths', async () => {
    assert.equal((await run(['scan', '--aws', '--endpoint-url', lb.endpoint, '--account', ACCOUNT])).status, 2);
    assert.equal((await run(['scan', 'examples', '--aws', '--region', 'eu-west-1'])).status, 2);
  });
});
