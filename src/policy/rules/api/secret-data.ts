import { objectField } from '../../json';
import { ObjectRule, Violation } from '../../rule';

const DATA_FIELDS = ['data', 'stringData'] as const;

/** True for a value that carries nothing: absent, null or an empty (or all-whitespace) string. */
function isEmptyValue(value: unknown): boolean {
  return value === undefined || value === null || (typeof value === 'string' && value.trim() === '');
}

/** A v1 Secret with values in a GitOps tree; keys whose value is empty hold no secret and are not reported. */
export const secretData: ObjectRule = {
  id: 'api-secret-data',
  title: 'Secrets must not carry their values in the manifest tree',
  severity: 'error',
  profiles: ['hardened'],
  description: 'The data of a Secret is only base64-encoded, not encrypted: committed to a GitOps repository it is '
    + 'readable by everyone with access to the repository, its forks and its CI logs, forever (Git history keeps '
    + 'it after deletion), which bypasses every RBAC rule that guards Secrets in the cluster. A v1 Secret written '
    + 'to the tree must have no values in data and stringData ("Good practices for Kubernetes Secrets"; keys with an '
    + 'empty value, placeholders that the app or a controller fills in, hold no secret and pass); commit an '
    + 'encrypted SealedSecret or an ExternalSecret that points at a secret store, and let the cluster create the '
    + 'Secret.',
  remediation: 'Remove data and stringData from the Secret and commit a SealedSecret (bitnami-labs/sealed-secrets) or an ExternalSecret (external-secrets.io) that creates it in the cluster.',
  docsUrl: 'https://kubernetes.io/docs/concepts/security/secrets-good-practices/',
  admission: {
    notExpressible: 'it is about what is committed to the manifest tree; in the cluster every Secret carries data '
      + '(the controllers that unseal SealedSecrets or sync ExternalSecrets create exactly such Secrets), so a policy '
      + 'would refuse all of them',
  },
  scope: 'object',
  kinds: ['Secret'],
  check(target) {
    if (target.kind !== 'Secret' || target.apiVersion !== 'v1') {
      return [];
    }
    const out: Violation[] = [];
    for (const name of DATA_FIELDS) {
      // An empty value holds no secret: placeholders (`data: {csrf: ""}`) that the app or a controller fills in.
      const values = objectField(target.object, name) ?? {};
      const keys = Object.keys(values).filter((k) => !isEmptyValue(values[k]));
      if (keys.length > 0) {
        out.push({
          path: [name],
          message: `secret sets ${name} for ${keys.length === 1 ? 'key' : 'keys'} ${keys.map((k) => JSON.stringify(k)).join(', ')}`,
        });
      }
    }
    return out;
  },
};
