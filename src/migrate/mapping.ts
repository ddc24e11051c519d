/**
 * The field-by-field mapping of "Mapping PodSecurityPolicies to Pod Security Standards",
 * https://kubernetes.io/docs/reference/access-authn-authz/psp-to-pod-security-standards/ (kubernetes/website
 * content/en/docs/reference/access-authn-authz/psp-to-pod-security-standards.md at commit
 * 093f9758dbe0331264f221cf3f3ddf3fa686244c), carried as data. Copyright The Kubernetes Authors, licensed under
 * CC BY 4.0 (https://creativecommons.org/licenses/by/4.0/); the wording is shortened, the values are the page's.
 * "Anything outside the allowed values for those profiles would fall under the Privileged profile."
 */

export type PssLevel = 'privileged' | 'baseline' | 'restricted';
export const PSS_LEVELS: readonly PssLevel[] = ['privileged', 'baseline', 'restricted'];

/** How PodSecurityPolicy applied a field: it validated pods, mutated them (set defaults), or both. */
export type PspFieldType = 'validating' | 'mutating' | 'mutating-validating';

export interface PspFieldMapping {
  /** `spec.<field>` or an annotation of the PSP. */
  readonly field: string;
  readonly type: PspFieldType;
  /** What Baseline allows ("no opinion" when every value is allowed). */
  readonly baseline: string;
  /** What Restricted allows. */
  readonly restricted: string;
}

export const BASELINE_CAPABILITIES: readonly string[] = [
  'AUDIT_WRITE', 'CHOWN', 'DAC_OVERRIDE', 'FOWNER', 'FSETID', 'KILL', 'MKNOD', 'NET_BIND_SERVICE', 'SETFCAP', 'SETGID',
  'SETPCAP', 'SETUID', 'SYS_CHROOT',
];
export const RESTRICTED_CAPABILITIES: readonly string[] = ['NET_BIND_SERVICE'];
/** Volumes Baseline forbids in a PSP's `volumes` list. */
export const BASELINE_FORBIDDEN_VOLUMES: readonly string[] = ['hostPath', '*'];
export const RESTRICTED_VOLUMES: readonly string[] = [
  'configMap', 'csi', 'downwardAPI', 'emptyDir', 'ephemeral', 'persistentVolumeClaim', 'projected', 'secret',
];
export const SELINUX_TYPES: readonly string[] = ['container_t', 'container_init_t', 'container_kvm_t'];
export const SECCOMP_ANNOTATION = 'seccomp.security.alpha.kubernetes.io/allowedProfileNames';
export const SECCOMP_DEFAULT_ANNOTATION = 'seccomp.security.alpha.kubernetes.io/defaultProfileName';
export const APPARMOR_ANNOTATION = 'apparmor.security.beta.kubernetes.io/allowedProfileNames';
export const APPARMOR_DEFAULT_ANNOTATION = 'apparmor.security.beta.kubernetes.io/defaultProfileName';

const NO_OPINION = 'no opinion';

