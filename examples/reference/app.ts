/**
 * The reference scenario: an orders web app split over two locked-down namespaces.
 *
 *   frontend ns:  web (nginx, static files + /api proxy)  --TCP 8080-->  backend ns: api  --TCP 5432-->  postgres
 *
 * Everything else is denied (both directions, both namespaces), except DNS to kube-dns. One chart per
 * namespace, so `synth` writes one file (or folder) per namespace.
 */
import { ApiObject, Chart } from 'cdk8s';
import { Construct } from 'constructs';
import {
  DefaultDenyNetwork, HardenedApp, HardenedAppProps, LeastPrivilegeRole, LockedDownNamespace, SecureDeployment,
  SecureStatefulSet,
} from '../../src';

/** Shared by every object of the app. */
const PART_OF = { 'app.kubernetes.io/part-of': 'orders' };

/**
 * Images are pinned to release tags. The digest rule of the hardened profile reports them as `info`
 * ("digest pin recommended"): resolve the digests in CI (e.g. `crane digest`) rather than inventing them here.
 */
export const IMAGES = {
  web: 'nginxinc/nginx-unprivileged:1.27.2-alpine',
  api: 'ghcr.io/example/orders-api:1.4.2',
  postgres: 'postgres:16.4-bookworm',
} as const;

const NGINX_CONF = `server {
    listen 8080;
    server_name _;
    root /usr/share/nginx/html;

    location = /healthz { access_log off; return 200 "ok\\n"; }
    location /api/ { proxy_pass http://api.backend.svc.cluster.local:8080/; }
    location / { try_files $uri $uri/ /index.html; }
}
`;

/** The `frontend` namespace: the web tier. */
export class FrontendChart extends Chart {
  readonly namespace: string;
  readonly ns: LockedDownNamespace;
  readonly web: SecureDeployment;

  constructor(scope: Construct, id: string) {
    super(scope, id, { namespace: 'frontend' });
    this.namespace = 'frontend';
    this.ns = new LockedDownNamespace(this, 'namespace', {
      name: 'frontend',
      labels: PART_OF,
      quota: { requestsCpu: '2', requestsMemory: '2Gi', limitsCpu: '4', limitsMemory: '4Gi', pods: 20, persistentVolumeClaims: 0, requestsStorage: '1Gi' },
    });

    // Plain configuration: a ConfigMap is not hardened by any construct, and synth judges it like any other object.
    new ApiObject(this, 'web-config', {
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: { name: 'web-nginx', labels: PART_OF },
      data: { 'default.conf': NGINX_CONF },
    });

    this.web = new SecureDeployment(this, 'web', {
      labels: PART_OF,
      replicas: 2,
      containers: [{
        name: 'nginx',
        image: IMAGES.web,
        ports: [{ name: 'http', containerPort: 8080 }],
        resources: { requests: { cpu: '50m', memory: '64Mi' }, limits: { cpu: '250m', memory: '128Mi' } },
        livenessProbe: { httpGet: { path: '/healthz', port: 'http' }, periodSeconds: 10 },
        readinessProbe: { httpGet: { path: '/healthz', port: 'http' }, periodSeconds: 5 },
        // nginx-unprivileged keeps its pid file and temp directories under /tmp.
        writablePaths: [{ path: '/tmp', sizeLimit: '64Mi' }],
        volumeMounts: [{ volume: 'nginx-conf', mountPath: '/etc/nginx/conf.d' }],
      }],
      volumes: [{ name: 'nginx-conf', configMap: { name: 'web-nginx' } }],
      service: { ports: [{ name: 'http', port: 8080, targetPort: 'http' }] },
    });
  }
}

export interface BackendChartProps {
  /**
   * The API server's address block, when the API's pod-reader permissions must be reachable under a CNI that
   * also filters traffic to the control plane. Cluster specific, so off by default.
   * @default - no egress rule to the API server
   */
  readonly apiServerCidr?: string;
}

/** The `backend` namespace: the API and its database. */
export class BackendChart extends Chart {
  readonly namespace: string;
  readonly ns: LockedDownNamespace;
  readonly api: SecureDeployment;
  readonly postgres: SecureStatefulSet;
  readonly podReader: LeastPrivilegeRole;

