/** A finding's resource.arn is the resource's own ARN, never its cluster's or service's. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { evaluateResource } from '../../src/engine/evaluate.js';
import { activeControls } from '../../src/engine/configuration.js';
import type { Resource } from '../../src/model/index.js';

function resource(type: Resource['type'], properties: Record<string, unknown>): Resource {
  return { type, id: 'Web', name: 'web', properties: properties as Resource['properties'], origin: { kind: 'file', file: 'web.yaml', format: 'cfn-yaml' }, locate: () => null };
}

test('a service with only its cluster ARN, and a task set with only its service ARN, have no ARN of their own', () => {
  const controls = activeControls({ controls: ['all'] });
  const service = evaluateResource(resource('AWS::ECS::Service', { serviceName: 'web', clusterArn: 'arn:aws:ecs:eu-west-1:111122223333:cluster/prod', networkConfiguration: { awsvpcConfiguration: { assignPublicIp: 'ENABLED' } } }), controls);
  assert.ok(service.length > 0);
  for (const f of service) assert.equal(f.resource.arn, undefined, f.control);
  const taskSet = evaluateResource(resource('AWS::ECS::TaskSet', { serviceArn: 'arn:aws:ecs:eu-west-1:111122223333:service/prod/web', taskSetArn: 'arn:aws:ecs:eu-west-1:111122223333:task-set/prod/web/ecs-svc/123' }), controls);
  assert.ok(taskSet.length > 0);
  for (const f of taskSet) assert.equal(f.resource.arn, 'arn:aws:ecs:eu-west-1:111122223333:task-set/prod/web/ecs-svc/123', f.control);
});
