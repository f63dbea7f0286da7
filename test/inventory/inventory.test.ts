import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parse } from 'csv-parse/sync';
import { scanPaths } from '../../src/api.js';
import { inventoryRows } from '../../src/inventory/rows.js';
import { parseWhere } from '../../src/inventory/filter.js';
import { renderInventoryCsv, renderInventoryText, shortenImage } from '../../src/reporters/inventory.js';

const ROOT = resolve(import.meta.dirname, '..', '..');
const CLI = join(ROOT, 'dist', 'cli', 'main.js');
const run = (args: string[], env: Record<string, string> = {}) => spawnSync(process.execPath, [CLI, ...args], { cwd: ROOT, encoding: 'utf8', env: { ...process.env, NO_COLOR: '1', COLUMNS: '', ...env } });
// As `ecsguard inventory` does: Security Hub's controls unless the configuration names others.
const rowsOf = (paths: string[]) => inventoryRows(scanPaths(paths, { keepResources: true, controls: ['security-hub'] }).judged ?? []);
const SECRET_VALUES = ['AKIAIOSFODNN7EXAMPLE', 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY'];

describe('inventory rows', () => {
  it('one row per container of every judged task definition, with its facts', () => {
    const { containers } = rowsOf(['examples/linux-web-with-sidecars.json']);
    assert.deepEqual(containers.map((c) => c.container), ['nginx', 'envoy', 'xray-daemon', 'log-router']);
    const xray = containers.find((c) => c.container === 'xray-daemon')!;
    assert.equal(xray.readonlyRootFilesystem, false);
    assert.deepEqual(xray.failing, ['ECS.5']);
    const router = containers.find((c) => c.container === 'log-router')!;
    assert.equal(router.user, '0');
    assert.deepEqual(router.failing, ['ECS.20']);
    assert.equal(router.os, 'LINUX');
    assert.equal(router.network, 'awsvpc');
    assert.match(router.location, /^examples\/linux-web-with-sidecars\.json:\d+:\d+$/);
  });

  it('user none, OS unset and both ECS.20 and ECS.21 failing for a task definition without runtimePlatform', () => {
    const { containers } = rowsOf(['examples/no-runtime-platform.json']);
    for (const c of containers) {
      assert.equal(c.user, 'none');
      assert.equal(c.os, 'unset');
      assert.deepEqual(c.failing, ['ECS.20', 'ECS.21']);
    }
  });

  it('ECS.8 names only, never values; EFS volumes without transit encryption per mounting container', () => {
    const { containers } = rowsOf(['examples/secrets-in-environment.json', 'examples/efs-without-transit-encryption.json']);
    const worker = containers.find((c) => c.family === 'invoice-exporter-worker')!;
    assert.deepEqual(worker.secretEnvironment, ['AWS_ACCESS_KEY_ID', 'AWS_SECRET_ACCESS_KEY']);
    const wp = containers.find((c) => c.container === 'wordpress')!;
    assert.deepEqual(wp.efsWithoutTransitEncryption, ['wp-content']);
    assert.ok(!SECRET_VALUES.some((v) => JSON.stringify(containers).includes(v)));
  });

  it('only the latest ACTIVE revision is listed, as scan judges it', () => {
    const { containers } = rowsOf(['examples/describe-output-with-tags.json', 'examples/describe-inactive-old-revision.json']);
    assert.ok(containers.length > 0);
    assert.ok(containers.every((c) => c.resource === 'payments:42'));
  });

  it('services get their own rows: cluster, launch type, platform version, public IP, task definition', () => {
    const { services } = rowsOf(['test/fixtures/describe/describe-services.json', 'examples/cloudformation']);
    const checkout = services.find((s) => s.service === 'checkout')!;
    assert.deepEqual({ ...checkout, location: undefined }, {
      resource: 'arn:aws:ecs:eu-west-1:111122223333:service/prod/checkout', location: undefined, service: 'checkout', cluster: 'arn:aws:ecs:eu-west-1:111122223333:cluster/prod', launchType: 'FARGATE', platformVersion: '1.3.0', assignPublicIp: 'ENABLED', taskDefinition: 'arn:aws:ecs:eu-west-1:111122223333:task-definition/checkout:12',
    });
    const portal = services.find((s) => s.service === 'intranet-portal')!;
    assert.equal(portal.cluster, 'PortalCluster', 'a Ref to a resource of the template shows its logical ID');
    assert.equal(portal.taskDefinition, 'PortalTaskDefinition');
    assert.equal(portal.platformVersion, '1.0.0');
  });
});

describe('inventory --where', () => {
  const { containers } = rowsOf(['examples']);
  const where = (...e: string[]) => containers.filter(parseWhere(e));
  it('user=none, os=windows, privileged=true, failing=ECS.21, image=, and != and AND', () => {
    assert.ok(where('user=none').length > 0 && where('user=none').every((c) => c.user === 'none'));
    assert.ok(where('os=windows').every((c) => c.os.startsWith('WINDOWS_SERVER')) && where('os=windows').length >= 3);
    assert.deepEqual(where('privileged=true').map((c) => c.container).sort(), ['api', 'datadog-agent', 'worker']);
    assert.ok(where('failing=ECS.21').every((c) => c.failing.includes('ECS.21')));
    assert.ok(where('failing=ecs.21').length === where('failing=ECS.21').length, 'case-insensitive');
    assert.ok(where('image=nginx').every((c) => c.image.includes('nginx')) && where('image=nginx').length > 0);
    assert.equal(where('os=windows', 'failing!=ECS.21').filter((c) => c.failing.includes('ECS.21')).length, 0);
    assert.ok(where('failing=none').every((c) => c.failing.length === 0));
  });
  it('a bad expression or unknown key is a usage error naming the keys', () => {
    assert.throws(() => parseWhere(['user']), /expected key=value/);
    assert.throws(() => parseWhere(['colour=red']), /unknown key 'colour'; keys: .*user/);
  });
});

describe('inventory formats', () => {
  it('CSV quotes commas, quotes and newlines (RFC 4180) and round-trips through a CSV parser', () => {
    const dir = mkdtempSync(join(tmpdir(), 'ecsguard-inv-'));
    try {
      const nasty = 'web, "edge"\nproxy';
      writeFileSync(join(dir, 'td.json'), JSON.stringify({ family: 'fam,ily', containerDefinitions: [{ name: nasty, image: 'img', user: '=cmd|calc' }] }));
      const { containers } = rowsOf([dir]);
      const csv = renderInventoryCsv(containers);
      assert.ok(csv.includes('"web, ""edge""\nproxy"'), csv);
      assert.ok(csv.includes('"fam,ily"'));
      assert.ok(csv.endsWith('\r\n'));
      const parsed = parse(csv) as string[][];
      assert.equal(parsed.length, 2);
      assert.equal(parsed[0][0], 'resource');
      assert.equal(parsed[1][3], nasty);
      assert.equal(parsed[1][7], "'=cmd|calc", 'a formula-like cell is defused');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('text fits 80 columns, keeps the important columns, and escapes control characters in names', () => {
    const { containers, services } = rowsOf(['examples']);
    const text = renderInventoryText(containers, services, 80);
    for (const line of text.split('\n')) assert.ok([...line].length <= 80, `${[...line].length}: ${line}`);
    const header = text.split('\n')[1];
    for (const col of ['FAMILY', 'CONTAINER', 'IMAGE', 'USER', 'OS', 'PRIV', 'RO', 'FAILS']) assert.ok(header.includes(col), header);
    const hostile = renderInventoryText([{ ...containers[0], container: 'evil\u001b[2J\u001b]0;pwned\u0007' }], [], 80);
    assert.ok(!hostile.includes('\u001b'), 'no raw escape reaches the terminal');
  });

  it('images are shortened by dropping the registry host, then in the middle', () => {
    assert.equal(shortenImage('111122223333.dkr.ecr.eu-west-1.amazonaws.com/orders-api:2.14.3', 22), '…/orders-api:2.14.3');
    assert.equal(shortenImage('nginx:1.27', 22), 'nginx:1.27');
    const cut = shortenImage('111122223333.dkr.ecr.eu-west-1.amazonaws.com/a-very-long-repository-name:v1.2.3', 20);
    assert.equal([...cut].length, 20);
    assert.ok(cut.endsWith('v1.2.3'));
  });

  it('the CLI prints every format, exits 0, and no environment value appears in any', () => {
    for (const format of ['text', 'json', 'csv']) {
      const r = run(['inventory', 'examples', '--format', format]);
      assert.equal(r.status, 0, r.stderr);
      for (const v of SECRET_VALUES) assert.ok(!r.stdout.includes(v) && !r.stderr.includes(v), `${format} leaks a value`);
    }
    const json = JSON.parse(run(['inventory', 'examples', '--format', 'json']).stdout);
    assert.equal(json.version, 1);
    // As many rows as the library gives for the same folder (examples/ grows with every source and example).
    const library = rowsOf(['examples']);
    assert.ok(library.containers.length >= 26 && library.services.length >= 2);
    assert.equal(json.containers.length, library.containers.length);
    assert.equal(json.services.length, library.services.length);
    const csv = run(['inventory', 'examples', '--format', 'csv', '--where', 'failing=ECS.21']).stdout;
    assert.equal(csv.trim().split('\r\n').length, 1 + rowsOf(['examples']).containers.filter((c) => c.failing.includes('ECS.21')).length);
    assert.equal(run(['inventory', 'examples', '--where', 'nope']).status, 2);
    assert.equal(run(['inventory', 'examples', '--format', 'xml']).status, 2);
  });
});

describe('inventory: choosing controls and empty filters', () => {
  it('--controls all shows hardening failures; failing= names must be real controls; no match says so', () => {
    const all = run(['inventory', 'examples', '--controls', 'all', '--where', 'failing=ECSG.6', '--format', 'json']);
    assert.equal(all.status, 0, all.stderr);
    assert.ok(JSON.parse(all.stdout).containers.length > 0);
    const none = run(['inventory', 'examples', '--where', 'failing=ECSG.6']);
    assert.match(none.stdout, /^no container of the \d+ read matches --where failing=ECSG\.6/);
    assert.equal(run(['inventory', 'examples', '--where', 'failing=ECS.99']).status, 2);
  });
});
