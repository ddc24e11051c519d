import { allOf, and, not, or, str, unsetOr, whenSet, WHITESPACE } from '../cel';
import { arrayField, field, isObject, objectField, show, stringField } from '../../json';
import { ObjectRule, Violation } from '../../rule';
import { DIRECTIONS, isEverywhere, isNetworkPolicy, PEERS_KEY, policyTypes, RULES_KEY, selectsAll, specOf } from './network';

/** CEL: a label selector that selects everything (`selectsAll` of ./network), given it is set. */
function celSelectsAll(selector: string): string {
  return and(
    `type(${selector}) == map`,
    unsetOr(selector, ['matchLabels'], (l) => and(`type(${l}) == map`, `size(${l}) == 0`)),
    unsetOr(selector, ['matchExpressions'], (l) => and(`type(${l}) == list`, `size(${l}) == 0`)),
  );
}

/** CEL: a NetworkPolicy peer that admits everyone: an ipBlock of prefix length 0, or every pod of every namespace. */
function celPeerIsEveryone(peer: string): string {
  const everywhere = whenSet(peer, ['ipBlock'], (block) => and(`type(${block}) == map`,
    whenSet(block, ['cidr'], (cidr) => and(`type(${cidr}) == string`, `${cidr}.matches(${str(`/0+${WHITESPACE}*$`)})`))));
  const everyPodEverywhere = whenSet(peer, ['namespaceSelector'],
    (ns) => and(celSelectsAll(ns), unsetOr(peer, ['podSelector'], celSelectsAll)));
  return or(everywhere, everyPodEverywhere);
}

/** CEL: NetworkPolicy rules of one direction: every element names peers, and no peer is everyone. */
function celDirectionNarrow(spec: string, rules: 'ingress' | 'egress', peers: 'from' | 'to'): string {
  return allOf(spec, [rules], 'element', (e) => {
    const named = whenSet(e, [peers], (l) => and(`type(${l}) == list`, `size(${l}) > 0`));
    const narrow = `${e}.${peers}.all(peer, ${or('type(peer) != map', not(celPeerIsEveryone('peer')))})`;
    return or(`type(${e}) != map`, and(named, narrow));
  });
}

/** A NetworkPolicy rule that admits everyone: no peers, a /0 ipBlock, or every pod of every namespace. */
export const allowAll: ObjectRule = {
  id: 'network-allow-all',
  title: 'NetworkPolicies should not allow all ingress or egress',
  severity: 'warning',
  profiles: ['hardened'],
  description: 'A NetworkPolicy rule element without from (ingress) or to (egress) admits every peer, as the '
    + '"allow all ingress" and "allow all egress" recipes of the Kubernetes "Network Policies" page do with '
    + 'ingress: [{}] and egress: [{}]; a peer with ipBlock.cidr 0.0.0.0/0 or ::/0 admits every address, and a peer '
    + 'with namespaceSelector: {} and no (or an empty) podSelector admits every pod of every namespace. Any of them '
    + 'undoes the default deny for the pods the policy selects, so the flow is no longer reviewed peer by peer. '
    + 'Only the directions the policy takes effect for (its policyTypes, after defaulting) are judged. A warning: '
    + 'public entry points and internet egress are legitimate, but should be narrowed to ports and, where possible, '
    + 'to ranges. Kyverno\'s restrict-networkpolicy-empty-podselector judges the podSelector instead.',
  remediation: 'Give the spec.ingress[].from or spec.egress[].to entry an explicit podSelector, namespaceSelector or a narrower ipBlock.cidr, and list the ports.',
  docsUrl: 'https://kubernetes.io/docs/concepts/services-networking/network-policies/#allow-all-ingress-traffic',
  admission: {
    target: 'networkPolicies',
    // Only the directions the policy takes effect for: its policyTypes when it lists any, else Ingress, plus
    // Egress when it has egress rules.
    get expression() {
      return or('!has(object.spec)', (() => {
        const spec = 'object.spec';
        const listsTypes = whenSet(spec, ['policyTypes'], (t) => and(`type(${t}) == list`, `size(${t}) > 0`));
        const ingressOn = `(${listsTypes} ? 'Ingress' in ${spec}.policyTypes : true)`;
        const egressOn = `(${listsTypes} ? 'Egress' in ${spec}.policyTypes : ${whenSet(spec, ['egress'], (e) => and(`type(${e}) == list`, `size(${e}) > 0`))})`;
        return and(
          or(`!${ingressOn}`, celDirectionNarrow(spec, 'ingress', 'from')),
          or(`!${egressOn}`, celDirectionNarrow(spec, 'egress', 'to')),
        );
      })());
    },
  },
  scope: 'object',
  kinds: ['NetworkPolicy'],
  check(target) {
    if (!isNetworkPolicy(target)) {
      return [];
    }
    const spec = specOf(target);
    const types = policyTypes(spec);
    const out: Violation[] = [];
    for (const direction of DIRECTIONS.filter((d) => types.includes(d))) {
      const key = RULES_KEY[direction];
      const peersKey = PEERS_KEY[direction];
      const who = direction === 'Ingress' ? 'source' : 'destination';
      arrayField(spec, key).forEach((element, i) => {
        if (!isObject(element)) {
          return;
        }
        const peers = arrayField(element, peersKey);
        if (peers.length === 0) {
          const ports = arrayField(element, 'ports');
          const on = ports.length > 0 ? `on ports ${show(ports.map((p) => field(p, 'port') ?? 'all'))}` : 'on every port';
          out.push({ path: ['spec', key, i], message: `${key} rule ${i} allows every ${who} ${on}` });
          return;
        }
        peers.forEach((peer, j) => {
          const cidr = stringField(objectField(peer, 'ipBlock'), 'cidr');
          if (isEverywhere(cidr)) {
            out.push({ path: ['spec', key, i, peersKey, j, 'ipBlock', 'cidr'], message: `${key} rule ${i} allows ipBlock ${show(cidr)}` });
          }
          const namespaceSelector = field(peer, 'namespaceSelector');
          if (isObject(namespaceSelector) && selectsAll(namespaceSelector) && selectsAll(field(peer, 'podSelector'))) {
            out.push({
              path: ['spec', key, i, peersKey, j, 'namespaceSelector'],
              message: `${key} rule ${i} allows every pod of every namespace`,
            });
          }
        });
      });
    }
    return out;
  },
};
