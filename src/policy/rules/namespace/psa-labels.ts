import { and, str, whenSet } from '../cel';
import { objectField, show, stringField } from '../../json';
import { ObjectRule, Violation } from '../../rule';
import { PSA_POLICY_VERSION } from '../../../version';

/** CEL: the label `key` of the object is `value`. */
function celLabelIs(key: string, value: string): string {
  return whenSet('object', ['metadata', 'labels'], (labels) => and(`${str(key)} in ${labels}`, `${labels}[${str(key)}] == ${str(value)}`));
}

const PREFIX = 'pod-security.kubernetes.io/';
const MODES = ['enforce', 'audit', 'warn'] as const;

/**
 * Pod Security Admission labels of a Namespace: every mode `restricted`, every version pinned to the target
 * version. A missing or weaker `enforce` is an error (it decides whether a pod may reach the node); the rest warn.
 */
export const psaLabels: ObjectRule = {
  id: 'namespace-psa-labels',
  title: 'Namespaces must enforce, audit and warn Pod Security "restricted" at a pinned version',
  severity: 'error',
  profiles: ['hardened'],
  description: 'Pod Security Admission judges the pods of a namespace by its labels: pod-security.kubernetes.io/'
    + 'enforce rejects violating pods, audit records them and warn tells the client, each at a level (privileged, '
    + 'baseline, restricted) and a policy version (<mode>-version, v1.N or latest). Without enforce=restricted, '
    + 'anyone who may create workloads in the namespace can run a privileged or host-namespace pod, which is the '
    + 'node: that is an error. audit and warn below restricted, and versions that are missing (which means latest) '
    + `or not ${PSA_POLICY_VERSION}, are warnings: an unpinned version lets a cluster upgrade change the verdicts `
    + 'silently. See "Pod Security Admission" and "Enforce Pod Security Standards with Namespace Labels". No '
    + 'common checker validates these labels (Kyverno\'s mutate policy sets enforce=baseline without versions; '
    + 'Kubescape only asks that enforce exists).',
  remediation: `Set metadata.labels pod-security.kubernetes.io/enforce, audit and warn to "restricted" and enforce-version, audit-version and warn-version to "${PSA_POLICY_VERSION}".`,
  docsUrl: 'https://kubernetes.io/docs/concepts/security/pod-security-admission/#pod-security-admission-labels-for-namespaces',
  admission: {
    target: 'namespaces',
    get expression() {
      return {
        // enforce below restricted is the error; audit, warn and unpinned versions are warnings.
        error: celLabelIs('pod-security.kubernetes.io/enforce', 'restricted'),
        warning: and(
          celLabelIs('pod-security.kubernetes.io/audit', 'restricted'),
          celLabelIs('pod-security.kubernetes.io/warn', 'restricted'),
          ...['enforce', 'audit', 'warn'].map((mode) => celLabelIs(`pod-security.kubernetes.io/${mode}-version`, PSA_POLICY_VERSION)),
        ),
      };
    },
  },
  scope: 'object',
  kinds: ['Namespace'],
  check(target) {
    if (target.kind !== 'Namespace' || target.apiVersion !== 'v1') {
      return [];
    }
    const labels = objectField(objectField(target.object, 'metadata'), 'labels');
    const out: Violation[] = [];
    for (const mode of MODES) {
      const key = `${PREFIX}${mode}`;
      const level = stringField(labels, key);
      const severity = mode === 'enforce' ? {} : { severity: 'warning' as const };
      if (level !== 'restricted') {
        out.push({
          path: ['metadata', 'labels', key],
          message: level === undefined ? `namespace sets no ${key} label` : `namespace sets ${key} to ${show(level)}`,
          remediation: `Set metadata.labels["${key}"] to "restricted".`,
          ...severity,
        });
      }
      const versionKey = `${key}-version`;
      const version = stringField(labels, versionKey);
      if (version !== PSA_POLICY_VERSION) {
        out.push({
          path: ['metadata', 'labels', versionKey],
          message: version === undefined
            ? `namespace sets no ${versionKey} label, so ${mode} follows "latest"`
            : `namespace sets ${versionKey} to ${show(version)}`,
          remediation: `Set metadata.labels["${versionKey}"] to "${PSA_POLICY_VERSION}".`,
          severity: 'warning',
        });
      }
    }
    return out;
  },
};
