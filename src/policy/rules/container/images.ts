import { DockerfileSpec, DOCKERFILE_KIND, isContainerInput } from '../../container-model';
import { Path } from '../../path';
import { ContainerView, PodView } from '../../pod-spec';
import { Target } from '../../rule';
import { parseImage } from '../workload/image-reference';
import { dockerfileOf, finalStage, userAt } from './dockerfile';

/**
 * An image reference in the one spelling Docker gives it: `nginx` is `docker.io/library/nginx`, `team/app` is
 * `docker.io/team/app`; a first segment with a dot, a colon or `localhost` is a registry.
 */
export function normalizeImage(image: string): { repository: string; tag?: string; digest?: string } {
  const ref = parseImage(image.trim());
  const parts = ref.repository.split('/');
  let repository = ref.repository;
  if (parts.length === 1) {
    repository = `docker.io/library/${repository}`;
  } else if (!/[.:]/.test(parts[0]) && parts[0] !== 'localhost') {
    repository = `docker.io/${repository}`;
  } else if (parts[0] === 'index.docker.io') {
    repository = `docker.io/${parts.slice(1).join('/')}`;
  }
  return { repository, ...(ref.tag !== undefined ? { tag: ref.tag } : {}), ...(ref.digest !== undefined ? { digest: ref.digest } : {}) };
}

/** True when `image` (as a pod names it) is an image `name` denotes: same repository, and its tag or digest if it has one. */
export function imageMatches(name: string, image: string): boolean {
  const want = normalizeImage(name);
  const got = normalizeImage(image);
  return want.repository === got.repository
    && (want.tag === undefined || want.tag === got.tag)
    && (want.digest === undefined || want.digest === got.digest);
}

/** A Dockerfile of the set that names the image it builds (`# cdk8s-hardened: image=registry/app`). */
export interface NamedDockerfile {
  readonly index: number;
  readonly file: string;
  readonly image: string;
  readonly spec: DockerfileSpec;
}

export function namedDockerfiles(targets: readonly Target[]): NamedDockerfile[] {
  return targets.flatMap((t, index) => {
    const spec = t.kind === DOCKERFILE_KIND ? dockerfileOf(t) : undefined;
    return spec?.image ? [{ index, file: t.name, image: spec.image, spec }] : [];
  });
}

/** Every container of every Kubernetes pod spec in the set, with the object it is in. */
export function podContainers(targets: readonly Target[]): Array<{ index: number; pod: PodView; container: ContainerView; image: string; imagePath: Path }> {
  return targets.flatMap((t, index) => (isContainerInput(t.apiVersion, t.kind) ? [] : t.pods.flatMap((pod) => pod.containers.flatMap((container) => {
    const image = container.container.image;
    return typeof image === 'string' && image.trim() !== '' ? [{ index, pod, container, image, imagePath: [...container.path, 'image'] }] : [];
  }))));
}

/** The line-free description of where a Dockerfile's USER is, for messages. */
export function imageUser(spec: DockerfileSpec): { user: string; line: number } | undefined {
  const found = userAt(spec, finalStage(spec).index);
  return found ? { user: found.user, line: found.line } : undefined;
}
