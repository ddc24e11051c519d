import { Rule } from '../rule';
import { API_RULES } from './api';
import { CONTAINER_RULES } from './container';
import { NAMESPACE_RULES } from './namespace';
import { NETWORK_RULES } from './network';
import { POD_SECURITY_RULES } from './pod-security';
import { RBAC_RULES } from './rbac';
import { SERVICE_RULES } from './service';
import { WORKLOAD_RULES } from './workload';

/**
 * Policy's rules, in report order: one area after another, each area's index in its own order. The whole catalogue
 * (these after the schema rule) is ALL_RULES of src/catalogue, which sits above policy and schema.
 */
export const POLICY_RULES: readonly Rule[] = [
  ...POD_SECURITY_RULES,
  ...WORKLOAD_RULES,
  ...RBAC_RULES,
  ...NETWORK_RULES,
  ...NAMESPACE_RULES,
  ...SERVICE_RULES,
  ...API_RULES,
  ...CONTAINER_RULES,
];
