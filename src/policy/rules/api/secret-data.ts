import { objectField } from '../../json';
import { ObjectRule, Violation } from '../../rule';

const DATA_FIELDS = ['data', 'stringData'] as const;

/** A v1 Secret with values in a GitOps tree. */
export const secretData: ObjectRule = {
  id: 'api-secret-data',
  title: 'Secrets must not carry their values in the manifest tree',
  severity: 'error',
  profiles: ['hardened'],
  description: 'The data of a Secret is only base64-encoded, not encrypted: committed to a GitOps repository it is '
    + 'readable by everyone with access to the repository, its forks and its CI logs, forever (Git history keeps '
    + 'it after deletion), which bypasses every RBAC rule that guards Secrets in the cluster. A v1 Secret written '
    + 'to the tree must have no data and no stringData ("Good practices for Kubernetes Secrets"); commit an '
    + 'encrypted SealedSecret or an ExternalSecret that points at a secret store, and let the cluster create the '
    + 'Secret.',
  remediation: 'Remove data and stringData from the Secret and commit a SealedSecret (bitnami-labs/sealed-secrets) or an ExternalSecret (external-secrets.io) that creates it in the cluster.',
  docsUrl: 'https://kubernetes.io/docs/concepts/security/secrets-good-practices/',
  scope: 'object',
  kinds: ['Secret'],
  check(target) {
    if (target.kind !== 'Secret' || target.apiVersion !== 'v1') {
      return [];
    }
    const out: Violation[] = [];
    for (const name of DATA_FIELDS) {
      const keys = Object.keys(objectField(target.object, name) ?? {});
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
