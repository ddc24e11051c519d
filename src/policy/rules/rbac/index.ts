import { Rule } from '../../rule';

/** RBAC least privilege and escalation paths. */
export const RBAC_RULES: readonly Rule[] = [
];
