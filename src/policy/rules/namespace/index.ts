import { Rule } from '../../rule';

/** Namespace guard rails. */
export const NAMESPACE_RULES: readonly Rule[] = [
];
