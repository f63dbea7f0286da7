/**
 * A loopback server that speaks the Amazon ECS API (AWS JSON 1.1, `X-Amz-Target:
 * AmazonEC2ContainerServiceV20141113.<Action>`) for the read-only actions a scan calls, and STS
 * GetCallerIdentity (query protocol), so tests drive the real SDK clients: signing, retries,
 * pagination, error parsing. The region of each request is read from its SigV4 credential scope,
 * so one server plays every region of one account.
 *
 * It also plays the write actions `ecsguard fix --aws --apply` makes: RegisterTaskDefinition (a new
 * ACTIVE revision, one above the family's highest, tags kept), UpdateService (the service's task
 * definition changes) and DeregisterTaskDefinition (the revision turns INACTIVE), each changing the
 * fixture so later reads see the change, and answering as ECS does.
 *
 * Pages are small (2 items by default) to force `nextToken`; faults can be injected per action,
 * region and input: throttling, access denied, connection resets, 500s, a region that rejects the
 * credentials (as a disabled opt-in region does), expired tokens, ClientException (an invalid
 * parameter), each with an optional message of its own; and latency.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { CapacityProvider, Cluster, Service, Tag, TaskDefinition, TaskSet } from '@aws-sdk/client-ecs';
import { BUCKET_OF, ECS_READ_QUOTAS } from '../../src/sources/aws/limits.js';

// The SDK warns on Node 20 at every client construction; tests do not need to hear it.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';

/** One region's resources. Task definitions carry their own `status`; tags sit beside them, as the API returns them. */
export interface RegionFixture {
  taskDefinitions: { taskDefinition: TaskDefinition; tags?: Tag[] }[];
  clusters: Cluster[];
  /** Each with `clusterArn`. Task sets are embedded by the server from `taskSets`. */
  services: Service[];
  /** Each with `clusterArn` and `serviceArn`. */
  taskSets: TaskSet[];
  capacityProviders: CapacityProvider[];
}

/** The account's resources by region; a region not listed is empty. */
export type AccountFixture = Record<string, RegionFixture>;

/** What an injected fault does to a request. */
export type FaultKind = 'throttle' | 'deny' | 'reset' | 'server-error' | 'unrecognized' | 'expired' | 'client-error';

/** A fault: applies to requests matching every field given, `times` times (default: always). */
export interface Fault {
  kind: FaultKind;
  action?: string | string[];
  region?: string;
  match?: (input: Record<string, unknown>) => boolean;
  times?: number;
  /**
   * The error message to answer with instead of the default (ECS actions only): for `deny`, an
   * AccessDeniedException naming another action (iam:PassRole ...); for `client-error`, the
   * ClientException's text (default `Invalid parameter`). Connection resets have no message.
   */
  message?: string;
}

/** One request the server received. */
export interface RecordedRequest {
  action: string;
  region: string;
  accessKeyId: string;
  sessionToken: string | null;
  input: Record<string, unknown>;
  /** The injected fault, or null when the request was answered normally. */
  fault: FaultKind | null;
}

export interface LoopbackOptions {
  account: string;
  fixture: AccountFixture;
  /** Items per page for every list (default 2); per action to override. */
  pageSize?: number | Partial<Record<string, number>>;
  /** Milliseconds before each answer, or a function giving them. */
  latencyMs?: number | (() => number);
  faults?: Fault[];
  /**
   * Enforce ECS's documented read quotas (token buckets per region and action category, see
   * src/sources/aws/limits.ts): a request finding its bucket empty gets a ThrottlingException.
   */
  rateLimits?: boolean;
}

export interface EcsLoopback {
  endpoint: string;
  account: string;
  requests: RecordedRequest[];
  /** Mutable: add or clear faults between scans. */
  faults: Fault[];
  /** The most requests in flight at once, per region. */
  maxInFlight: Map<string, number>;
  count(action: string, region?: string): number;
  close(): Promise<void>;
}

class ApiError extends Error {
  constructor(readonly type: string, message: string, readonly status = 400) {
    super(message);
  }
}

const JSON_TYPE = 'application/x-amz-json-1.1';

/** Serialises as the JSON 1.1 protocol does: timestamps as epoch seconds. */
function toWire(value: unknown): string {
  return JSON.stringify(value, function (this: Record<string, unknown>, key: string, v: unknown) {
    const raw = this[key];
    return raw instanceof Date ? raw.getTime() / 1000 : v;
  });
}

