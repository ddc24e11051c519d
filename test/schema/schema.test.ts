import { check, messages, VALID, variant } from './helpers';

describe('schema: valid objects of every kind the hardened constructs emit', () => {
  test.each(Object.entries(VALID))('%s is valid', (_kind, object) => {
    expect(check(object)).toEqual([]);
  });

  test('the input object is never modified', () => {
    const object = variant(VALID.Deployment, (d) => {
      d.metadata.creationTimestamp = null;
      d.spec.template.spec.securityContext = null;
    });
    const before = JSON.stringify(object);
    expect(check(object)).toEqual([]);
    expect(JSON.stringify(object)).toBe(before);
  });
});

describe('schema: invalid objects of every kind', () => {
  const cases: Array<[string, object, string[]]> = [
    ['Namespace', variant(VALID.Namespace, (o) => { o.metadata.lables = { a: 'b' }; }),
      ['unknown field metadata.lables (did you mean labels?)']],
    ['ServiceAccount', variant(VALID.ServiceAccount, (o) => { o.automountServiceAccountToken = 'false'; }),
      ['automountServiceAccountToken must be a boolean (true or false), not the string "false"']],
    ['Deployment', variant(VALID.Deployment, (o) => { o.spec.replicas = 'three'; }),
      ['spec.replicas must be an integer, not the string "three"']],
    ['StatefulSet', variant(VALID.StatefulSet, (o) => { delete o.spec.serviceName; }),
      ['missing required field spec.serviceName']],
    ['Job', variant(VALID.Job, (o) => { o.spec.template.spec.restartPolicy = ['Never']; }),
      ['spec.template.spec.restartPolicy must be a string, not a list']],
    ['CronJob', variant(VALID.CronJob, (o) => { delete o.spec.schedule; }),
      ['missing required field spec.schedule']],
    ['Pod', variant(VALID.Pod, (o) => { o.spec.hostPIDD = true; }),
      ['unknown field spec.hostPIDD (did you mean hostPID?)']],
    ['Service', variant(VALID.Service, (o) => { o.spec.ports[0].port = '80'; }),
      ['spec.ports[0].port must be an integer, not the string "80"']],
    ['NetworkPolicy', variant(VALID.NetworkPolicy, (o) => { delete o.spec.podSelector; }),
      ['missing required field spec.podSelector']],
    ['Role', variant(VALID.Role, (o) => { delete o.rules[0].verbs; }),
      ['missing required field rules[0].verbs']],
    ['RoleBinding', variant(VALID.RoleBinding, (o) => { delete o.roleRef.apiGroup; }),
      ['missing required field roleRef.apiGroup']],
    ['ClusterRole', variant(VALID.ClusterRole, (o) => { o.rules[0].verb = ['get']; delete o.rules[0].verbs; }),
      ['unknown field rules[0].verb (did you mean verbs?)', 'missing required field rules[0].verbs']],
    ['ClusterRoleBinding', variant(VALID.ClusterRoleBinding, (o) => { o.subjects[0] = { kind: 'Group' }; }),
      ['missing required field subjects[0].name']],
    ['ResourceQuota', variant(VALID.ResourceQuota, (o) => { o.spec.hard['limits.memory'] = '8GB'; }),
      ['spec.hard["limits.memory"] is not a valid quantity: "8GB"']],
    ['LimitRange', variant(VALID.LimitRange, (o) => { delete o.spec.limits[0].type; }),
      ['missing required field spec.limits[0].type']],
    ['ConfigMap', variant(VALID.ConfigMap, (o) => { o.data.ENABLED = true; }),
      ['data.ENABLED must be a string, not the boolean true']],
    ['PersistentVolumeClaim', variant(VALID.PersistentVolumeClaim, (o) => { o.spec.accessModes = 'ReadWriteOnce'; }),
      ['spec.accessModes must be a list, not the string "ReadWriteOnce"']],
    ['ValidatingAdmissionPolicy', variant(VALID.ValidatingAdmissionPolicy, (o) => { delete o.spec.validations[0].expression; }),
      ['missing required field spec.validations[0].expression']],
    ['ValidatingAdmissionPolicyBinding', variant(VALID.ValidatingAdmissionPolicyBinding, (o) => { o.spec.validationAction = ['Deny']; }),
      ['unknown field spec.validationAction (did you mean validationActions?)']],
  ];

  test.each(cases)('%s', (_kind, object, expected) => {
    expect(messages(object)).toEqual(expected);
  });
});

