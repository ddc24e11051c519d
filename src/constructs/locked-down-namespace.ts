import { ApiObject } from 'cdk8s';
import * as k8s from '../imports/k8s';
import { Construct } from 'constructs';
import type { AdmissionObject } from '../admission/generate';
import type { PssLevel } from '../migrate/mapping';
import { PSP_NAMESPACE_LABEL } from '../migrate/psp';
import { PSA_POLICY_VERSION } from '../version';
import { annotateSuppression, checkDnsLabel, checkInt, checkLabels, emit, ObjectMetaProps, Refuse } from './common';
import { DefaultDenyNetwork } from './default-deny-network';
import { quantityValue } from './pod-checks';

/** The six Pod Security Admission labels, every mode at `level` (`restricted` by default), every version pinned. */
export function podSecurityLabels(version: string = PSA_POLICY_VERSION, level: PssLevel = 'restricted'): Record<string, string> {
  const labels: Record<string, string> = {};
  for (const mode of ['enforce', 'audit', 'warn']) {
    labels[`pod-security.kubernetes.io/${mode}`] = level;
    labels[`pod-security.kubernetes.io/${mode}-version`] = version;
  }
  return labels;
}

/** The namespace's total budget. */
export interface NamespaceQuotaProps {
  /** @default '4' */
  readonly requestsCpu?: string;
  /** @default '8Gi' */
  readonly requestsMemory?: string;
  /** @default '8' */
  readonly limitsCpu?: string;
  /** @default '16Gi' */
  readonly limitsMemory?: string;
  /** @default 50 */
  readonly pods?: number;
  /** @default 10 */
  readonly persistentVolumeClaims?: number;
  /** Total storage all claims may request. @default '100Gi' */
  readonly requestsStorage?: string;
  /** @default 20 */
  readonly services?: number;
}

/** Container defaults and bounds applied by the API server to anything that forgets them. */
export interface NamespaceLimitRangeProps {
  /** @default { cpu: '100m', memory: '128Mi' } */
  readonly defaultRequest?: { readonly cpu: string; readonly memory: string };
  /** @default { cpu: '500m', memory: '512Mi' } */
  readonly defaultLimit?: { readonly cpu: string; readonly memory: string };
  /** @default { cpu: '4', memory: '8Gi' } */
  readonly max?: { readonly cpu: string; readonly memory: string };
}

export interface LockedDownNamespaceProps extends ObjectMetaProps {
  /** The namespace name (not `default` nor a `kube-` namespace). */
  readonly name: string;
  /** @default - the defaults of NamespaceQuotaProps */
  readonly quota?: NamespaceQuotaProps;
  /** @default - the defaults of NamespaceLimitRangeProps */
  readonly limitRange?: NamespaceLimitRangeProps;
  /**
   * Allow every pod of the namespace to reach kube-dns.
   * @default true
   */
  readonly allowDns?: boolean;
  /**
   * What `migrate-psp` (or `migratePsp()`) says replaces the PodSecurityPolicy this namespace's pods ran under: the
   * namespace gets its Pod Security level and the label its admission policies' bindings select, and the policies
   * are emitted beside it. A level below `restricted` is recorded as a suppression of namespace-psa-labels naming
   * the PSP (the policies carry the PSP's stricter controls).
   * @default - Pod Security `restricted`, no migrated policies
   */
  readonly migratedPsp?: MigratedPodSecurity;
  /**
   * Escape hatch: enforce a Pod Security level below `restricted` for a namespace whose pods need it (a node agent's
   * hostPath, say), with the reason, recorded as a suppression of namespace-psa-labels on the Namespace.
   * @default - restricted
   */
  readonly podSecurityException?: PodSecurityException;
}

/** A Pod Security level below restricted, and why (at least 10 letters or digits). */
export interface PodSecurityException {
  readonly level: 'baseline' | 'privileged';
  readonly reason: string;
}

