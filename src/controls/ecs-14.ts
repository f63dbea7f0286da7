/**
 * ECS.14: ECS clusters should be tagged.
 * Mirrors the AWS Config managed rule `tagged-ecs-cluster`
 * (https://docs.aws.amazon.com/config/latest/developerguide/tagged-ecs-cluster.html).
 */
import type { Resource, Evaluation } from '../model/index.js';
import { COMMON_MESSAGES, type Control, type ControlParams } from './types.js';
import { judgeTags, REQUIRED_TAG_KEYS, TAGGING_MESSAGES } from './tagging.js';

export const ecs14: Control = {
  id: 'ECS.14',
  set: 'security-hub',
  title: 'ECS clusters should be tagged',
  severity: 'LOW',
  resourceTypes: ['AWS::ECS::Cluster'],
  fields: ['tags'],
  configRule: 'tagged-ecs-cluster',
  enabledByDefault: true,
  parameters: { requiredTagKeys: REQUIRED_TAG_KEYS },
  docs: {
    checks: "Reads the cluster's tags (ECS API spelling [{ key, value }]); keys starting with aws: are system tags and never count. Without the requiredTagKeys parameter it passes when the cluster has at least one other tag. With requiredTagKeys (1 to 6 case-sensitive keys, none starting with aws:, no default) it passes only when every listed key is present, whatever the values, and a FAILED finding names the missing keys. An invalid requiredTagKeys is a configuration error (exit code 2), not a finding.",
    why: 'Untagged clusters have no recorded owner, environment or cost centre, so nobody is paged when one misbehaves and forgotten ones keep running and costing money. Tag-based access control (IAM conditions on aws:ResourceTag) and tag-driven automation such as cleanup or incident routing cannot act on them either.',
    fix: 'Add tags to the cluster in its template, or tag an existing cluster with tag-resource on its ARN; the change takes effect at once and touches no running task. Someone has to decide the tagging scheme and set requiredTagKeys to enforce it, because without that parameter a single arbitrary tag passes.',
    snippet: `{
  "clusterName": "prod",
  "tags": [
    { "key": "owner", "value": "platform-team" },
    { "key": "environment", "value": "prod" }
  ]
}`,
    cloudformation: `Resources:
  Cluster:
    Type: AWS::ECS::Cluster
    Properties:
      ClusterName: prod
      Tags:
        - Key: owner
          Value: platform-team
        - Key: environment
          Value: prod`,
    terraform: `resource "aws_ecs_cluster" "prod" {
  name = "prod"

  tags = {
    owner       = "platform-team"
    environment = "prod"
  }
}`,
    falsePositives: 'Tags added outside the definition being scanned (by a pipeline or a tagging job after creation) are invisible to a scan of the template alone, so the file can fail while the live cluster passes. A cluster tagged only with aws: system tags fails by design. If tagging is enforced another way, such as an Organizations tag policy, this low-severity control can be left to that mechanism.',
  },
  mappings: { nist80053r5: [], pciDss401: [] },
  messages: { ...COMMON_MESSAGES, ...TAGGING_MESSAGES },
  evaluate(resource: Resource, params: ControlParams): Evaluation[] {
    return judgeTags(resource, params, 'cluster');
  },
};
