import { ApiObject } from 'cdk8s';
import * as k8s from '../imports/k8s';
import { Construct } from 'constructs';
import { PSA_POLICY_VERSION } from '../version';
import { checkDnsLabel, checkInt, checkLabels, emit, ObjectMetaProps, Refuse } from './common';
import { DefaultDenyNetwork } from './default-deny-network';
import { quantityValue } from './pod-hardening';

/** The six Pod Security Admission labels, every mode `restricted`, every version pinned. */
export function podSecurityLabels(version: string = PSA_POLICY_VERSION): Record<string, string> {
  const labels: Record<string, string> = {};
  for (const mode of ['enforce', 'audit', 'warn']) {
    labels[`pod-security.kubernetes.io/${mode}`] = 'restricted';
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

    this.apiObject = emit(this, 'Resource', {
      apiVersion: 'v1',
      kind: 'Namespace',
      name,
      labels: { ...labels, ...podSecurityLabels() },
      annotations: props.annotations,
      clusterScoped: true,
    });

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
