import { Rule } from '../../rule';
import { allowAll } from './allow-all';
import { defaultDeny } from './default-deny';

/** NetworkPolicy coverage. */
export const NETWORK_RULES: readonly Rule[] = [
  defaultDeny,
  allowAll,
];
