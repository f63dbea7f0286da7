/**
 * ECS.12: ECS clusters should use Container Insights.
 * Mirrors the AWS Config managed rule `ecs-container-insights-enabled`
 * (https://docs.aws.amazon.com/config/latest/developerguide/ecs-container-insights-enabled.html).
 * `enhanced` (Container Insights with enhanced observability, December 2024) passes as `enabled` does.
 */
import { isUnresolved, type Resource, type Evaluation } from '../model/index.js';
import { COMMON_MESSAGES, type Control } from './types.js';
import { field } from './helpers.js';

export const ecs12: Control = {
  id: 'ECS.12',
  set: 'security-hub',
  title: 'ECS clusters should use Container Insights',
  severity: 'MEDIUM',
  resourceTypes: ['AWS::ECS::Cluster'],
  fields: ['settings'],
  configRule: 'ecs-container-insights-enabled',
  enabledByDefault: true,
  parameters: {},
  docs: {
    checks: "Reads the cluster's settings entry named containerInsights. The value enabled passes, and so does enhanced (Container Insights with enhanced observability, added by AWS in December 2024; ecsguard treats it as on). disabled, or no containerInsights entry at all, fails. It takes no parameters.",
    why: 'Without Container Insights there are no per-service and per-task CPU, memory, network and storage metrics in CloudWatch, so resource exhaustion, restart loops or a sudden CPU spike from a cryptominer in a compromised task go unnoticed. It also leaves investigators without the performance history needed to reconstruct what a task was doing.',
    fix: 'Set the cluster setting containerInsights to enabled, or to enhanced for task- and container-level detail, with update-cluster-settings or in your template. The account-level default only affects clusters created after it is set, so existing clusters must be changed one by one. Container Insights is billed as CloudWatch metrics and log ingestion; someone has to accept that cost.',
    snippet: `{
  "clusterName": "prod",
  "settings": [
    { "name": "containerInsights", "value": "enabled" }
  ]
}`,
    cloudformation: `Resources:
  Cluster:
    Type: AWS::ECS::Cluster
    Properties:
      ClusterName: prod
      ClusterSettings:
        - Name: containerInsights
          Value: enabled`,
    terraform: `resource "aws_ecs_cluster" "prod" {
  name = "prod"

  setting {
    name  = "containerInsights"
    value = "enabled"
  }
}`,
    falsePositives: 'A cluster whose tasks are already monitored at the same depth by another tool (a third-party agent or a Prometheus stack) may not need Container Insights; accept the finding if that monitoring is verified. Empty or short-lived sandbox clusters are also reasonable exceptions when the cost matters.',
  },
  mappings: { nist80053r5: ['AU-6(3)', 'AU-6(4)', 'CA-7', 'SI-2'], pciDss401: [] },
  messages: {
    ...COMMON_MESSAGES,
    insightsOn: "containerInsights is '{value}'",
    insightsOff: "containerInsights is '{value}'; set it to enabled (or enhanced)",
    insightsMissing: 'the cluster has no containerInsights setting, so Container Insights is off; add settings [{ name: containerInsights, value: enabled }]',
    insightsUnknown: 'containerInsights is unknown: {reason}',
  },
  evaluate(resource: Resource): Evaluation[] {
    const settings = field(resource.properties, 'settings');
    if (isUnresolved(settings)) return [{ status: 'NOT_AVAILABLE', messageId: 'insightsUnknown', data: { reason: settings.unresolved }, path: 'settings' }];
    let unknown: { reason: string; path: string } | null = null;
    if (Array.isArray(settings)) {
      for (let i = 0; i < settings.length; i++) {
        const s: unknown = settings[i];
        if (isUnresolved(s)) { unknown ??= { reason: s.unresolved, path: `settings[${i}]` }; continue; }
        const name = field(s, 'name');
        if (isUnresolved(name)) { unknown ??= { reason: name.unresolved, path: `settings[${i}].name` }; continue; }
        if (name !== 'containerInsights') continue;
        const value = field(s, 'value');
        const path = `settings[${i}].value`;
        if (isUnresolved(value)) return [{ status: 'NOT_AVAILABLE', messageId: 'insightsUnknown', data: { reason: value.unresolved }, path }];
        const v = typeof value === 'string' ? value : String(value);
        if (v === 'enabled' || v === 'enhanced') return [{ status: 'PASSED', messageId: 'insightsOn', data: { value: v }, path }];
        return [{ status: 'FAILED', messageId: 'insightsOff', data: { value: v }, path }];
      }
    }
    if (unknown) return [{ status: 'NOT_AVAILABLE', messageId: 'insightsUnknown', data: { reason: unknown.reason }, path: unknown.path }];
    return [{ status: 'FAILED', messageId: 'insightsMissing', path: 'settings' }];
  },
};