function page<T>(items: T[], input: Record<string, unknown>, action: string, size: number, max: number): { items: T[]; nextToken?: string } {
  const maxResults = input.maxResults;
  if (maxResults !== undefined && (typeof maxResults !== 'number' || maxResults < 1 || maxResults > max)) {
    throw new ApiError('InvalidParameterException', `maxResults must be between 1 and ${max}`);
  }
  const limit = Math.min(size, typeof maxResults === 'number' ? maxResults : max);
  let offset = 0;
  if (typeof input.nextToken === 'string') {
    const decoded = JSON.parse(Buffer.from(input.nextToken, 'base64url').toString('utf8')) as { a: string; o: number };
    if (decoded.a !== action) throw new ApiError('InvalidParameterException', 'Invalid nextToken');
    offset = decoded.o;
  }
  const slice = items.slice(offset, offset + limit);
  const next = offset + limit;
  return next < items.length ? { items: slice, nextToken: Buffer.from(JSON.stringify({ a: action, o: next })).toString('base64url') } : { items: slice };
}

const includes = (input: Record<string, unknown>, what: string) => Array.isArray(input.include) && input.include.includes(what);

function withoutTags<T extends { tags?: Tag[] }>(item: T, keep: boolean): T {
  if (keep) return item;
  const { tags: _tags, ...rest } = item;
  return rest as T;
}

