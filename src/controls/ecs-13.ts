/**
 * ECS.13: ECS services should be tagged.
 * Mirrors the AWS Config managed rule `tagged-ecs-service`
 * (https://docs.aws.amazon.com/config/latest/developerguide/tagged-ecs-service.html).
 */
import type { Resource, Evaluation } from '../model/index.js';
import { COMMON_MESSAGES, type Control, type ControlParams } from './types.js';
import { judgeTags, REQUIRED_TAG_KEYS, TAGGING_MESSAGES } from './tagging.js';

export const ecs13: Control = {
  id: 'ECS.13',
  set: 'security-hub',
  title: 'ECS services should be tagged',
  severity: 'LOW',
  resourceTypes: ['AWS::ECS::Service'],
  fields: ['tags'],
  configRule: 'tagged-ecs-service',
  enabledByDefault: true,
  parameters: { requiredTagKeys: REQUIRED_TAG_KEYS },
  docs: {
    checks: "Reads the service's tags (ECS API spelling [{ key, value }]); keys starting with aws: are system tags and never count. Without the requiredTagKeys parameter it passes when the service has at least one other tag. With requiredTagKeys (1 to 6 case-sensitive keys, none starting with aws:, no default) it passes only when every listed key is present, whatever the values, and a FAILED finding names the missing keys. An invalid requiredTagKeys is a configuration error (exit code 2), not a finding.",
    why: 'Untagged services have no recorded owner, environment or cost centre, so nobody is paged when one misbehaves and forgotten ones keep running and costing money. Tag-based access control (IAM conditions on aws:ResourceTag) and tag-driven automation such as cleanup or incident routing cannot act on them either.',
    fix: 'Add tags when creating the service, or tag the running service with tag-resource on its ARN; no redeployment is needed. propagateTags (SERVICE or TASK_DEFINITION) is a separate setting that copies tags to the tasks and does not tag the service itself. Someone has to decide the tagging scheme and set requiredTagKeys to enforce it, because without that parameter a single arbitrary tag passes.',
    snippet: `{
  "serviceName": "app",
  "cluster": "prod",
  "tags": [
    { "key": "owner", "value": "payments-team" },
    { "key": "environment", "value": "prod" }
  ],
  "propagateTags": "SERVICE"
}`,
    cloudformation: `Resources:
  Service:
    Type: AWS::ECS::Service
    Properties:
      ServiceName: app
      Cluster: prod
      TaskDefinition: app:7
      PropagateTags: SERVICE
      Tags:
        - Key: owner
          Value: payments-team
        - Key: environment
          Value: prod`,
    terraform: `resource "aws_ecs_service" "app" {
  name            = "app"
  cluster         = aws_ecs_cluster.prod.id
  task_definition = aws_ecs_task_definition.app.arn
  propagate_tags  = "SERVICE"

  tags = {
    owner       = "payments-team"
    environment = "prod"
  }
}`,
    falsePositives: "Tags added outside the definition being scanned (by a deployment pipeline after creation, for instance) are invisible to a scan of the template alone, so the file can fail while the live service passes. A service tagged only by CloudFormation's aws: system tags fails by design. Severity is low: if tagging is enforced another way, such as an Organizations tag policy, the control can be left to that mechanism.",
  },
  mappings: { nist80053r5: [], pciDss401: [] },
  messages: { ...COMMON_MESSAGES, ...TAGGING_MESSAGES },
  evaluate(resource: Resource, params: ControlParams): Evaluation[] {
    return judgeTags(resource, params, 'service');
  },
};
