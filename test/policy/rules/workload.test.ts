import { evaluate, rulesForProfile } from '../../../src/catalogue';
import { isFailing } from '../../../src/policy/engine';
import { Rule } from '../../../src/policy/rule';
import { API_RULES } from '../../../src/policy/rules/api';
import { SERVICE_RULES } from '../../../src/policy/rules/service';
import { WORKLOAD_RULES } from '../../../src/policy/rules/workload';
import { defaultPullPolicy, isDigestPinned, isValidDigest, parseImage } from '../../../src/policy/rules/workload/image-reference';
import { hasUrlPassword, isSecretName, nameWords, secretValueFormat } from '../../../src/policy/rules/workload/secret-env';

const DIGEST = 'sha256:4b5e57f6eb2f42b9039b3d1e13929295f231749c510cbe341cd68036d9af97e2';
const MINE: readonly Rule[] = [...WORKLOAD_RULES, ...SERVICE_RULES, ...API_RULES];

function rule(id: string): Rule {
  const found = MINE.find((r) => r.id === id);
  if (!found) {
    throw new Error(`no rule ${id}`);
  }
  return found;
}

/** Findings of one rule over plain objects. */
function run(id: string, ...objects: unknown[]) {
  return evaluate(objects.map((object) => ({ object })), [rule(id)]).filter((f) => f.ruleId === id);
}

function pod(spec: Record<string, unknown>, metadata: Record<string, unknown> = {}) {
  return { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'web', namespace: 'team-a', ...metadata }, spec };
}

/** The hardened Pod of the Kubernetes docs' security-context and service-account pages, in one object. */
const hardenedPod = {
  apiVersion: 'v1',
  kind: 'Pod',
  metadata: { name: 'web', namespace: 'team-a', labels: { app: 'web' } },
  spec: {
    serviceAccountName: 'web',
    automountServiceAccountToken: false,
    securityContext: {
      runAsNonRoot: true,
      runAsUser: 10001,
      runAsGroup: 10001,
      fsGroup: 10001,
      seccompProfile: { type: 'RuntimeDefault' },
    },
    containers: [{
      name: 'app',
      image: `registry.example.com/team-a/web:1.4.2@${DIGEST}`,
      imagePullPolicy: 'IfNotPresent',
      ports: [{ containerPort: 8080 }],
      env: [
        { name: 'LOG_LEVEL', value: 'info' },
        { name: 'DB_PASSWORD_FILE', value: '/var/run/secrets/db/password' },
      ],
      securityContext: {
        allowPrivilegeEscalation: false,
        readOnlyRootFilesystem: true,
        capabilities: { drop: ['ALL'] },
      },
      resources: { requests: { cpu: '100m', memory: '128Mi' }, limits: { cpu: '500m', memory: '128Mi' } },
      livenessProbe: { httpGet: { path: '/healthz', port: 8080 } },
      readinessProbe: { httpGet: { path: '/ready', port: 8080 } },
      volumeMounts: [{ name: 'tmp', mountPath: '/tmp' }, { name: 'db', mountPath: '/var/run/secrets/db', readOnly: true }],
    }],
    volumes: [{ name: 'tmp', emptyDir: {} }, { name: 'db', secret: { secretName: 'web-db' } }],
  },
};

describe('the hardened Pod', () => {
  test('passes every workload, service and api rule', () => {
    expect(evaluate([{ object: hardenedPod }], MINE)).toEqual([]);
  });

  test('passes them as a Deployment template too, and passes PSS restricted', () => {
    const { spec, metadata } = hardenedPod;
    const deployment = {
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name: 'web', namespace: 'team-a' },
      spec: { selector: { matchLabels: { app: 'web' } }, template: { metadata: { labels: metadata.labels }, spec } },
    };
    expect(evaluate([{ object: deployment }], MINE)).toEqual([]);
    expect(evaluate([{ object: hardenedPod }], rulesForProfile('pss-restricted')).filter((f) => isFailing(f))).toEqual([]);
  });
});

