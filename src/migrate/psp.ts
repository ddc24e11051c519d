import { AdmissionEntry } from '../admission/catalogue';
import { AdmissionObject, generateAdmissionPolicies } from '../admission/generate';
import { InputError } from '../input/errors';
import { arrayField, field, isObject, JsonObject, objectField, show, stringField } from '../policy/json';
import { findRule } from '../catalogue';
import { Manifest, ObjectRule, Rule } from '../policy/rule';
import {
  AllowedHostPath, HOST_NAMESPACE_FIELDS, HostNamespaceField, IdRange, PSP_VOLUME_SOURCES, PspControl, pspControlRule,
} from '../policy/rules/psp/controls';
import { PSA_POLICY_VERSION } from '../version';
import {
  APPARMOR_ANNOTATION, APPARMOR_DEFAULT_ANNOTATION, BASELINE_CAPABILITIES, looser, mappingOf, PssLevel, RESTRICTED_VOLUMES,
  SECCOMP_ANNOTATION, SECCOMP_DEFAULT_ANNOTATION, SELINUX_TYPES, stricter,
} from './mapping';

/** The label migrate-psp puts on the namespaces a PSP governed; the bindings of its policies select it. */
export const PSP_NAMESPACE_LABEL = 'cdk8s-hardened.io/psp';

/** How one PSP field maps: the least strict level that admits every pod the field admitted. */
export interface FieldVerdict {
  readonly field: string;
  readonly level: PssLevel;
  /** Why, in one clause. */
  readonly reason: string;
}

/** A PSP control that the chosen level does not enforce, and the rule (with its admission policy) that does. */
export interface CarriedControl {
  readonly field: string;
  readonly ruleId: string;
  /** True for a rule made for this PSP (psp-*), false for one of the catalogue (pss-*). */
  readonly generated: boolean;
}

/** Something the migration cannot carry over. `weakens`: the cluster will admit pods the PSP refused. */
export interface NotCarried {
  readonly field: string;
  readonly reason: string;
  readonly weakens: boolean;
}

/** What replaces one PodSecurityPolicy. */
export interface PspMigration {
  readonly psp: string;
  readonly file?: string;
  readonly line?: number;
  /** The Pod Security Standards level: the least strict of the field verdicts, or the one asked for. */
  readonly level: PssLevel;
  /** The level the mapping gives (equals `level` unless a stricter one was asked for). */
  readonly mappedLevel: PssLevel;
  readonly fields: readonly FieldVerdict[];
  /** The namespace labels: PSA enforce, audit and warn at `level`, pinned, and the label the bindings select. */
  readonly namespaceLabels: Readonly<Record<string, string>>;
  readonly carried: readonly CarriedControl[];
  readonly notCarried: readonly NotCarried[];
  /** The rules that carry the controls (what `check --psp` runs). */
  readonly rules: readonly Rule[];
  /** ValidatingAdmissionPolicies and bindings, in the order of `carried`. */
  readonly policies: readonly AdmissionObject[];
}

const SPEC_FIELDS = new Set([
  'privileged', 'defaultAddCapabilities', 'requiredDropCapabilities', 'allowedCapabilities', 'volumes', 'hostNetwork',
  'hostPorts', 'hostPID', 'hostIPC', 'seLinux', 'runAsUser', 'runAsGroup', 'supplementalGroups', 'fsGroup',
  'readOnlyRootFilesystem', 'defaultAllowPrivilegeEscalation', 'allowPrivilegeEscalation', 'allowedHostPaths',
  'allowedFlexVolumes', 'allowedCSIDrivers', 'allowedUnsafeSysctls', 'forbiddenSysctls', 'allowedProcMountTypes',
  'runtimeClass',
]);
const REQUIRED = ['seLinux', 'runAsUser', 'supplementalGroups', 'fsGroup'];
const PSP_API_VERSIONS = ['policy/v1beta1', 'extensions/v1beta1'];
const DNS_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;

