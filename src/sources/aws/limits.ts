/**
 * Amazon ECS API request throttling, as AWS documents it, and the read-only actions ecsguard calls.
 *
 * Source: "Request throttling for the Amazon ECS API", Amazon ECS API Reference,
 * https://docs.aws.amazon.com/AmazonECS/latest/APIReference/request-throttling.html
 * (also in the Developer Guide: https://docs.aws.amazon.com/AmazonECS/latest/developerguide/request-throttling.html).
 *
 * ECS throttles every API request per account and per Region with a token bucket per category of
 * actions: the bucket's maximum capacity is the burst rate (requests allowed in any one second),
 * its refill rate the sustained rate (requests per second over time). A request over the quota
 * fails with HTTP 400 `ThrottlingException` ("Rate exceeded"). The buckets that concern a scan:
 *
 * | Category                       | Actions                                                          | Burst | Sustained/s |
 * |--------------------------------|------------------------------------------------------------------|------:|------------:|
 * | Cluster read actions           | DescribeClusters, ListClusters                                   |    50 |          20 |
 * | Task definition read actions   | DescribeTaskDefinition, ListTaskDefinitions, ListTaskDefinitionFamilies | 50 |        20 |
 * | Service read actions           | DescribeServices, ListServices                                   |   100 |          20 |
 * | Capacity provider read actions | DescribeCapacityProviders                                        |    50 |          20 |
 * | Tag read actions               | ListTagsForResource (not called: tags come with `include: TAGS`) |    50 |          20 |
 *
 * `DescribeTaskSets` is not in AWS's table; it is counted with the service reads here. The quotas
 * are shared with every other caller in the account and Region (the console, CI pipelines, the ECS
 * agent's own read calls do not count, but other tools do), and AWS Support can raise them.
 *
 * What follows for a scan: the task definition bucket is the bottleneck (one DescribeTaskDefinition
 * per family, 20 a second once the burst of 50 is spent), so a region with 1,000 families takes at
 * least ~48 s however the calls are spread. ecsguard therefore (1) batches every describe that
 * takes a list (100 clusters, 10 services per call), (2) keeps a few requests in flight per region,
 * and (3) gives each bucket its own SDK client in `adaptive` retry mode, whose client-side rate
 * limiter then slows only the bucket that was throttled instead of every action of the region.
 */

/** The ECS throttling buckets the scan's actions draw from. */
export type ThrottleBucket = 'cluster-read' | 'task-definition-read' | 'service-read' | 'capacity-provider-read';

/** The documented quota of one bucket (per account, per Region). */
export interface BucketQuota {
  /** Bucket maximum capacity: the burst rate, requests in any one second. */
  burst: number;
  /** Bucket refill rate: the sustained rate, requests per second. */
  sustainedPerSecond: number;
}

/** AWS's documented quotas of the buckets a scan uses (see the table above). */
export const ECS_READ_QUOTAS: Readonly<Record<ThrottleBucket, BucketQuota>> = {
  'cluster-read': { burst: 50, sustainedPerSecond: 20 },
  'task-definition-read': { burst: 50, sustainedPerSecond: 20 },
  'service-read': { burst: 100, sustainedPerSecond: 20 },
  'capacity-provider-read': { burst: 50, sustainedPerSecond: 20 },
};

/** Every ECS action the scan calls: all read-only. */
export type EcsReadAction =
  | 'ListTaskDefinitionFamilies'
  | 'ListTaskDefinitions'
  | 'DescribeTaskDefinition'
  | 'ListClusters'
  | 'DescribeClusters'
  | 'ListServices'
  | 'DescribeServices'
  | 'DescribeTaskSets'
  | 'DescribeCapacityProviders';

/** The bucket each action draws from. */
export const BUCKET_OF: Readonly<Record<EcsReadAction, ThrottleBucket>> = {
  ListTaskDefinitionFamilies: 'task-definition-read',
  ListTaskDefinitions: 'task-definition-read',
  DescribeTaskDefinition: 'task-definition-read',
  ListClusters: 'cluster-read',
  DescribeClusters: 'cluster-read',
  ListServices: 'service-read',
  DescribeServices: 'service-read',
  DescribeTaskSets: 'service-read',
  DescribeCapacityProviders: 'capacity-provider-read',
};

/**
 * The IAM actions a scan calls, for the documentation and error hints: every one is read-only
 * (the AWS managed policy `ReadOnlyAccess` grants them all). `sts:GetCallerIdentity` needs no
 * permission; `sts:AssumeRole` is needed on the role when `roleArn` is given.
 */
export const REQUIRED_IAM_ACTIONS: readonly string[] = [
  'ecs:ListTaskDefinitionFamilies',
  'ecs:ListTaskDefinitions',
  'ecs:DescribeTaskDefinition',
  'ecs:ListClusters',
  'ecs:DescribeClusters',
  'ecs:ListServices',
  'ecs:DescribeServices',
  'ecs:DescribeTaskSets',
  'ecs:DescribeCapacityProviders',
];

/** Page and batch sizes, each the API's maximum. */
export const LIMITS = {
  /** ListTaskDefinitionFamilies, ListTaskDefinitions, ListClusters, ListServices: `maxResults` 1..100. */
  listPage: 100,
  /** DescribeClusters: up to 100 clusters a call. */
  describeClusters: 100,
  /** DescribeServices: up to 10 services a call. */
  describeServices: 10,
  /** DescribeCapacityProviders: `maxResults` 1..10. */
  capacityProvidersPage: 10,
} as const;
