import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { scanPaths } from '../../src/api.js';
import type { ScanResult } from '../../src/engine/scan.js';

const FIX = join('test', 'fixtures', 'terraform');
const find = (r: ScanResult, id: string, control: string) => r.findings.find((f) => f.resource.id === id && f.control === control);
const status = (r: ScanResult, id: string, control: string) => find(r, id, control)?.status ?? 'NOT_APPLICABLE';
const at = (r: ScanResult, id: string, control: string) => {
  const l = find(r, id, control)?.location;
  return l ? `${l.file.split('/').slice(-1)[0]}:${l.line}` : 'none';
};

describe('Terraform HCL: container_definitions in every form, with field lines', () => {
  const r = scanPaths([join(FIX, 'forms')]);
  it('reads without input errors', () => assert.deepEqual(r.errors, []));
  it('jsonencode of an HCL literal with variables and locals: lines inside the literal', () => {
    assert.equal(status(r, 'aws_ecs_task_definition.jsonencode', 'ECS.20'), 'FAILED');
    assert.equal(find(r, 'aws_ecs_task_definition.jsonencode', 'ECS.20')!.path, 'containerDefinitions[1].user');
    assert.equal(at(r, 'aws_ecs_task_definition.jsonencode', 'ECS.20'), 'main.tf:31');
    assert.equal(at(r, 'aws_ecs_task_definition.jsonencode', 'ECS.4'), 'main.tf:32');
    assert.equal(status(r, 'aws_ecs_task_definition.jsonencode', 'ECS.21'), 'NOT_APPLICABLE', 'runtime_platform LINUX');
    assert.equal(status(r, 'aws_ecs_task_definition.jsonencode', 'ECS.15'), 'PASSED');
  });
  it('variable precedence: *.auto.tfvars over the default (app_user 2000 passes), terraform.tfvars for one without default', () => {
    const f = find(r, 'aws_ecs_task_definition.concat', 'ECS.20')!;
    assert.equal(f.status, 'PASSED');
  });
  it('a heredoc: lines in the heredoc body', () => {
    assert.equal(status(r, 'aws_ecs_task_definition.heredoc', 'ECS.5'), 'FAILED');
    assert.equal(at(r, 'aws_ecs_task_definition.heredoc', 'ECS.5'), 'main.tf:50');
    assert.equal(status(r, 'aws_ecs_task_definition.heredoc', 'ECS.20'), 'PASSED');
  });
  it('a quoted JSON string', () => {
    assert.equal(status(r, 'aws_ecs_task_definition.quoted', 'ECS.20'), 'FAILED');
    assert.equal(at(r, 'aws_ecs_task_definition.quoted', 'ECS.20'), 'main.tf:58');
  });
  it('file(): lines in the JSON file', () => {
    assert.equal(status(r, 'aws_ecs_task_definition.from_file', 'ECS.4'), 'FAILED');
    assert.equal(at(r, 'aws_ecs_task_definition.from_file', 'ECS.4'), 'containers.json:6');
  });
  it('templatefile(): rendered with its variables, lines in the template', () => {
    assert.equal(status(r, 'aws_ecs_task_definition.from_template', 'ECS.21'), 'FAILED');
    assert.equal(at(r, 'aws_ecs_task_definition.from_template', 'ECS.21'), 'containers.json.tpl:5');
    assert.equal(status(r, 'aws_ecs_task_definition.from_template', 'ECS.20'), 'NOT_APPLICABLE', 'Windows');
  });
  it('a local holding jsonencode: lines in the locals block', () => {
    assert.equal(status(r, 'aws_ecs_task_definition.from_local', 'ECS.20'), 'FAILED');
    assert.equal(at(r, 'aws_ecs_task_definition.from_local', 'ECS.20'), 'main.tf:15');
  });
  it('concat and merge of locals', () => {
    assert.equal(status(r, 'aws_ecs_task_definition.concat', 'ECS.5'), 'PASSED');
    assert.equal(status(r, 'aws_ecs_task_definition.concat', 'ECS.9'), 'PASSED');
  });
  it('a variable without a value, and a data source: NOT_AVAILABLE where they decide, nothing where they do not', () => {
    assert.equal(status(r, 'aws_ecs_task_definition.unknown_user', 'ECS.20'), 'NOT_AVAILABLE');
    assert.match(find(r, 'aws_ecs_task_definition.unknown_user', 'ECS.20')!.reason, /variable unset_user has no value/);
    assert.equal(status(r, 'aws_ecs_task_definition.unknown_user', 'ECS.5'), 'PASSED');
    assert.equal(status(r, 'aws_ecs_task_definition.from_data', 'ECS.20'), 'NOT_AVAILABLE');
    assert.match(find(r, 'aws_ecs_task_definition.from_data', 'ECS.20')!.reason, /data\.aws_ecs_container_definition\.base/);
    assert.equal(status(r, 'aws_ecs_task_definition.from_data', 'ECS.4'), 'PASSED', 'an unknown image does not decide ECS.4');
  });
  it('volume blocks: EFS transit encryption and host paths', () => {
    assert.equal(status(r, 'aws_ecs_task_definition.efs', 'ECS.18'), 'FAILED');
    assert.equal(at(r, 'aws_ecs_task_definition.efs', 'ECS.18'), 'main.tf:101');
  });
  it('--var and --var-file override tfvars', () => {
    const v = scanPaths([join(FIX, 'forms')], { terraformVars: { app_user: 'root' } });
    assert.equal(status(v, 'aws_ecs_task_definition.concat', 'ECS.20'), 'FAILED');
    const withUnset = scanPaths([join(FIX, 'forms')], { terraformVars: { unset_user: '1000' } });
    assert.equal(status(withUnset, 'aws_ecs_task_definition.unknown_user', 'ECS.20'), 'PASSED');
  });
});

