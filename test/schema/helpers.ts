import { toTarget } from '../../src/policy/engine';
import { ObjectRule, Violation } from '../../src/policy/rule';
import { SCHEMA_RULE } from '../../src/schema';

/** Runs a schema rule on one object. */
export function check(object: unknown, rule: ObjectRule = SCHEMA_RULE): readonly Violation[] {
  const target = toTarget(object);
  if (!target) {
    throw new Error('not a Kubernetes object');
  }
  return rule.check(target);
}

/** The messages of the violations, for compact assertions. */
export function messages(object: unknown, rule?: ObjectRule): string[] {
  return check(object, rule).map((v) => v.message);
}

/** A deep copy with `edit` applied, so each case starts from the same valid object. */
export function variant<T>(object: T, edit: (copy: any) => void): T {
  const copy = JSON.parse(JSON.stringify(object));
  edit(copy);
  return copy;
}

const podSpec = () => ({
  automountServiceAccountToken: false,
  securityContext: { runAsNonRoot: true, seccompProfile: { type: 'RuntimeDefault' } },
  containers: [{
    name: 'app',
    image: 'registry.example.com/app:1.0',
    ports: [{ name: 'http', containerPort: 8080 }],
    resources: { requests: { cpu: '100m', memory: '128Mi' }, limits: { cpu: 1, memory: '256Mi' } },
    readinessProbe: { httpGet: { path: '/healthz', port: 'http' } },
    securityContext: { allowPrivilegeEscalation: false, readOnlyRootFilesystem: true, capabilities: { drop: ['ALL'] } },
  }],
});

const labels = { 'app.kubernetes.io/name': 'app' };
const meta = (name: string, namespace: string | undefined = 'shop') => ({ name, ...(namespace ? { namespace } : {}), labels: { ...labels } });

/** A valid object of every kind the hardened constructs emit. */
export const VALID: Record<string, object> = {
  Namespace: { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'shop', labels: { 'pod-security.kubernetes.io/enforce': 'restricted' } } },
  ServiceAccount: { apiVersion: 'v1', kind: 'ServiceAccount', metadata: meta('app'), automountServiceAccountToken: false },
  Deployment: {
    apiVersion: 'apps/v1', kind: 'Deployment', metadata: meta('app'),
    spec: { replicas: 2, selector: { matchLabels: labels }, template: { metadata: { labels }, spec: podSpec() } },
  },
  StatefulSet: {
    apiVersion: 'apps/v1', kind: 'StatefulSet', metadata: meta('db'),
    spec: {
      serviceName: 'db', replicas: 1, selector: { matchLabels: labels }, template: { metadata: { labels }, spec: podSpec() },
      volumeClaimTemplates: [{ metadata: { name: 'data' }, spec: { accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '10Gi' } } } }],
    },
  },
  Job: {
    apiVersion: 'batch/v1', kind: 'Job', metadata: meta('migrate'),
    spec: { backoffLimit: 2, template: { spec: { ...podSpec(), restartPolicy: 'Never' } } },
  },
  CronJob: {
    apiVersion: 'batch/v1', kind: 'CronJob', metadata: meta('report'),
    spec: { schedule: '0 3 * * *', timeZone: 'Etc/UTC', concurrencyPolicy: 'Forbid', jobTemplate: { spec: { template: { spec: { ...podSpec(), restartPolicy: 'OnFailure' } } } } },
  },
  Pod: { apiVersion: 'v1', kind: 'Pod', metadata: meta('debug'), spec: podSpec() },
  Service: {
    apiVersion: 'v1', kind: 'Service', metadata: meta('app'),
    spec: { type: 'ClusterIP', selector: labels, ports: [{ name: 'http', port: 80, targetPort: 'http', protocol: 'TCP' }] },
  },
  NetworkPolicy: {
    apiVersion: 'networking.k8s.io/v1', kind: 'NetworkPolicy', metadata: meta('default-deny'),
    spec: {
      podSelector: {}, policyTypes: ['Ingress', 'Egress'],
      ingress: [{ from: [{ podSelector: { matchLabels: labels } }], ports: [{ port: 8080, protocol: 'TCP' }] }],
      egress: [{ to: [{ ipBlock: { cidr: '10.0.0.0/8', except: ['10.1.0.0/16'] } }], ports: [{ port: 'dns', protocol: 'UDP' }] }],
    },
  },
  Role: {
    apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'Role', metadata: meta('reader'),
    rules: [{ apiGroups: [''], resources: ['configmaps'], resourceNames: ['app'], verbs: ['get'] }],
  },
  RoleBinding: {
    apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'RoleBinding', metadata: meta('reader'),
    roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: 'reader' },
    subjects: [{ kind: 'ServiceAccount', name: 'app', namespace: 'shop' }],
  },
  ClusterRole: {
    apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'ClusterRole', metadata: meta('node-reader', undefined),
    rules: [{ apiGroups: [''], resources: ['nodes'], verbs: ['get', 'list'] }, { nonResourceURLs: ['/healthz'], verbs: ['get'] }],
  },
  ClusterRoleBinding: {
    apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'ClusterRoleBinding', metadata: meta('node-reader', undefined),
    roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: 'node-reader' },
    subjects: [{ kind: 'Group', apiGroup: 'rbac.authorization.k8s.io', name: 'ops' }],
  },
  ResourceQuota: {
    apiVersion: 'v1', kind: 'ResourceQuota', metadata: meta('quota'),
    spec: { hard: { 'requests.cpu': '4', 'limits.memory': '8Gi', 'pods': '20', 'count/deployments.apps': 10 } },
  },
  LimitRange: {
    apiVersion: 'v1', kind: 'LimitRange', metadata: meta('limits'),
    spec: { limits: [{ type: 'Container', default: { cpu: '500m', memory: '256Mi' }, defaultRequest: { cpu: '100m', memory: '128Mi' }, max: { cpu: 2 } }] },
  },
  ConfigMap: { apiVersion: 'v1', kind: 'ConfigMap', metadata: meta('config'), data: { LOG_LEVEL: 'info' }, binaryData: { blob: 'aGVsbG8=' } },
  PersistentVolumeClaim: {
    apiVersion: 'v1', kind: 'PersistentVolumeClaim', metadata: meta('data'),
    spec: { accessModes: ['ReadWriteOnce'], storageClassName: 'standard', resources: { requests: { storage: '10Gi' } } },
  },
  ValidatingAdmissionPolicy: {
    apiVersion: 'admissionregistration.k8s.io/v1beta1', kind: 'ValidatingAdmissionPolicy', metadata: { name: 'no-privileged' },
    spec: {
      failurePolicy: 'Fail',
      matchConstraints: { resourceRules: [{ apiGroups: [''], apiVersions: ['v1'], operations: ['CREATE', 'UPDATE'], resources: ['pods'] }] },
      validations: [{ expression: 'object.spec.containers.all(c, !has(c.securityContext))', message: 'no', reason: 'Forbidden' }],
    },
  },
  ValidatingAdmissionPolicyBinding: {
    apiVersion: 'admissionregistration.k8s.io/v1beta1', kind: 'ValidatingAdmissionPolicyBinding', metadata: { name: 'no-privileged' },
    spec: { policyName: 'no-privileged', validationActions: ['Deny', 'Audit'], matchResources: { namespaceSelector: { matchLabels: { a: 'b' } } } },
  },
};
