import { Rule } from '../../rule';

/** Service exposure. */
export const SERVICE_RULES: readonly Rule[] = [
];
