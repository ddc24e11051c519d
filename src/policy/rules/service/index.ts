import { Rule } from '../../rule';
import { externalIps } from './external-ips';
import { loadBalancerSourceRanges } from './load-balancer-source-ranges';
import { nodePort } from './node-port';

/** Service exposure. */
export const SERVICE_RULES: readonly Rule[] = [
  nodePort,
  loadBalancerSourceRanges,
  externalIps,
];