/** Reads the PSP objects of the input; anything else is an error naming it (fail closed). */
export function pspObjects(manifests: readonly Manifest[]): Array<{ object: JsonObject; manifest: Manifest }> {
  return manifests.map((manifest) => {
    const object = manifest.object;
    const where = whereOf(manifest);
    if (!isObject(object) || stringField(object, 'kind') !== 'PodSecurityPolicy' || !PSP_API_VERSIONS.includes(stringField(object, 'apiVersion') ?? '')) {
      const what = isObject(object) ? `${show(field(object, 'apiVersion'))} ${show(field(object, 'kind'))} ${show(field(objectField(object, 'metadata'), 'name'))}` : show(object);
      throw new InputError(`${where}: ${what} is not a PodSecurityPolicy (policy/v1beta1); give migrate-psp only PodSecurityPolicy objects`);
    }
    return { object, manifest };
  });
}

function whereOf(manifest: Manifest, path?: readonly (string | number)[]): string {
  const o = manifest.origin;
  const line = path && o?.locate ? o.locate(path) ?? o.line : o?.line;
  return [o?.file ?? '<input>', o?.document !== undefined ? `document ${o.document}` : undefined, line !== undefined ? `line ${line}` : undefined]
    .filter((p) => p !== undefined).join(', ');
}

/** Reads a PSP's spec into typed values, refusing what PodSecurityPolicy itself would refuse. */
class SpecReader {
  constructor(readonly manifest: Manifest, readonly spec: JsonObject) {}

  fail(path: readonly (string | number)[], problem: string): never {
    throw new InputError(`${whereOf(this.manifest, ['spec', ...path])}: PodSecurityPolicy spec.${path.join('.')} ${problem}`);
  }

  bool(name: string): boolean | undefined {
    const v = field(this.spec, name);
    if (v === undefined || v === null) {
      return undefined;
    }
    return typeof v === 'boolean' ? v : this.fail([name], `is ${show(v)}, not true or false`);
  }

  strings(name: string, within: unknown = this.spec, path: readonly (string | number)[] = [name]): string[] {
    const v = field(within, name);
    if (v === undefined || v === null) {
      return [];
    }
    if (!Array.isArray(v) || v.some((s) => typeof s !== 'string')) {
      this.fail(path, `is ${show(v)}, not a list of strings`);
    }
    return [...v] as string[];
  }

  ranges(value: unknown, path: readonly (string | number)[]): IdRange[] {
    const list = field(value, 'ranges');
    if (list === undefined || list === null) {
      return [];
    }
    if (!Array.isArray(list)) {
      this.fail([...path, 'ranges'], `is ${show(list)}, not a list of {min, max}`);
    }
    return list.map((r, i) => {
      const min = field(r, 'min');
      const max = field(r, 'max');
      if (!Number.isInteger(min) || !Number.isInteger(max) || (min as number) < 0 || (max as number) < (min as number)) {
        this.fail([...path, 'ranges', i], `is ${show(r)}: give whole numbers 0 <= min <= max`);
      }
      return { min: min as number, max: max as number };
    });
  }

  strategy<T extends string>(name: string, rules: readonly T[]): { rule: T; ranges: IdRange[]; value: JsonObject } | undefined {
    const value = field(this.spec, name);
    if (value === undefined || value === null) {
      if (REQUIRED.includes(name)) {
        this.fail([name], 'is missing (the API requires it): give { rule: RunAsAny } at least');
      }
      return undefined;
    }
    if (!isObject(value)) {
      this.fail([name], `is ${show(value)}, not an object`);
    }
    const rule = field(value, 'rule');
    if (typeof rule !== 'string' || !(rules as readonly string[]).includes(rule)) {
      this.fail([name, 'rule'], `is ${show(rule)}; PodSecurityPolicy knows ${rules.join(', ')}`);
    }
    const ranges = this.ranges(value, [name]);
    if ((rule === 'MustRunAs' || rule === 'MayRunAs') && ranges.length === 0 && name !== 'seLinux') {
      this.fail([name, 'ranges'], `is empty, but rule ${rule} needs at least one range`);
    }
    return { rule: rule as T, ranges, value };
  }
}

