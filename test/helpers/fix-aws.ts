/**
 * What the rollout tests share: the loopback account's fake credentials, the read-only ECS
 * actions a scan or dry run may call, output capture for runFixAws, and running it with those
 * credentials in the environment (the default credential chain), restoring it afterwards.
 */
import { runFixAws, type FixAwsFlags, type FixAwsIo } from '../../src/cli/fix-aws.js';

/** Fake credentials the loopback server accepts. */
export const CREDENTIALS = { accessKeyId: 'AKIDLOOPBACKTEST', secretAccessKey: 'loopback-secret' };

/** The actions a live scan (and a rollout's dry run) may call: nothing that writes. */
export const READ_ONLY = new Set(['GetCallerIdentity', 'ListTaskDefinitionFamilies', 'ListTaskDefinitions', 'DescribeTaskDefinition', 'ListClusters', 'DescribeClusters', 'ListServices', 'DescribeServices', 'DescribeTaskSets', 'DescribeCapacityProviders']);

/** Captures runFixAws's output; `interactive` and the answer to the confirmation are chosen by the test. */
export function io(interactive = false, answer = false): FixAwsIo & { out: string; err: string; questions: string[] } {
  const cap = {
    out: '',
    err: '',
    questions: [] as string[],
    interactive,
    stdout: (c: string) => { cap.out += c; },
    stderr: (c: string) => { cap.err += c; },
    confirm: async (q: string) => { cap.questions.push(q); return answer; },
  };
  return cap;
}

/** Runs runFixAws against `endpoint` in `regions`, with {@link CREDENTIALS} from the environment. */
export async function runFixAwsWith(endpoint: string, regions: string[], flags: Partial<FixAwsFlags>, capture = io()): Promise<{ code: number; out: string; err: string; questions: string[] }> {
  const saved = { id: process.env.AWS_ACCESS_KEY_ID, secret: process.env.AWS_SECRET_ACCESS_KEY, profile: process.env.AWS_PROFILE, token: process.env.AWS_SESSION_TOKEN };
  process.env.AWS_ACCESS_KEY_ID = CREDENTIALS.accessKeyId;
  process.env.AWS_SECRET_ACCESS_KEY = CREDENTIALS.secretAccessKey;
  delete process.env.AWS_PROFILE;
  delete process.env.AWS_SESSION_TOKEN;
  try {
    const code = await runFixAws({ region: regions, endpointUrl: endpoint, controls: 'security-hub', ...flags }, capture);
    return { code, out: capture.out, err: capture.err, questions: capture.questions };
  } finally {
    for (const [k, v] of [['AWS_ACCESS_KEY_ID', saved.id], ['AWS_SECRET_ACCESS_KEY', saved.secret], ['AWS_PROFILE', saved.profile], ['AWS_SESSION_TOKEN', saved.token]] as const) {
      if (v === undefined) delete process.env[k];
      else process.env[k] = v;
    }
  }
}
