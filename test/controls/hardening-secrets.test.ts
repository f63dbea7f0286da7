/** ECSG.5 (credentials in plain text) and the secret detection it relies on. */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { ecsg05 } from '../../src/controls/ecsg-05.js';
import { credentialKindOfName, entropy, knownSecretIn, looksLikeSecretValue, secretOfAssignment, secretsInArguments, withArticle } from '../../src/controls/secret-detection.js';
import { unresolved } from '../../src/model/index.js';
import { container, taskDef, testControl } from '../helpers/control-tester.js';

// Fake credentials in the providers' formats, built in pieces so this file holds none whole.
export const FAKE = {
  awsKeyId: 'AKIA' + 'EXAMPLEFAKE12345',
  awsTempKeyId: 'ASIA' + 'EXAMPLEFAKE67890',
  awsSecret: 'fAkE/ExAmPlE+n0T' + '+a+ReAl/SeCrEt/kEy0000',
  github: 'ghp_' + 'FakeExampleToken000000000000000000000',
  githubPat: 'github_pat_' + '11FAKEEXAMPLE0000000000_abcdefghijkl',
  slack: 'xoxb-' + '000000000000-000000000000-FakeExampleToken',
  stripe: 'sk_live_' + 'FakeExample000000000000',
  google: 'AIza' + 'SyFakeExample-0000000000000000000000',
  npm: 'npm_' + 'FakeExample0000000000000000000000000',
  jwt: 'eyJhbGciOiJIUzI1NiJ9' + '.eyJzdWIiOiJmYWtlLWV4YW1wbGUifQ.ZmFrZS1leGFtcGxlLXNpZ25hdHVyZQ',
  pem: '-----BEGIN RSA ' + 'PRIVATE KEY-----\nFAKE-EXAMPLE\n-----END RSA PRIVATE KEY-----',
  url: 'postgres://app:' + 'Fake-Example-Pw-42@db.internal:5432/app',
  password: 'Fake-Ex4mple-' + 'Passw0rd!',
  token: 'fake0example0' + 'token0Zq9Wx',
};