/** The part of a PodSecurityPolicy migration a namespace takes (a `PspMigration` is one). */
export interface MigratedPodSecurity {
  /** The PodSecurityPolicy's name. */
  readonly psp: string;
  readonly level: PssLevel;
  /** The ValidatingAdmissionPolicies and bindings of the migration. */
  readonly policies: readonly AdmissionObject[];
  /**
   * Emit the policies here. Set false on the second and later namespaces that take the same migration (the
   * policies are cluster-scoped and shared).
   * @default true
   */
  readonly emitPolicies?: boolean;
}

/**
 * A Namespace locked down the way the hardened profile expects: Pod Security `restricted` enforced, audited and
 * warned at the pinned version, a ResourceQuota (which also forbids NodePort and LoadBalancer Services), a
 * LimitRange, a default-deny NetworkPolicy (plus DNS egress), and the namespace's `default` ServiceAccount with
 * its token automount switched off.
 */
export class LockedDownNamespace extends Construct {
  readonly name: string;
  readonly apiObject: ApiObject;
  readonly defaultServiceAccount: ApiObject;
  readonly resourceQuota: ApiObject;
  readonly limitRange: ApiObject;
  /** The namespace's DefaultDenyNetwork: add allow rules here. */
  readonly network: DefaultDenyNetwork;
  /** The admission policies and bindings of `migratedPsp`, when emitted here. */
  readonly migratedPolicies: readonly ApiObject[];