describe('schema: kinds of error', () => {
  test('unknown field, with the path as an array and a suggestion by case-insensitive match', () => {
    const object = variant(VALID.Deployment, (d) => { d.spec.template.spec.containers[0].securityContext.runAsNonroot = true; });
    expect(check(object)).toEqual([{
      path: ['spec', 'template', 'spec', 'containers', 0, 'securityContext', 'runAsNonroot'],
      message: 'unknown field spec.template.spec.containers[0].securityContext.runAsNonroot (did you mean runAsNonRoot?)',
      remediation: 'Rename spec.template.spec.containers[0].securityContext.runAsNonroot to runAsNonRoot.',
    }]);
  });

  test('unknown field: suggestion by small edit distance, none when nothing is close', () => {
    const object = variant(VALID.Pod, (p) => {
      p.spec.containers[0].imagePullPolicyy = 'Always';
      p.spec.containers[0].sidecarMode = 'yes';
    });
    expect(messages(object)).toEqual([
      'unknown field spec.containers[0].imagePullPolicyy (did you mean imagePullPolicy?)',
      'unknown field spec.containers[0].sidecarMode',
    ]);
    expect(check(object)[1].remediation).toMatch(/^Remove spec\.containers\[0\]\.sidecarMode: .*\.$/);
  });

  test('unknown top-level field and a 1.29+ field (lifecycle sleep) are unknown in 1.28, the latter said to be from 1.29', () => {
    const object = variant(VALID.Pod, (p) => {
      p.spce = {};
      p.spec.containers[0].lifecycle = { preStop: { sleep: { seconds: 5 } } };
    });
    // Document order: spce comes after spec in the object.
    expect(messages(object)).toEqual([
      'unknown field spec.containers[0].lifecycle.preStop.sleep: it exists from Kubernetes 1.29; this project targets 1.28',
      'unknown field spce (did you mean spec?)',
    ]);
  });

  test('wrong types: integer, number as string, object, list, boolean', () => {
    const object = variant(VALID.Deployment, (d) => {
      d.spec.replicas = 1.5;
      d.spec.template.spec.containers[0].ports[0].containerPort = 'http';
      d.spec.template.spec.securityContext = 'restricted';
      d.spec.template.spec.containers[0].args = 'serve';
      d.spec.template.spec.automountServiceAccountToken = 'no';
    });
    expect(messages(object)).toEqual([
      'spec.replicas must be an integer, not the number 1.5',
      'spec.template.spec.automountServiceAccountToken must be a boolean (true or false), not the string "no"',
      'spec.template.spec.securityContext must be an object, not the string "restricted"',
      'spec.template.spec.containers[0].ports[0].containerPort must be an integer, not the string "http"',
      'spec.template.spec.containers[0].args must be a list, not the string "serve"',
    ]);
  });

  test('wrong type remediation says how to write the value', () => {
    const [v] = check(variant(VALID.Deployment, (d) => { d.spec.replicas = 'three'; }));
    expect(v).toEqual({ path: ['spec', 'replicas'], message: 'spec.replicas must be an integer, not the string "three"', remediation: 'Write spec.replicas as a bare number, without quotes.' });
  });

  test('int32 range', () => {
    expect(messages(variant(VALID.Deployment, (d) => { d.spec.replicas = 3000000000; })))
      .toEqual(['spec.replicas does not fit a 32-bit integer: 3000000000']);
  });

  test('missing required fields: container name, Deployment selector, Role rule verbs', () => {
    const deployment = variant(VALID.Deployment, (d) => {
      delete d.spec.selector;
      delete d.spec.template.spec.containers[0].name;
    });
    expect(check(deployment).map((v) => [v.path, v.message])).toEqual([
      [['spec', 'template', 'spec', 'containers', 0, 'name'], 'missing required field spec.template.spec.containers[0].name'],
      [['spec', 'selector'], 'missing required field spec.selector'],
    ]);
    expect(messages(variant(VALID.Role, (r) => { delete r.rules[0].verbs; }))).toEqual(['missing required field rules[0].verbs']);
  });

  test('one finding per field, in document order', () => {
    const object = variant(VALID.Pod, (p) => {
      p.spec.containers[0].securityContext.runAsNonroot = 'yes';
      p.spec.containers.push({ image: 'x', name: 7 });
      p.metadata.labels.tier = 1;
    });
    expect(messages(object)).toEqual([
      'metadata.labels.tier must be a string, not the number 1',
      'unknown field spec.containers[0].securityContext.runAsNonroot (did you mean runAsNonRoot?)',
      'spec.containers[1].name must be a string, not the number 7',
    ]);
  });

  test('typed strings take the enum values the 1.28 API server serves (vendored in enums.json)', () => {
    expect(messages(variant(VALID.Service, (s) => { s.spec.type = 'Internal'; }))).toEqual([
      'spec.type must be one of "ClusterIP", "ExternalName", "LoadBalancer", "NodePort", not the string "Internal"',
    ]);
    expect(check(variant(VALID.Service, (s) => { s.spec.type = 'NodePort'; }))).toEqual([]);
  });

  test('a null list item is reported', () => {
    expect(messages(variant(VALID.Pod, (p) => { p.spec.containers.push(null); })))
      .toEqual(['spec.containers[1] must be an object, not null']);
  });

  test('a huge number of problems is capped, with a count of the rest', () => {
    const object = variant(VALID.ConfigMap, (c) => {
      for (let i = 0; i < 30; i++) {
        c.data[`k${i}`] = i;
      }
    });
    const found = messages(object);
    expect(found).toHaveLength(21);
    expect(found[20]).toBe('and 10 more schema problems in this object');
  });
});