describe('catalogue of this area', () => {
  test('ids, severities and the hardened profile are pinned', () => {
    expect(MINE.map((r) => `${r.id} ${r.severity}`)).toEqual([
      'workload-resources warning',
      'workload-probes warning',
      'workload-image-tag error',
      'workload-image-digest info',
      'workload-image-pull-policy warning',
      'workload-read-only-root-fs warning',
      'workload-automount-token warning',
      'workload-default-service-account warning',
      'workload-default-namespace warning',
      'workload-secret-env error',
      'service-node-port warning',
      'service-load-balancer-source-ranges error',
      'service-external-ips error',
      'api-secret-data error',
      'api-removed error',
    ]);
    for (const r of MINE) {
      expect(r.profiles).toEqual(['hardened']);
    }
  });

  test('no rule throws on odd input', () => {
    const odd: unknown[] = [
      pod({ containers: 'app' }),
      pod({ containers: [null, 7, 'x', { name: 3, image: 5, env: { a: 1 }, resources: [] }] }),
      pod({ containers: [{ name: 'a', env: [null, { name: 1, value: 2 }, { value: 'x' }], securityContext: 'yes', resources: { limits: 'big' } }] }),
      pod({ initContainers: [{ name: 'a', image: '' }], serviceAccountName: 7, automountServiceAccountToken: 'false' }),
      { apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'x' }, spec: { template: [] } },
      { apiVersion: 'v1', kind: 'Service', metadata: 'x', spec: { type: 1, externalIPs: 'a', loadBalancerSourceRanges: {} } },
      { apiVersion: 'v1', kind: 'Service', metadata: { name: 'x', annotations: [] }, spec: { type: 'LoadBalancer' } },
      { apiVersion: 'v1', kind: 'Secret', metadata: { name: 'x' }, data: 'abc', stringData: [1] },
      { apiVersion: 'apiextensions.k8s.io/v1', kind: 'CustomResourceDefinition', metadata: { name: 'x' }, spec: { names: 'x', scope: 1 } },
    ];
    const findings = evaluate(odd.map((object) => ({ object })), MINE);
    expect(findings.filter((f) => f.message.startsWith('rule '))).toEqual([]);
  });
});

