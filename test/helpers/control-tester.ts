/**
 * A table-driven tester for controls, in the style of ESLint's RuleTester: each case is a
 * resource's properties and the verdict the control must reach. Cases run through the engine's
 * fold, so they test the finding a user sees (status, messageId, path), not internals.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { Control } from '../../src/controls/types.js';
import { resolveParams } from '../../src/engine/configuration.js';
import { foldEvaluations } from '../../src/engine/evaluate.js';
import type { ComplianceStatus, Resource, ResourceContext, ResourceType } from '../../src/model/index.js';

export interface ControlCase {
  name: string;
  /** The resource's properties in ECS API shape. */
  properties: Record<string, unknown>;
  type?: ResourceType;
  params?: Record<string, unknown>;
  context?: ResourceContext;
  /** Expected status; NOT_APPLICABLE means the control yields no finding. */
  status: ComplianceStatus | 'NOT_APPLICABLE';
  messageId?: string;
  path?: string | null;
  /** Paths of the other failing fields (violations), in order. */
  violations?: string[];
  /** Substrings the rendered reason must contain. */
  reasonIncludes?: string[];
  /** Substrings that must appear nowhere in the finding (e.g. a secret's value). */
  never?: string[];
  notesInclude?: string[];
}

/** Builds a resource around `properties` for control tests. */
export function resourceOf(properties: Record<string, unknown>, type: ResourceType = 'AWS::ECS::TaskDefinition', context?: ResourceContext): Resource {
  return {
    type,
    id: 'test-resource',
    name: 'test-resource',
    properties: properties as Resource['properties'],
    origin: { kind: 'file', file: 'test.json', format: 'taskdef-json' },
    locate: () => ({ file: 'test.json', line: 1, column: 1 }),
    context,
  };
}

/** Registers one `it` per case under `describe(control.id)`. */
export function testControl(control: Control, cases: ControlCase[]): void {
  describe(control.id, () => {
    for (const c of cases) {
      it(`${c.status}${c.messageId ? ` (${c.messageId})` : ''}: ${c.name}`, () => {
        const type = c.type ?? control.resourceTypes[0];
        const resource = resourceOf(structuredClone(c.properties), type, c.context);
        const params = resolveParams(control, c.params);
        const evaluations = control.evaluate(resource, params);
        if (c.status === 'NOT_APPLICABLE') {
          assert.deepEqual(evaluations, [], 'the control must yield no finding');
          return;
        }
        assert.ok(evaluations.length > 0, 'the control must yield a finding');
        const finding = foldEvaluations(control, resource, evaluations);
        assert.equal(finding.status, c.status, `reason: ${finding.reason}`);
        if (c.messageId) assert.equal(finding.messageId, c.messageId);
        assert.ok(control.messages[finding.messageId], `messageId ${finding.messageId} is declared`);
        if (c.path !== undefined) assert.equal(finding.path, c.path);
        if (c.violations) assert.deepEqual(finding.violations.map((v) => v.path), c.violations);
        for (const s of c.reasonIncludes ?? []) assert.ok(finding.reason.includes(s), `reason '${finding.reason}' includes '${s}'`);
        for (const s of c.notesInclude ?? []) assert.ok(finding.notes.some((n) => n.includes(s)), `notes include '${s}'`);
        for (const s of c.never ?? []) assert.ok(!JSON.stringify(finding).includes(s), `finding must not contain '${s}'`);
        assert.ok(!/\{\w+\}/.test(finding.reason), `reason has no unfilled placeholder: ${finding.reason}`);
      });
    }
  });
}

/** A container definition with sensible defaults, overridden by `extra`. */
export function container(extra: Record<string, unknown> = {}): Record<string, unknown> {
  return { name: 'app', image: 'public.ecr.aws/docker/library/nginx:1.27', essential: true, ...extra };
}

/** A task definition with `containers`, overridden by `extra`. */
export function taskDef(containers: Record<string, unknown>[], extra: Record<string, unknown> = {}): Record<string, unknown> {
  return { family: 'web', networkMode: 'awsvpc', containerDefinitions: containers, ...extra };
}