describe('schema: null and empty values', () => {
  test('null for an optional field is unset, as the API server decodes it', () => {
    const object = variant(VALID.Deployment, (d) => {
      d.metadata.creationTimestamp = null;
      d.metadata.annotations = null;
      d.spec.strategy = null;
      d.spec.template.metadata.creationTimestamp = null;
      d.spec.template.spec.securityContext = null;
      d.spec.template.spec.containers[0].resources = {};
      d.spec.template.spec.containers[0].env = null;
      d.status = {};
    });
    expect(check(object)).toEqual([]);
  });

  test('an explicit null satisfies required (Kubernetes\' own PSA fixtures write scaleIO.secretRef: null); absent is missing', () => {
    const pod = variant(VALID.Pod, (p) => { p.spec.volumes = [{ name: 'v', scaleIO: { gateway: 'g', system: 's', secretRef: null } }]; });
    expect(check(pod)).toEqual([]);
    expect(messages(variant(pod, (p) => { delete p.spec.volumes[0].scaleIO.secretRef; })))
      .toEqual(['missing required field spec.volumes[0].scaleIO.secretRef']);
    expect(check(variant(VALID.Deployment, (d) => { d.spec.strategy = null; }))).toEqual([]);
    expect(messages(variant(VALID.Deployment, (d) => { d.spec.strategy = null; d.spec.replicas = 'x'; })))
      .toEqual(['spec.replicas must be an integer, not the string "x"']);
  });

  test('but not for the fields the API server itself refuses null or empty for (server-rules.ts)', () => {
    expect(messages(variant(VALID.Deployment, (d) => { d.spec.selector = null; }))).toEqual(['missing required field spec.selector']);
    expect(messages(variant(VALID.Pod, (p) => { p.spec.containers = null; }))).toEqual(['missing required field spec.containers']);
    expect(messages(variant(VALID.Pod, (p) => { p.spec.containers = []; }))).toEqual(['spec.containers must have at least 1 item']);
    expect(messages(variant(VALID.Pod, (p) => { p.spec.containers[0].image = ''; }))).toEqual(['spec.containers[0].image must not be empty (the API server requires a value)']);
    expect(messages(variant(VALID.Pod, (p) => { delete p.spec.containers[0].image; }))).toEqual(['missing required field spec.containers[0].image']);
    expect(messages(variant(VALID.Service, (s) => { s.spec.ports[0].port = 0; }))).toEqual(['spec.ports[0].port must be >= 1, not 0']);
  });

  test('undefined members (from code, never from YAML) are absent', () => {
    const object = variant(VALID.Pod, () => undefined) as any;
    object.spec.containers[0].securityContext.runAsNonroot = undefined;
    expect(check(object)).toEqual([]);
  });

  test('YAML 1.1 timestamps (parsed as Date) are strings, as Kubernetes reads them', () => {
    const object = variant(VALID.ConfigMap, () => undefined) as any;
    object.metadata.annotations = { 'example.com/released': new Date('2024-01-01T00:00:00Z') };
    object.metadata.creationTimestamp = new Date('2024-01-01T00:00:00Z');
    expect(check(object)).toEqual([]);
  });
});

