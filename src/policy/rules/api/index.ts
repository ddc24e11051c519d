import { Rule } from '../../rule';

/** Removed APIs and secrets in a GitOps tree. */
export const API_RULES: readonly Rule[] = [
];