describe('Terraform modules, count, for_each, default_tags and the other resource types', () => {
  const r = scanPaths([join(FIX, 'modules')]);
  it('local modules with the caller\'s inputs, for_each instances in the address; the module folder is not scanned on its own', () => {
    assert.deepEqual(r.errors, []);
    const ids = [...new Set(r.findings.map((f) => f.resource.id))].sort();
    assert.deepEqual(ids, [
      'aws_ecs_capacity_provider.asg', 'aws_ecs_cluster.counted[0]', 'aws_ecs_cluster.counted[1]', 'aws_ecs_cluster.main',
      'module.single.aws_ecs_service.this', 'module.single.aws_ecs_task_definition.this',
      'module.svc["api"].aws_ecs_service.this', 'module.svc["api"].aws_ecs_task_definition.this',
      'module.svc["legacy"].aws_ecs_service.this', 'module.svc["legacy"].aws_ecs_task_definition.this',
    ]);
    assert.equal(status(r, 'module.svc["legacy"].aws_ecs_task_definition.this', 'ECS.20'), 'FAILED');
    assert.equal(status(r, 'module.svc["api"].aws_ecs_task_definition.this', 'ECS.20'), 'PASSED');
    assert.equal(at(r, 'module.svc["legacy"].aws_ecs_task_definition.this', 'ECS.20'), 'main.tf:16');
    assert.match(find(r, 'module.svc["legacy"].aws_ecs_task_definition.this', 'ECS.20')!.location!.file, /fargate-service\/main\.tf$/);
  });
  it('services: assign_public_ip true is ENABLED (ECS.2), platform version (ECS.10, Linux from the linked task definition)', () => {
    assert.equal(status(r, 'module.svc["legacy"].aws_ecs_service.this', 'ECS.2'), 'FAILED');
    assert.equal(status(r, 'module.svc["api"].aws_ecs_service.this', 'ECS.2'), 'PASSED');
    assert.equal(status(r, 'module.single.aws_ecs_service.this', 'ECS.10'), 'FAILED');
  });
  it('clusters: setting blocks (enhanced passes), count instances; capacity providers', () => {
    assert.equal(status(r, 'aws_ecs_cluster.main', 'ECS.12'), 'PASSED');
    assert.equal(status(r, 'aws_ecs_cluster.counted[1]', 'ECS.12'), 'FAILED');
    assert.equal(status(r, 'aws_ecs_capacity_provider.asg', 'ECS.19'), 'PASSED');
  });
  it('tags include the provider default_tags, and the finding says so', () => {
    const f = find(r, 'aws_ecs_cluster.main', 'ECS.14')!;
    assert.equal(f.status, 'PASSED');
    assert.ok(f.notes.some((n) => n.includes('default_tags (owner)')));
    assert.equal(status(r, 'module.single.aws_ecs_task_definition.this', 'ECS.15'), 'PASSED');
  });
});

describe('Terraform bad input: errors or Unresolved with the reason; everything else scanned', () => {
  const r = scanPaths([join(FIX, 'bad')]);
  const messages = r.errors.map((e) => `${e.file.split('/').slice(-1)[0]}:${e.line} ${e.message}`);
  it('an HCL syntax error names the file and line', () => assert.ok(messages.some((m) => /^broken\.tf:5 HCL syntax error/.test(m)), messages.join('\n')));
  it('a cycle between locals', () => {
    assert.ok(messages.some((m) => /locals refer to each other in a cycle: a -> b -> a/.test(m)));
    assert.equal(status(r, 'aws_ecs_task_definition.cycle', 'ECS.20'), 'NOT_AVAILABLE');
  });
  it('an unknown function', () => assert.match(find(r, 'aws_ecs_task_definition.unknown_fn', 'ECS.20')!.reason, /function frobnicate\(\) is not evaluated/));
  it('a missing file in file()', () => {
    assert.ok(messages.some((m) => /^main\.tf:20 file \.\/nope\.json: no such file/.test(m)), messages.join('\n'));
    assert.equal(status(r, 'aws_ecs_task_definition.missing_file', 'ECS.20'), 'NOT_AVAILABLE');
  });
  it('a variable with no value decides only what it feeds', () => {
    assert.equal(status(r, 'aws_ecs_task_definition.no_value', 'ECS.20'), 'NOT_AVAILABLE');
    assert.equal(status(r, 'aws_ecs_task_definition.no_value', 'ECS.4'), 'FAILED');
  });
  it('malformed JSON in a heredoc, at its line', () => {
    assert.ok(messages.some((m) => /^main\.tf:32 invalid JSON/.test(m)), messages.join('\n'));
    assert.equal(status(r, 'aws_ecs_task_definition.bad_heredoc', 'ECS.20'), 'NOT_AVAILABLE');
  });
});

