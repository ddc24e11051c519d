import { ApiObject } from 'cdk8s';
import * as k8s from '../imports/k8s';
import { Construct } from 'constructs';
import { checkDnsLabel, checkInt, checkLabels, emit, Labels, ObjectMetaProps, Refuse, resolveNamespace } from './common';

/** The label the API server sets on every namespace (Kubernetes 1.22+): the robust way to select one by name. */
export const NAMESPACE_NAME_LABEL = 'kubernetes.io/metadata.name';

export type NetworkProtocol = 'TCP' | 'UDP' | 'SCTP';

export interface NetworkPortProps {
  readonly port: number;
  /** Last port of a range `port`..`endPort`. @default - the single port */
  readonly endPort?: number;
  /** @default 'TCP' */
  readonly protocol?: NetworkProtocol;
}

/**
 * The other side of an allowed connection. `namespace` alone = every pod of that namespace; `pods` alone = those
 * pods in the policy's own namespace; both = those pods in that namespace; `cidr` = an IP block (never /0).
 */
export interface NetworkPeer {
  /** Selected by `kubernetes.io/metadata.name`. @default - the policy's own namespace (with `pods`) */
  readonly namespace?: string;
  /** Pod labels (non-empty). @default - every pod of `namespace` */
  readonly pods?: Labels;
  /** An IP block outside the cluster, e.g. `10.20.0.0/16`. `0.0.0.0/0` and `::/0` are refused. @default - none */
  readonly cidr?: string;
  /** Addresses inside `cidr` to exclude. @default - none */
  readonly except?: readonly string[];
}

export interface IngressAllowProps {
  /** The pods of this namespace that may receive the traffic (`{}` = every pod of the namespace). */
  readonly pods: Labels;
  /** Who may connect (at least one). */
  readonly from: readonly NetworkPeer[];
  /** On which ports (at least one). */
  readonly ports: readonly NetworkPortProps[];
}

export interface EgressAllowProps {
  /** The pods of this namespace that may open the connections (`{}` = every pod of the namespace). */
  readonly pods: Labels;
  /** Where to (at least one). */
  readonly to: readonly NetworkPeer[];
  /** On which ports (at least one). */
  readonly ports: readonly NetworkPortProps[];
}

/** One end of `DefaultDenyNetwork.allowTraffic`. */
export interface TrafficEnd {
  /** The DefaultDenyNetwork of that end's namespace. */
  readonly network: DefaultDenyNetwork;
  /** The pods at that end (non-empty labels). */
  readonly pods: Labels;
}

export interface AllowTrafficProps {
  readonly from: TrafficEnd;
  readonly to: TrafficEnd;
  readonly ports: readonly NetworkPortProps[];
}

export interface DefaultDenyNetworkProps extends ObjectMetaProps {
  /** @default - the chart's namespace (refused when unset or `default`) */
  readonly namespace?: string;
  /** Name of the deny-all NetworkPolicy. @default 'default-deny' */
  readonly name?: string;
  /**
   * Emit a second policy `allow-dns` that lets every pod of the namespace reach kube-dns (UDP and TCP 53 to pods
   * `k8s-app: kube-dns` in `kube-system`). Without it, denying egress also breaks name resolution.
   * @default true
   */
  readonly allowDns?: boolean;
}

const ZERO_PREFIX = /\/0+$/;

/**
 * Denies all ingress and egress of a namespace (`podSelector: {}`, `policyTypes: [Ingress, Egress]`, no rules),
 * optionally allows DNS, and emits each allowed flow as a separate, narrowly typed NetworkPolicy.
 */
