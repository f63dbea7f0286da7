/**
 * ECSG.7 (ecsguard hardening): container images should come from the registries the organisation
 * allows. Off until `allowedRegistries` names at least one registry: with the default empty list
 * the control gives no finding.
 */
import type { TaskDefinition } from '@aws-sdk/client-ecs';
import { isUnresolved, type Evaluation, type Resource } from '../model/index.js';
import { COMMON_MESSAGES, type Control, type ControlParams } from './types.js';
import { judgeContainers } from './helpers.js';
import { imageAllowed, parseImage } from './image-reference.js';

export const ecsg07: Control = {
  id: 'ECSG.7',
  set: 'extra',
  title: 'ECS container images should come from allowed registries',
  severity: 'MEDIUM',
  resourceTypes: ['AWS::ECS::TaskDefinition'],
  fields: ['image'],
  configRule: null,
  enabledByDefault: true,
  parameters: {
    allowedRegistries: {
      type: 'string[]',
      default: [],
      description: 'Registry hosts, optionally with a repository prefix, images may come from (* matches within one part, e.g. *.dkr.ecr.*.amazonaws.com); empty: the control is off.',
      validate: (v) => (Array.isArray(v) && v.every((e) => typeof e === 'string' && e.trim() !== '' && !/\s/.test(e.trim())) ? null : 'allowedRegistries must be a list of registry hosts such as 111122223333.dkr.ecr.eu-west-1.amazonaws.com'),
    },
  },
  docs: {
    checks: 'Only runs when the allowedRegistries parameter names at least one registry; with its default, an empty list, it gives no finding at all. Each containerDefinitions[].image is read as Docker reads it: a first part with a dot, a colon or localhost is the registry host, otherwise the image comes from Docker Hub (nginx is docker.io/library/nginx). The image passes when registry/repository starts with an entry of allowedRegistries: a host (public.ecr.aws), or a host and repository prefix (public.ecr.aws/docker/library), where * stands for any characters within one part (*.dkr.ecr.*.amazonaws.com allows every private ECR registry). Hosts compare case-insensitively. An unknown image is NOT_AVAILABLE.',
    why: 'Where an image comes from decides who can change what runs. A public registry or a third-party one puts the image outside your scanning, signing and retention controls, and a typo-squatted or hijacked repository runs with the task role\'s permissions. Pulls from Docker Hub are also rate-limited and fail under load. Keeping images in your own ECR registries (with pull-through caches for public ones) keeps the supply chain in one place you control.',
    fix: 'Copy the image into an allowed registry (an ECR pull-through cache rule does it for public.ecr.aws, Docker Hub, Quay and GitHub Container Registry) and reference that copy in a new task definition revision; or, if the registry is trusted, add it to allowedRegistries.',
    snippet: `{
  "family": "app",
  "containerDefinitions": [
    {
      "name": "app",
      "image": "111122223333.dkr.ecr.eu-west-1.amazonaws.com/docker-hub/library/nginx@sha256:4f53cda18c2baa0c0354bb5f9a3ecbe5ed12ab4d8e11ba873c2f11161202b945"
    }
  ]
}`,
    cloudformation: `Resources:
  PullThroughCache:
    Type: AWS::ECR::PullThroughCacheRule
    Properties:
      EcrRepositoryPrefix: docker-hub
      UpstreamRegistryUrl: registry-1.docker.io
      CredentialArn: arn:aws:secretsmanager:eu-west-1:111122223333:secret:ecr-pullthroughcache/docker-hub-AbCdEf
  TaskDefinition:
    Type: AWS::ECS::TaskDefinition
    Properties:
      Family: app
      ContainerDefinitions:
        - Name: app
          Image: 111122223333.dkr.ecr.eu-west-1.amazonaws.com/docker-hub/library/nginx@sha256:4f53cda18c2baa0c0354bb5f9a3ecbe5ed12ab4d8e11ba873c2f11161202b945`,
    terraform: `resource "aws_ecr_pull_through_cache_rule" "docker_hub" {
  ecr_repository_prefix = "docker-hub"
  upstream_registry_url = "registry-1.docker.io"
  credential_arn        = aws_secretsmanager_secret.docker_hub.arn
}

resource "aws_ecs_task_definition" "app" {
  family = "app"
  container_definitions = jsonencode([
    {
      name  = "app"
      image = "111122223333.dkr.ecr.eu-west-1.amazonaws.com/docker-hub/library/nginx@sha256:4f53cda18c2baa0c0354bb5f9a3ecbe5ed12ab4d8e11ba873c2f11161202b945"
    }
  ])
}

# .ecsguard.yml
# parameters:
#   ECSG.7: { allowedRegistries: ["*.dkr.ecr.*.amazonaws.com"] }`,
    falsePositives: 'AWS-provided sidecars (the X-Ray daemon, the CloudWatch agent, FireLens, the App Mesh Envoy image) come from public.ecr.aws or AWS-owned ECR accounts; list those registries (or their repository prefixes) in allowedRegistries if you accept them.',
  },
  mappings: { nist80053r5: [], pciDss401: [] },
  peers: [],
  messages: {
    ...COMMON_MESSAGES,
    registryNotAllowed: "container '{name}' pulls '{image}' from {registry}, which is not in allowedRegistries; use a copy in an allowed registry",
    imageUnknown: "container '{name}': the image is unknown: {reason}",
    allAllowed: 'every container ({count}) pulls its image from an allowed registry',
  },
  evaluate(resource: Resource, params: ControlParams): Evaluation[] {
    const allowed = ((params.allowedRegistries as string[] | undefined) ?? []).filter((e) => e.trim() !== '');
    if (allowed.length === 0) return [];
    const td = resource.properties as TaskDefinition;
    return judgeContainers(td, ({ container, path, label }) => {
      const image: unknown = container.image;
      const p = `${path}.image`;
      if (isUnresolved(image)) return { status: 'NOT_AVAILABLE', messageId: 'imageUnknown', data: { name: label, reason: image.unresolved }, path: p };
      if (typeof image !== 'string') return null;
      const ref = parseImage(image);
      if (!ref || allowed.some((e) => imageAllowed(ref, e))) return null;
      return { status: 'FAILED', messageId: 'registryNotAllowed', data: { name: label, image: image.trim(), registry: ref.registry }, path: p };
    }, 'allAllowed');
  },
};
