/**
 * No credential value reaches any report: inputs full of planted secrets (environment values,
 * command and entryPoint arguments, health check commands, docker labels, log options,
 * CloudFormation parameter Defaults) go through the real sources and engine, with the resources
 * kept (as ASFF and OCSF details use them), and every report format is searched for each planted
 * value and for every 8-character piece of it.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { scanPaths } from '../../src/api.js';
import type { ScanResult } from '../../src/engine/scan.js';
import { defaultContext, type ReportContext } from '../../src/reporters/context.js';
import { renderAsff } from '../../src/reporters/asff.js';
import { renderHtml } from '../../src/reporters/html.js';
import { renderJson } from '../../src/reporters/json.js';
import { renderJunit } from '../../src/reporters/junit.js';
import { renderMarkdown } from '../../src/reporters/markdown.js';
import { renderOcsf } from '../../src/reporters/ocsf.js';
import { renderSarif } from '../../src/reporters/sarif.js';
import { renderText } from '../../src/reporters/text.js';

// Planted credentials, built in pieces so that this file holds none whole. Each is distinctive,
// so a piece of one in a report can only come from the input.
const SECRETS = {
  awsKeyId: 'AKIA' + 'PLANTEDQ7Z1X9W2V',
  awsSecret: 'pLaNtEd/AwS+sEcReT' + '/Zq9Wx8Vy7Ut6Sr5Qp4On3M',
  github: 'ghp_' + 'PlantedGithubToken0000000000000000000',
  slack: 'xoxb-' + '111111111111-222222222222-PlantedSlackTok',
  stripe: 'sk_live_' + 'PlantedStripeKey0000000',
  jwt: 'eyJhbGciOiJIUzI1NiJ9' + '.eyJzdWIiOiJwbGFudGVkIn0.UGxhbnRlZFNpZ25hdHVyZQ',
  pemBody: 'MIIEplantedPEMbody' + 'Zq9Wx8Vy7Ut6Sr5',
  dbPassword: 'Planted-Db-' + 'Passw0rd-7Zq',
  urlPassword: 'Planted-Url-' + 'Pw-9Wx8',
  cmdPassword: 'Planted-Cmd-' + 'Passw0rd-3Vy',
  entryToken: 'planted0entry' + '0token0Ut6Sr5',
  healthPassword: 'Planted-Health-' + 'Pw-5Qp4',
  labelToken: 'planted0label' + '0token0On3M2',
  splunkToken: 'planted-spl-' + 'tkn-0000-Zq9W',
  apiKey: 'planted0fb0' + 'key0Xy12Zz7',
  noEcho: 'Planted-NoEcho-' + 'Default-8Vy7',
  cfnDefault: 'Planted-Cfn-' + 'Default-6Sr5',
  cfnToken: 'planted0cfn0' + 'token0Qp4On',
};
const PEM = `-----BEGIN RSA PRIVATE KEY-----\n${SECRETS.pemBody}\n-----END RSA PRIVATE KEY-----`;

const TASK_DEFINITION = {
  family: 'leaky',
  taskRoleArn: 'arn:aws:iam::111122223333:role/leaky',
  executionRoleArn: 'arn:aws:iam::111122223333:role/leaky',
  requiresCompatibilities: ['EC2'],
  networkMode: 'bridge',
  containerDefinitions: [
    {
      name: 'app',
      image: 'app:latest',
      essential: true,
      command: ['app', `--db-password=${SECRETS.cmdPassword}`, '--token', SECRETS.github],
      entryPoint: ['sh', '-c', `export API_TOKEN=${SECRETS.entryToken} && exec "$@"`],
      healthCheck: { command: ['CMD-SHELL', `mysqladmin ping --password=${SECRETS.healthPassword}`] },
      environment: [
        { name: 'AWS_ACCESS_KEY_ID', value: SECRETS.awsKeyId },
        { name: 'AWS_SECRET_ACCESS_KEY', value: SECRETS.awsSecret },
        { name: 'SLACK_WEBHOOK_TOKEN', value: SECRETS.slack },
        { name: 'PAYMENTS', value: SECRETS.stripe },
        { name: 'SESSION', value: SECRETS.jwt },
        { name: 'TLS_KEY', value: PEM },
        { name: 'DB_PASSWORD', value: SECRETS.dbPassword },
        { name: 'DATABASE_URL', value: `postgres://app:${SECRETS.urlPassword}@db.internal:5432/app` },
      ],
      dockerLabels: { 'com.example.deploy-token': SECRETS.labelToken },
      logConfiguration: { logDriver: 'splunk', options: { 'splunk-url': 'https://splunk.example.com:8088', 'splunk-token': SECRETS.splunkToken } },
    },
    {
      name: 'router',
      image: 'public.ecr.aws/aws-observability/aws-for-fluent-bit:stable',
      essential: false,
      logConfiguration: { logDriver: 'awsfirelens', options: { Name: 'datadog', apikey: SECRETS.apiKey } },
    },
  ],
  tags: [{ key: 'team', value: 'payments' }],
};

const TEMPLATE = `Parameters:
  DbPassword:
    Type: String
    NoEcho: true
    Default: ${SECRETS.noEcho}
  ApiSecret:
    Type: String
    Default: ${SECRETS.cfnDefault}
Resources:
  LeakyTask:
    Type: AWS::ECS::TaskDefinition
    Properties:
      Family: leaky-cfn
      ContainerDefinitions:
        - Name: app
          Image: app:1.0
          Command:
            - !Sub "--db-password=\${DbPassword}"
          Environment:
            - Name: API_SECRET
              Value: !Ref ApiSecret
            - Name: STRIPE
              Value: ${SECRETS.stripe}
          DockerLabels:
            com.example.token: ${SECRETS.cfnToken}
          LogConfiguration:
            LogDriver: splunk
            Options:
              splunk-token: ${SECRETS.splunkToken}
`;

/** Every 8-character piece of every planted value. */
const PIECES = [...new Set(Object.values(SECRETS).flatMap((v) => Array.from({ length: v.length - 7 }, (_, i) => v.slice(i, i + 8))))];

