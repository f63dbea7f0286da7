/**
 * ECSG.6 (ecsguard hardening): container images should be pinned: never `latest` or untagged,
 * and (by default) referenced by digest.
 */
import type { TaskDefinition } from '@aws-sdk/client-ecs';
import { isUnresolved, type Evaluation, type Resource } from '../model/index.js';
import { COMMON_MESSAGES, type Control, type ControlParams } from './types.js';
import { judgeContainers } from './helpers.js';
import { isContentDigest, parseImage } from './image-reference.js';

export const ecsg06: Control = {
  id: 'ECSG.6',
  set: 'extra',
  title: 'ECS container images should be pinned by digest and never use the latest tag',
  severity: 'LOW',
  resourceTypes: ['AWS::ECS::TaskDefinition'],
  fields: ['image'],
  configRule: null,
  enabledByDefault: true,
  parameters: {
    requireDigest: {
      type: 'boolean',
      default: true,
      description: 'Require an @sha256: digest; false accepts any tag other than latest.',
    },
  },
  docs: {
    checks: 'Reads containerDefinitions[].image. An image with a digest (repository@sha256:...) passes, with or without a tag. Without a digest, the tag latest fails, and so does no tag at all (Docker then pulls latest); with requireDigest (the default) any other tag fails too, since a tag can be moved to another image. A container without an image is left to ECS, which rejects it. An unknown image (a parameter without a Default, an account ID known only at deployment) is NOT_AVAILABLE.',
    why: 'A tag is a movable name. With latest or an unpinned tag, two tasks of the same revision can run different code, a rollback to an old revision does not bring the old image back, and whoever can push to the repository (or compromise the registry) changes what runs in production at the next task start without a new task definition revision. A digest names the exact bytes that were built, scanned and approved.',
    fix: 'Reference the image by digest in a new task definition revision: 111122223333.dkr.ecr.eu-west-1.amazonaws.com/app@sha256:<digest>, taken from the build output or aws ecr describe-images. CI pipelines can render the digest into the task definition at deploy time. If digests are impractical, use unique, immutable tags (a version or commit SHA) on an ECR repository with tag immutability turned on, and set requireDigest to false.',
    snippet: `{
  "family": "app",
  "containerDefinitions": [
    {
      "name": "app",
      "image": "111122223333.dkr.ecr.eu-west-1.amazonaws.com/app:1.4.2@sha256:4f53cda18c2baa0c0354bb5f9a3ecbe5ed12ab4d8e11ba873c2f11161202b945"
    }
  ]
}`,
    cloudformation: `Resources:
  TaskDefinition:
    Type: AWS::ECS::TaskDefinition
    Properties:
      Family: app
      ContainerDefinitions:
        - Name: app
          Image: 111122223333.dkr.ecr.eu-west-1.amazonaws.com/app:1.4.2@sha256:4f53cda18c2baa0c0354bb5f9a3ecbe5ed12ab4d8e11ba873c2f11161202b945`,
    terraform: `resource "aws_ecs_task_definition" "app" {
  family = "app"
  container_definitions = jsonencode([
    {
      name  = "app"
      image = "\${aws_ecr_repository.app.repository_url}@\${data.aws_ecr_image.app.image_digest}"
    }
  ])
}`,
    falsePositives: 'ECR repositories with tag immutability make a version tag as stable as a digest; ecsguard cannot see the repository setting, so set requireDigest to false if all your repositories are immutable. AWS-managed sidecars that AWS asks you to reference by a moving tag (some agent images) are an accepted exception. The AWS CDK references asset images by a content hash used as the tag, which is stable but fails the default.',
  },
  mappings: { nist80053r5: [], pciDss401: [] },
  peers: [],
  messages: {
    ...COMMON_MESSAGES,
    latestTag: "container '{name}' runs image '{image}' with the latest tag, so what runs changes whenever the tag moves; pin it by digest (@sha256:...)",
    noTag: "container '{name}' runs image '{image}' with no tag, which means latest; pin it by digest (@sha256:...)",
    notPinned: "container '{name}' runs image '{image}' by tag '{tag}' without a digest, so the tag can be moved to another image; pin it by digest (@sha256:...)",
    imageUnknown: "container '{name}': the image is unknown: {reason}",
    pinned: 'every container ({count}) runs a pinned image{how}',
  },
  evaluate(resource: Resource, params: ControlParams): Evaluation[] {
    const td = resource.properties as TaskDefinition;
    const requireDigest = params.requireDigest !== false;
    return judgeContainers(td, ({ container, path, label }) => {
      const image: unknown = container.image;
      const p = `${path}.image`;
      if (isUnresolved(image)) return { status: 'NOT_AVAILABLE', messageId: 'imageUnknown', data: { name: label, reason: image.unresolved }, path: p };
      if (typeof image !== 'string') return null;
      const ref = parseImage(image);
      if (!ref || (ref.digest && isContentDigest(ref.digest))) return null;
      const shown = image.trim();
      if (ref.tag === null) return { status: 'FAILED', messageId: 'noTag', data: { name: label, image: shown }, path: p };
      if (ref.tag === 'latest') return { status: 'FAILED', messageId: 'latestTag', data: { name: label, image: shown }, path: p };
      if (requireDigest) return { status: 'FAILED', messageId: 'notPinned', data: { name: label, image: shown, tag: ref.tag }, path: p };
      return null;
    }, 'pinned', { how: requireDigest ? ' by digest' : ' (a digest or a tag other than latest)' });
  },
};
