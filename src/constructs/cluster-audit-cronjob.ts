import { Construct } from 'constructs';
import { AUDIT_VERBS, AUDITED_KINDS } from '../audit/kinds';
import { Profile } from '../policy/rule';
import { Labels, ObjectMetaProps, Refuse } from './common';
import { LeastPrivilegeRole, RoleRule } from './least-privilege-role';
import { ContainerResources, PodIdentity } from './pod-props';
import { SecureCronJob } from './secure-workloads';

/** The report formats of `cdk8s-hardened audit`. */
export type AuditReportFormat = 'text' | 'json' | 'sarif' | 'junit';

export interface ClusterAuditCronJobProps extends ObjectMetaProps {
  /**
   * An image with `cdk8s-hardened` and `kubectl` on its PATH. Pin it by digest (`ghcr.io/acme/audit@sha256:...`):
   * the job reads the whole cluster's configuration, so what runs should be exactly the image that was reviewed.
   */
  readonly image: string;
  /** `metadata.name` of the CronJob, its ServiceAccount, ClusterRole and ClusterRoleBinding. @default 'cluster-audit' */
  readonly name?: string;
  /** @default - the chart's namespace */
  readonly namespace?: string;
  /** @default '0 3 * * *' (daily at 03:00) */
  readonly schedule?: string;
  /** IANA time zone of the schedule. @default - the controller's time zone */
  readonly timeZone?: string;
  /** The audit's rule pack. @default - the configuration's, else hardened */
  readonly profile?: Profile;
  /** The report format, printed to the job's log. @default 'json' */
  readonly format?: AuditReportFormat;
  /** Lowest severity that fails the job. @default - the configuration's, else error */
  readonly failOn?: 'error' | 'warning';
  /** The command that runs `cdk8s-hardened` in the image. @default ['cdk8s-hardened'] */
  readonly command?: readonly string[];
  /** @default - requests 100m CPU / 256Mi, limits 1 CPU / 1Gi (a large cluster's listing is held in memory) */
  readonly resources?: ContainerResources;
  /** @default - runAsUser, runAsGroup and fsGroup 10001 */
  readonly identity?: PodIdentity;
  /** A deadline for each run. @default 1800 */
  readonly activeDeadlineSeconds?: number;
  /** Extra labels on the pods. @default - none */
  readonly podLabels?: Labels;
}

/** The ClusterRole rules of the audit: get and list of exactly the kinds `cdk8s-hardened audit` reads. */
export function auditRoleRules(): RoleRule[] {
  return AUDITED_KINDS.map((k) => ({ apiGroup: k.group, resource: k.resource, verbs: [...AUDIT_VERBS] }));
}

/** The arguments the job passes to `cdk8s-hardened`. */
export function clusterAuditArgs(props: Pick<ClusterAuditCronJobProps, 'profile' | 'format' | 'failOn'>): string[] {
  return [
    'audit',
    '--format', props.format ?? 'json',
    ...(props.profile !== undefined ? ['--profile', props.profile] : []),
    ...(props.failOn !== undefined ? ['--fail-on', props.failOn] : []),
  ];
}

/**
 * Runs `cdk8s-hardened audit` in the cluster on a schedule: a SecureCronJob (the hardened pod template:
 * non-root, read-only root filesystem with a writable /tmp for kubectl's cache, every capability dropped, seccomp
 * RuntimeDefault) whose only credential is a short-lived projected ServiceAccount token, bound cluster-wide to a
 * ClusterRole that can get and list exactly the kinds the audit reads and nothing else (no Secrets, no writes).
 * A run with failing findings fails its Job (exit 1), which is what alerting on failed Jobs picks up; the report
 * is the job's log.
 *
 * In a namespace with default-deny egress, allow the pod to reach the API server.
 */
export class ClusterAuditCronJob extends Construct {
  readonly cronJob: SecureCronJob;
  readonly role: LeastPrivilegeRole;

  constructor(scope: Construct, id: string, props: ClusterAuditCronJobProps) {
    super(scope, id);
    const refuse = new Refuse('ClusterAuditCronJob', id);
    const name = props.name ?? 'cluster-audit';
    const command = props.command ?? ['cdk8s-hardened'];
    if (!Array.isArray(command) || command.length === 0 || command.some((c) => typeof c !== 'string' || c === '')) {
      throw refuse.error('command', 'command must list the program and its leading arguments', 'e.g. ["cdk8s-hardened"] or ["npx", "cdk8s-hardened"]');
    }
    this.cronJob = new SecureCronJob(this, 'CronJob', {
      name,
      ...(props.namespace !== undefined ? { namespace: props.namespace } : {}),
      ...(props.labels !== undefined ? { labels: props.labels } : {}),
      ...(props.annotations !== undefined ? { annotations: props.annotations } : {}),
      ...(props.podLabels !== undefined ? { podLabels: props.podLabels } : {}),
      ...(props.identity !== undefined ? { identity: props.identity } : {}),
      schedule: props.schedule ?? '0 3 * * *',
      ...(props.timeZone !== undefined ? { timeZone: props.timeZone } : {}),
      concurrencyPolicy: 'Forbid',
      // A failing audit is a result, not a crash: retrying would only print the same report again.
      backoffLimit: 0,
      activeDeadlineSeconds: props.activeDeadlineSeconds ?? 1800,
      serviceAccountToken: {},
      containers: [{
        name: 'audit',
        image: props.image,
        command: [...command],
        args: clusterAuditArgs(props),
        env: { HOME: '/tmp' },
        writablePaths: ['/tmp'],
        resources: props.resources ?? { requests: { cpu: '100m', memory: '256Mi' }, limits: { cpu: '1', memory: '1Gi' } },
      }],
    });
    this.role = new LeastPrivilegeRole(this, 'Role', {
      name,
      namespace: this.cronJob.namespace,
      ...(props.labels !== undefined ? { labels: props.labels } : {}),
      rules: auditRoleRules(),
      clusterRole: true,
      // Cluster-wide by nature: Namespaces, ClusterRoles and ClusterRoleBindings are cluster-scoped.
      clusterWideBinding: true,
      subjects: [this.cronJob],
    });
  }
}