describe('schema: apiVersion and kind', () => {
  test.each([
    ['extensions/v1beta1', 'Deployment', 'extensions/v1beta1 Deployment is not served by Kubernetes 1.28 (use apps/v1)'],
    ['apps/v1beta1', 'Deployment', 'apps/v1beta1 Deployment is not served by Kubernetes 1.28 (use apps/v1)'],
    ['apps/v1beta2', 'StatefulSet', 'apps/v1beta2 StatefulSet is not served by Kubernetes 1.28 (use apps/v1)'],
    ['extensions/v1beta1', 'Ingress', 'extensions/v1beta1 Ingress is not served by Kubernetes 1.28 (use networking.k8s.io/v1)'],
    ['extensions/v1beta1', 'NetworkPolicy', 'extensions/v1beta1 NetworkPolicy is not served by Kubernetes 1.28 (use networking.k8s.io/v1)'],
    ['batch/v1beta1', 'CronJob', 'batch/v1beta1 CronJob is not served by Kubernetes 1.28 (use batch/v1)'],
    ['policy/v1beta1', 'PodDisruptionBudget', 'policy/v1beta1 PodDisruptionBudget is not served by Kubernetes 1.28 (use policy/v1)'],
    ['autoscaling/v2beta2', 'HorizontalPodAutoscaler', 'autoscaling/v2beta2 HorizontalPodAutoscaler is not served by Kubernetes 1.28 (use autoscaling/v2)'],
    ['rbac.authorization.k8s.io/v1beta1', 'Role', 'rbac.authorization.k8s.io/v1beta1 Role is not served by Kubernetes 1.28 (use rbac.authorization.k8s.io/v1)'],
    ['admissionregistration.k8s.io/v1', 'ValidatingAdmissionPolicy', 'admissionregistration.k8s.io/v1 ValidatingAdmissionPolicy is not served by Kubernetes 1.28 (use admissionregistration.k8s.io/v1beta1)'],
    ['core/v1', 'Pod', 'core/v1 Pod is not served by Kubernetes 1.28 (use v1)'],
    ['policy/v1beta1', 'PodSecurityPolicy', 'policy/v1beta1 PodSecurityPolicy is not served by Kubernetes 1.28 (no API group serves PodSecurityPolicy)'],
  ])('%s %s', (apiVersion, kind, message) => {
    const found = check({ apiVersion, kind, metadata: { name: 'x' } });
    expect(found).toEqual([expect.objectContaining({ path: ['apiVersion'], message })]);
    expect(found[0].severity).toBeUndefined(); // the rule's: error
  });

  test('a misspelled kind in a Kubernetes group: did you mean', () => {
    expect(check({ apiVersion: 'apps/v1', kind: 'Deploymnet', metadata: { name: 'x' } })).toEqual([{
      path: ['kind'],
      message: 'apps/v1 Deploymnet is not served by Kubernetes 1.28 (did you mean Deployment?)',
      remediation: 'Set kind to Deployment.',
    }]);
    expect(messages({ apiVersion: 'v1', kind: 'configmap', metadata: { name: 'x' } }))
      .toEqual(['v1 configmap is not served by Kubernetes 1.28 (did you mean ConfigMap?)']);
  });

  test('an unknown kind in any *.k8s.io group is an error, not a custom resource', () => {
    const [v] = check({ apiVersion: 'storage.k8s.io/v1', kind: 'VolumeSnapshotThing', metadata: { name: 'x' } });
    expect(v.severity).toBeUndefined();
    expect(v.message).toMatch(/^storage\.k8s\.io\/v1 VolumeSnapshotThing is not served by Kubernetes 1\.28/);
  });

  test('a malformed apiVersion', () => {
    expect(messages({ apiVersion: 'apps/v1/extra', kind: 'Deployment', metadata: { name: 'x' } }))
      .toEqual(['apiVersion "apps/v1/extra" is not a valid group/version (such as v1 or apps/v1)']);
  });
});