describe('image references', () => {
  test.each([
    ['nginx', { repository: 'nginx' }],
    ['nginx:1.27', { repository: 'nginx', tag: '1.27' }],
    ['nginx:latest', { repository: 'nginx', tag: 'latest' }],
    ['library/nginx:1.27-alpine', { repository: 'library/nginx', tag: '1.27-alpine' }],
    ['registry:5000/app', { repository: 'registry:5000/app' }],
    ['registry:5000/team/app:2.0', { repository: 'registry:5000/team/app', tag: '2.0' }],
    ['localhost/app', { repository: 'localhost/app' }],
    [`app@${DIGEST}`, { repository: 'app', digest: DIGEST }],
    [`registry:5000/app@${DIGEST}`, { repository: 'registry:5000/app', digest: DIGEST }],
    [`app:1.0@${DIGEST}`, { repository: 'app', tag: '1.0', digest: DIGEST }],
    ['app:', { repository: 'app', tag: '' }],
    ['[::1]:5000/app:1.0', { repository: '[::1]:5000/app', tag: '1.0' }],
  ])('%s', (image, expected) => {
    expect(parseImage(image)).toEqual(expected);
  });

  test.each([
    [DIGEST, true],
    [`sha512:${'ab'.repeat(64)}`, true],
    ['sha256:4b5e57f6eb2f', false],
    [DIGEST.toUpperCase().replace('SHA256', 'sha256'), false],
    [`sha256:${'g'.repeat(64)}`, false],
    [`blake3:${'a'.repeat(64)}`, true],
    ['latest', false],
    [undefined, false],
  ])('digest %s well formed: %s', (digest, expected) => {
    expect(isValidDigest(digest)).toBe(expected);
  });

  test.each([
    ['nginx', 'Always'],
    ['nginx:latest', 'Always'],
    ['registry:5000/app', 'Always'],
    ['nginx:1.27', 'IfNotPresent'],
    [`nginx@${DIGEST}`, 'IfNotPresent'],
    [`nginx:latest@${DIGEST}`, 'Always'],
  ])('default pull policy of %s is %s', (image, expected) => {
    expect(defaultPullPolicy(parseImage(image))).toBe(expected);
  });

  test('a digest pins even a :latest tag; a malformed one pins nothing', () => {
    expect(isDigestPinned(parseImage(`app:latest@${DIGEST}`))).toBe(true);
    expect(run('workload-image-tag', pod({ containers: [{ name: 'a', image: `app:latest@${DIGEST}` }] }))).toEqual([]);
    expect(run('workload-image-tag', pod({ containers: [{ name: 'a', image: 'app@sha256:abc' }] }))).toHaveLength(1);
  });

  test('image rules judge ephemeral containers too, and skip containers without an image', () => {
    const spec = { containers: [{ name: 'a' }], ephemeralContainers: [{ name: 'debug', image: 'busybox' }] };
    expect(run('workload-image-tag', pod(spec)).map((f) => f.path)).toEqual(['spec.ephemeralContainers[0].image']);
    expect(run('workload-image-digest', pod(spec))).toHaveLength(1);
  });

  test('pull policy: an explicit Always passes any image, IfNotPresent only a digest', () => {
    const withPolicy = (image: string, imagePullPolicy?: string) =>
      run('workload-image-pull-policy', pod({ containers: [{ name: 'a', image, ...(imagePullPolicy ? { imagePullPolicy } : {}) }] })).length;
    expect(withPolicy('app:1.0', 'Always')).toBe(0);
    expect(withPolicy('app:1.0', 'IfNotPresent')).toBe(1);
    expect(withPolicy('app:1.0')).toBe(1);
    expect(withPolicy(`app@${DIGEST}`, 'IfNotPresent')).toBe(0);
    expect(withPolicy(`app@${DIGEST}`, 'Never')).toBe(1);
    expect(withPolicy('app:latest')).toBe(0);
  });
});

