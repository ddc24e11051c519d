import { Rule } from '../../rule';

/** Workload hardening beyond Pod Security Standards. */
export const WORKLOAD_RULES: readonly Rule[] = [
];
