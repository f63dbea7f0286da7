/**
 * ecsguard's library API: the same pieces the CLI uses.
 *
 * ```ts
 * import { evaluateTaskDefinition, scanPaths } from 'ecsguard';
 * const findings = evaluateTaskDefinition(taskDefinition, tags);
 * ```
 */
export * from './model/index.js';
export { operatingSystemOf, userPrincipal, isLinuxRoot, isWindowsAdmin, hasUser } from './model/task-definition.js';
export { CONTROLS, controlById } from './controls/index.js';
export type { Control, ControlParams, ControlDocs, ParameterSpec, ParamValue } from './controls/types.js';
export { Scan, type ScanResult, type ScanSummary } from './engine/scan.js';
export { activeControls, ConfigError, parseFailOn, type EngineOptions, type ActiveControl } from './engine/configuration.js';
export { evaluateResource } from './engine/evaluate.js';
export { applyBaseline, baselineOf, fingerprint, readBaseline, writeBaseline, type BaselineEntry, type BaselineFile, type BaselineOptions } from './engine/baseline.js';
export { findConfigFile, loadConfigFile, type FileConfig } from './engine/config-file.js';
export { fixPaths, type FixReport, type FixOptions, type FileChange } from './fix/index.js';
export { planFixes, applyOps, FIXABLE_CONTROLS, type FixPlan, type FixOp, type FixSettings, type ControlFix, type Refusal } from './fix/plan.js';
export { toRegisterInput, DESCRIBE_ONLY_FIELDS } from './fix/register.js';
export { planRollout, applyRollout } from './fix/rollout.js';
export { scanPaths, evaluateTaskDefinition, type ScanOptions } from './api.js';
export { readInput, readText } from './sources/index.js';
export { renderJson } from './reporters/json.js';
export { renderText } from './reporters/text.js';
export { TOOL } from './version.js';