describe('secret-looking environment variable names', () => {
  test.each([
    ['PASSWORD', true],
    ['DB_PASSWORD', true],
    ['MYSQL_ROOT_PASSWORD', true],
    ['PGPASSWORD', true],
    ['dbPassword', true],
    ['db-passwd', true],
    ['DB_PWD', true],
    ['GPG_PASSPHRASE', true],
    ['SECRET', true],
    ['CLIENT_SECRET', true],
    ['JWT_SECRET', true],
    ['GITHUB_TOKEN', true],
    ['accessToken', true],
    ['OAuth2Token', true],
    ['AUTHTOKEN', true],
    ['API_KEY', true],
    ['apiKey', true],
    ['APIKEY', true],
    ['KEY', true],
    ['AWS_SECRET_ACCESS_KEY', true],
    ['AWSSecretAccessKey', true],
    ['STRIPE_PRIVATE_KEY', true],
    ['LICENSE_KEY', true],
    ['SECRET_KEY_BASE', true],
    ['DB_CREDENTIALS', true],
    ['REGISTRY_CREDS', true],
    ['TOKEN_B64', true],
    ['KEYCLOAK_URL', false],
    ['MONKEY', false],
    ['WHISKEY', false],
    ['KEYS_DIR', false],
    ['PASSWORD_FILE', false],
    ['POSTGRES_PASSWORD_FILE', false],
    ['PASSWORD_MIN_LENGTH', false],
    ['TOKEN_URL', false],
    ['TOKEN_TTL', false],
    ['MAX_TOKENS', false],
    ['TOKENIZER', false],
    ['SECRET_NAME', false],
    ['SECRETS_DIR', false],
    ['CACHE_KEY', false],
    ['PUBLIC_KEY', false],
    ['SSH_PUBLIC_KEY', false],
    ['S3_KEY', false],
    ['PARTITION_KEY', false],
    ['AWS_ACCESS_KEY_ID', false],
    ['KEY_ID', false],
    ['PWD', false],
    ['OLDPWD', false],
    ['PASSWORD_HASH', false],
    ['', false],
    ['___', false],
  ])('%s -> %s', (name, expected) => {
    expect(isSecretName(name)).toBe(expected);
  });

  test('names are split on separators and camelCase', () => {
    expect(nameWords('AWSSecretAccessKey')).toEqual(['AWS', 'SECRET', 'ACCESS', 'KEY']);
    expect(nameWords('db.password-value')).toEqual(['DB', 'PASSWORD', 'VALUE']);
  });

  test.each([
    ['postgres://app:s3cret@db:5432/app', true],
    ['https://user:p%40ss@example.com/', true],
    ['amqp://guest:guest@rabbit', true],
    ['postgres://app@db:5432/app', false],
    ['postgres://app:$(DB_PASSWORD)@db:5432/app', false],
    ['postgres://app:${DB_PASSWORD}@db/app', false],
    ['https://example.com/a:b@c', false],
    ['db:5432', false],
    ['mailto:someone@example.com', false],
  ])('URL %s carries a password: %s', (value, expected) => {
    expect(hasUrlPassword(value)).toBe(expected);
  });

  test('the finding never repeats the secret value', () => {
    const [finding] = run('workload-secret-env', pod({ containers: [{ name: 'app', image: 'a:1', env: [{ name: 'API_TOKEN', value: 'ghp_s3cr3tvalue' }] }] }));
    expect(finding.message).toBe('container "app" sets env "API_TOKEN" to a literal value');
    expect(JSON.stringify(finding)).not.toContain('ghp_s3cr3tvalue');
  });

  test('values that are references, paths or switches pass; real values fail', () => {
    const env = (value: string) => run('workload-secret-env', pod({ containers: [{ name: 'a', env: [{ name: 'DB_PASSWORD', value }] }] })).length;
    expect(env('$(OTHER)')).toBe(0);
    expect(env('${DB_PASSWORD}')).toBe(0);
    expect(env('/run/secrets/db')).toBe(0);
    expect(env('false')).toBe(0);
    expect(env('   ')).toBe(0);
    expect(env('hunter2')).toBe(1);
    expect(env('$(OTHER)x')).toBe(1);
  });
});

describe('resources', () => {
  test('ephemeral containers are exempt; numbers count as quantities; an empty string does not', () => {
    const full = { requests: { cpu: 1, memory: '1Gi' }, limits: { cpu: 2, memory: '1Gi' } };
    expect(run('workload-resources', pod({ containers: [{ name: 'a', resources: full }], ephemeralContainers: [{ name: 'd' }] }))).toEqual([]);
    const empty = run('workload-resources', pod({ containers: [{ name: 'a', resources: { ...full, limits: { cpu: '', memory: '1Gi' } } }] }));
    expect(empty.map((f) => f.path)).toEqual(['spec.containers[0].resources.limits.cpu']);
  });
});

describe('probes', () => {
  test('a Pod with the default restartPolicy is long-running; OnFailure runs to completion', () => {
    const spec = { containers: [{ name: 'a' }] };
    expect(run('workload-probes', pod(spec))).toHaveLength(2);
    expect(run('workload-probes', pod({ ...spec, restartPolicy: 'Always' }))).toHaveLength(2);
    expect(run('workload-probes', pod({ ...spec, restartPolicy: 'OnFailure' }))).toEqual([]);
  });

  test('init and ephemeral containers are exempt; a null probe is missing', () => {
    const probes = { livenessProbe: { tcpSocket: { port: 80 } }, readinessProbe: { tcpSocket: { port: 80 } } };
    expect(run('workload-probes', pod({ initContainers: [{ name: 'i' }], containers: [{ name: 'a', ...probes }], ephemeralContainers: [{ name: 'd' }] }))).toEqual([]);
    expect(run('workload-probes', pod({ containers: [{ name: 'a', ...probes, readinessProbe: null }] }))).toHaveLength(1);
  });
});