export const PSP_FIELD_MAPPING: readonly PspFieldMapping[] = [
  { field: 'privileged', type: 'validating', baseline: 'false / undefined / nil', restricted: 'false / undefined / nil' },
  { field: 'defaultAddCapabilities', type: 'mutating-validating', baseline: 'requirements match allowedCapabilities', restricted: 'requirements match allowedCapabilities' },
  { field: 'allowedCapabilities', type: 'validating', baseline: `subset of ${BASELINE_CAPABILITIES.join(', ')}`, restricted: 'empty / undefined / nil OR a list containing only NET_BIND_SERVICE' },
  { field: 'requiredDropCapabilities', type: 'mutating-validating', baseline: NO_OPINION, restricted: 'must include ALL' },
  { field: 'volumes', type: 'validating', baseline: 'anything except hostPath, *', restricted: `subset of ${RESTRICTED_VOLUMES.join(', ')}` },
  { field: 'hostNetwork', type: 'validating', baseline: 'false / undefined / nil', restricted: 'false / undefined / nil' },
  { field: 'hostPorts', type: 'validating', baseline: 'undefined / nil / empty', restricted: 'undefined / nil / empty' },
  { field: 'hostPID', type: 'validating', baseline: 'false / undefined / nil', restricted: 'false / undefined / nil' },
  { field: 'hostIPC', type: 'validating', baseline: 'false / undefined / nil', restricted: 'false / undefined / nil' },
  {
    field: 'seLinux', type: 'mutating-validating',
    baseline: `rule MustRunAs, options user and role unset, type unset or one of ${SELINUX_TYPES.join(', ')}, level anything`,
    restricted: `rule MustRunAs, options user and role unset, type unset or one of ${SELINUX_TYPES.join(', ')}, level anything`,
  },
  { field: 'runAsUser', type: 'mutating-validating', baseline: 'anything', restricted: 'rule is MustRunAsNonRoot' },
  { field: 'runAsGroup', type: 'mutating-validating', baseline: NO_OPINION, restricted: NO_OPINION },
  { field: 'supplementalGroups', type: 'mutating-validating', baseline: NO_OPINION, restricted: NO_OPINION },
  { field: 'fsGroup', type: 'mutating-validating', baseline: NO_OPINION, restricted: NO_OPINION },
  { field: 'readOnlyRootFilesystem', type: 'mutating-validating', baseline: NO_OPINION, restricted: NO_OPINION },
  { field: 'defaultAllowPrivilegeEscalation', type: 'mutating', baseline: NO_OPINION, restricted: NO_OPINION },
  { field: 'allowPrivilegeEscalation', type: 'mutating-validating', baseline: NO_OPINION, restricted: 'false' },
  { field: 'allowedHostPaths', type: 'validating', baseline: 'no opinion (volumes takes precedence)', restricted: 'no opinion (volumes takes precedence)' },
  { field: 'allowedFlexVolumes', type: 'validating', baseline: 'no opinion (volumes takes precedence)', restricted: 'no opinion (volumes takes precedence)' },
  { field: 'allowedCSIDrivers', type: 'validating', baseline: 'no opinion (volumes takes precedence)', restricted: 'no opinion (volumes takes precedence)' },
  { field: 'allowedUnsafeSysctls', type: 'validating', baseline: 'undefined / nil / empty', restricted: 'undefined / nil / empty' },
  { field: 'forbiddenSysctls', type: 'validating', baseline: NO_OPINION, restricted: NO_OPINION },
  { field: 'allowedProcMountTypes', type: 'validating', baseline: '["Default"] OR undefined / nil / empty', restricted: '["Default"] OR undefined / nil / empty' },
  { field: 'runtimeClass.defaultRuntimeClassName', type: 'mutating', baseline: NO_OPINION, restricted: NO_OPINION },
  { field: 'runtimeClass.allowedRuntimeClassNames', type: 'validating', baseline: NO_OPINION, restricted: NO_OPINION },
  { field: SECCOMP_DEFAULT_ANNOTATION, type: 'mutating', baseline: NO_OPINION, restricted: NO_OPINION },
  { field: SECCOMP_ANNOTATION, type: 'validating', baseline: '"runtime/default," (trailing comma to allow unset); localhost/* also permitted', restricted: '"runtime/default" (no trailing comma); localhost/* also permitted' },
  { field: APPARMOR_DEFAULT_ANNOTATION, type: 'mutating', baseline: NO_OPINION, restricted: NO_OPINION },
  { field: APPARMOR_ANNOTATION, type: 'validating', baseline: '"runtime/default," (trailing comma to allow unset); localhost/* also permitted', restricted: '"runtime/default" (no trailing comma); localhost/* also permitted' },
];

/** The mapping row of a field. */
export function mappingOf(field: string): PspFieldMapping {
  const row = PSP_FIELD_MAPPING.find((m) => m.field === field);
  if (!row) {
    throw new Error(`no mapping row for ${field}`);
  }
  return row;
}

/** The less strict of two levels. */
export function looser(a: PssLevel, b: PssLevel): PssLevel {
  return PSS_LEVELS.indexOf(a) <= PSS_LEVELS.indexOf(b) ? a : b;
}

/** True when `a` is stricter than `b`. */
export function stricter(a: PssLevel, b: PssLevel): boolean {
  return PSS_LEVELS.indexOf(a) > PSS_LEVELS.indexOf(b);
}
