import { Rule } from '../../rule';
import { psaLabels } from './psa-labels';
import { quota } from './quota';

/** Namespace guard rails. */
export const NAMESPACE_RULES: readonly Rule[] = [
  psaLabels,
  quota,
];