describe('names and namespaces, as the API server validates them', () => {
  const cm = (name: string, namespace?: string) => ({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name, ...(namespace ? { namespace } : {}) } });

  test.each([
    [cm('../../etc/passwd'), 'metadata.name "../../etc/passwd" is not a valid ConfigMap name (DNS-1123 subdomain): a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, \'-\' or \'.\', and must start and end with an alphanumeric character'],
    [cm('Web_Config'), 'metadata.name "Web_Config" is not a valid ConfigMap name (DNS-1123 subdomain): a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, \'-\' or \'.\', and must start and end with an alphanumeric character'],
    [cm('web', 'Team A'), 'metadata.namespace "Team A" is not a valid namespace name (DNS-1123 label): a lowercase RFC 1123 label must consist of lower case alphanumeric characters or \'-\', and must start and end with an alphanumeric character'],
    [cm('a'.repeat(254)), `metadata.name "${'a'.repeat(254)}" is not a valid ConfigMap name (DNS-1123 subdomain): must be no more than 253 characters`],
    [{ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'team.a' } }, 'metadata.name "team.a" is not a valid Namespace name (DNS-1123 label): a lowercase RFC 1123 label must consist of lower case alphanumeric characters or \'-\', and must start and end with an alphanumeric character'],
    [{ apiVersion: 'v1', kind: 'Service', metadata: { name: '1-web' } }, 'metadata.name "1-web" is not a valid Service name (DNS-1035 label): a DNS-1035 label must consist of lower case alphanumeric characters or \'-\', start with an alphabetic character, and end with an alphanumeric character'],
    [{ apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'ClusterRole', metadata: { name: 'a/b' } }, 'metadata.name "a/b" is not a valid ClusterRole name: a path segment name may not be "." or ".." and may not contain "/" or "%"'],
    [{ apiVersion: 'example.com/v1', kind: 'Widget', metadata: { name: 'Big Widget' } }, 'metadata.name "Big Widget" is not a valid Widget name (DNS-1123 subdomain): a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, \'-\' or \'.\', and must start and end with an alphanumeric character'],
    [{ apiVersion: 'v1', kind: 'ConfigMap', metadata: { labels: { a: 'b' } } }, 'metadata.name is missing (the API server requires name or generateName)'],
  ])('%j', (object, message) => {
    expect(messages(object)).toContain(message);
  });

  test('valid names pass, and the remediation proposes one', () => {
    expect(check(cm('web.config-v2', 'team-a'))).toEqual([]);
    expect(check({ apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'Role', metadata: { name: 'system:Web Reader', namespace: 'a' }, rules: [] })).toEqual([]);
    expect(check({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'team-a', namespace: 'Not Used' } })).toEqual([]);
    const [v] = check(cm('Web_Config'));
    expect(v.remediation).toBe('Set metadata.name to a valid ConfigMap name (DNS-1123 subdomain), e.g. "web-config".');
  });
});
