import { arrayField, field, isObject, objectField } from '../../json';
import { apiGroup } from '../../pod-spec';
import { Target } from '../../rule';

export type Direction = 'Ingress' | 'Egress';
export const DIRECTIONS: readonly Direction[] = ['Ingress', 'Egress'];

/** The rules list and peer list of each direction: `spec.ingress[].from`, `spec.egress[].to`. */
export const RULES_KEY: Record<Direction, 'ingress' | 'egress'> = { Ingress: 'ingress', Egress: 'egress' };
export const PEERS_KEY: Record<Direction, 'from' | 'to'> = { Ingress: 'from', Egress: 'to' };

export function isNetworkPolicy(target: Target): boolean {
  return target.kind === 'NetworkPolicy' && apiGroup(target.apiVersion) === 'networking.k8s.io';
}

/** The namespace of an object, absent counting as `default`. */
export function namespaceOf(target: Target): string {
  return target.namespace || 'default';
}

/**
 * True for a label selector that selects everything: absent or null (as the API decodes a missing required
 * selector), or an object whose matchLabels and matchExpressions are absent or empty.
 */
export function selectsAll(selector: unknown): boolean {
  if (selector === undefined || selector === null) {
    return true;
  }
  if (!isObject(selector)) {
    return false;
  }
  const labels = field(selector, 'matchLabels');
  const expressions = field(selector, 'matchExpressions');
  const noLabels = labels === undefined || labels === null || (isObject(labels) && Object.keys(labels).length === 0);
  const noExpressions = expressions === undefined || expressions === null || (Array.isArray(expressions) && expressions.length === 0);
  return noLabels && noExpressions;
}

/**
 * The directions a policy isolates, after API defaulting: its policyTypes when it lists any; otherwise Ingress,
 * plus Egress when it has at least one egress rule.
 */
export function policyTypes(spec: unknown): Direction[] {
  const given = arrayField(spec, 'policyTypes').filter((t): t is Direction => t === 'Ingress' || t === 'Egress');
  if (arrayField(spec, 'policyTypes').length > 0) {
    return DIRECTIONS.filter((d) => given.includes(d));
  }
  return arrayField(spec, 'egress').length > 0 ? ['Ingress', 'Egress'] : ['Ingress'];
}

/** True for a rule element with neither peers nor ports (`{}`): it admits every peer on every port. */
export function isOpenElement(element: unknown, direction: Direction): boolean {
  return isObject(element)
    && arrayField(element, PEERS_KEY[direction]).length === 0
    && arrayField(element, 'ports').length === 0;
}

/** True for a CIDR with prefix length 0 (`0.0.0.0/0`, `::/0`): every address. */
export function isEverywhere(cidr: string | undefined): boolean {
  return cidr !== undefined && /\/0+$/.test(cidr.trim());
}

/** `spec` of a NetworkPolicy. */
export function specOf(target: Target) {
  return objectField(target.object, 'spec');
}