interface Analysis {
  fields: FieldVerdict[];
  /** Controls, each with the least strict level that already enforces it (undefined: no level does). */
  controls: Array<{ field: string; enforcedBy?: PssLevel; carry: PspControl | string }>;
  notCarried: NotCarried[];
  /** What is lost only when the level is privileged (a stricter level refuses it, and says so). */
  notCarriedAtPrivileged: NotCarried[];
}

function analyse(reader: SpecReader, annotations: JsonObject | undefined, name: string): Analysis {
  const a: Analysis = { fields: [], controls: [], notCarried: [], notCarriedAtPrivileged: [] };
  const verdict = (f: string, level: PssLevel, reason: string) => a.fields.push({ field: f, level, reason });
  const control = (f: string, carry: PspControl | string, enforcedBy?: PssLevel) => a.controls.push({ field: f, carry, enforcedBy });
  const lost = (f: string, reason: string, weakens: boolean) => a.notCarried.push({ field: f, reason, weakens });

  // privileged
  if (reader.bool('privileged') === true) {
    verdict('privileged', 'privileged', 'privileged containers are allowed');
  } else {
    verdict('privileged', 'restricted', `${mappingOf('privileged').baseline}`);
    control('privileged', 'pss-baseline-privileged', 'baseline');
  }

  // capabilities
  const defaultAdd = reader.strings('defaultAddCapabilities');
  const allowedCaps = [...new Set([...reader.strings('allowedCapabilities'), ...defaultAdd])].sort();
  const requiredDrop = reader.strings('requiredDropCapabilities');
  const dropsAll = requiredDrop.includes('ALL');
  if (allowedCaps.includes('*')) {
    verdict('allowedCapabilities', 'privileged', 'any capability may be added ("*")');
  } else if (allowedCaps.every((c) => BASELINE_CAPABILITIES.includes(c))) {
    const restricted = allowedCaps.every((c) => c === 'NET_BIND_SERVICE') && dropsAll;
    verdict('allowedCapabilities', restricted ? 'restricted' : 'baseline', restricted
      ? 'only NET_BIND_SERVICE may be added and ALL is dropped'
      : `${allowedCaps.length ? allowedCaps.join(', ') : 'no capability'} may be added${dropsAll ? '' : ', and ALL is not required to be dropped'}`);
    const level = restricted && allowedCaps.length === 1 ? 'restricted' : allowedCaps.length === BASELINE_CAPABILITIES.length ? 'baseline' : undefined;
    control('allowedCapabilities', level === 'baseline' ? 'pss-baseline-capabilities' : { kind: 'allowed-capabilities', allowed: allowedCaps }, level);
  } else {
    verdict('allowedCapabilities', 'privileged', `${allowedCaps.filter((c) => !BASELINE_CAPABILITIES.includes(c)).join(', ')} may be added, beyond baseline's list`);
    control('allowedCapabilities', { kind: 'allowed-capabilities', allowed: allowedCaps });
  }
  if (requiredDrop.length > 0) {
    control('requiredDropCapabilities', { kind: 'required-drop-capabilities', drop: dropsAll ? ['ALL'] : requiredDrop },
      dropsAll && allowedCaps.every((c) => c === 'NET_BIND_SERVICE') ? 'restricted' : undefined);
    lost('requiredDropCapabilities', `PodSecurityPolicy added ${requiredDrop.join(', ')} to every container's capabilities.drop; Pod Security Admission does not mutate pods, so a container that does not list ${dropsAll ? 'ALL' : requiredDrop.join(', ')} itself is now refused`, false);
  }
  if (defaultAdd.length > 0) {
    lost('defaultAddCapabilities', `PodSecurityPolicy added ${defaultAdd.join(', ')} to every container; Pod Security Admission does not mutate pods: add them in each container's securityContext.capabilities.add`, false);
  }

  // volumes
  const volumes = reader.strings('volumes');
  volumes.forEach((v, i) => {
    if (v !== '*' && !Object.prototype.hasOwnProperty.call(PSP_VOLUME_SOURCES, v)) {
      reader.fail(['volumes', i], `names ${show(v)}, which is not a PodSecurityPolicy volume type`);
    }
  });
  const anyVolume = volumes.includes('*');
  const hostPathAllowed = anyVolume || volumes.includes('hostPath');
  if (anyVolume || hostPathAllowed) {
    verdict('volumes', 'privileged', anyVolume ? 'every volume type is allowed ("*")' : 'hostPath volumes are allowed');
  } else {
    const restricted = volumes.every((v) => RESTRICTED_VOLUMES.includes(v));
    verdict('volumes', restricted ? 'restricted' : 'baseline', restricted ? `${volumes.join(', ') || 'no volume'} only` : `${volumes.filter((v) => !RESTRICTED_VOLUMES.includes(v)).join(', ')} are beyond restricted's list`);
  }
  if (!anyVolume) {
    const all = Object.keys(PSP_VOLUME_SOURCES);
    const exactly = (list: readonly string[]) => list.length === volumes.length && list.every((v) => volumes.includes(v));
    if (exactly(all.filter((v) => v !== 'hostPath'))) {
      control('volumes', 'pss-baseline-host-path-volumes', 'baseline');
    } else if (exactly(RESTRICTED_VOLUMES)) {
      control('volumes', 'pss-restricted-volume-types', 'restricted');
    } else {
      control('volumes', { kind: 'volumes', allowed: [...volumes].sort() });
    }
  }
  const hostPaths = arrayField(reader.spec, 'allowedHostPaths').map((p, i): AllowedHostPath => {
    const prefix = field(p, 'pathPrefix');
    const readOnly = field(p, 'readOnly');
    if (typeof prefix !== 'string' || !prefix.startsWith('/') || (readOnly !== undefined && typeof readOnly !== 'boolean')) {
      reader.fail(['allowedHostPaths', i], `is ${show(p)}: give { pathPrefix: /absolute/path, readOnly: true|false }`);
    }
    return { pathPrefix: prefix, readOnly: readOnly === true };
  });
  if (hostPaths.length > 0) {
    if (hostPathAllowed) {
      control('allowedHostPaths', { kind: 'allowed-host-paths', paths: hostPaths });
    } else {
      lost('allowedHostPaths', 'volumes does not allow hostPath, so allowedHostPaths had no effect (volumes takes precedence)', false);
    }
  }
  for (const [f, type] of [['allowedFlexVolumes', 'flexVolume'], ['allowedCSIDrivers', 'csi']] as const) {
    const list = arrayField(reader.spec, f);
    if (list.length > 0 && (anyVolume || volumes.includes(type))) {
      lost(f, `the PSP limited ${type} volumes to ${list.map((x) => show(field(x, type === 'csi' ? 'name' : 'driver'))).join(', ')}; neither Pod Security Standards nor a rule of ours limit ${type} drivers, so pods may now use any ${type} driver`, true);
    }
  }

  // host namespaces and ports
  const forbid: HostNamespaceField[] = HOST_NAMESPACE_FIELDS.filter((f) => reader.bool(f) !== true);
  for (const f of HOST_NAMESPACE_FIELDS) {
    verdict(f, forbid.includes(f) ? 'restricted' : 'privileged', forbid.includes(f) ? 'false / undefined' : `${f} is allowed`);
  }
  if (forbid.length === HOST_NAMESPACE_FIELDS.length) {
    control('hostNetwork, hostPID, hostIPC', 'pss-baseline-host-namespaces', 'baseline');
  } else if (forbid.length > 0) {
    control(forbid.join(', '), { kind: 'host-namespaces', forbid });
  }
  const hostPorts = arrayField(reader.spec, 'hostPorts').map((r, i) => {
    const min = field(r, 'min');
    const max = field(r, 'max');
    if (!Number.isInteger(min) || !Number.isInteger(max) || (min as number) < 0 || (max as number) > 65535 || (max as number) < (min as number)) {
      reader.fail(['hostPorts', i], `is ${show(r)}: give whole numbers 0 <= min <= max <= 65535`);
    }
    return { min: min as number, max: max as number };
  });
  if (hostPorts.length === 0) {
    verdict('hostPorts', 'restricted', 'no host port is allowed');
    control('hostPorts', 'pss-baseline-host-ports', 'baseline');
  } else {
    verdict('hostPorts', 'privileged', 'host ports are allowed');
    if (!hostPorts.some((r) => r.min <= 1 && r.max >= 65535)) {
      control('hostPorts', { kind: 'host-ports', ranges: hostPorts });
    }
  }

  // SELinux
  const seLinux = reader.strategy('seLinux', ['MustRunAs', 'RunAsAny'] as const)!;
  const options = objectField(seLinux.value, 'seLinuxOptions');
  if (seLinux.rule === 'RunAsAny') {
    verdict('seLinux', 'privileged', 'rule RunAsAny lets pods set any seLinuxOptions (a user, a role, type spc_t), which baseline forbids');
  } else {
    const user = stringField(options, 'user') ?? '';
    const role = stringField(options, 'role') ?? '';
    const type = stringField(options, 'type') ?? '';
    const ok = user === '' && role === '' && (type === '' || SELINUX_TYPES.includes(type));
    verdict('seLinux', ok ? 'restricted' : 'privileged', ok ? 'MustRunAs without user or role, an allowed type' : `MustRunAs with ${show(options)}, beyond ${mappingOf('seLinux').baseline}`);
    control('seLinux', 'pss-baseline-selinux', ok ? 'baseline' : undefined);
    if (options && Object.keys(options).length > 0) {
      lost('seLinux', `rule MustRunAs gave every pod seLinuxOptions ${show(options)} and refused others; Pod Security Admission neither sets them nor requires these exact options (it allows any level and the types ${SELINUX_TYPES.join(', ')}), and no rule of ours pins them`, Boolean(stringField(options, 'level') || stringField(options, 'type')));
    }
  }

  // users and groups
  const runAsUser = reader.strategy('runAsUser', ['MustRunAs', 'MustRunAsNonRoot', 'RunAsAny'] as const)!;
  if (runAsUser.rule === 'MustRunAsNonRoot') {
    verdict('runAsUser', 'restricted', 'rule MustRunAsNonRoot');
    control('runAsUser', { kind: 'run-as-user', rule: 'MustRunAsNonRoot', ranges: [] }, 'restricted');
    lost('runAsUser', 'PodSecurityPolicy set runAsNonRoot: true on pods that set neither runAsNonRoot nor runAsUser; Pod Security Admission does not mutate pods, so such pods are now refused (restricted wants runAsNonRoot: true itself, even with a non-zero runAsUser)', false);
  } else if (runAsUser.rule === 'MustRunAs') {
    verdict('runAsUser', 'baseline', `rule MustRunAs (${runAsUser.ranges.map((r) => `${r.min}-${r.max}`).join(', ')}), not MustRunAsNonRoot`);
    control('runAsUser', { kind: 'run-as-user', rule: 'MustRunAs', ranges: runAsUser.ranges });
    lost('runAsUser', `PodSecurityPolicy set runAsUser ${runAsUser.ranges[0].min} (the first range's minimum) on containers that set none; Pod Security Admission does not mutate pods, so set runAsUser in the pod spec`, false);
  } else {
    verdict('runAsUser', 'baseline', 'rule RunAsAny');
  }
  for (const [f, kind] of [['runAsGroup', 'run-as-group'], ['supplementalGroups', 'supplemental-groups'], ['fsGroup', 'fs-group']] as const) {
    const s = reader.strategy(f, ['MustRunAs', 'MayRunAs', 'RunAsAny'] as const);
    verdict(f, 'restricted', `no opinion (rule ${s?.rule ?? 'unset'})`);
    if (s && s.rule !== 'RunAsAny') {
      control(f, { kind, rule: s.rule, ranges: s.ranges });
      if (s.rule === 'MustRunAs') {
        lost(f, `PodSecurityPolicy set ${f} ${s.ranges[0].min} (the first range's minimum) on pods that set none; Pod Security Admission does not mutate pods, so set ${f} in the pod spec`, false);
      }
    }
  }

  // privilege escalation and the root filesystem
  const escalation = reader.bool('allowPrivilegeEscalation');
  if (escalation === false) {
    verdict('allowPrivilegeEscalation', 'restricted', 'false');
    control('allowPrivilegeEscalation', 'pss-restricted-privilege-escalation', 'restricted');
    lost('allowPrivilegeEscalation', 'PodSecurityPolicy set allowPrivilegeEscalation: false on containers that did not set it; now such containers are refused (by Pod Security restricted, or the carried policy below it): set it in every container', false);
  } else {
    verdict('allowPrivilegeEscalation', 'baseline', 'privilege escalation is allowed');
  }
  if (reader.bool('defaultAllowPrivilegeEscalation') !== undefined) {
    lost('defaultAllowPrivilegeEscalation', 'a default only (mutating); Pod Security Admission does not set defaults: set allowPrivilegeEscalation in each container', false);
  }
  if (reader.bool('readOnlyRootFilesystem') === true) {
    verdict('readOnlyRootFilesystem', 'restricted', 'no opinion');
    control('readOnlyRootFilesystem', { kind: 'read-only-root-filesystem' });
    lost('readOnlyRootFilesystem', 'PodSecurityPolicy set readOnlyRootFilesystem: true on containers that did not set it; now they must set it themselves', false);
  }

  // sysctls, proc mount, runtime class
  const unsafe = reader.strings('allowedUnsafeSysctls');
  verdict('allowedUnsafeSysctls', unsafe.length ? 'privileged' : 'restricted', unsafe.length ? `unsafe sysctls ${unsafe.join(', ')} are allowed` : 'none allowed');
  if (unsafe.length === 0) {
    control('allowedUnsafeSysctls', 'pss-baseline-sysctls', 'baseline');
  } else if (!unsafe.includes('*')) {
    // The page: baseline and restricted want allowedUnsafeSysctls empty, so a list maps to privileged, which
    // admits every sysctl. The PSP admitted only the safe ones and these: the others are no longer refused.
    a.notCarriedAtPrivileged.push({
      field: 'allowedUnsafeSysctls',
      reason: `the PSP allowed the unsafe sysctls ${unsafe.join(', ')} besides the safe ones and refused every other; Pod Security privileged (where a non-empty allowedUnsafeSysctls maps) allows any sysctl and no rule of ours limits sysctls by name, so pods may now set any unsafe sysctl (the kubelet still refuses those its --allowed-unsafe-sysctls does not list)`,
      weakens: true,
    });
  }
  const forbidden = reader.strings('forbiddenSysctls');
  if (forbidden.length > 0) {
    lost('forbiddenSysctls', `the PSP forbade ${forbidden.join(', ')}; Pod Security Standards allow their safe sysctls and no rule of ours forbids a sysctl by name`, true);
  }
  const procMounts = reader.strings('allowedProcMountTypes');
  const unmasked = procMounts.some((p) => p !== 'Default');
  verdict('allowedProcMountTypes', unmasked ? 'privileged' : 'restricted', unmasked ? `${procMounts.join(', ')} allowed` : 'Default only');
  procMounts.forEach((p, i) => {
    if (p !== 'Default' && p !== 'Unmasked') {
      reader.fail(['allowedProcMountTypes', i], `is ${show(p)}; PodSecurityPolicy knows Default and Unmasked`);
    }
  });
  if (!unmasked) {
    control('allowedProcMountTypes', 'pss-baseline-proc-mount', 'baseline');
  } else {
    lost('allowedProcMountTypes', 'the PSP allowed procMount Unmasked; so does Pod Security privileged, but Kubernetes 1.28 honours it only with the alpha ProcMountType feature gate (elsewhere the field is dropped and /proc stays masked)', false);
  }
  const runtimeClass = objectField(reader.spec, 'runtimeClass');
  if (runtimeClass) {
    const allowedNames = reader.strings('allowedRuntimeClassNames', runtimeClass, ['runtimeClass', 'allowedRuntimeClassNames']);
    if (allowedNames.length > 0 && !allowedNames.includes('*')) {
      lost('runtimeClass.allowedRuntimeClassNames', `the PSP limited runtimeClassName to ${allowedNames.join(', ')}; no Pod Security Standard or rule of ours does`, true);
    }
    if (stringField(runtimeClass, 'defaultRuntimeClassName')) {
      lost('runtimeClass.defaultRuntimeClassName', 'a default only (mutating); set runtimeClassName in the pod spec', false);
    }
  }

  // seccomp and AppArmor annotations
  for (const [annotation, defaultAnnotation, what, baselineRule, restrictedRule] of [
    [SECCOMP_ANNOTATION, SECCOMP_DEFAULT_ANNOTATION, 'seccomp', 'pss-baseline-seccomp', 'pss-restricted-seccomp'],
    [APPARMOR_ANNOTATION, APPARMOR_DEFAULT_ANNOTATION, 'AppArmor', 'pss-baseline-apparmor', undefined],
  ] as const) {
    const value = stringField(annotations, annotation);
    if (value === undefined && what === 'AppArmor') {
      // PodSecurityPolicy's AppArmor strategy without allowedProfileNames is unrestricted ("allow all"): a pod
      // could set any profile, unconfined included, which baseline forbids. (Its seccomp strategy is the
      // opposite: without the annotation no profile may be set.)
      verdict(annotation, 'privileged', 'absent: PodSecurityPolicy did not restrict AppArmor, so pods could set any profile, unconfined included, which baseline forbids');
    } else if (value === undefined) {
      verdict(annotation, 'baseline', `absent: pods could not set a ${what} profile, so they ran with the node's default, which restricted does not accept`);
      control(annotation, baselineRule, 'baseline');
    } else {
      const names = value.split(',').map((n) => n.trim());
      const safe = (n: string) => n === 'runtime/default' || n === 'docker/default' || n.startsWith('localhost/');
      if (names.some((n) => n !== '' && !safe(n))) {
        verdict(annotation, 'privileged', `allows ${names.filter((n) => n !== '' && !safe(n)).join(', ')}`);
      } else if (names.includes('')) {
        verdict(annotation, 'baseline', `"${value}" allows an unset profile`);
        control(annotation, baselineRule, 'baseline');
      } else {
        verdict(annotation, 'restricted', `"${value}"`);
        control(annotation, restrictedRule ?? baselineRule, restrictedRule ? 'restricted' : 'baseline');
      }
    }
    const defaultValue = stringField(annotations, defaultAnnotation);
    if (defaultValue !== undefined) {
      lost(defaultAnnotation, `PodSecurityPolicy gave pods the ${what} profile ${show(defaultValue)}; Pod Security Admission does not: set it in the pod's securityContext`, false);
    }
  }

  lost('authorization', `PodSecurityPolicy "${name}" applied to the users and ServiceAccounts RBAC let "use" it; Pod Security Admission and the policies below apply per namespace: label every namespace whose pods it admitted`, false);
  return a;
}