describe('Terraform plan JSON', () => {
  const r = scanPaths([join(FIX, 'plan', 'plan.json')]);
  it('resource_changes with full addresses; deleted resources are not judged', () => {
    const ids = [...new Set(r.findings.map((f) => f.resource.id))].sort();
    assert.deepEqual(ids, ['aws_ecs_service.web', 'aws_ecs_task_definition.later', 'module.app.aws_ecs_task_definition.this["api"]']);
  });
  it('container_definitions parsed from its JSON string; tags_all includes default tags', () => {
    assert.equal(status(r, 'module.app.aws_ecs_task_definition.this["api"]', 'ECS.20'), 'FAILED');
    assert.equal(status(r, 'module.app.aws_ecs_task_definition.this["api"]', 'ECS.15'), 'PASSED');
    assert.equal(at(r, 'module.app.aws_ecs_task_definition.this["api"]', 'ECS.20'), 'plan.json:6');
  });
  it('after_unknown values are NOT_AVAILABLE, never guessed', () => {
    assert.equal(status(r, 'aws_ecs_task_definition.later', 'ECS.20'), 'NOT_AVAILABLE');
    assert.match(find(r, 'aws_ecs_task_definition.later', 'ECS.20')!.reason, /after apply/);
  });
  it('a boolean assign_public_ip in blocks-as-lists shape', () => {
    assert.equal(status(r, 'aws_ecs_service.web', 'ECS.2'), 'FAILED');
    assert.equal(status(r, 'aws_ecs_service.web', 'ECS.10'), 'PASSED');
  });
});

describe('Terraform examples', () => {
  it('a conditional on a variable decides Container Insights, and --var changes it', () => {
    const r = scanPaths([join('examples', 'terraform')]);
    assert.deepEqual(r.errors, []);
    assert.equal(status(r, 'aws_ecs_cluster.retail', 'ECS.12'), 'PASSED');
    const dev = scanPaths([join('examples', 'terraform')], { terraformVars: { environment: 'dev' } });
    assert.equal(status(dev, 'aws_ecs_cluster.retail', 'ECS.12'), 'FAILED');
    assert.equal(status(r, 'aws_ecs_task_definition.reports', 'ECS.21'), 'FAILED');
    assert.equal(status(r, 'module.checkout.aws_ecs_task_definition.this', 'ECS.20'), 'PASSED');
    assert.equal(status(r, 'module.admin.aws_ecs_service.this', 'ECS.2'), 'FAILED');
  });
  it('the plan example', () => {
    const r = scanPaths([join('examples', 'terraform-plan')]);
    assert.equal(status(r, 'module.payments.aws_ecs_task_definition.this', 'ECS.18'), 'FAILED');
    assert.equal(status(r, 'module.payments.aws_ecs_task_definition.this', 'ECS.20'), 'FAILED');
    assert.equal(status(r, 'aws_ecs_cluster.payments', 'ECS.12'), 'FAILED');
    assert.equal(status(r, 'aws_ecs_cluster.payments', 'ECS.14'), 'PASSED');
  });
});

describe('a plan beside its configuration', () => {
  it('plan findings point at the configuration\'s file and line when both are scanned', () => {
    const plan = {
      format_version: '1.2',
      resource_changes: [{
        address: 'module.svc["legacy"].aws_ecs_task_definition.this', mode: 'managed', type: 'aws_ecs_task_definition', name: 'this',
        change: { actions: ['create'], after: { family: 'legacy', container_definitions: JSON.stringify([{ name: 'legacy', image: 'x', user: 'root' }]), tags_all: { a: 'b' } }, after_unknown: {} },
      }],
    };
    const dir = mkdtempSync(join(tmpdir(), 'ecsguard-plan-'));
    try {
      writeFileSync(join(dir, 'plan.json'), JSON.stringify(plan, null, 2));
      const r = scanPaths([join(FIX, 'modules'), join(dir, 'plan.json')]);
      const fromPlan = r.findings.filter((f) => f.resource.id === 'module.svc["legacy"].aws_ecs_task_definition.this' && f.control === 'ECS.20');
      assert.equal(fromPlan.length, 1, 'judged once, from the plan');
      for (const f of fromPlan) assert.match(`${f.location?.file}:${f.location?.line}`, /fargate-service\/main\.tf:16$/);
      const alone = scanPaths([join(dir, 'plan.json')]);
      assert.match(alone.findings.find((f) => f.control === 'ECS.20')!.location!.file, /plan\.json$/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
