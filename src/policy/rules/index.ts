import { SCHEMA_RULE } from '../../schema';
import { Rule } from '../rule';
import { API_RULES } from './api';
import { CONTAINER_RULES } from './container';
import { NAMESPACE_RULES } from './namespace';
import { NETWORK_RULES } from './network';
import { POD_SECURITY_RULES } from './pod-security';
import { RBAC_RULES } from './rbac';
import { SERVICE_RULES } from './service';
import { WORKLOAD_RULES } from './workload';

/** Every rule of the catalogue, in report order: one area after another, each area's index in its own order. */
export const ALL_RULES: readonly Rule[] = [
  SCHEMA_RULE,
  ...POD_SECURITY_RULES,
  ...WORKLOAD_RULES,
  ...RBAC_RULES,
  ...NETWORK_RULES,
  ...NAMESPACE_RULES,
  ...SERVICE_RULES,
  ...API_RULES,
  ...CONTAINER_RULES,
];