  constructor(scope: Construct, id: string, props: BackendChartProps = {}) {
    super(scope, id, { namespace: 'backend' });
    this.namespace = 'backend';
    this.ns = new LockedDownNamespace(this, 'namespace', { name: 'backend', labels: PART_OF });

    this.api = new SecureDeployment(this, 'api', {
      labels: PART_OF,
      replicas: 2,
      containers: [{
        name: 'api',
        image: IMAGES.api,
        ports: [{ name: 'http', containerPort: 8080 }],
        env: {
          DATABASE_HOST: 'postgres.backend.svc.cluster.local',
          DATABASE_PORT: '5432',
          DATABASE_NAME: 'orders',
          // Credentials come from a file (a Secret volume), never from an environment variable.
          DATABASE_CREDENTIALS_DIR: '/run/secrets/db',
        },
        resources: { requests: { cpu: '100m', memory: '128Mi' }, limits: { cpu: '500m', memory: '256Mi' } },
        livenessProbe: { httpGet: { path: '/healthz', port: 'http' } },
        readinessProbe: { httpGet: { path: '/readyz', port: 'http' } },
        writablePaths: ['/tmp'],
        volumeMounts: [{ volume: 'db-credentials', mountPath: '/run/secrets/db' }],
      }],
      // The Secret is managed outside this app (e.g. External Secrets): the hardened profile refuses Secrets with data.
      volumes: [{ name: 'db-credentials', secret: { secretName: 'orders-db-credentials' } }],
      // The API lists pods (pod-reader below): an explicit, short-lived token instead of the automounted one.
      serviceAccountToken: { expirationSeconds: 3600 },
      service: { ports: [{ name: 'http', port: 8080, targetPort: 'http' }] },
    });

    // Postgres runs as 10001, not as the image's uid 999: the official image supports arbitrary uids (its entrypoint
    // uses nss_wrapper, which needs the writable /tmp), fsGroup makes the volume writable, and PGDATA points at a
    // subdirectory that initdb creates with the owner and mode it insists on. 999 is a system uid on many nodes;
    // a uid above 10000 collides with no node account (the kube-score / Checkov hygiene threshold).
    this.postgres = new SecureStatefulSet(this, 'postgres', {
      labels: PART_OF,
      identity: { runAsUser: 10001, runAsGroup: 10001, fsGroup: 10001 },
      containers: [{
        name: 'postgres',
        image: IMAGES.postgres,
        ports: [{ name: 'postgres', containerPort: 5432 }],
        env: {
          PGDATA: '/var/lib/postgresql/data/pgdata',
          POSTGRES_DB: 'orders',
          POSTGRES_USER: 'orders',
          POSTGRES_PASSWORD_FILE: '/run/secrets/postgres/password',
        },
        resources: { requests: { cpu: '250m', memory: '512Mi' }, limits: { cpu: '1', memory: '1Gi' } },
        livenessProbe: { tcpSocket: { port: 'postgres' }, initialDelaySeconds: 30, periodSeconds: 10 },
        readinessProbe: { exec: { command: ['pg_isready', '-h', '127.0.0.1', '-U', 'orders', '-d', 'orders'] }, periodSeconds: 5 },
        writablePaths: [
          '/var/run/postgresql', // the Unix socket and lock file
          '/tmp',
          { path: '/dev/shm', medium: 'Memory', sizeLimit: '256Mi' }, // shared memory for parallel queries
        ],
        volumeMounts: [
          { volume: 'data', mountPath: '/var/lib/postgresql/data' },
          { volume: 'credentials', mountPath: '/run/secrets/postgres' },
        ],
      }],
      volumes: [{ name: 'credentials', secret: { secretName: 'orders-db-credentials' } }],
      volumeClaimTemplates: [{ name: 'data', storage: '10Gi' }],
      service: { ports: [{ name: 'postgres', port: 5432, targetPort: 'postgres' }] },
    });

    this.podReader = new LeastPrivilegeRole(this, 'pod-reader', {
      labels: PART_OF,
      rules: [{ apiGroup: '', resource: 'pods', verbs: ['get', 'list', 'watch'] }],
      subjects: [this.api],
    });

    DefaultDenyNetwork.allowTraffic('api-to-postgres', {
      from: { network: this.ns.network, pods: this.api.selectorLabels },
      to: { network: this.ns.network, pods: this.postgres.selectorLabels },
      ports: [{ port: 5432 }],
    });
    if (props.apiServerCidr) {
      this.ns.network.allowEgress('api-to-kube-apiserver', {
        pods: this.api.selectorLabels,
        to: [{ cidr: props.apiServerCidr }],
        ports: [{ port: 443 }, { port: 6443 }],
      });
    }
  }
}

export interface ReferenceApp {
  readonly app: HardenedApp;
  readonly frontend: FrontendChart;
  readonly backend: BackendChart;
}

/** Builds the reference app without writing anything (call `app.synth()` to write `outdir`). */
export function buildReferenceApp(props: HardenedAppProps & BackendChartProps = {}): ReferenceApp {
  const { apiServerCidr, ...appProps } = props;
  const app = new HardenedApp(appProps);
  const frontend = new FrontendChart(app, 'frontend');
  const backend = new BackendChart(app, 'backend', { apiServerCidr });

  DefaultDenyNetwork.allowTraffic('web-to-api', {
    from: { network: frontend.ns.network, pods: frontend.web.selectorLabels },
    to: { network: backend.ns.network, pods: backend.api.selectorLabels },
    ports: [{ port: 8080 }],
  });
  return { app, frontend, backend };
}