describe('secret detection', () => {
  it('finds every known format anywhere in a text and names its kind', () => {
    const kinds: [string, string][] = [
      [FAKE.awsKeyId, 'AWS access key ID'], [FAKE.awsTempKeyId, 'AWS access key ID'], [FAKE.github, 'GitHub token'], [FAKE.githubPat, 'GitHub token'],
      [FAKE.slack, 'Slack token'], [FAKE.stripe, 'Stripe live key'], [FAKE.google, 'Google API key'], [FAKE.npm, 'npm token'],
      [FAKE.jwt, 'JSON Web Token'], [FAKE.pem, 'private key'], [FAKE.url, 'password in a URL'], ['redis://:' + 'FakeRedisPw9@cache:6379', 'password in a URL'], ['Authorization: Bearer ' + 'abcdefghijklmnopqrstuvwxyz0123', 'HTTP authorization credential'],
    ];
    for (const [value, kind] of kinds) {
      assert.equal(knownSecretIn(value), kind, kind);
      assert.equal(knownSecretIn(`prefix ${value} suffix`), kind, `${kind} inside a text`);
    }
  });

  it('does not mistake IDs, placeholders and plain URLs for credentials', () => {
    for (const v of ['AIDA' + 'EXAMPLEFAKE12345', 'AROA' + 'EXAMPLEFAKE12345', 'https://example.com/path', 'postgres://app:${DB_PASSWORD}@db:5432/app', 'postgres://app@db/app', 'sk_test_' + 'FakeExample000000000000', 'eyJhbGciOiJIUzI1NiJ9', 'Bearer ${TOKEN}']) {
      assert.equal(knownSecretIn(v), null, v);
    }
  });

  it('reads credential names as scanners do, but not names about credentials', () => {
    const yes: [string, string][] = [['DB_PASSWORD', 'password'], ['password', 'password'], ['MYSQL_ROOT_PASSWD', 'password'], ['DB_PASS', 'password'], ['GITHUB_TOKEN', 'token'], ['apiKey', 'API key'], ['STRIPE_API_KEY', 'API key'], ['client_secret', 'secret'], ['splunk-token', 'token'], ['AWS_SECRET_ACCESS_KEY', 'access key'], ['PRIVATE_KEY', 'private key'], ['credentials', 'credential'], ['--db-password', 'password']];
    for (const [n, kind] of yes) assert.equal(credentialKindOfName(n), kind, n);
    for (const n of ['SECRET_ARN', 'PASSWORD_FILE', 'TOKEN_TTL', 'API_KEY_HEADER', 'SECRET_NAME', 'DB_USER', 'LOG_LEVEL', 'CACHE_KEY', 'PASS_THROUGH', 'BYPASS', 'TOKEN_URL', 'SECRETS_PATH', 'awslogs-group', 'PASSWORD_MIN_LENGTH', 'API_KEY_ENABLED', 'TOKEN_ENDPOINT', 'SECRETS_MANAGER_REGION', 'DB_PASSWORD_SECRET_ID', 'PASSWORD_RESET_URL']) assert.equal(credentialKindOfName(n), null, n);
  });

  it('accepts a value as a secret only when it looks like one', () => {
    for (const v of [FAKE.password, FAKE.token, FAKE.awsSecret, 'changeme', 'P@ssw0rd']) assert.ok(looksLikeSecretValue(v), v);
    for (const v of ['', 'short', 'true', '12345678', 'arn:aws:secretsmanager:eu-west-1:111122223333:secret:x', '/run/secrets/db', '${DB_PASSWORD}', '$DB_PASSWORD', '{{resolve:ssm:x}}', '<your-password>', '********', 'aaaaaaaaaaaa', 'use the vault please', 'https://vault.internal', 'ssm:/prod/db']) assert.ok(!looksLikeSecretValue(v), v);
    assert.ok(entropy('abababab') < entropy('a1B2c3D4'));
  });

  it('combines names and values: a known format under any name, a random value under a credential name', () => {
    assert.equal(secretOfAssignment('ANYTHING', FAKE.awsKeyId), 'AWS access key ID');
    assert.equal(secretOfAssignment('DB_PASSWORD', FAKE.password), 'password');
    assert.equal(secretOfAssignment('DB_PASSWORD', '${DB_PASSWORD}'), null);
    assert.equal(secretOfAssignment('LOG_LEVEL', FAKE.password), null);
    assert.equal(secretOfAssignment('SENDGRID_KEY', 'Fake0Example0Key0Zq9Wx8Vy7'), 'key', 'a bare _KEY with a clearly random value');
    assert.equal(secretOfAssignment('CACHE_KEY', 'users-by-id'), null);
    assert.equal(secretOfAssignment(null, FAKE.password), null, 'no name: formats only');
    assert.equal(withArticle('API key'), 'an API key');
    assert.equal(withArticle('password'), 'a password');
  });

  it('finds secrets in command lines: formats, --flag=value, NAME=value, a flag and its next argument, shell strings', () => {
    const args = ['app', '--verbose', '--db-password=' + FAKE.password, '--api-token', FAKE.token, 'sh', '-c', `export DB_PASSWORD=${FAKE.password} && run --secret "${FAKE.token}"`, FAKE.github, '--password', '$DB_PASSWORD'];
    const { found } = secretsInArguments(args);
    assert.deepEqual(found.map((f) => [f.index, f.kind, f.via]), [[2, 'password', '--db-password'], [4, 'token', '--api-token'], [7, 'password', 'DB_PASSWORD'], [8, 'GitHub token', null]]);
    const unknown = secretsInArguments(['app', '--password', null, '--level', null]);
    assert.deepEqual(unknown.unknownAfterFlag, [{ index: 2, via: '--password' }]);
  });

  it('returns kinds and names only: no value, nor any piece of one, in what it returns', () => {
    const out = JSON.stringify([
      ...Object.values(FAKE).map((v) => secretOfAssignment('SECRET', v)),
      secretsInArguments(['x', '--password=' + FAKE.password, '--token', FAKE.token, FAKE.pem]),
    ]);
    for (const v of Object.values(FAKE)) for (let i = 0; i + 8 <= v.length; i++) assert.ok(!out.includes(v.slice(i, i + 8)), `a piece of a value: ${out}`);
  });
});

