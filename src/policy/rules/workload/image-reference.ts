import { and, or, str, unsetOr } from '../cel';

/**
 * Container image references, read the way the container runtime reads them: `[registry[:port]/]path[:tag][@digest]`.
 * The tag is looked for in the last path segment only, so the port of `registry:5000/app` is not a tag.
 * Shared by the image rules (tag, digest, pull policy).
 */
export interface ImageReference {
  /** Registry and repository, without tag or digest. */
  readonly repository: string;
  /** The tag, when the last path segment has one (`""` for a dangling `app:`). */
  readonly tag?: string;
  /** Everything after `@`, when there is one (well formed or not). */
  readonly digest?: string;
}

/** OCI/Docker digest grammar: `algorithm:hex`; sha256 and sha512 also need their exact length. */
const DIGEST = /^[A-Za-z][A-Za-z0-9]*(?:[-_+.][A-Za-z][A-Za-z0-9]*)*:[0-9a-fA-F]{32,}$/;
const DIGEST_LENGTH: Record<string, number> = { sha256: 64, sha512: 128 };

export function parseImage(image: string): ImageReference {
  const at = image.indexOf('@');
  const named = at < 0 ? image : image.slice(0, at);
  const digest = at < 0 ? undefined : image.slice(at + 1);
  const colon = named.lastIndexOf(':');
  const hasTag = colon > named.lastIndexOf('/');
  return {
    repository: hasTag ? named.slice(0, colon) : named,
    ...(hasTag ? { tag: named.slice(colon + 1) } : {}),
    ...(digest !== undefined ? { digest } : {}),
  };
}

/** True when `digest` is a well-formed content digest (`sha256:` + 64 hex digits, ...). */
export function isValidDigest(digest: string | undefined): boolean {
  if (digest === undefined || !DIGEST.test(digest)) {
    return false;
  }
  const [algorithm, hex] = digest.split(':');
  const length = Object.prototype.hasOwnProperty.call(DIGEST_LENGTH, algorithm) ? DIGEST_LENGTH[algorithm] : undefined;
  return length === undefined || (hex.length === length && hex === hex.toLowerCase());
}

/** True when the reference names fixed content: a well-formed digest (the runtime then ignores any tag). */
export function isDigestPinned(ref: ImageReference): boolean {
  return isValidDigest(ref.digest);
}

/**
 * The pull policy Kubernetes writes when `imagePullPolicy` is omitted: `Always` when the tag is `latest`
 * or there is neither tag nor digest (the runtime then pulls `:latest`), `IfNotPresent` otherwise.
 */
export function defaultPullPolicy(ref: ImageReference): 'Always' | 'IfNotPresent' {
  const tag = ref.tag ? ref.tag : (ref.digest === undefined ? 'latest' : '');
  return tag === 'latest' ? 'Always' : 'IfNotPresent';
}

// The same reading in CEL, for the image rules' admission policies: the part before the first `@` is the name, the
// rest the digest; the tag is what follows the last `:` of the name when no `/` follows it.
const NAME = '^[^@]*';
const REST = '(@[\\s\\S]*)?$';
/** CEL pattern: the name has a non-empty tag. */
export const CEL_TAGGED = `${NAME}:[^:/@]+${REST}`;
/** CEL pattern: the name's tag is `latest`. */
export const CEL_LATEST = `${NAME}:latest${REST}`;

/** CEL: the image is pinned by a well-formed digest (sha256 and sha512 of exact length, lower-case). */
export function celDigestPinned(image: string): string {
  return or(
    `${image}.matches(${str(`${NAME}@sha256:[0-9a-f]{64}$`)})`,
    `${image}.matches(${str(`${NAME}@sha512:[0-9a-f]{128}$`)})`,
    and(
      `${image}.matches(${str(`${NAME}@[A-Za-z][A-Za-z0-9]*(?:[-_+.][A-Za-z][A-Za-z0-9]*)*:[0-9a-fA-F]{32,}$`)})`,
      `!${image}.matches(${str(`${NAME}@(sha256|sha512):`)})`,
    ),
  );
}

/** CEL: the pull policy Kubernetes defaults to for this image is Always (tag latest, or neither tag nor digest). */
export function celDefaultsToAlways(image: string): string {
  return or(`${image}.matches(${str(CEL_LATEST)})`, and(`!${image}.matches(${str(CEL_TAGGED)})`, `!${image}.contains('@')`));
}

/** CEL: the container's image, when it is a non-empty string, satisfies `test`. */
export function celImage(c: string, test: (image: string) => string): string {
  return unsetOr(c, ['image'], (img) => or(`type(${img}) != string`, `${img} == ''`, test(img)));
}
