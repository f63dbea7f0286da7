/**
 * Generates `schema/ecsguard.schema.json`, the JSON Schema of the configuration file
 * (`.ecsguard.yml`), from the control registry: every control's known parameters, with their
 * types, defaults and descriptions, come from `CONTROLS`. The file is committed; a test
 * (test/engine/config-file.test.ts) fails when it differs from what this script writes.
 *
 * ```sh
 * node --import tsx scripts/gen-schema.ts           # (re)writes schema/ecsguard.schema.json
 * node --import tsx scripts/gen-schema.ts --check   # exit 1 when the committed file is stale
 * ```
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { CONTROLS } from '../src/controls/index.js';
import { GROUP_NAMES } from '../src/engine/configuration.js';
import type { ParameterSpec } from '../src/controls/types.js';

/** Where the schema is committed. */
export const SCHEMA_FILE = fileURLToPath(new URL('../schema/ecsguard.schema.json', import.meta.url));

/** The `$id` of the schema. */
export const SCHEMA_ID = 'urn:ecsguard:schema:config';

/** The report formats `scan --format` takes, which the `format` key accepts too. */
export const SCAN_FORMATS = ['text', 'json', 'sarif', 'asff', 'ocsf', 'junit', 'html', 'markdown'] as const;

/** The values of `fail-on`, lower case; the upper-case spellings are accepted too. */
export const FAIL_ON_VALUES = ['low', 'medium', 'high', 'critical', 'none'] as const;

type Schema = Record<string, unknown>;

/** The schema of one control parameter, from its {@link ParameterSpec}. */
function parameterSchema(spec: ParameterSpec): Schema {
  const out: Schema =
    spec.type === 'string[]'
      ? { type: ['array', 'string'], items: { type: 'string' }, description: `${spec.description} A list, or one comma-separated string.` }
      : { type: spec.type, description: spec.description };
  if (spec.default !== undefined) out.default = spec.default;
  return out;
}

/** A list of control IDs or set names, or one comma-separated string of them. */
function controlList(title: string, description: string, minItems?: number): Schema {
  return {
    title,
    description,
    type: ['array', 'string'],
    items: { type: 'string', enum: [...CONTROLS.map((c) => c.id), ...GROUP_NAMES] },
    ...(minItems ? { minItems } : {}),
    examples: [['ECS.20', 'ECS.21'], 'security-hub,ECSG.1'],
  };
}