describe('read-only root filesystem, token and service account', () => {
  test('read-only root filesystem is asked of ephemeral containers too, never of Windows pods', () => {
    expect(run('workload-read-only-root-fs', pod({ containers: [], ephemeralContainers: [{ name: 'd' }] }))).toHaveLength(1);
    expect(run('workload-read-only-root-fs', pod({ os: { name: 'windows' }, containers: [{ name: 'a' }] }))).toEqual([]);
    expect(run('workload-read-only-root-fs', pod({ os: { name: 'linux' }, containers: [{ name: 'a' }] }))).toHaveLength(1);
  });

  test('the token rule is pod-level: a container cannot opt out, only the pod', () => {
    expect(run('workload-automount-token', pod({ automountServiceAccountToken: false, containers: [{ name: 'a' }] }))).toEqual([]);
    expect(run('workload-automount-token', pod({ automountServiceAccountToken: 'false', containers: [{ name: 'a' }] }))).toHaveLength(1);
  });

  test('serviceAccountName wins over the deprecated serviceAccount', () => {
    expect(run('workload-default-service-account', pod({ serviceAccountName: 'web', serviceAccount: 'default' }))).toEqual([]);
    expect(run('workload-default-service-account', pod({ serviceAccountName: 'default', serviceAccount: 'web' }))).toHaveLength(1);
    expect(run('workload-default-service-account', pod({ serviceAccountName: '', serviceAccount: 'web' }))).toEqual([]);
  });

  test('objects without a pod spec are not judged by pod rules', () => {
    const configMap = { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'c', namespace: 'a' } };
    for (const id of ['workload-automount-token', 'workload-default-service-account', 'workload-probes', 'workload-resources']) {
      expect(run(id, configMap)).toEqual([]);
    }
  });
});

describe('default namespace', () => {
  const object = (kind: string, namespace?: string, apiVersion = 'v1') =>
    ({ apiVersion, kind, metadata: { name: 'x', ...(namespace === undefined ? {} : { namespace }) } });

  test.each([
    ['ConfigMap', undefined, 1],
    ['ConfigMap', '', 1],
    ['ConfigMap', 'default', 1],
    ['ConfigMap', 'team-a', 0],
    ['Namespace', undefined, 0],
    ['PersistentVolume', undefined, 0],
    ['StorageClass', undefined, 0],
    ['ClusterRoleBinding', undefined, 0],
    ['PodSecurityPolicy', undefined, 0],
    ['Role', undefined, 1],
    ['CSIStorageCapacity', undefined, 1],
    ['LocalSubjectAccessReview', undefined, 1],
  ])('%s in namespace %s: %d finding(s)', (kind, namespace, count) => {
    expect(run('workload-default-namespace', object(kind, namespace))).toHaveLength(count);
  });

  test('a Namespace named default is not itself "in" default', () => {
    expect(run('workload-default-namespace', { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'default' } })).toEqual([]);
  });

  test('a custom kind is cluster-scoped only when a CRD of the same group says so', () => {
    const crd = (group: string, scope: string) => ({
      apiVersion: 'apiextensions.k8s.io/v1',
      kind: 'CustomResourceDefinition',
      metadata: { name: `widgets.${group}` },
      spec: { group, scope, names: { kind: 'Widget', plural: 'widgets' } },
    });
    const widget = object('Widget', undefined, 'example.com/v1');
    expect(run('workload-default-namespace', crd('example.com', 'Cluster'), widget)).toEqual([]);
    const other = run('workload-default-namespace', crd('other.example.com', 'Cluster'), widget);
    expect(other.map((f) => f.object.kind)).toEqual(['Widget']);
    expect(run('workload-default-namespace', widget)).toHaveLength(1);
  });
});