const env = (...pairs: [unknown, unknown][]) => container({ environment: pairs.map(([name, value]) => ({ name, value })) });
const NEVER = Object.values(FAKE);
testControl(ecsg05, [
  { name: 'ordinary settings pass', properties: taskDef([env(['LOG_LEVEL', 'info'], ['PORT', '8080'], ['DATABASE_HOST', 'db.internal'])]), status: 'PASSED', messageId: 'noSecrets' },
  { name: 'secrets with valueFrom and secretOptions are never read', properties: taskDef([container({ secrets: [{ name: 'DB_PASSWORD', valueFrom: 'arn:aws:secretsmanager:eu-west-1:111122223333:secret:db' }], logConfiguration: { logDriver: 'splunk', secretOptions: [{ name: 'splunk-token', valueFrom: 'arn:aws:ssm:eu-west-1:111122223333:parameter/t' }] } })]), status: 'PASSED' },
  { name: 'an AWS access key ID under another name fails at its value', properties: taskDef([env(['LOG_LEVEL', 'info'], ['BACKUP_KEY_ID', FAKE.awsKeyId])]), status: 'FAILED', messageId: 'secretInEnvironment', path: 'containerDefinitions[0].environment[1].value', reasonIncludes: ['BACKUP_KEY_ID', 'an AWS access key ID', 'value not shown'], never: NEVER },
  { name: 'a password under a credential name fails', properties: taskDef([env(['DB_PASSWORD', FAKE.password])]), status: 'FAILED', reasonIncludes: ['DB_PASSWORD', 'a password'], never: NEVER },
  { name: 'a reference under a credential name passes', properties: taskDef([env(['DB_PASSWORD_FILE', '/run/secrets/db'], ['DB_PASSWORD', '${DB_PASSWORD}'], ['API_TOKEN', 'arn:aws:secretsmanager:eu-west-1:111122223333:secret:t'])]), status: 'PASSED' },
  ...(['github', 'slack', 'stripe', 'google', 'npm', 'jwt', 'pem', 'url'] as const).map((k) => ({
    name: `a ${k} value fails wherever it is`, properties: taskDef([env(['SOME_SETTING', FAKE[k]])]), status: 'FAILED' as const, messageId: 'secretInEnvironment', never: NEVER,
  })),
  { name: 'every leaking variable is listed', properties: taskDef([env(['A_TOKEN', FAKE.token], ['B', 'x'], ['C_PASSWORD', FAKE.password])]), status: 'FAILED', path: 'containerDefinitions[0].environment[0].value', violations: ['containerDefinitions[0].environment[2].value'], never: NEVER },
  { name: 'ignoreNames silences a name', params: { ignoreNames: ['DB_PASSWORD'] }, properties: taskDef([env(['DB_PASSWORD', FAKE.password])]), status: 'PASSED' },
  { name: 'a password in command fails at the argument and names the flag', properties: taskDef([container({ command: ['app', '--db-password=' + FAKE.password] })]), status: 'FAILED', messageId: 'secretInCommand', path: 'containerDefinitions[0].command[1]', reasonIncludes: ['command[1] (--db-password)', 'a password'], never: NEVER },
  { name: 'a token in entryPoint fails', properties: taskDef([container({ entryPoint: ['sh', '-c', `curl -H "Authorization: Bearer ${FAKE.token}000000000" https://api`] })]), status: 'FAILED', messageId: 'secretInCommand', path: 'containerDefinitions[0].entryPoint[2]', never: NEVER },
  { name: 'a password in the health check command fails', properties: taskDef([container({ healthCheck: { command: ['CMD-SHELL', `mysqladmin ping --password=${FAKE.password}`] } })]), status: 'FAILED', messageId: 'secretInCommand', path: 'containerDefinitions[0].healthCheck.command[1]', reasonIncludes: ['healthCheck.command[1]'] },
  { name: 'a command that reads the secret from the environment passes', properties: taskDef([container({ command: ['sh', '-c', 'app --db-password "$DB_PASSWORD"'] })]), status: 'PASSED' },
  { name: 'a token in a docker label fails', properties: taskDef([container({ dockerLabels: { 'com.example.team': 'web', 'com.example.deploy-token': FAKE.token } })]), status: 'FAILED', messageId: 'secretInLabel', path: 'containerDefinitions[0].dockerLabels.com.example.deploy-token', reasonIncludes: ['com.example.deploy-token'], never: NEVER },
  { name: 'a token in a log option fails', properties: taskDef([container({ logConfiguration: { logDriver: 'splunk', options: { 'splunk-url': 'https://splunk.example.com:8088', 'splunk-token': FAKE.token } } })]), status: 'FAILED', messageId: 'secretInLogOption', path: 'containerDefinitions[0].logConfiguration.options.splunk-token', reasonIncludes: ['splunk-token', 'secretOptions'], never: NEVER },
  { name: 'a Datadog apikey in FireLens options fails', properties: taskDef([container({ logConfiguration: { logDriver: 'awsfirelens', options: { Name: 'datadog', apikey: FAKE.token } } })]), status: 'FAILED', messageId: 'secretInLogOption' },
  { name: 'ordinary log options pass', properties: taskDef([container({ logConfiguration: { logDriver: 'awslogs', options: { 'awslogs-group': '/ecs/web', 'awslogs-region': 'eu-west-1', mode: 'non-blocking' } } })]), status: 'PASSED' },
  { name: 'an unknown value under a credential name is NOT_AVAILABLE', properties: taskDef([env(['DB_PASSWORD', unresolved('a dynamic reference ({{resolve:secretsmanager:...}}) is resolved by CloudFormation at deployment')])]), status: 'NOT_AVAILABLE', messageId: 'credentialValueUnknown', path: 'containerDefinitions[0].environment[0].value', reasonIncludes: ['DB_PASSWORD', 'dynamic reference'] },
  { name: 'an unknown value under another name changes nothing', properties: taskDef([env(['LOG_LEVEL', unresolved('Ref to parameter LogLevel')])]), status: 'PASSED' },
  { name: 'a known secret beats an unknown value', properties: taskDef([env(['DB_PASSWORD', unresolved('x')], ['API_TOKEN', FAKE.token])]), status: 'FAILED', violations: ['containerDefinitions[0].environment[0].value'] },
  { name: 'an unknown name with a known format still fails', properties: taskDef([env([unresolved('Ref to parameter VarName'), FAKE.awsKeyId])]), status: 'FAILED', reasonIncludes: ['name unknown'] },
  { name: 'an unknown name with a random value is NOT_AVAILABLE', properties: taskDef([env([unresolved('Ref to parameter VarName'), 'Zq9Wx8Vy7Ut6Sr5Qp4On3'])]), status: 'NOT_AVAILABLE', messageId: 'nameUnknown' },
  { name: 'an unknown argument after a credential flag is NOT_AVAILABLE', properties: taskDef([container({ command: ['app', '--password', unresolved('Ref to parameter DbPassword')] })]), status: 'NOT_AVAILABLE', messageId: 'credentialValueUnknown', path: 'containerDefinitions[0].command[2]' },
  { name: 'an unknown environment list is NOT_AVAILABLE', properties: taskDef([container({ environment: unresolved('x') })]), status: 'NOT_AVAILABLE', path: 'containerDefinitions[0].environment' },
  { name: 'missing containerDefinitions is NOT_AVAILABLE', properties: { family: 'x' }, status: 'NOT_AVAILABLE', messageId: 'containersUnknown' },
]);