/** Answers one ECS action from the region's fixture; throws ApiError as ECS would. */
function answer(action: string, input: Record<string, unknown>, data: RegionFixture, account: string, region: string, pageSize: (a: string) => number): unknown {
  const clusterOf = (ref: unknown): Cluster => {
    const name = typeof ref === 'string' ? ref : 'default';
    const c = data.clusters.find((x) => x.clusterArn === name || x.clusterName === name);
    if (!c) throw new ApiError('ClusterNotFoundException', 'Cluster not found.');
    return c;
  };
  const tds = data.taskDefinitions;
  switch (action) {
    case 'ListTaskDefinitionFamilies': {
      const status = input.status ?? 'ALL';
      const families = [...new Set(tds.map((t) => t.taskDefinition.family!))].sort();
      const active = (f: string) => tds.some((t) => t.taskDefinition.family === f && t.taskDefinition.status === 'ACTIVE');
      const prefix = typeof input.familyPrefix === 'string' ? input.familyPrefix : '';
      const list = families.filter((f) => f.startsWith(prefix) && (status === 'ALL' || (status === 'ACTIVE') === active(f)));
      const p = page(list, input, action, pageSize(action), 100);
      return { families: p.items, nextToken: p.nextToken };
    }
    case 'ListTaskDefinitions': {
      const status = input.status ?? 'ACTIVE';
      let list = tds.map((t) => t.taskDefinition).filter((t) => t.status === status && (input.familyPrefix === undefined || t.family === input.familyPrefix));
      list.sort((a, b) => (a.family! < b.family! ? -1 : a.family! > b.family! ? 1 : a.revision! - b.revision!));
      if (input.sort === 'DESC') list = list.reverse();
      const p = page(list.map((t) => t.taskDefinitionArn!), input, action, pageSize(action), 100);
      return { taskDefinitionArns: p.items, nextToken: p.nextToken };
    }
    case 'DescribeTaskDefinition': {
      const ref = String(input.taskDefinition ?? '');
      const short = ref.replace(/^arn:[^:]+:ecs:[^:]+:\d+:task-definition\//, '');
      const [family, rev] = short.split(':');
      const candidates = tds.filter((t) => t.taskDefinition.family === family && (rev === undefined ? t.taskDefinition.status === 'ACTIVE' : t.taskDefinition.revision === Number(rev)));
      candidates.sort((a, b) => b.taskDefinition.revision! - a.taskDefinition.revision!);
      const hit = candidates[0];
      if (!hit) throw new ApiError('ClientException', 'Unable to describe task definition.');
      return includes(input, 'TAGS') ? { taskDefinition: hit.taskDefinition, tags: hit.tags ?? [] } : { taskDefinition: hit.taskDefinition };
    }
    case 'ListClusters': {
      const p = page(data.clusters.map((c) => c.clusterArn!).sort(), input, action, pageSize(action), 100);
      return { clusterArns: p.items, nextToken: p.nextToken };
    }
    case 'DescribeClusters': {
      const refs = Array.isArray(input.clusters) ? (input.clusters as string[]) : ['default'];
      if (refs.length > 100) throw new ApiError('InvalidParameterException', 'clusters can have at most 100 items.');
      const clusters: Cluster[] = [];
      const failures: { arn: string; reason: string }[] = [];
      for (const ref of refs) {
        const c = data.clusters.find((x) => x.clusterArn === ref || x.clusterName === ref);
        if (!c) { failures.push({ arn: ref.startsWith('arn:') ? ref : `arn:aws:ecs:${region}:${account}:cluster/${ref}`, reason: 'MISSING' }); continue; }
        const out: Cluster = withoutTags({ ...c }, includes(input, 'TAGS'));
        if (!includes(input, 'SETTINGS')) delete out.settings;
        if (!includes(input, 'CONFIGURATIONS')) delete out.configuration;
        clusters.push(out);
      }
      return { clusters, failures };
    }
    case 'ListServices': {
      const cluster = clusterOf(input.cluster);
      const list = data.services.filter((s) => s.clusterArn === cluster.clusterArn).map((s) => s.serviceArn!).sort();
      const p = page(list, input, action, pageSize(action), 100);
      return { serviceArns: p.items, nextToken: p.nextToken };
    }
    case 'DescribeServices': {
      const cluster = clusterOf(input.cluster);
      const refs = Array.isArray(input.services) ? (input.services as string[]) : [];
      if (refs.length === 0 || refs.length > 10) throw new ApiError('InvalidParameterException', 'services can have at most 10 items.');
      const services: Service[] = [];
      const failures: { arn: string; reason: string }[] = [];
      for (const ref of refs) {
        const s = data.services.find((x) => x.clusterArn === cluster.clusterArn && (x.serviceArn === ref || x.serviceName === ref));
        if (!s) { failures.push({ arn: ref, reason: 'MISSING' }); continue; }
        const sets = data.taskSets.filter((t) => t.serviceArn === s.serviceArn).map((t) => withoutTags({ ...t }, false));
        const out: Service = withoutTags({ ...s }, includes(input, 'TAGS'));
        if (sets.length > 0 || s.deploymentController?.type === 'EXTERNAL') out.taskSets = sets;
        services.push(out);
      }
      return { services, failures };
    }
    case 'DescribeTaskSets': {
      const cluster = clusterOf(input.cluster);
      const s = data.services.find((x) => x.clusterArn === cluster.clusterArn && (x.serviceArn === input.service || x.serviceName === input.service));
      if (!s) throw new ApiError('ServiceNotFoundException', 'Service not found.');
      const wanted = Array.isArray(input.taskSets) ? (input.taskSets as string[]) : null;
      const sets = data.taskSets.filter((t) => t.serviceArn === s.serviceArn && (!wanted || wanted.includes(t.taskSetArn!) || wanted.includes(t.id!)));
      return { taskSets: sets.map((t) => withoutTags({ ...t }, includes(input, 'TAGS'))), failures: [] };
    }
    case 'DescribeCapacityProviders': {
      const names = Array.isArray(input.capacityProviders) ? (input.capacityProviders as string[]) : null;
      const list = data.capacityProviders.filter((c) => !names || names.includes(c.name!) || names.includes(c.capacityProviderArn!));
      const p = page(list, input, action, pageSize(action), 10);
      return { capacityProviders: p.items.map((c) => withoutTags({ ...c }, includes(input, 'TAGS'))), failures: [], nextToken: p.nextToken };
    }
    case 'RegisterTaskDefinition':
    case 'UpdateService':
    case 'DeregisterTaskDefinition':
      return answerWrite(action, input, data, account, region);
    default:
      throw new ApiError('UnknownOperationException', `ecs-loopback does not implement ${action}`);
  }
}

/** The write actions the server plays, changing the region's fixture in place. */
export const WRITE_ACTIONS: readonly string[] = ['RegisterTaskDefinition', 'UpdateService', 'DeregisterTaskDefinition'];

/** The task definition a reference names: `family:revision` or its ARN (an exact revision), or a family (its latest ACTIVE revision). */
function findTaskDefinition(data: RegionFixture, ref: string): { taskDefinition: TaskDefinition; tags?: Tag[] } | undefined {
  const short = ref.replace(/^arn:[^:]+:ecs:[^:]+:\d+:task-definition\//, '');
  const [family, rev] = short.split(':');
  const candidates = data.taskDefinitions.filter((t) => t.taskDefinition.family === family && (rev === undefined ? t.taskDefinition.status === 'ACTIVE' : t.taskDefinition.revision === Number(rev)));
  candidates.sort((a, b) => b.taskDefinition.revision! - a.taskDefinition.revision!);
  return candidates[0];
}

/**
 * RegisterTaskDefinition, UpdateService and DeregisterTaskDefinition, as the ECS API Reference
 * describes them: a new revision is the family's highest revision (of any status) plus one, ACTIVE,
 * with the describe-only fields ECS adds; UpdateService refuses an INACTIVE or unknown task
 * definition (ClientException) and an unknown service (ServiceNotFoundException), and a task
 * definition change on CODE_DEPLOY or EXTERNAL services (InvalidParameterException).
 */
function answerWrite(action: string, input: Record<string, unknown>, data: RegionFixture, account: string, region: string): unknown {
  switch (action) {
    case 'RegisterTaskDefinition': {
      const family = input.family;
      if (typeof family !== 'string' || !/^[A-Za-z0-9_-]{1,255}$/.test(family)) throw new ApiError('ClientException', 'Family contains invalid characters or is missing.');
      if (!Array.isArray(input.containerDefinitions) || input.containerDefinitions.length === 0) throw new ApiError('ClientException', 'Container list cannot be empty.');
      for (const key of ['taskDefinitionArn', 'revision', 'status', 'requiresAttributes', 'compatibilities', 'registeredAt', 'registeredBy', 'deregisteredAt', 'deleteRequestedAt']) {
        if (key in input) throw new ApiError('SerializationException', `Unrecognized field "${key}"`);
      }
      const tags = Array.isArray(input.tags) ? (input.tags as Tag[]) : undefined;
      const { tags: _tags, ...fields } = input;
      const revision = Math.max(0, ...data.taskDefinitions.filter((t) => t.taskDefinition.family === family).map((t) => t.taskDefinition.revision ?? 0)) + 1;
      const requires = Array.isArray(input.requiresCompatibilities) ? (input.requiresCompatibilities as string[]) : [];
      const td = {
        ...structuredClone(fields),
        taskDefinitionArn: `arn:aws:ecs:${region}:${account}:task-definition/${family}:${revision}`,
        family,
        revision,
        status: 'ACTIVE',
        requiresAttributes: [],
        compatibilities: [...new Set(['EC2', ...requires])],
        registeredAt: new Date(),
        registeredBy: `arn:aws:iam::${account}:user/scanner`,
      } as TaskDefinition;
      const entry = tags && tags.length ? { taskDefinition: td, tags: structuredClone(tags) } : { taskDefinition: td };
      data.taskDefinitions.push(entry);
      return tags && tags.length ? { taskDefinition: td, tags } : { taskDefinition: td };
    }
    case 'UpdateService': {
      const clusterRef = typeof input.cluster === 'string' ? input.cluster : 'default';
      const cluster = data.clusters.find((x) => x.clusterArn === clusterRef || x.clusterName === clusterRef);
      if (!cluster) throw new ApiError('ClusterNotFoundException', 'Cluster not found.');
      const s = data.services.find((x) => x.clusterArn === cluster.clusterArn && (x.serviceArn === input.service || x.serviceName === input.service));
      if (!s) throw new ApiError('ServiceNotFoundException', 'Service not found.');
      if (s.status !== undefined && s.status !== 'ACTIVE') throw new ApiError('ServiceNotActiveException', 'Service was not ACTIVE.');
      if (typeof input.taskDefinition === 'string') {
        const controller = s.deploymentController?.type ?? 'ECS';
        if (controller !== 'ECS') throw new ApiError('InvalidParameterException', `Unable to update task definition on services with a ${controller} deployment controller.`);
        const hit = findTaskDefinition(data, input.taskDefinition);
        if (!hit) throw new ApiError('ClientException', 'TaskDefinition not found.');
        if (hit.taskDefinition.status !== 'ACTIVE') throw new ApiError('ClientException', 'TaskDefinition is inactive');
        s.taskDefinition = hit.taskDefinition.taskDefinitionArn;
      }
      if (typeof input.desiredCount === 'number') s.desiredCount = input.desiredCount;
      return { service: withoutTags({ ...s }, false) };
    }
    case 'DeregisterTaskDefinition': {
      const ref = String(input.taskDefinition ?? '');
      if (!/:\d+$/.test(ref)) throw new ApiError('ClientException', 'The specified task definition does not exist. Specify a valid account, family, revision and try again.');
      const hit = findTaskDefinition(data, ref);
      if (!hit) throw new ApiError('ClientException', 'The specified task definition does not exist. Specify a valid account, family, revision and try again.');
      hit.taskDefinition.status = 'INACTIVE';
      hit.taskDefinition.deregisteredAt = new Date();
      return { taskDefinition: hit.taskDefinition };
    }
    default:
      throw new ApiError('UnknownOperationException', `ecs-loopback does not implement ${action}`);
  }
}

const EMPTY: RegionFixture = { taskDefinitions: [], clusters: [], services: [], taskSets: [], capacityProviders: [] };

/** Starts the server on 127.0.0.1 and a free port. */
export async function startEcsLoopback(options: LoopbackOptions): Promise<EcsLoopback> {
  const requests: RecordedRequest[] = [];
  const faults: Fault[] = [...(options.faults ?? [])];
  const inFlight = new Map<string, number>();
  const maxInFlight = new Map<string, number>();
  const pageSize = (action: string): number => {
    const p = options.pageSize;
    if (typeof p === 'number') return p;
    return p?.[action] ?? 2;
  };

  const matchFault = (action: string, region: string, input: Record<string, unknown>): Fault | null => {
    for (const f of loopback.faults) {
      if (f.times !== undefined && f.times <= 0) continue;
      if (f.action !== undefined && !(Array.isArray(f.action) ? f.action.includes(action) : f.action === action)) continue;
      if (f.region !== undefined && f.region !== region) continue;
      if (f.match && !f.match(input)) continue;
      if (f.times !== undefined) f.times--;
      return f;
    }
    return null;
  };
  const faultFor = (action: string, region: string, input: Record<string, unknown>): FaultKind | null => matchFault(action, region, input)?.kind ?? null;

  // Token buckets per region and throttling category, refilled continuously.
  const buckets = new Map<string, { tokens: number; at: number }>();
  const takeToken = (action: string, region: string): boolean => {
    const bucket = (BUCKET_OF as Record<string, keyof typeof ECS_READ_QUOTAS | undefined>)[action];
    if (!bucket) return true;
    const quota = ECS_READ_QUOTAS[bucket];
    const key = `${region}/${String(bucket)}`;
    const now = Date.now();
    const b = buckets.get(key) ?? { tokens: quota.burst, at: now };
    b.tokens = Math.min(quota.burst, b.tokens + ((now - b.at) / 1000) * quota.sustainedPerSecond);
    b.at = now;
    buckets.set(key, b);
    if (b.tokens < 1) return false;
    b.tokens -= 1;
    return true;
  };

  const handle = async (req: IncomingMessage, res: ServerResponse, body: string): Promise<void> => {
    const auth = String(req.headers.authorization ?? '');
    const scope = /Credential=([^/]+)\/\d{8}\/([^/]+)\/([^/]+)\//.exec(auth);
    const accessKeyId = scope?.[1] ?? '';
    const region = scope?.[2] ?? 'unknown';
    const service = scope?.[3] ?? '';
    const sessionToken = typeof req.headers['x-amz-security-token'] === 'string' ? req.headers['x-amz-security-token'] : null;
    const latency = typeof options.latencyMs === 'function' ? options.latencyMs() : options.latencyMs ?? 0;
    if (latency > 0) await new Promise((r) => setTimeout(r, latency));

    if (service === 'sts') {
      const form = new URLSearchParams(body);
      const action = form.get('Action') ?? '';
      const fault = faultFor(action, region, Object.fromEntries(form));
      requests.push({ action, region, accessKeyId, sessionToken, input: Object.fromEntries(form), fault });
      if (fault === 'reset') { req.socket.destroy(); return; }
      if (fault) {
        const code = fault === 'expired' ? 'ExpiredToken' : fault === 'deny' ? 'AccessDenied' : fault === 'throttle' ? 'Throttling' : fault === 'unrecognized' ? 'InvalidClientTokenId' : 'InternalFailure';
        res.writeHead(fault === 'server-error' ? 500 : 400, { 'content-type': 'text/xml' });
        res.end(`<ErrorResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/"><Error><Type>Sender</Type><Code>${code}</Code><Message>${code} injected by ecs-loopback</Message></Error><RequestId>00000000-0000-0000-0000-000000000000</RequestId></ErrorResponse>`);
        return;
      }
      if (action !== 'GetCallerIdentity') { res.writeHead(400, { 'content-type': 'text/xml' }); res.end('<ErrorResponse><Error><Code>InvalidAction</Code><Message>not implemented</Message></Error></ErrorResponse>'); return; }
      res.writeHead(200, { 'content-type': 'text/xml' });
      res.end(`<GetCallerIdentityResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/"><GetCallerIdentityResult><Arn>arn:aws:iam::${options.account}:user/scanner</Arn><UserId>AIDAEXAMPLE</UserId><Account>${options.account}</Account></GetCallerIdentityResult><ResponseMetadata><RequestId>00000000-0000-0000-0000-000000000000</RequestId></ResponseMetadata></GetCallerIdentityResponse>`);
      return;
    }

    const target = String(req.headers['x-amz-target'] ?? '');
    const action = target.replace(/^AmazonEC2ContainerServiceV20141113\./, '');
    let input: Record<string, unknown> = {};
    try {
      input = body ? (JSON.parse(body) as Record<string, unknown>) : {};
    } catch {
      res.writeHead(400, { 'content-type': JSON_TYPE });
      res.end(JSON.stringify({ __type: 'SerializationException', message: 'bad JSON' }));
      return;
    }
    const matched = matchFault(action, region, input);
    let fault = matched?.kind ?? null;
    if (!fault && options.rateLimits && !takeToken(action, region)) fault = 'throttle';
    requests.push({ action, region, accessKeyId, sessionToken, input, fault });
    const fail = (status: number, type: string, message: string) => {
      res.writeHead(status, { 'content-type': JSON_TYPE, 'x-amzn-requestid': 'loopback' });
      res.end(JSON.stringify({ __type: type, message }));
    };
    switch (fault) {
      case 'reset': req.socket.destroy(); return;
      case 'throttle': fail(400, 'ThrottlingException', matched?.message ?? 'Rate exceeded'); return;
      case 'deny': fail(400, 'AccessDeniedException', matched?.message ?? `User: arn:aws:iam::${options.account}:user/scanner is not authorized to perform: ecs:${action} on resource: * because no identity-based policy allows the ecs:${action} action`); return;
      case 'client-error': fail(400, 'ClientException', matched?.message ?? 'Invalid parameter'); return;
      case 'server-error': fail(500, 'ServerException', matched?.message ?? 'Service unavailable'); return;
      case 'unrecognized': fail(400, 'UnrecognizedClientException', matched?.message ?? 'The security token included in the request is invalid.'); return;
      case 'expired': fail(400, 'ExpiredTokenException', matched?.message ?? 'The security token included in the request is expired'); return;
      default: break;
    }
    try {
      // A write to a region the fixture does not have creates it (reads of such a region stay empty).
      const data = options.fixture[region] ?? (WRITE_ACTIONS.includes(action) ? (options.fixture[region] = { taskDefinitions: [], clusters: [], services: [], taskSets: [], capacityProviders: [] }) : EMPTY);
      const out = answer(action, input, data, options.account, region, pageSize);
      res.writeHead(200, { 'content-type': JSON_TYPE, 'x-amzn-requestid': 'loopback' });
      res.end(toWire(out));
    } catch (e) {
      if (e instanceof ApiError) fail(e.status, e.type, e.message);
      else fail(500, 'ServerException', String(e));
    }
  };

  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const region = /Credential=[^/]+\/\d{8}\/([^/]+)\//.exec(String(req.headers.authorization ?? ''))?.[1] ?? 'unknown';
      const now = (inFlight.get(region) ?? 0) + 1;
      inFlight.set(region, now);
      maxInFlight.set(region, Math.max(maxInFlight.get(region) ?? 0, now));
      handle(req, res, Buffer.concat(chunks).toString('utf8'))
        .catch(() => { if (!res.headersSent) { res.writeHead(500); res.end(); } })
        .finally(() => inFlight.set(region, (inFlight.get(region) ?? 1) - 1));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;

  const loopback: EcsLoopback = {
    endpoint: `http://127.0.0.1:${port}`,
    account: options.account,
    requests,
    faults,
    maxInFlight,
    count: (action, region) => requests.filter((r) => r.action === action && (region === undefined || r.region === region)).length,
    close: () => new Promise<void>((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    }),
  };
  return loopback;
}

// ---------------------------------------------------------------------------------------------
// The fixture account

const at = new Date('2025-06-01T10:00:00Z');

function tdArn(account: string, region: string, family: string, revision: number): string {
  return `arn:aws:ecs:${region}:${account}:task-definition/${family}:${revision}`;
}

function taskDefinition(account: string, region: string, family: string, revision: number, status: 'ACTIVE' | 'INACTIVE', os: string | null, user: string | undefined, tags?: Tag[]): { taskDefinition: TaskDefinition; tags?: Tag[] } {
  const td: TaskDefinition = {
    taskDefinitionArn: tdArn(account, region, family, revision),
    family,
    revision,
    status,
    networkMode: 'awsvpc',
    requiresCompatibilities: ['FARGATE'],
    cpu: '256',
    memory: '512',
    registeredAt: at,
    containerDefinitions: [{
      name: family,
      image: `${account}.dkr.ecr.${region}.amazonaws.com/${family}:${revision}`,
      essential: true,
      readonlyRootFilesystem: true,
      privileged: false,
      logConfiguration: { logDriver: 'awslogs', options: { 'awslogs-group': `/ecs/${family}`, 'awslogs-region': region, 'awslogs-stream-prefix': family } },
      ...(user !== undefined ? { user } : {}),
    }],
  };
  if (os) td.runtimePlatform = { operatingSystemFamily: os as NonNullable<TaskDefinition['runtimePlatform']>['operatingSystemFamily'], cpuArchitecture: 'X86_64' };
  return tags ? { taskDefinition: td, tags } : { taskDefinition: td };
}

/** The ARNs of the fixture's resources, for assertions. */
export function fixtureArns(account: string) {
  const r1 = 'eu-west-1';
  const r2 = 'us-east-1';
  const arn = (region: string, rest: string) => `arn:aws:ecs:${region}:${account}:${rest}`;
  return {
    web1: tdArn(account, r1, 'web', 1),
    web2: tdArn(account, r1, 'web', 2),
    web3: tdArn(account, r1, 'web', 3),
    worker1: tdArn(account, r1, 'worker', 1),
    worker2: tdArn(account, r1, 'worker', 2),
    win1: tdArn(account, r1, 'win', 1),
    win2: tdArn(account, r1, 'win', 2),
    batch1: tdArn(account, r1, 'batch', 1),
    legacy1: tdArn(account, r1, 'legacy', 1),
    prod: arn(r1, 'cluster/prod'),
    dev: arn(r1, 'cluster/dev'),
    tools: arn(r1, 'cluster/tools'),
    checkout: arn(r1, 'service/prod/checkout'),
    api: arn(r1, 'service/prod/api'),
    blueGreen: arn(r1, 'service/prod/blue-green'),
    devServices: Array.from({ length: 12 }, (_, i) => arn(r1, `service/dev/svc-${String(i + 1).padStart(2, '0')}`)),
    taskSet: arn(r1, 'task-set/prod/blue-green/ecs-svc/1234567890123456789'),
    fargate: arn(r1, 'capacity-provider/FARGATE'),
    fargateSpot: arn(r1, 'capacity-provider/FARGATE_SPOT'),
    asgProtected: arn(r1, 'capacity-provider/asg-protected'),
    asgUnprotected: arn(r1, 'capacity-provider/asg-unprotected'),
    use1Cluster: arn(r2, 'cluster/use1'),
    use1App: tdArn(account, r2, 'use1-app', 4),
    use1Fargate: arn(r2, 'capacity-provider/FARGATE'),
  };
}

/**
 * The fixture account: in eu-west-1 four ACTIVE families (web 3 revisions, the oldest INACTIVE;
 * worker whose newest revision is INACTIVE; win, Windows; batch, running as UID 0) and one
 * INACTIVE family; clusters prod (Container Insights on), dev (off, untagged) and tools
 * (enhanced); services checkout (public IP), api, blue-green (EXTERNAL, one task set with a public
 * IP) and twelve EC2 services in dev; capacity providers FARGATE, FARGATE_SPOT, one Auto Scaling
 * group provider with managed termination protection and one without. In us-east-1 one family,
 * one cluster, FARGATE.
 */
export function fixtureAccount(account: string): AccountFixture {
  const a = fixtureArns(account);
  const r1 = 'eu-west-1';
  const r2 = 'us-east-1';
  const team = [{ key: 'team', value: 'shop' }];
  const vpc = (assignPublicIp: 'ENABLED' | 'DISABLED') => ({ awsvpcConfiguration: { subnets: ['subnet-0a1b2c3d4e5f60718'], securityGroups: ['sg-0123456789abcdef0'], assignPublicIp } });
  const service = (arn: string, cluster: string, extra: Partial<Service>): Service => ({
    serviceArn: arn,
    serviceName: arn.slice(arn.lastIndexOf('/') + 1),
    clusterArn: cluster,
    status: 'ACTIVE',
    desiredCount: 1,
    runningCount: 1,
    createdAt: at,
    enableExecuteCommand: false,
    ...extra,
  });
  const asg = (name: string, protection: 'ENABLED' | 'DISABLED', tags?: Tag[]): CapacityProvider => ({
    capacityProviderArn: `arn:aws:ecs:${r1}:${account}:capacity-provider/${name}`,
    name,
    status: 'ACTIVE',
    autoScalingGroupProvider: {
      autoScalingGroupArn: `arn:aws:autoscaling:${r1}:${account}:autoScalingGroup:1a2b3c4d-5e6f-7a8b-9c0d-1e2f3a4b5c6d:autoScalingGroupName/${name}`,
      managedScaling: { status: 'ENABLED', targetCapacity: 100 },
      managedTerminationProtection: protection,
    },
    ...(tags ? { tags } : {}),
  });
  const fargate = (region: string, name: 'FARGATE' | 'FARGATE_SPOT'): CapacityProvider => ({ capacityProviderArn: `arn:aws:ecs:${region}:${account}:capacity-provider/${name}`, name, status: 'ACTIVE' });
  return {
    [r1]: {
      taskDefinitions: [
        taskDefinition(account, r1, 'web', 1, 'INACTIVE', 'LINUX', 'root'),
        taskDefinition(account, r1, 'web', 2, 'ACTIVE', 'LINUX', 'root', team),
        taskDefinition(account, r1, 'web', 3, 'ACTIVE', 'LINUX', '1000:1000', team),
        taskDefinition(account, r1, 'worker', 1, 'ACTIVE', 'LINUX', undefined),
        taskDefinition(account, r1, 'worker', 2, 'INACTIVE', 'LINUX', '1000'),
        taskDefinition(account, r1, 'win', 1, 'ACTIVE', 'WINDOWS_SERVER_2019_CORE', 'ContainerAdministrator', team),
        taskDefinition(account, r1, 'win', 2, 'ACTIVE', 'WINDOWS_SERVER_2019_CORE', 'ContainerUser', team),
        taskDefinition(account, r1, 'batch', 1, 'ACTIVE', 'LINUX', '0', team),
        taskDefinition(account, r1, 'legacy', 1, 'INACTIVE', 'LINUX', 'root'),
      ],
      clusters: [
        { clusterArn: a.prod, clusterName: 'prod', status: 'ACTIVE', settings: [{ name: 'containerInsights', value: 'enabled' }], tags: [{ key: 'env', value: 'prod' }], capacityProviders: ['FARGATE', 'asg-protected'] },
        { clusterArn: a.dev, clusterName: 'dev', status: 'ACTIVE', settings: [{ name: 'containerInsights', value: 'disabled' }] },
        { clusterArn: a.tools, clusterName: 'tools', status: 'ACTIVE', settings: [{ name: 'containerInsights', value: 'enhanced' }], tags: [{ key: 'env', value: 'tools' }] },
      ],
      services: [
        service(a.checkout, a.prod, { launchType: 'FARGATE', platformVersion: 'LATEST', taskDefinition: a.web3, networkConfiguration: vpc('ENABLED'), tags: team }),
        service(a.api, a.prod, { launchType: 'FARGATE', platformVersion: 'LATEST', taskDefinition: a.web3, networkConfiguration: vpc('DISABLED'), tags: team }),
        service(a.blueGreen, a.prod, { launchType: 'FARGATE', taskDefinition: a.web3, deploymentController: { type: 'EXTERNAL' }, tags: team }),
        ...a.devServices.map((arn) => service(arn, a.dev, { launchType: 'EC2', taskDefinition: a.worker1 })),
      ],
      taskSets: [{
        id: 'ecs-svc/1234567890123456789',
        taskSetArn: a.taskSet,
        serviceArn: a.blueGreen,
        clusterArn: a.prod,
        status: 'PRIMARY',
        taskDefinition: a.web3,
        launchType: 'FARGATE',
        platformVersion: '1.4.0',
        networkConfiguration: vpc('ENABLED'),
        createdAt: at,
        tags: team,
      }],
      capacityProviders: [fargate(r1, 'FARGATE'), fargate(r1, 'FARGATE_SPOT'), asg('asg-protected', 'ENABLED', team), asg('asg-unprotected', 'DISABLED')],
    },
    [r2]: {
      taskDefinitions: [taskDefinition(account, r2, 'use1-app', 4, 'ACTIVE', 'LINUX', '1000', team)],
      clusters: [{ clusterArn: a.use1Cluster, clusterName: 'use1', status: 'ACTIVE', settings: [{ name: 'containerInsights', value: 'enabled' }], tags: team }],
      services: [],
      taskSets: [],
      capacityProviders: [fargate(r2, 'FARGATE')],
    },
  };
}