export interface MigrateOptions {
  /** A level stricter than the mapping gives (the report lists what the PSP admitted that it refuses). @default - the mapped level */
  readonly level?: PssLevel;
  /** Namespaces the bindings never select. @default ['kube-system'] */
  readonly excludedNamespaces?: readonly string[];
}

/** What replaces the PodSecurityPolicy in `manifest`. Throws InputError for a malformed PSP. */
export function migratePsp(manifest: Manifest, options: MigrateOptions = {}): PspMigration {
  const object = manifest.object as JsonObject;
  const metadata = objectField(object, 'metadata');
  const name = stringField(metadata, 'name');
  if (name === undefined || !DNS_SUBDOMAIN.test(name) || name.length > 200) {
    throw new InputError(`${whereOf(manifest, ['metadata', 'name'])}: PodSecurityPolicy metadata.name ${show(name)} is not an object name`);
  }
  const spec = field(object, 'spec');
  if (!isObject(spec)) {
    throw new InputError(`${whereOf(manifest, ['spec'])}: PodSecurityPolicy "${name}" has no spec object`);
  }
  const reader = new SpecReader(manifest, spec);
  for (const key of Object.keys(spec)) {
    if (!SPEC_FIELDS.has(key)) {
      reader.fail([key], 'is not a PodSecurityPolicySpec field');
    }
  }
  const analysis = analyse(reader, objectField(metadata, 'annotations'), name);
  const mappedLevel = analysis.fields.reduce<PssLevel>((level, f) => looser(level, f.level), 'restricted');
  const level = options.level !== undefined && stricter(options.level, mappedLevel) ? options.level : mappedLevel;
  const notCarried = [...analysis.notCarried, ...(level === 'privileged' ? analysis.notCarriedAtPrivileged : [])];
  if (level !== mappedLevel) {
    for (const f of analysis.fields.filter((v) => stricter(level, v.level))) {
      notCarried.push({ field: f.field, reason: `${level} is stricter than the PSP here (${f.reason}): pods the PSP admitted are now refused`, weakens: false });
    }
  }

  const carried: CarriedControl[] = [];
  const rules: Rule[] = [];
  const entries: Record<string, AdmissionEntry> = {};
  for (const c of analysis.controls) {
    if (c.enforcedBy !== undefined && !stricter(c.enforcedBy, level)) {
      continue;
    }
    if (typeof c.carry === 'string') {
      const rule = findRule(c.carry);
      if (!rule) {
        throw new Error(`rule ${c.carry} is not in the catalogue`);
      }
      if (!rules.includes(rule)) {
        rules.push(rule);
      }
      carried.push({ field: c.field, ruleId: rule.id, generated: false });
    } else {
      const { rule, admission } = pspControlRule(name, c.carry);
      rules.push(rule);
      entries[rule.id] = admission;
      carried.push({ field: c.field, ruleId: rule.id, generated: true });
    }
  }
  const policies = generateAdmissionPolicies({
    profile: 'hardened',
    rules,
    entries,
    namePrefix: `cdk8s-hardened-psp-${name}`,
    excludedNamespaces: options.excludedNamespaces ?? ['kube-system'],
  }).map((o) => (o.kind === 'ValidatingAdmissionPolicyBinding' ? selectPspNamespaces(o, name) : o));

  const namespaceLabels: Record<string, string> = {};
  for (const mode of ['enforce', 'audit', 'warn']) {
    namespaceLabels[`pod-security.kubernetes.io/${mode}`] = level;
    namespaceLabels[`pod-security.kubernetes.io/${mode}-version`] = PSA_POLICY_VERSION;
  }
  namespaceLabels[PSP_NAMESPACE_LABEL] = name;
  return {
    psp: name,
    ...(manifest.origin?.file !== undefined ? { file: manifest.origin.file } : {}),
    ...(manifest.origin?.line !== undefined ? { line: manifest.origin.line } : {}),
    level,
    mappedLevel,
    fields: analysis.fields,
    namespaceLabels,
    carried,
    notCarried,
    rules,
    policies,
  };
}