  constructor(scope: Construct, id: string, props: LockedDownNamespaceProps) {
    super(scope, id);
    const refuse = new Refuse('LockedDownNamespace', id, scope);
    const name = checkDnsLabel(refuse, 'name', props.name);
    if (name === 'default' || name.startsWith('kube-')) {
      throw refuse.error('name', `namespace "${name}" is created and used by Kubernetes itself`, 'choose an application namespace name such as "backend"');
    }
    this.name = name;
    const labels = checkLabels(refuse, 'labels', props.labels);
    const psa = Object.keys(labels).filter((k) => k.startsWith('pod-security.kubernetes.io/'));
    if (psa.length) {
      throw refuse.error('labels', `labels set ${psa.join(', ')}, which would weaken or unpin Pod Security "restricted"`,
        'leave the pod-security.kubernetes.io labels to LockedDownNamespace');
    }

    const migrated = props.migratedPsp;
    const exception = props.podSecurityException;
    if (exception !== undefined) {
      if (migrated !== undefined) {
        throw refuse.error('podSecurityException', 'podSecurityException and migratedPsp both set the Pod Security level', 'give one of them');
      }
      if (exception.level !== 'baseline' && exception.level !== 'privileged') {
        throw refuse.error('podSecurityException.level', `podSecurityException.level ${JSON.stringify(exception.level)} is not baseline or privileged`, 'leave podSecurityException unset for restricted');
      }
    }
    if (migrated !== undefined) {
      if (!['privileged', 'baseline', 'restricted'].includes(migrated.level)) {
        throw refuse.error('migratedPsp.level', `migratedPsp.level ${JSON.stringify(migrated.level)} is not a Pod Security Standards level`, 'pass the level migrate-psp printed');
      }
      if (!/^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$/.test(String(migrated.psp)) || String(migrated.psp).length > 63) {
        throw refuse.error('migratedPsp.psp', `migratedPsp.psp ${JSON.stringify(migrated.psp)} is not a label value`, 'pass the migration migrate-psp printed');
      }
    }
    this.apiObject = emit(this, 'Resource', {
      apiVersion: 'v1',
      kind: 'Namespace',
      name,
      labels: { ...labels, ...podSecurityLabels(PSA_POLICY_VERSION, migrated?.level ?? exception?.level), ...(migrated ? { [PSP_NAMESPACE_LABEL]: migrated.psp } : {}) },
      annotations: props.annotations,
      clusterScoped: true,
    });
    if (migrated !== undefined && migrated.level !== 'restricted') {
      annotateSuppression(refuse, this.apiObject, 'namespace-psa-labels',
        `migrated from PodSecurityPolicy ${migrated.psp}, which maps to Pod Security ${migrated.level}; `
        + `its stricter controls are enforced by ${migrated.policies.filter((p) => p.kind === 'ValidatingAdmissionPolicy').length} ValidatingAdmissionPolicies`);
    }
    if (exception !== undefined) {
      annotateSuppression(refuse, this.apiObject, 'namespace-psa-labels', exception.reason);
    }
    this.migratedPolicies = migrated !== undefined && migrated.emitPolicies !== false
      ? migrated.policies.map((p) => emit(this, `${p.kind === 'ValidatingAdmissionPolicy' ? 'Policy' : 'Binding'}-${p.metadata.name}`, {
        apiVersion: p.apiVersion, kind: p.kind, name: p.metadata.name, labels: p.metadata.labels, annotations: p.metadata.annotations,
        body: { spec: p.spec }, clusterScoped: true,
      }))
      : [];

    this.defaultServiceAccount = emit(this, 'DefaultServiceAccount', {
      apiVersion: 'v1', kind: 'ServiceAccount', name: 'default', namespace: name, labels,
      body: { automountServiceAccountToken: false },
    });

    const q = props.quota ?? {};
    const quantity = (prop: string, value: string) => {
      const n = quantityValue(value);
      if (n === undefined || n <= 0) {
        throw refuse.error(prop, `${prop} "${String(value)}" is not a positive Kubernetes quantity`, 'use e.g. "4" CPUs or "8Gi"');
      }
      return k8s.Quantity.fromString(value);
    };
    const count = (prop: string, value: number) => k8s.Quantity.fromString(String(checkInt(refuse, prop, value, 0, 100000, 'use a whole number')));
    const quota: k8s.ResourceQuotaSpec = {
      hard: {
        'requests.cpu': quantity('quota.requestsCpu', q.requestsCpu ?? '4'),
        'requests.memory': quantity('quota.requestsMemory', q.requestsMemory ?? '8Gi'),
        'limits.cpu': quantity('quota.limitsCpu', q.limitsCpu ?? '8'),
        'limits.memory': quantity('quota.limitsMemory', q.limitsMemory ?? '16Gi'),
        'requests.storage': quantity('quota.requestsStorage', q.requestsStorage ?? '100Gi'),
        'pods': count('quota.pods', q.pods ?? 50),
        'persistentvolumeclaims': count('quota.persistentVolumeClaims', q.persistentVolumeClaims ?? 10),
        'services': count('quota.services', q.services ?? 20),
        'services.nodeports': k8s.Quantity.fromString('0'),
        'services.loadbalancers': k8s.Quantity.fromString('0'),
      },
    };
    this.resourceQuota = emit(this, 'ResourceQuota', {
      apiVersion: 'v1', kind: 'ResourceQuota', name: `${name}-quota`.slice(0, 253), namespace: name, labels,
      body: { spec: k8s.toJson_ResourceQuotaSpec(quota) },
    });

    const l = props.limitRange ?? {};
    const pair = (prop: string, value: { cpu: string; memory: string }) => ({
      cpu: quantity(`${prop}.cpu`, value.cpu),
      memory: quantity(`${prop}.memory`, value.memory),
    });
    const limitRange: k8s.LimitRangeSpec = {
      limits: [{
        type: 'Container',
        defaultRequest: pair('limitRange.defaultRequest', l.defaultRequest ?? { cpu: '100m', memory: '128Mi' }),
        default: pair('limitRange.defaultLimit', l.defaultLimit ?? { cpu: '500m', memory: '512Mi' }),
        max: pair('limitRange.max', l.max ?? { cpu: '4', memory: '8Gi' }),
      }],
    };
    this.limitRange = emit(this, 'LimitRange', {
      apiVersion: 'v1', kind: 'LimitRange', name: `${name}-limits`.slice(0, 253), namespace: name, labels,
      body: { spec: k8s.toJson_LimitRangeSpec(limitRange) },
    });

    this.network = new DefaultDenyNetwork(this, 'Network', { namespace: name, allowDns: props.allowDns ?? true, labels });
  }
}
