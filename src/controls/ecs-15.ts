/**
 * ECS.15: ECS task definitions should be tagged.
 * Mirrors the AWS Config managed rule `tagged-ecs-taskdefinition`
 * (https://docs.aws.amazon.com/config/latest/developerguide/tagged-ecs-taskdefinition.html).
 */
import type { Resource, Evaluation } from '../model/index.js';
import { COMMON_MESSAGES, type Control, type ControlParams } from './types.js';
import { judgeTags, REQUIRED_TAG_KEYS, TAGGING_MESSAGES } from './tagging.js';

export const ecs15: Control = {
  id: 'ECS.15',
  set: 'security-hub',
  title: 'ECS task definitions should be tagged',
  severity: 'LOW',
  resourceTypes: ['AWS::ECS::TaskDefinition'],
  fields: ['tags'],
  configRule: 'tagged-ecs-taskdefinition',
  enabledByDefault: true,
  parameters: { requiredTagKeys: REQUIRED_TAG_KEYS },
  docs: {
    checks: "Reads the task definition's tags (ECS API spelling [{ key, value }]); keys starting with aws: are system tags and never count. Without the requiredTagKeys parameter it passes when the task definition has at least one other tag. With requiredTagKeys (1 to 6 case-sensitive keys, none starting with aws:, no default) it passes only when every listed key is present, whatever the values, and a FAILED finding names the missing keys. An invalid requiredTagKeys is a configuration error (exit code 2), not a finding. Only the latest ACTIVE revision of each family is evaluated unless --all-revisions is given.",
    why: 'Untagged task definitions have no recorded owner, environment or cost centre, so nobody is paged when one misbehaves and forgotten ones keep running and costing money. Tag-based access control (IAM conditions on aws:ResourceTag) and tag-driven automation such as cleanup or incident routing cannot act on them either.',
    fix: 'Pass tags when registering the task definition; they belong to that revision, so every new revision needs them again (templates do this for you). An existing revision can be tagged with tag-resource on its ARN. Someone has to decide the tagging scheme and set requiredTagKeys to enforce it, because without that parameter a single arbitrary tag passes.',
    snippet: `{
  "family": "app",
  "containerDefinitions": [
    {
      "name": "app",
      "image": "111122223333.dkr.ecr.eu-west-1.amazonaws.com/app:1.4.2"
    }
  ],
  "tags": [
    { "key": "owner", "value": "payments-team" },
    { "key": "environment", "value": "prod" }
  ]
}`,
    cloudformation: `Resources:
  TaskDefinition:
    Type: AWS::ECS::TaskDefinition
    Properties:
      Family: app
      ContainerDefinitions:
        - Name: app
          Image: 111122223333.dkr.ecr.eu-west-1.amazonaws.com/app:1.4.2
      Tags:
        - Key: owner
          Value: payments-team
        - Key: environment
          Value: prod`,
    terraform: `resource "aws_ecs_task_definition" "app" {
  family = "app"
  container_definitions = jsonencode([
    {
      name  = "app"
      image = "111122223333.dkr.ecr.eu-west-1.amazonaws.com/app:1.4.2"
    }
  ])

  tags = {
    owner       = "payments-team"
    environment = "prod"
  }
}`,
    falsePositives: 'A revision registered by a tool that does not pass tags (some deployment scripts register new revisions with only the container definitions) fails even though earlier revisions were tagged; fix the tool rather than the finding. Tags added after registration are invisible to a scan of the template alone. If tagging is enforced another way, this low-severity control can be left to that mechanism.',
  },
  mappings: { nist80053r5: [], pciDss401: [] },
  messages: { ...COMMON_MESSAGES, ...TAGGING_MESSAGES },
  evaluate(resource: Resource, params: ControlParams): Evaluation[] {
    return judgeTags(resource, params, 'task definition');
  },
};