/** The binding selects only the namespaces labelled as governed by the PSP. */
function selectPspNamespaces(binding: AdmissionObject, psp: string): AdmissionObject {
  const spec = binding.spec as { matchResources?: { namespaceSelector?: { matchExpressions?: unknown[] } } };
  const expressions = spec.matchResources?.namespaceSelector?.matchExpressions ?? [];
  return {
    ...binding,
    spec: {
      ...binding.spec,
      matchResources: { namespaceSelector: { matchExpressions: [...expressions, { key: PSP_NAMESPACE_LABEL, operator: 'In', values: [psp] }] } },
    },
  };
}

/**
 * The rules `check --psp` runs: every PSP's carried controls, its psp-* rules and the catalogue (pss-*) rules its
 * policies enforce beyond the level (each catalogue rule once), so that CI refuses what the cluster refuses.
 */
export function pspCheckRules(migrations: readonly PspMigration[]): ObjectRule[] {
  const seen = new Set<string>();
  return migrations.flatMap((m) => m.rules.filter((r): r is ObjectRule => {
    if (r.scope !== 'object') {
      return false;
    }
    if (r.id.startsWith('psp-')) {
      return true;
    }
    if (seen.has(r.id)) {
      return false;
    }
    seen.add(r.id);
    return true;
  }));
}