export class DefaultDenyNetwork extends Construct {
  /**
   * Allows `from` pods to reach `to` pods on `ports` across two namespaces (or within one) in one call: an
   * egress policy `<name>-egress` in the source namespace and an ingress policy `<name>-ingress` in the
   * destination namespace, each a child of its own network (and so of its chart).
   */
  static allowTraffic(name: string, props: AllowTrafficProps): { egress: ApiObject; ingress: ApiObject } {
    const sameNamespace = props.from.network.namespace === props.to.network.namespace;
    const egress = props.from.network.allowEgress(`${name}-egress`, {
      pods: props.from.pods,
      to: [{ ...(sameNamespace ? {} : { namespace: props.to.network.namespace }), pods: props.to.pods }],
      ports: props.ports,
    });
    const ingress = props.to.network.allowIngress(`${name}-ingress`, {
      pods: props.to.pods,
      from: [{ ...(sameNamespace ? {} : { namespace: props.from.network.namespace }), pods: props.from.pods }],
      ports: props.ports,
    });
    return { egress, ingress };
  }

  readonly namespace: string;
  /** The deny-all policy (no rules). */
  readonly apiObject: ApiObject;
  /** The DNS egress policy, when `allowDns` is true. */
  readonly dnsPolicy?: ApiObject;
  private readonly refuse: Refuse;
  private readonly labels: Labels;
  private readonly names = new Set<string>();

  constructor(scope: Construct, id: string, props: DefaultDenyNetworkProps = {}) {
    super(scope, id);
    const refuse = new Refuse('DefaultDenyNetwork', id, scope);
    this.refuse = refuse;
    this.namespace = resolveNamespace(this, refuse, props.namespace);
    this.labels = checkLabels(refuse, 'labels', props.labels);
    const name = checkDnsLabel(refuse, 'name', props.name ?? 'default-deny', 253);
    this.apiObject = this.policy('Resource', name, {
      podSelector: {},
      policyTypes: ['Ingress', 'Egress'],
    }, props.annotations);
    if (props.allowDns ?? true) {
      this.dnsPolicy = this.policy('AllowDns', 'allow-dns', {
        podSelector: {},
        policyTypes: ['Egress'],
        egress: [{
          to: [{
            namespaceSelector: { matchLabels: { [NAMESPACE_NAME_LABEL]: 'kube-system' } },
            podSelector: { matchLabels: { 'k8s-app': 'kube-dns' } },
          }],
          ports: [
            { protocol: 'UDP', port: k8s.IntOrString.fromNumber(53) },
            { protocol: 'TCP', port: k8s.IntOrString.fromNumber(53) },
          ],
        }],
      });
    }
  }

  /** Allows `from` peers to reach the selected pods of this namespace on `ports`. The policy is named `name`. */
  allowIngress(name: string, props: IngressAllowProps): ApiObject {
    const where = `allowIngress("${name}")`;
    const spec: k8s.NetworkPolicySpec = {
      podSelector: this.selector(`${where}.pods`, props.pods),
      policyTypes: ['Ingress'],
      ingress: [{ from: this.peers(`${where}.from`, props.from), ports: this.ports(`${where}.ports`, props.ports) }],
    };
    return this.policy(name, checkDnsLabel(this.refuse, `${where} name`, name, 253), spec);
  }

  /** Allows the selected pods of this namespace to reach `to` peers on `ports`. The policy is named `name`. */
  allowEgress(name: string, props: EgressAllowProps): ApiObject {
    const where = `allowEgress("${name}")`;
    const spec: k8s.NetworkPolicySpec = {
      podSelector: this.selector(`${where}.pods`, props.pods),
      policyTypes: ['Egress'],
      egress: [{ to: this.peers(`${where}.to`, props.to), ports: this.ports(`${where}.ports`, props.ports) }],
    };
    return this.policy(name, checkDnsLabel(this.refuse, `${where} name`, name, 253), spec);
  }

  private policy(id: string, name: string, spec: k8s.NetworkPolicySpec, annotations?: Labels): ApiObject {
    if (this.names.has(name)) {
      throw this.refuse.error('name', `NetworkPolicy "${name}" already exists in namespace "${this.namespace}"`, 'give each allow rule its own name');
    }
    this.names.add(name);
    return emit(this, id, {
      apiVersion: 'networking.k8s.io/v1',
      kind: 'NetworkPolicy',
      name,
      namespace: this.namespace,
      labels: this.labels,
      annotations,
      body: { spec: k8s.toJson_NetworkPolicySpec(spec) },
    });
  }

