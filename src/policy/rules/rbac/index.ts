import { Rule } from '../../rule';
import { bind } from './bind';
import { clusterAdminBinding } from './cluster-admin-binding';
import { clusterScope } from './cluster-scope';
import { csrApproval } from './csr-approval';
import { escalate } from './escalate';
import { impersonate } from './impersonate';
import { namespaceModify } from './namespace-modify';
import { nodesProxy } from './nodes-proxy';
import { podsExecAttach } from './pods-exec-attach';
import { podsPortforward } from './pods-portforward';
import { pvCreate } from './pv-create';
import { saTokenCreate } from './sa-token-create';
import { secretsRead } from './secrets-read';
import { systemGroupBinding } from './system-group-binding';
import { webhookConfigWrite } from './webhook-config-write';
import { wildcard } from './wildcard';
import { workloadCreate } from './workload-create';

/** RBAC least privilege and escalation paths. */
export const RBAC_RULES: readonly Rule[] = [
  wildcard,
  escalate,
  bind,
  impersonate,
  secretsRead,
  podsExecAttach,
  podsPortforward,
  nodesProxy,
  saTokenCreate,
  workloadCreate,
  csrApproval,
  webhookConfigWrite,
  pvCreate,
  namespaceModify,
  clusterAdminBinding,
  systemGroupBinding,
  clusterScope,
];