function assertNoLeak(format: string, output: string): void {
  assert.ok(output.length > 0, `${format} rendered something`);
  for (const v of Object.values(SECRETS)) assert.ok(!output.includes(v), `${format} contains a planted value (${v.slice(0, 4)}…)`);
  const leaked = PIECES.filter((p) => output.includes(p));
  assert.deepEqual(leaked, [], `${format} contains pieces of planted values`);
}

describe('no secret value in any report format', () => {
  let dir: string;
  let result: ScanResult;
  let context: ReportContext;
  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'ecsguard-leak-'));
    writeFileSync(join(dir, 'leaky.json'), JSON.stringify(TASK_DEFINITION, null, 2));
    writeFileSync(join(dir, 'leaky.yaml'), TEMPLATE);
    const cwd = process.cwd();
    process.chdir(dir);
    try {
      result = scanPaths(['.'], { keepResources: true });
    } finally {
      process.chdir(cwd);
    }
    context = defaultContext({ cwd: dir, now: new Date('2026-11-29T12:00:00Z'), account: '111122223333', region: 'eu-west-1' });
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('the planted secrets are found: ECS.8 and ECSG.5 fail on both inputs', () => {
    assert.deepEqual(result.errors, []);
    const status = (id: string, control: string) => result.findings.find((f) => f.resource.id === id && f.control === control)?.status;
    assert.equal(status('leaky', 'ECS.8'), 'FAILED');
    assert.equal(status('leaky', 'ECSG.5'), 'FAILED');
    assert.equal(status('LeakyTask', 'ECSG.5'), 'FAILED');
    const leaky = result.findings.find((f) => f.resource.id === 'leaky' && f.control === 'ECSG.5')!;
    // Every planted place is reported: environment (8), command (2), entryPoint, health check, label, two log options.
    assert.equal(1 + leaky.violations.length, 15, [leaky.reason, ...leaky.violations.map((v) => v.reason)].join('\n'));
    const cfn = result.findings.find((f) => f.resource.id === 'LeakyTask' && f.control === 'ECSG.5')!;
    assert.equal(1 + cfn.violations.length, 5, [cfn.reason, ...cfn.violations.map((v) => v.reason)].join('\n'));
  });

  const formats: Record<string, (r: ScanResult, c: ReportContext) => string> = {
    text: (r) => renderText(r, { width: 100 }),
    'text --quiet': (r) => renderText(r, { quiet: true, color: true }),
    json: (r) => renderJson(r),
    sarif: (r, c) => renderSarif(r, c),
    asff: (r, c) => renderAsff(r, c),
    ocsf: (r, c) => renderOcsf(r, c),
    junit: (r, c) => renderJunit(r, c),
    html: (r, c) => renderHtml(r, c),
    markdown: (r) => renderMarkdown(r),
  };
  for (const [format, render] of Object.entries(formats)) {
    it(`${format}: no planted value, nor an 8-character piece of one`, () => assertNoLeak(format, render(result, context)));
  }
});