/** The whole schema, as an object (see {@link renderSchema} for the committed text). */
export function generateSchema(): Schema {
  const ids = CONTROLS.map((c) => c.id);
  const parameters: Record<string, Schema> = {};
  for (const c of CONTROLS) {
    const names = Object.keys(c.parameters);
    parameters[c.id] = {
      title: `${c.id} parameters`,
      description: `${c.id}: ${c.title}. ${names.length ? `Parameters: ${names.join(', ')}.` : 'It takes no parameters.'}`,
      type: 'object',
      properties: Object.fromEntries(Object.entries(c.parameters).map(([name, spec]) => [name, parameterSchema(spec)])),
      additionalProperties: false,
    };
  }
  return {
    $schema: 'http://json-schema.org/draft-07/schema#',
    $id: SCHEMA_ID,
    title: 'ecsguard configuration file (.ecsguard.yml)',
    description:
      'What ecsguard runs and how: the controls, their parameters, the severity gate, the report format, suppressions and the settings of `ecsguard fix`. ' +
      'Found by walking up from the first scanned path, or given with --config FILE. Command-line options win over the file. ' +
      'Generated from the control registry by scripts/gen-schema.ts: do not edit by hand.',
    type: 'object',
    additionalProperties: false,
    properties: {
      controls: controlList(
        'Controls to run',
        `Run exactly these controls: IDs (ECS.20, ECSG.1; a retired control such as ECS.1 runs only when named) or the sets ${GROUP_NAMES.join(', ')}, mixed freely. As --controls, which wins over it.`,
        1,
      ),
      'skip-controls': controlList('Controls to skip', `Do not run these controls: IDs or the sets ${GROUP_NAMES.join(', ')}. As --skip-controls, which wins over it.`),
      'fail-on': {
        title: 'Severity gate',
        description: 'The lowest severity of a FAILED finding that makes the exit code 1; none never fails. As --fail-on, which wins over it.',
        type: 'string',
        enum: [...FAIL_ON_VALUES, ...FAIL_ON_VALUES.map((v) => v.toUpperCase())],
        default: 'low',
      },
      format: {
        title: 'Report format',
        description: 'The report format of `ecsguard scan` when --format is not given.',
        type: 'string',
        enum: [...SCAN_FORMATS],
        default: 'text',
      },
      'all-revisions': {
        title: 'Every revision',
        description: 'Judge every ACTIVE revision of each task definition family, not only the latest. As --all-revisions.',
        type: 'boolean',
        default: false,
      },
      parameters: {
        title: 'Control parameters',
        description: "Parameters by control ID, e.g. ECS.15: { requiredTagKeys: [team] }. `ecsguard explain ID` describes each control's parameters.",
        type: 'object',
        properties: parameters,
        patternProperties: { '^(ECS|ECSG)\\.[0-9]+$': { type: 'object' } },
        additionalProperties: false,
      },
      suppressions: {
        title: 'Suppressions',
        description: 'Findings accepted on purpose: a control (or * for all) on the resources matching glob patterns, with a reason and an optional last day.',
        type: 'array',
        items: {
          title: 'Suppression',
          type: 'object',
          required: ['control', 'resources', 'reason'],
          additionalProperties: false,
          properties: {
            control: { description: 'A control ID (upper or lower case), or * for every control.', type: 'string', enum: ['*', ...ids, ...ids.map((id) => id.toLowerCase())] },
            resources: {
              description:
                "Glob patterns (picomatch) matched against the resource's id, name, file (as given, relative to the current directory or to this file's folder), family, ARN or account: one pattern, or a list. " +
                'Brackets also match literally (module.app[*].aws_ecs_service.this), backslashes also as /; a pattern cannot start with !.',
              type: ['array', 'string'],
              items: { type: 'string', minLength: 1, pattern: '\\S' },
              minItems: 1,
              minLength: 1,
              pattern: '\\S',
              examples: ['legacy-*', ['arn:aws:ecs:*:111122223333:task-definition/batch-*', 'infra/legacy/**']],
            },
            reason: { description: 'Why the finding is accepted (required, not empty).', type: 'string', pattern: '\\S' },
            expires: { description: 'The last day the suppression applies, YYYY-MM-DD; after it the finding counts again.', type: 'string', pattern: '^[0-9]{4}-[0-9]{2}-[0-9]{2}$', examples: ['2026-12-31'] },
          },
        },
      },
      fix: {
        title: 'ecsguard fix settings',
        description: 'What `ecsguard fix` writes into task definitions it hardens.',
        type: 'object',
        additionalProperties: false,
        properties: {
          linuxUser: { description: 'The user `ecsguard fix` sets on Linux containers (ECS.20): not root or UID 0.', type: 'string', pattern: '\\S', examples: ['1000:1000'] },
          windowsUser: { description: 'The user `ecsguard fix` sets on Windows containers (ECS.21): not ContainerAdministrator.', type: 'string', pattern: '\\S', examples: ['ContainerUser'] },
          logGroupPrefix: {
            description: 'The prefix of the CloudWatch Logs group names `ecsguard fix` gives containers without a log configuration (ECS.9).',
            type: 'string',
            pattern: '^[.\\-_/#A-Za-z0-9]+$',
            default: '/ecs/',
          },
        },
      },
    },
  };
}

/** The schema as committed: two-space JSON and a final newline. */
export function renderSchema(): string {
  return JSON.stringify(generateSchema(), null, 2) + '\n';
}

function main(argv: string[]): number {
  const text = renderSchema();
  if (argv.includes('--check')) {
    let committed = '';
    try {
      committed = readFileSync(SCHEMA_FILE, 'utf8');
    } catch {
      // missing: stale
    }
    if (committed === text) return 0;
    process.stderr.write(`${SCHEMA_FILE} is stale: run node --import tsx scripts/gen-schema.ts\n`);
    return 1;
  }
  writeFileSync(SCHEMA_FILE, text);
  process.stdout.write(`wrote ${SCHEMA_FILE}\n`);
  return 0;
}

if (process.argv[1] && import.meta.url === pathToFileURL(resolve(process.argv[1])).href) process.exitCode = main(process.argv.slice(2));