describe('workload-secret-env judges values by format', () => {
  test.each([
    ['-----BEGIN RSA PRIVATE KEY-----\nMIIE...', 'a PEM private key'],
    ['-----BEGIN PRIVATE KEY-----', 'a PEM private key'],
    ['-----BEGIN EC PRIVATE KEY-----', 'a PEM private key'],
    ['-----BEGIN OPENSSH PRIVATE KEY-----', 'a PEM private key'],
    ['-----BEGIN ENCRYPTED PRIVATE KEY-----', 'a PEM private key'],
    ['-----BEGIN PGP PRIVATE KEY BLOCK-----', 'a PEM private key'],
    ['AKIAQ4BYXP2WJL7ZK3HN', 'an AWS access key id'],
    ['id=ASIAQ4BYXP2WJL7ZK3HN;', 'an AWS access key id'],
    ['ghp_R9uTq2cVx7LmZpW4sN8bK1eJ6yHd3fA0gQ5o', 'a GitHub token'],
    ['glpat-Ab3dEf6hIj9kLm2nOp5q', 'a GitLab token'],
    ['xoxb-263594206564-2343446253185-Q7k2pX9mZr4tVw8LsN1bYc3d', 'a Slack token'],
    ['https://hooks.slack.com/services/T0123ABCD/B0456EFGH/aBcDeFgHiJkLmNoPqRsTuVwX', 'a Slack webhook URL'],
    ['sk_live_4eC39HqLyjWDarjtT1zdp7dc', 'a Stripe secret key'],
    ['AIzaSyA1b2C3d4E5f6G7h8I9j0K1l2M3n4O5p6Q', 'a Google API key'],
    ['eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJib3QifQ.3m8Wq1yVt0pN5rX2kL7dJ9cH4bF6gS1aZ0eU8oQ2iMw', 'a JSON Web Token'],
  ])('%s is %s', (value, format) => {
    expect(secretValueFormat(value)).toBe(format);
    const findings = run('workload-secret-env', pod({ containers: [{ name: 'app', env: [{ name: 'SETTING', value }] }] }));
    expect(findings.map((f) => f.message)).toEqual([`container "app" sets env "SETTING" to a literal value that is ${format}`]);
  });

  test.each([
    '-----BEGIN CERTIFICATE-----', '-----BEGIN PUBLIC KEY-----', 'AKIAQ4BYXP2WJL7ZK3H', 'XAKIAQ4BYXP2WJL7ZK3HN', 'ghp_short',
    'xoxo-hugs', 'eyJhbGciOiJIUzI1NiJ9', 'sha256:4b5e57f6eb2f42b9039b3d1e13929295f231749c510cbe341cd68036d9af97e2',
    '3f1c8e5a-9b0d-4c2e-8f7a-6d5b4c3a2e1f', 'https://hooks.slack.com/services', 'sk_test_4eC39HqLyjWDarjtT1zdp7dc',
  ])('%s is not secret material', (value) => {
    expect(secretValueFormat(value)).toBeUndefined();
  });

  test('a Secret read into the environment is reported like the constructs refuse it', () => {
    const findings = run('workload-secret-env', pod({ containers: [{
      name: 'app',
      env: [{ name: 'DB_PASSWORD', valueFrom: { secretKeyRef: { name: 'db', key: 'password' } } }, { name: 'LOG', valueFrom: { configMapKeyRef: { name: 'c', key: 'k' } } }],
      envFrom: [{ configMapRef: { name: 'c' } }, { secretRef: { name: 'keys' } }],
    }] }));
    expect(findings.map((f) => [f.severity, f.path, f.message])).toEqual([
      ['error', 'spec.containers[0].env[0].valueFrom.secretKeyRef', 'container "app" reads Secret "db" key "password" into env "DB_PASSWORD"'],
      ['error', 'spec.containers[0].envFrom[1].secretRef', 'container "app" reads every key of Secret "keys" into its environment'],
    ]);
  });
});
