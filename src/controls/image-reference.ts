/**
 * Container image references as Docker reads them: `[registry/]repository[:tag][@digest]`. A first
 * component with a `.` or `:`, or `localhost`, is a registry host; without one the image comes
 * from Docker Hub (`nginx` is `docker.io/library/nginx`).
 */

/** The parts of an image reference. */
export interface ImageReference {
  /** Registry host (with port), `docker.io` when the reference names none. */
  registry: string;
  /** Repository path inside the registry (`library/nginx`, `team/app`). */
  repository: string;
  tag: string | null;
  /** `sha256:...`, when the reference pins one. */
  digest: string | null;
}

/** Parses an image reference; null for an empty string. */
export function parseImage(image: string): ImageReference | null {
  let rest = image.trim();
  if (rest === '') return null;
  let digest: string | null = null;
  const at = rest.indexOf('@');
  if (at !== -1) {
    digest = rest.slice(at + 1);
    rest = rest.slice(0, at);
  }
  let tag: string | null = null;
  const slash = rest.lastIndexOf('/');
  const colon = rest.lastIndexOf(':');
  if (colon > slash) {
    tag = rest.slice(colon + 1);
    rest = rest.slice(0, colon);
  }
  const parts = rest.split('/');
  let registry = 'docker.io';
  if (parts.length > 1 && (/[.:]/.test(parts[0]) || parts[0] === 'localhost')) registry = parts.shift()!.toLowerCase();
  if (registry === 'docker.io' && parts.length === 1) parts.unshift('library');
  if (registry === 'index.docker.io' || registry === 'registry-1.docker.io') registry = 'docker.io';
  return { registry, repository: parts.join('/'), tag: tag || null, digest: digest || null };
}

/** Whether a digest is a content digest Docker accepts (`sha256:` and 64 hex digits, or another algorithm). */
export function isContentDigest(digest: string): boolean {
  return /^[a-z0-9]+(?:[.+_-][a-z0-9]+)*:[a-fA-F0-9]{32,}$/.test(digest);
}

/**
 * Whether `image` matches an allow-list entry: a registry host (`public.ecr.aws`), optionally with
 * a repository prefix (`public.ecr.aws/docker/library`), where `*` stands for any characters
 * except `/` (`*.dkr.ecr.*.amazonaws.com`). Case-insensitive for the host.
 */
export function imageAllowed(ref: ImageReference, entry: string): boolean {
  const e = entry.trim().replace(/\/+$/, '');
  if (!e) return false;
  const target = `${ref.registry}/${ref.repository}`;
  const pattern = e.split('*').map((s) => s.replace(/[.+?^${}()|[\]\\]/g, '\\$&')).join('[^/]*');
  return new RegExp(`^${pattern}(?:/|$)`, 'i').test(target);
}
