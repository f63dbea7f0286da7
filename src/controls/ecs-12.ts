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
  title: 'ECS clusters should use Container Insights',
  severity: 'MEDIUM',
  resourceTypes: ['AWS::ECS::Cluster'],
  configRule: 'ecs-container-insights-enabled',
  enabledByDefault: true,
  parameters: {},
  docs: { checks: '', why: '', fix: '', snippet: '', cloudformation: '', terraform: '', falsePositives: '' },
  mappings: { nist80053r5: [], pciDss401: [] },
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
