import { Rule } from '../../rule';
import { apparmor } from './apparmor';
import { capabilitiesBaseline } from './capabilities-baseline';
import { capabilitiesRestricted } from './capabilities-restricted';
import { hostNamespaces } from './host-namespaces';
import { hostPathVolumes } from './host-path-volumes';
import { hostPorts } from './host-ports';
import { hostProcess } from './host-process';
import { privilegeEscalation } from './privilege-escalation';
import { privileged } from './privileged';
import { procMount } from './proc-mount';
import { runAsNonRoot } from './run-as-non-root';
import { runAsUser } from './run-as-user';
import { seccompBaseline } from './seccomp';
import { seccompRestricted } from './seccomp-restricted';
import { selinux } from './selinux';
import { sysctls } from './sysctls';
import { volumeTypes } from './volume-types';

/** Pod Security Standards at Kubernetes 1.28: the 11 baseline controls, then the 6 restricted ones. */
export const POD_SECURITY_RULES: readonly Rule[] = [
  hostProcess,
  hostNamespaces,
  privileged,
  capabilitiesBaseline,
  hostPathVolumes,
  hostPorts,
  apparmor,
  selinux,
  procMount,
  seccompBaseline,
  sysctls,
  volumeTypes,
  privilegeEscalation,
  runAsNonRoot,
  runAsUser,
  seccompRestricted,
  capabilitiesRestricted,
];
