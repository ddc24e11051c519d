import { and, everyPod, whenSet } from '../cel';
import { podRule } from '../../define';
import { stringField } from '../../json';

/** CEL: a non-empty string field. */
function celNonEmptyString(base: string, field: string): string {
  return whenSet(base, [field], (v) => and(`type(${v}) == string`, `${v} != ''`));
}

/** The pod names its own ServiceAccount instead of running as the namespace's `default`. */
export const defaultServiceAccount = podRule({
  id: 'workload-default-service-account',
  title: 'Pods must not run as the default service account',
  severity: 'warning',
  profiles: ['hardened'],
  description: 'Every namespace has a ServiceAccount named default that every pod without serviceAccountName runs as; '
    + 'any permission granted to it (often by a chart that needed "just one thing") is granted to every such pod, '
    + 'and audit logs cannot tell the workloads apart. Each workload must run as a ServiceAccount of its own '
    + '("Service Accounts": default service accounts), named in spec.serviceAccountName (the deprecated '
    + 'spec.serviceAccount is read when serviceAccountName is empty).',
  remediation: 'Create a ServiceAccount for the workload and set spec.serviceAccountName to its name (not "default").',
  docsUrl: 'https://kubernetes.io/docs/concepts/security/service-accounts/#default-service-accounts',
  admission: {
    target: 'pods',
    // serviceAccountName decides when it is a non-empty string, else the deprecated serviceAccount.
    get expression() {
      return everyPod((pod) => {
        const spec = `${pod}.spec`;
        return `(${celNonEmptyString(spec, 'serviceAccountName')} ? ${spec}.serviceAccountName != 'default'`
          + ` : (${celNonEmptyString(spec, 'serviceAccount')} ? ${spec}.serviceAccount != 'default' : false))`;
      });
    },
  },
}, (pod) => {
  const name = stringField(pod.spec, 'serviceAccountName');
  const legacy = stringField(pod.spec, 'serviceAccount');
  if (name) {
    return name === 'default'
      ? [{ path: [...pod.specPath, 'serviceAccountName'], message: 'pod sets serviceAccountName to "default"' }]
      : [];
  }
  if (legacy) {
    return legacy === 'default'
      ? [{ path: [...pod.specPath, 'serviceAccount'], message: 'pod sets serviceAccount to "default"' }]
      : [];
  }
  return [{
    path: [...pod.specPath, 'serviceAccountName'],
    message: 'pod does not set serviceAccountName, so it runs as "default"',
  }];
});
