/**
 * The two control sets in the registry and the configuration: every hardening check is a
 * complete, separate control (metadata, documentation, peers, messages), and `--controls`
 * takes the set names as well as IDs.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { CONTROLS, controlById, controlSetOf } from '../../src/controls/index.js';
import { activeControls, ConfigError, resolveParams } from '../../src/engine/configuration.js';
import { renderExplain } from '../../src/cli/explain.js';

const hardening = CONTROLS.filter((c) => c.set === 'extra');
const hub = CONTROLS.filter((c) => c.set === 'security-hub');
const ids = (list: { control: { id: string } }[]) => list.map((a) => a.control.id);

describe('control sets', () => {
  it('Security Hub controls are ECS.n with a Config rule; hardening checks are ECSG.n without one', () => {
    assert.equal(hub.length, 18);
    assert.deepEqual(hardening.map((c) => c.id), ['ECSG.1', 'ECSG.2', 'ECSG.3', 'ECSG.4', 'ECSG.5', 'ECSG.6', 'ECSG.7', 'ECSG.8', 'ECSG.9', 'ECSG.10']);
    for (const c of hub) {
      assert.match(c.id, /^ECS\.\d+$/);
      assert.ok(c.configRule, c.id);
    }
    for (const c of hardening) {
      assert.match(c.id, /^ECSG\.\d+$/);
      assert.equal(c.configRule, null, c.id);
      assert.ok(c.enabledByDefault, `${c.id} is on by default`);
      assert.ok(!/security hub/i.test(c.title), `${c.id}: the title does not borrow Security Hub's name`);
    }
    assert.equal(CONTROLS.findIndex((c) => c.set === 'extra'), hub.length, 'Security Hub controls first, hardening checks after');
    assert.equal(controlSetOf('ECSG.99'), 'extra');
    assert.equal(controlSetOf('ECS.99'), 'security-hub');
    assert.equal(controlById('ecsg.10')?.id, 'ECSG.10');
  });

  it('every hardening check is documented in full, with its peers, parameters and messages', () => {
    for (const c of hardening) {
      for (const [k, v] of Object.entries(c.docs)) assert.ok(v.length > 40, `${c.id} docs.${k}`);
      assert.ok(Array.isArray(c.peers), `${c.id} lists its peers (empty when none was confirmed)`);
      for (const p of c.peers!) assert.ok(p.id && p.title && ['Checkov', 'KICS', 'Prowler', 'Trivy', 'CloudSploit'].includes(p.tool), `${c.id} peer ${p.id}`);
      for (const [name, spec] of Object.entries(c.parameters)) {
        assert.ok(spec.description.length > 10, `${c.id}.${name}`);
        if (spec.default !== undefined) assert.equal(spec.validate?.(spec.default) ?? null, null, `${c.id}.${name}: the default is valid`);
      }
      for (const k of ['containersUnknown', 'containerUnknown', 'valueUnknown']) assert.ok(c.messages[k], `${c.id} has the common message ${k}`);
      const text = renderExplain(c, 100);
      assert.match(text, /Peer checks/);
      assert.match(text, /not a Security Hub control/);
    }
    const peers = Object.fromEntries(hardening.map((c) => [c.id, (c.peers ?? []).map((p) => p.id)]));
    assert.deepEqual(peers['ECSG.8'], ['CKV_AWS_249']);
    assert.deepEqual(peers['ECSG.9'], ['CKV_AWS_223', 'CKV_AWS_224']);
    assert.ok(peers['ECSG.5'].includes('AVD-AWS-0036') && peers['ECSG.5'].includes('ecs_task_definitions_no_environment_secrets'));
    assert.ok(peers['ECSG.10'].includes('ecs_task_definitions_logging_block_mode'));
  });

  it('parameters are validated like any other control\'s', () => {
    assert.throws(() => resolveParams(controlById('ECSG.4')!, { sensitiveHostPaths: ['etc'] }), ConfigError);
    assert.throws(() => resolveParams(controlById('ECSG.7')!, { allowedRegistries: ['has space'] }), ConfigError);
    assert.throws(() => resolveParams(controlById('ECSG.6')!, { requireDigest: 'yes' }), ConfigError);
    assert.deepEqual(resolveParams(controlById('ECSG.7')!, { allowedRegistries: 'public.ecr.aws, *.dkr.ecr.*.amazonaws.com' }).allowedRegistries, ['public.ecr.aws', '*.dkr.ecr.*.amazonaws.com']);
  });
});

describe('--controls and --skip-controls with set names', () => {
  it('the default runs both sets, without the retired ECS.1', () => {
    const on = ids(activeControls());
    assert.deepEqual(on, CONTROLS.filter((c) => c.enabledByDefault).map((c) => c.id));
    assert.ok(on.includes('ECSG.1') && on.includes('ECS.21') && !on.includes('ECS.1'));
  });
  it('security-hub, extra and all select the sets (any case); ECS.1 still needs its ID', () => {
    assert.deepEqual(ids(activeControls({ controls: ['security-hub'] })), hub.filter((c) => c.enabledByDefault).map((c) => c.id));
    assert.deepEqual(ids(activeControls({ controls: ['EXTRA'] })), hardening.map((c) => c.id));
    assert.deepEqual(ids(activeControls({ controls: ['all'] })), ids(activeControls()));
    assert.deepEqual(ids(activeControls({ controls: ['extra', 'ECS.1', 'ECS.20'] })), ['ECS.1', 'ECS.20', ...hardening.map((c) => c.id)]);
  });
  it('a set can be skipped, and IDs skipped from a set', () => {
    assert.deepEqual(ids(activeControls({ skipControls: ['extra'] })), hub.filter((c) => c.enabledByDefault).map((c) => c.id));
    assert.deepEqual(ids(activeControls({ controls: ['extra'], skipControls: ['ECSG.6', 'ECSG.2'] })), hardening.map((c) => c.id).filter((id) => id !== 'ECSG.6' && id !== 'ECSG.2'));
    assert.throws(() => activeControls({ controls: ['all'], skipControls: ['all'] }), ConfigError);
  });
  it('an unknown name is a configuration error that names the set names', () => {
    assert.throws(() => activeControls({ controls: ['hardening'] }), (e: Error) => e instanceof ConfigError && /security-hub, extra, all/.test(e.message));
  });
  it('parameters of a hardening check are given by its ID', () => {
    const on = activeControls({ parameters: { 'ECSG.7': { allowedRegistries: ['public.ecr.aws'] } } });
    assert.deepEqual(on.find((a) => a.control.id === 'ECSG.7')!.params.allowedRegistries, ['public.ecr.aws']);
    assert.throws(() => activeControls({ parameters: { extra: {} } }), ConfigError);
  });
});