  private selector(prop: string, pods: Labels): k8s.LabelSelector {
    if (pods === undefined || pods === null || typeof pods !== 'object') {
      throw this.refuse.error(prop, `${prop} is missing`, 'give the labels of the pods the policy applies to ({} for every pod of the namespace)');
    }
    const labels = checkLabels(this.refuse, prop, pods);
    return Object.keys(labels).length ? { matchLabels: { ...labels } } : {};
  }

  private peers(prop: string, peers: readonly NetworkPeer[]): k8s.NetworkPolicyPeer[] {
    if (!Array.isArray(peers) || peers.length === 0) {
      throw this.refuse.error(prop, `${prop} is empty, which Kubernetes reads as "every source and destination"`,
        'name the peers: { namespace: "frontend", pods: { "app.kubernetes.io/name": "web" } }');
    }
    return peers.map((peer, i) => {
      const where = `${prop}[${i}]`;
      if (peer.cidr !== undefined) {
        if (peer.namespace !== undefined || peer.pods !== undefined) {
          throw this.refuse.error(where, `${where} mixes cidr with namespace/pods, which Kubernetes rejects`, 'use separate peers');
        }
        if (typeof peer.cidr !== 'string' || !/^[0-9a-fA-F.:]+\/\d{1,3}$/.test(peer.cidr)) {
          throw this.refuse.error(`${where}.cidr`, `${where}.cidr "${String(peer.cidr)}" is not a CIDR`, 'use e.g. "10.20.0.0/16"');
        }
        if (ZERO_PREFIX.test(peer.cidr)) {
          throw this.refuse.error(`${where}.cidr`, `${where}.cidr "${peer.cidr}" matches every address, which undoes the default deny`,
            'name the smallest block the traffic needs, e.g. "203.0.113.0/24"');
        }
        return { ipBlock: { cidr: peer.cidr, ...(peer.except ? { except: [...peer.except] } : {}) } };
      }
      if (peer.namespace === undefined && peer.pods === undefined) {
        throw this.refuse.error(where, `${where} selects nothing specific (an empty peer allows every pod of the namespace)`,
          'give namespace, pods or both');
      }
      const out: k8s.NetworkPolicyPeer = {};
      if (peer.namespace !== undefined) {
        checkDnsLabel(this.refuse, `${where}.namespace`, peer.namespace);
        Object.assign(out, { namespaceSelector: { matchLabels: { [NAMESPACE_NAME_LABEL]: peer.namespace } } });
      }
      if (peer.pods !== undefined) {
        const labels = checkLabels(this.refuse, `${where}.pods`, peer.pods);
        if (Object.keys(labels).length === 0) {
          throw this.refuse.error(`${where}.pods`, `${where}.pods is empty, which matches every pod`,
            'name the pods by label, or leave pods out and give only namespace to mean the whole namespace');
        }
        Object.assign(out, { podSelector: { matchLabels: { ...labels } } });
      }
      return out;
    });
  }

  private ports(prop: string, ports: readonly NetworkPortProps[]): k8s.NetworkPolicyPort[] {
    if (!Array.isArray(ports) || ports.length === 0) {
      throw this.refuse.error(prop, `${prop} is empty, which allows every port`, 'list the ports, e.g. [{ port: 8080 }]');
    }
    return ports.map((p, i) => {
      const where = `${prop}[${i}]`;
      const port = checkInt(this.refuse, `${where}.port`, p.port, 1, 65535, 'use a port between 1 and 65535');
      const protocol = p.protocol ?? 'TCP';
      if (!['TCP', 'UDP', 'SCTP'].includes(protocol)) {
        throw this.refuse.error(`${where}.protocol`, `protocol "${protocol}" is unknown`, 'use TCP, UDP or SCTP');
      }
      const endPort = p.endPort === undefined ? undefined : checkInt(this.refuse, `${where}.endPort`, p.endPort, port, 65535, 'use a port >= port');
      return { protocol, port: k8s.IntOrString.fromNumber(port), ...(endPort !== undefined ? { endPort } : {}) };
    });
  }
}
