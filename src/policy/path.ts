/** A path into a JSON object: object keys and array indices, outermost first. */
export type Path = ReadonlyArray<string | number>;

const PLAIN_KEY = /^[A-Za-z_$][A-Za-z0-9_$-]*$/;

/**
 * Formats a path the way people read Kubernetes fields:
 * `spec.containers[0].securityContext.privileged`, with keys that are not plain identifiers quoted
 * (`metadata.annotations["container.apparmor.security.beta.kubernetes.io/app"]`).
 */
export function formatPath(path: Path): string {
  let out = '';
  for (const segment of path) {
    if (typeof segment === 'number') {
      out += `[${segment}]`;
    } else if (PLAIN_KEY.test(segment)) {
      out += out === '' ? segment : `.${segment}`;
    } else {
      out += `[${JSON.stringify(segment)}]`;
    }
  }
  return out;
}
