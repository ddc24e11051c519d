import { Rule } from '../../rule';

/** NetworkPolicy coverage. */
export const NETWORK_RULES: readonly Rule[] = [
];
