'use strict';
/**
 * Builds the mixed object set the `check` benchmark judges: for every 10 objects, a Namespace-scoped mix of
 * workloads (Deployment, StatefulSet, CronJob), their Service, ServiceAccount, NetworkPolicy, Role and
 * RoleBinding, plus a Namespace (with PSA labels), a ResourceQuota and a LimitRange. About a tenth of the
 * workloads carry a defect (a privileged container, a :latest image) so findings are produced too.
 */
function hardenedPodSpec(name, defect) {
  return {
    serviceAccountName: name,
    automountServiceAccountToken: false,
    securityContext: { runAsNonRoot: true, runAsUser: 10001, runAsGroup: 10001, fsGroup: 10001, seccompProfile: { type: 'RuntimeDefault' } },
    containers: [{
      name: 'app',
      image: defect ? 'registry.example.com/app:latest' : 'registry.example.com/app:1.4.2',
      imagePullPolicy: 'Always',
      ports: [{ containerPort: 8080, name: 'http' }],
      resources: { requests: { cpu: '100m', memory: '128Mi' }, limits: { cpu: '500m', memory: '256Mi' } },
      securityContext: {
        allowPrivilegeEscalation: false,
        readOnlyRootFilesystem: true,
        capabilities: { drop: ['ALL'] },
        ...(defect ? { privileged: true } : {}),
      },
      livenessProbe: { httpGet: { path: '/healthz', port: 'http' } },
      readinessProbe: { httpGet: { path: '/ready', port: 'http' } },
      volumeMounts: [{ name: 'tmp', mountPath: '/tmp' }],
    }],
    volumes: [{ name: 'tmp', emptyDir: {} }],
  };
}

function mixedObjects(count) {
  const out = [];
  for (let i = 0; out.length < count; i++) {
    const ns = `team-${Math.floor(i / 10)}`;
    const name = `svc-${i}`;
    const labels = { 'app.kubernetes.io/name': name };
    const defect = i % 10 === 3;
    if (i % 10 === 0) {
      const level = { 'pod-security.kubernetes.io/enforce': 'restricted', 'pod-security.kubernetes.io/enforce-version': 'v1.28',
        'pod-security.kubernetes.io/audit': 'restricted', 'pod-security.kubernetes.io/audit-version': 'v1.28',
        'pod-security.kubernetes.io/warn': 'restricted', 'pod-security.kubernetes.io/warn-version': 'v1.28' };
      out.push({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: ns, labels: level } });
      out.push({ apiVersion: 'v1', kind: 'ResourceQuota', metadata: { name: 'quota', namespace: ns }, spec: { hard: { pods: '50', 'requests.cpu': '10', 'requests.memory': '20Gi' } } });
      out.push({ apiVersion: 'v1', kind: 'LimitRange', metadata: { name: 'limits', namespace: ns }, spec: { limits: [{ type: 'Container', default: { cpu: '500m', memory: '256Mi' }, defaultRequest: { cpu: '100m', memory: '128Mi' } }] } });
      out.push({ apiVersion: 'networking.k8s.io/v1', kind: 'NetworkPolicy', metadata: { name: 'default-deny', namespace: ns }, spec: { podSelector: {}, policyTypes: ['Ingress', 'Egress'] } });
    }
    const template = { metadata: { labels }, spec: hardenedPodSpec(name, defect) };
    const workload = i % 3 === 0
      ? { apiVersion: 'apps/v1', kind: 'StatefulSet', metadata: { name, namespace: ns }, spec: { serviceName: name, replicas: 1, selector: { matchLabels: labels }, template } }
      : i % 3 === 1
        ? { apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name, namespace: ns }, spec: { replicas: 2, selector: { matchLabels: labels }, template } }
        : { apiVersion: 'batch/v1', kind: 'CronJob', metadata: { name, namespace: ns }, spec: { schedule: '*/5 * * * *', jobTemplate: { spec: { template: { metadata: { labels }, spec: { ...hardenedPodSpec(name, defect), restartPolicy: 'OnFailure' } } } } } };
    if (workload.kind === 'CronJob') {
      const c = workload.spec.jobTemplate.spec.template.spec.containers[0];
      delete c.livenessProbe;
      delete c.readinessProbe;
    }
    out.push(
      { apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name, namespace: ns }, automountServiceAccountToken: false },
      workload,
      { apiVersion: 'v1', kind: 'Service', metadata: { name, namespace: ns }, spec: { selector: labels, ports: [{ port: 80, targetPort: 'http' }] } },
      { apiVersion: 'networking.k8s.io/v1', kind: 'NetworkPolicy', metadata: { name: `${name}-ingress`, namespace: ns },
        spec: { podSelector: { matchLabels: labels }, policyTypes: ['Ingress'], ingress: [{ from: [{ podSelector: { matchLabels: { 'app.kubernetes.io/name': 'gateway' } } }], ports: [{ port: 8080, protocol: 'TCP' }] }] } },
      { apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'Role', metadata: { name: `${name}-reader`, namespace: ns }, rules: [{ apiGroups: [''], resources: ['configmaps'], verbs: ['get', 'list', 'watch'] }] },
      { apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'RoleBinding', metadata: { name: `${name}-reader`, namespace: ns },
        roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: `${name}-reader` }, subjects: [{ kind: 'ServiceAccount', name, namespace: ns }] },
    );
  }
  return out.slice(0, count);
}

module.exports = { mixedObjects, hardenedPodSpec };
