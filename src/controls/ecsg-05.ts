/**
 * ECSG.5 (ecsguard hardening): container definitions should hold no credential in plain text:
 * not in environment values (beyond ECS.8's three names), command, entryPoint, the health check
 * command, docker labels or log driver options. Detection is in ./secret-detection.ts; a value
 * is read only to classify it and never reaches a message, note or path.
 */
import type { TaskDefinition } from '@aws-sdk/client-ecs';
import { isUnresolved, type Evaluation, type Resource } from '../model/index.js';
import { COMMON_MESSAGES, type Control, type ControlParams } from './types.js';
import { field, judgeContainers, unknownField } from './helpers.js';
import { isCredentialName, looksLikeSecretValue, secretOfAssignment, secretsInArguments, withArticle } from './secret-detection.js';

/** The command-like fields of a container, by API path suffix. */
const COMMAND_FIELDS = [
  { key: ['command'], label: 'command' },
  { key: ['entryPoint'], label: 'entryPoint' },
  { key: ['healthCheck', 'command'], label: 'healthCheck.command' },
] as const;

export const ecsg05: Control = {
  id: 'ECSG.5',
  set: 'extra',
  title: 'ECS container definitions should not hold credentials in plain text',
  severity: 'HIGH',
  resourceTypes: ['AWS::ECS::TaskDefinition'],
  fields: ['environment', 'command', 'entryPoint', 'healthCheck', 'dockerLabels', 'logConfiguration', 'options'],
  configRule: null,
  enabledByDefault: true,
  parameters: {
    ignoreNames: {
      type: 'string[]',
      default: [],
      description: 'Environment variable, docker label and log option names never to flag (exact, case-sensitive), for values known to be harmless.',
    },
  },
  docs: {
    checks: "Looks at the values of environment[], command[], entryPoint[], healthCheck.command[], dockerLabels and logConfiguration.options of every container, as secret scanners do. Known credential formats fail wherever they appear: AWS access key IDs (AKIA, ASIA ...), PEM private keys, GitHub, GitLab, Slack, Stripe live, Google, SendGrid and npm tokens, JSON Web Tokens, Slack webhook URLs, a password inside a URL (scheme://user:password@host) and Bearer or Basic authorization values. A value assigned to a name that announces a credential (DB_PASSWORD, API_TOKEN, client_secret, splunk-token, --db-password=, a bare ..._KEY only when the value is clearly random) fails when the value looks like a real secret: 8 characters or more, no spaces, not an ARN, path, plain URL, number, boolean, ${VAR} reference or <placeholder>, and not repetitive (Shannon entropy at least 85% of what its length allows). Names that describe a secret rather than hold one (SECRET_ARN, PASSWORD_FILE, TOKEN_TTL) are not flagged. secrets[] and secretOptions[] (valueFrom) are the right place and are never read. An unknown value fails nothing unless its name announces a credential (then NOT_AVAILABLE). ignoreNames lists names never to flag. Only the name and the kind of credential are ever reported: never the value or any part of it.",
    why: "Everything in a container definition is stored in clear text: anyone allowed ecs:DescribeTaskDefinition reads it, as does whoever sees the template, its Terraform state or the container's docker inspect output, and every INACTIVE revision keeps it. Command-line arguments also show in the process list of the host. Docker labels are copied to the container's metadata, readable from the task metadata endpoint, and log options travel to the instance's Docker daemon configuration. A leaked key works from anywhere until someone rotates it. ECS.8 looks only for three variable names; this control looks at the values.",
    fix: 'Store the credential in AWS Secrets Manager or SSM Parameter Store (SecureString) and reference it: environment variables and values the command needs go to containerDefinitions[].secrets with valueFrom (the container reads them from its environment, so pass "$DB_PASSWORD" in the command instead of the value), log driver credentials go to logConfiguration.secretOptions, and private registry credentials to repositoryCredentials. Give the execution role permission to read them. Labels should never carry secrets: remove them. Then rotate every credential that sat in a task definition, and deregister (and delete) the revisions that still hold it.',
    snippet: `{
  "family": "app",
  "executionRoleArn": "arn:aws:iam::111122223333:role/app-execution",
  "containerDefinitions": [
    {
      "name": "app",
      "image": "111122223333.dkr.ecr.eu-west-1.amazonaws.com/app@sha256:4f53cda18c2baa0c0354bb5f9a3ecbe5ed12ab4d8e11ba873c2f11161202b945",
      "secrets": [
        { "name": "DB_PASSWORD", "valueFrom": "arn:aws:secretsmanager:eu-west-1:111122223333:secret:prod/app/db-AbCdEf" }
      ],
      "command": ["app", "--db-password-env", "DB_PASSWORD"],
      "logConfiguration": {
        "logDriver": "splunk",
        "options": { "splunk-url": "https://splunk.example.com:8088" },
        "secretOptions": [
          { "name": "splunk-token", "valueFrom": "arn:aws:ssm:eu-west-1:111122223333:parameter/app/splunk-token" }
        ]
      }
    }
  ]
}`,
    cloudformation: `Resources:
  TaskDefinition:
    Type: AWS::ECS::TaskDefinition
    Properties:
      Family: app
      ExecutionRoleArn: arn:aws:iam::111122223333:role/app-execution
      ContainerDefinitions:
        - Name: app
          Image: 111122223333.dkr.ecr.eu-west-1.amazonaws.com/app@sha256:4f53cda18c2baa0c0354bb5f9a3ecbe5ed12ab4d8e11ba873c2f11161202b945
          Secrets:
            - Name: DB_PASSWORD
              ValueFrom: arn:aws:secretsmanager:eu-west-1:111122223333:secret:prod/app/db-AbCdEf
          Command: [app, --db-password-env, DB_PASSWORD]
          LogConfiguration:
            LogDriver: splunk
            Options:
              splunk-url: https://splunk.example.com:8088
            SecretOptions:
              - Name: splunk-token
                ValueFrom: arn:aws:ssm:eu-west-1:111122223333:parameter/app/splunk-token`,
    terraform: `resource "aws_ecs_task_definition" "app" {
  family             = "app"
  execution_role_arn = aws_iam_role.app_execution.arn
  container_definitions = jsonencode([
    {
      name    = "app"
      image   = "111122223333.dkr.ecr.eu-west-1.amazonaws.com/app@sha256:4f53cda18c2baa0c0354bb5f9a3ecbe5ed12ab4d8e11ba873c2f11161202b945"
      secrets = [{ name = "DB_PASSWORD", valueFrom = aws_secretsmanager_secret.db.arn }]
      command = ["app", "--db-password-env", "DB_PASSWORD"]
      logConfiguration = {
        logDriver     = "splunk"
        options       = { "splunk-url" = "https://splunk.example.com:8088" }
        secretOptions = [{ name = "splunk-token", valueFrom = aws_ssm_parameter.splunk_token.arn }]
      }
    }
  ])
}`,
    falsePositives: 'A random-looking value under a credential name that is not secret (a public OAuth client ID named CLIENT_SECRET by mistake, a test fixture, the AWS documentation example keys in a local-emulator task) is a false positive: add the name to ignoreNames rather than turning the control off. Known formats are matched by shape, so a token that was already revoked still fails; rotate and remove it anyway, since old revisions keep it. Secrets under innocuous names with low-entropy values (LOGIN=hunter2) are not found.',
  },
  mappings: { nist80053r5: [], pciDss401: [] },
  peers: [
    { tool: 'Trivy', id: 'AVD-AWS-0036', title: 'Task definition defines sensitive environment variable(s)' },
    { tool: 'Prowler', id: 'ecs_task_definitions_no_environment_secrets', title: 'secrets in ECS task definition environment variables (Prowler runs detect-secrets)' },
    { tool: 'Checkov', id: 'CKV_SECRET_2', title: 'AWS Access Key (secrets framework, any file)' },
    { tool: 'Checkov', id: 'CKV_SECRET_6', title: 'Base64 High Entropy String' },
    { tool: 'Checkov', id: 'CKV_SECRET_9', title: 'JSON Web Token' },
    { tool: 'Checkov', id: 'CKV_SECRET_10', title: 'Secret Keyword' },
    { tool: 'Checkov', id: 'CKV_SECRET_12', title: 'NPM tokens' },
    { tool: 'Checkov', id: 'CKV_SECRET_13', title: 'Private Key' },
    { tool: 'Checkov', id: 'CKV_SECRET_14', title: 'Slack Token' },
    { tool: 'Checkov', id: 'CKV_SECRET_17', title: 'Stripe Access Key' },
    { tool: 'Checkov', id: 'CKV_SECRET_19', title: 'Hex High Entropy String' },
  ],
  messages: {
    ...COMMON_MESSAGES,
    secretInEnvironment: "container '{name}': environment variable {variable} holds what looks like {kind} (value not shown); move it to secrets with valueFrom pointing at Secrets Manager or SSM Parameter Store",
    secretInCommand: "container '{name}': {field}[{index}]{via} holds what looks like {kind} (value not shown); pass it through secrets and read it from the environment instead",
    secretInLabel: "container '{name}': docker label {label} holds what looks like {kind} (value not shown); labels are readable from the container's metadata, so remove it",
    secretInLogOption: "container '{name}': log option {option} holds what looks like {kind} (value not shown); move it to logConfiguration.secretOptions with valueFrom",
    credentialValueUnknown: "container '{name}': {where} {item} is named like a credential and its value is unknown: {reason}",
    nameUnknown: "container '{name}': the name of {where} #{index} is unknown and its value looks random: {reason}",
    noSecrets: 'no container ({count}) shows a credential in environment, command, entryPoint, health check, docker labels or log options',
  },
  evaluate(resource: Resource, params: ControlParams): Evaluation[] {
    const td = resource.properties as TaskDefinition;
    const ignore = new Set((params.ignoreNames as string[] | undefined) ?? []);
    return judgeContainers(td, ({ container, path, label }) => {
      const out: Evaluation[] = [];
      const unknownValue = (where: string, item: string, reason: string, p: string) =>
        out.push({ status: 'NOT_AVAILABLE', messageId: 'credentialValueUnknown', data: { name: label, where, item, reason }, path: p });

      // environment: [{ name, value }]
      const env: unknown = container.environment;
      if (isUnresolved(env)) out.push(unknownField(`${path}.environment`, env.unresolved));
      else if (Array.isArray(env)) {
        env.forEach((entry: unknown, i) => {
          const p = `${path}.environment[${i}]`;
          if (isUnresolved(entry)) { out.push(unknownField(p, entry.unresolved)); return; }
          const name = field(entry, 'name');
          const value = field(entry, 'value');
          if (typeof name === 'string' && ignore.has(name.trim())) return;
          if (isUnresolved(value)) {
            if (typeof name === 'string' && isCredentialName(name)) unknownValue('environment variable', name.trim(), value.unresolved, `${p}.value`);
            return;
          }
          if (typeof value !== 'string') return;
          if (isUnresolved(name)) {
            const kind = secretOfAssignment(null, value);
            if (kind) out.push({ status: 'FAILED', messageId: 'secretInEnvironment', data: { name: label, variable: `#${i} (name unknown)`, kind: withArticle(kind) }, path: `${p}.value` });
            else if (looksLikeSecretValue(value, true)) out.push({ status: 'NOT_AVAILABLE', messageId: 'nameUnknown', data: { name: label, where: 'environment variable', index: i, reason: name.unresolved }, path: `${p}.name` });
            return;
          }
          const kind = secretOfAssignment(typeof name === 'string' ? name : null, value);
          if (kind) out.push({ status: 'FAILED', messageId: 'secretInEnvironment', data: { name: label, variable: typeof name === 'string' ? name.trim() : `#${i}`, kind: withArticle(kind) }, path: `${p}.value` });
        });
      }

      // command, entryPoint, healthCheck.command: lists of arguments.
      for (const f of COMMAND_FIELDS) {
        let list: unknown = container;
        let p = path;
        let unknown: string | null = null;
        for (const k of f.key) {
          list = field(list, k);
          p = `${p}.${k}`;
          if (isUnresolved(list)) { unknown = list.unresolved; break; }
        }
        if (unknown !== null) { out.push(unknownField(p, unknown)); continue; }
        if (!Array.isArray(list)) continue;
        const args = (list as unknown[]).map((a) => (typeof a === 'string' ? a : null));
        const { found, unknownAfterFlag } = secretsInArguments(args);
        for (const s of found) {
          if (s.via !== null && ignore.has(s.via)) continue;
          out.push({ status: 'FAILED', messageId: 'secretInCommand', data: { name: label, field: f.label, index: s.index, kind: withArticle(s.kind), via: s.via ? ` (${s.via})` : '' }, path: `${p}[${s.index}]` });
        }
        for (const u of unknownAfterFlag) {
          const a = (list as unknown[])[u.index];
          if (isUnresolved(a)) unknownValue(`${f.label} argument after`, u.via, a.unresolved, `${p}[${u.index}]`);
        }
      }

      // dockerLabels and logConfiguration.options: { name: value } maps.
      const maps = [
        { value: container.dockerLabels as unknown, p: `${path}.dockerLabels`, messageId: 'secretInLabel', key: 'label', where: 'docker label' },
        { value: field(container.logConfiguration, 'options'), p: `${path}.logConfiguration.options`, messageId: 'secretInLogOption', key: 'option', where: 'log option' },
      ];
      const log: unknown = container.logConfiguration;
      if (isUnresolved(log)) out.push(unknownField(`${path}.logConfiguration`, log.unresolved));
      for (const m of maps) {
        if (isUnresolved(m.value)) { out.push(unknownField(m.p, m.value.unresolved)); continue; }
        if (!m.value || typeof m.value !== 'object' || Array.isArray(m.value)) continue;
        for (const [k, v] of Object.entries(m.value as Record<string, unknown>)) {
          if (ignore.has(k)) continue;
          const p = `${m.p}.${k}`;
          if (isUnresolved(v)) {
            if (isCredentialName(k)) unknownValue(m.where, k, v.unresolved, p);
            continue;
          }
          if (typeof v !== 'string') continue;
          const kind = secretOfAssignment(k, v);
          if (kind) out.push({ status: 'FAILED', messageId: m.messageId, data: { name: label, [m.key]: k, kind: withArticle(kind) }, path: p });
        }
      }
      return out;
    }, 'noSecrets');
  },
};
