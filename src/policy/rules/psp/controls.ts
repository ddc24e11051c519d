import { allOf, and, everyContainer, everyPod, isWindows, not, or, present, select, str, strList, unsetOr, whenSet } from '../cel';
import { isSet, podRule } from '../../define';
import { arrayField, field, show, stringField } from '../../json';
import { CelEntry, ObjectRule, Violation } from '../../rule';
import { everyStoredHostPort, storedHostPort } from '../pod-security/host-ports';
import { ALLOWED_VOLUME_SOURCES, FORBIDDEN_VOLUME_SOURCES } from '../pod-security/volume-types';

/**
 * Parameterised rules for the PodSecurityPolicy controls that are stricter than any Pod Security Standards level
 * (a MustRunAs range, a narrower volume list, allowedHostPaths, ...). `migrate-psp` derives them from a PSP, and
 * `check --psp FILE` runs them, so the same PSP judges manifests in CI and, through the admission policy each one
 * carries (its CEL is here, beside its logic), the cluster. Field meanings: the PodSecurityPolicy reference,
 * https://kubernetes.io/docs/concepts/security/pod-security-policy/ (Kubernetes 1.24, CC-BY-4.0).
 */

/** An inclusive ID range of a PSP strategy (`ranges: [{min, max}]`). */
export interface IdRange {
  readonly min: number;
  readonly max: number;
}

/** An `allowedHostPaths` entry. */
export interface AllowedHostPath {
  readonly pathPrefix: string;
  readonly readOnly: boolean;
}

export const HOST_NAMESPACE_FIELDS = ['hostNetwork', 'hostPID', 'hostIPC'] as const;
export type HostNamespaceField = (typeof HOST_NAMESPACE_FIELDS)[number];

/** One control of a PodSecurityPolicy that a rule (and an admission policy) carries over. */
export type PspControl =
  | { readonly kind: 'host-namespaces'; readonly forbid: readonly HostNamespaceField[] }
  | { readonly kind: 'host-ports'; readonly ranges: readonly IdRange[] }
  | { readonly kind: 'allowed-capabilities'; readonly allowed: readonly string[] }
  | { readonly kind: 'required-drop-capabilities'; readonly drop: readonly string[] }
  | { readonly kind: 'volumes'; readonly allowed: readonly string[] }
  | { readonly kind: 'allowed-host-paths'; readonly paths: readonly AllowedHostPath[] }
  | { readonly kind: 'read-only-root-filesystem' }
  | { readonly kind: 'run-as-user'; readonly rule: 'MustRunAs' | 'MustRunAsNonRoot'; readonly ranges: readonly IdRange[] }
  | { readonly kind: 'run-as-group' | 'fs-group' | 'supplemental-groups'; readonly rule: 'MustRunAs' | 'MayRunAs'; readonly ranges: readonly IdRange[] };

export type PspControlKind = PspControl['kind'];

/** The pod-spec volume source of each PSP volume type name (they agree except cephFS). */
export const PSP_VOLUME_SOURCES: Readonly<Record<string, string>> = Object.fromEntries(
  [...ALLOWED_VOLUME_SOURCES, ...FORBIDDEN_VOLUME_SOURCES].map((s) => [s === 'cephfs' ? 'cephFS' : s, s]),
);

/**
 * A rule carrying one PSP control, and the admission policy entry that enforces the same (also the rule's own
 * `admission`, as for every rule of the catalogue).
 */
export interface PspControlRule {
  readonly rule: ObjectRule;
  readonly admission: CelEntry;
}

const DOCS = 'https://kubernetes.io/docs/concepts/security/pod-security-policy/';
const SC = 'securityContext';

function showRanges(ranges: readonly IdRange[]): string {
  return ranges.map((r) => (r.min === r.max ? String(r.min) : `${r.min}-${r.max}`)).join(', ');
}

function inRanges(value: unknown, ranges: readonly IdRange[]): boolean {
  return typeof value === 'number' && ranges.some((r) => value >= r.min && value <= r.max);
}

/** CEL: the int `value` lies in one of the ranges. */
function celInRanges(value: string, ranges: readonly IdRange[]): string {
  return or(...ranges.map((r) => `(${value} >= ${r.min} && ${value} <= ${r.max})`));
}

/** `/var/log` is a prefix of `/var/log/pods` but not of `/var/logs`, as PSP's hasPathPrefix decides. */
export function hasPathPrefix(path: string, prefix: string): boolean {
  const clean = (p: string) => p.replace(/\/+$/, '') || '/';
  const p = clean(path);
  const pre = clean(prefix);
  return pre === '/' ? p.startsWith('/') : p === pre || p.startsWith(`${pre}/`);
}

function celPathPrefix(path: string, prefix: string): string {
  const pre = prefix.replace(/\/+$/, '') || '/';
  if (pre === '/') {
    return `${path}.startsWith('/')`;
  }
  return or(`${path} == ${str(pre)}`, `${path} == ${str(`${pre}/`)}`, `${path}.startsWith(${str(`${pre}/`)})`);
}

/**
 * CEL: `test` of the container's `securityContext.<field>`, else of the pod's, else `unset` (no `null` branch, so the
 * conditional type-checks against the typed schema).
 */
function effectiveTest(c: string, spec: string, f: string, test: (value: string) => string, unset: string): string {
  return `(${present(c, SC, f)} ? ${test(select(c, SC, f))} : (${present(spec, SC, f)} ? ${test(select(spec, SC, f))} : ${unset}))`;
}

function meta(psp: string, kind: PspControlKind, title: string, description: string, remediation: string): Omit<ObjectRule, 'scope' | 'check' | 'kinds'> {
  return {
    id: `psp-${kind}`,
    title,
    severity: 'error',
    profiles: ['hardened'],
    description: `${description} Carried over from PodSecurityPolicy "${psp}" by migrate-psp, because no Pod Security Standards level checks it; `
      + 'see the PodSecurityPolicy reference.',
    remediation,
    docsUrl: DOCS,
  };
}

/** The rule (and admission entry) that carries `control` of PodSecurityPolicy `psp`; the rule carries the entry too. */
export function pspControlRule(psp: string, control: PspControl): PspControlRule {
  const { rule, admission } = controlRule(psp, control);
  return { rule: { ...rule, admission }, admission };
}

function controlRule(psp: string, control: PspControl): PspControlRule {
  const by = `PodSecurityPolicy "${psp}"`;
  switch (control.kind) {
    case 'host-namespaces': {
      const forbid = control.forbid;
      return {
        rule: podRule(meta(psp, control.kind, `${forbid.join(', ')} are forbidden`,
          `Sharing the node's ${forbid.join(', ')} namespaces exposes its processes and network.`,
          `Remove spec.${forbid[0]} (and ${forbid.join(', ')}) from the pod spec or set them to false.`),
        (pod) => forbid.filter((f) => field(pod.spec, f) === true)
          .map((f): Violation => ({ path: [...pod.specPath, f], message: `pod sets ${f} to true, which ${by} forbids` }))),
        admission: { target: 'pods', expression: everyPod((pod) => and(...forbid.map((f) => not(whenSet(`${pod}.spec`, [f], (v) => `${v} == true`))))) },
      };
    }
    case 'host-ports': {
      const ranges = control.ranges;
      return {
        rule: podRule(meta(psp, control.kind, `hostPorts must lie in ${showRanges(ranges)}`,
          'A host port binds the node\'s network interface.',
          `Set ports[*].hostPort within ${showRanges(ranges)} or remove it.`),
        // The hostPort the API server stores: a hostNetwork Pod's unset one is its containerPort (storedHostPort).
        (pod, target) => pod.containers.flatMap((c) => arrayField(c.container, 'ports').flatMap((p, i) => {
          const stored = storedHostPort(p, c, pod, target);
          const hp = stored.value;
          return isSet(hp) && hp !== 0 && !inRanges(hp, ranges)
            ? [{
              path: [...c.path, 'ports', i, 'hostPort'],
              message: `container "${c.name}" uses hostPort ${show(hp)}${stored.defaulted ? ' (hostNetwork: the API server sets an unset hostPort of a Pod to its containerPort)' : ''}, outside ${by}'s ${showRanges(ranges)}`,
            }]
            : [];
        }))),
        admission: { target: 'pods', expression: everyStoredHostPort((hp) => or(`${hp} == 0`, celInRanges(hp, ranges))) },
      };
    }
    case 'allowed-capabilities': {
      const allowed = control.allowed;
      return {
        rule: podRule(meta(psp, control.kind, `Only ${allowed.length ? allowed.join(', ') : 'no'} capabilities may be added`,
          'Each added Linux capability widens what a compromised process may do to the node.',
          allowed.length ? `Add only ${allowed.join(', ')} in securityContext.capabilities.add.` : 'Remove securityContext.capabilities.add from the container.'),
        (pod) => pod.containers.flatMap((c) => arrayField(field(c.securityContext, 'capabilities'), 'add').flatMap((cap, i) =>
          (typeof cap === 'string' && allowed.includes(cap) ? [] : [{
            path: [...c.path, SC, 'capabilities', 'add', i],
            message: `container "${c.name}" adds capability ${show(cap)}, which ${by} does not allow`,
          }])))),
        admission: { target: 'pods', expression: everyPod((pod) => everyContainer(`${pod}.spec`,
          (c) => allOf(c, [SC, 'capabilities', 'add'], 'cap', (cap) => `${cap} in ${strList(allowed)}`))) },
      };
    }
    case 'required-drop-capabilities': {
      const drop = control.drop;
      const drops = (list: readonly unknown[], cap: string) => list.includes('ALL') || list.includes(cap);
      return {
        rule: podRule(meta(psp, control.kind, `Containers must drop ${drop.join(', ')}`,
          'A capability the container keeps is one a compromised process may use. Pods with spec.os.name: windows are '
            + 'exempt, as Pod Security\'s restricted capabilities control exempts them (the API refuses capabilities on them).',
          `Set securityContext.capabilities.drop to ["ALL"] (or list ${drop.join(', ')}) on every container.`),
        (pod) => (pod.windows ? [] : pod.containers.flatMap((c) => {
          const list = arrayField(field(c.securityContext, 'capabilities'), 'drop');
          const missing = drop.filter((cap) => !drops(list, cap));
          return missing.length === 0 ? [] : [{
            path: [...c.path, SC, 'capabilities', 'drop'],
            message: `container "${c.name}" does not drop ${missing.join(', ')}, which ${by} requires`,
          }];
        }))),
        admission: { target: 'pods', expression: everyPod((pod) => or(isWindows(`${pod}.spec`), everyContainer(`${pod}.spec`,
          (c) => whenSet(c, [SC, 'capabilities', 'drop'], (list) => and(...drop.map((cap) => or(`'ALL' in ${list}`, `${str(cap)} in ${list}`))))))) },
      };
    }
    case 'volumes': {
      const allowed = new Set(control.allowed.map((t) => PSP_VOLUME_SOURCES[t]));
      const forbidden = [...ALLOWED_VOLUME_SOURCES, ...FORBIDDEN_VOLUME_SOURCES].filter((s) => !allowed.has(s)).sort();
      // A volume with no source is an emptyDir after API defaulting.
      const emptyDirForbidden = !allowed.has('emptyDir');
      return {
        rule: podRule(meta(psp, control.kind, `Only ${control.allowed.join(', ') || 'no'} volumes are allowed`,
          'Each volume type reaches different storage with the node\'s credentials.',
          `Use only ${control.allowed.join(', ') || 'no'} volumes in spec.volumes.`),
        (pod) => arrayField(pod.spec, 'volumes').flatMap((volume, i) => {
          const used = forbidden.filter((s) => isSet(field(volume, s)));
          const none = [...ALLOWED_VOLUME_SOURCES, ...FORBIDDEN_VOLUME_SOURCES].every((s) => !isSet(field(volume, s)));
          return [...used, ...(none && emptyDirForbidden ? ['emptyDir'] : [])].map((s) => ({
            path: [...pod.specPath, 'volumes', i, ...(none ? [] : [s])],
            message: `volume "${stringField(volume, 'name') ?? i}" uses volume type ${s}, which ${by} does not allow`,
          }));
        })),
        admission: { target: 'pods', expression: everyPod((pod) => allOf(`${pod}.spec`, ['volumes'], 'v', (v) => and(
          ...forbidden.map((s) => `!has(${v}.${s})`),
          ...(emptyDirForbidden ? [or(...[...allowed].map((s) => `has(${v}.${s})`))] : []),
        ))) },
      };
    }
    case 'allowed-host-paths': {
      const paths = control.paths;
      const listed = paths.map((p) => `${p.pathPrefix}${p.readOnly ? ' (read-only)' : ''}`).join(', ');
      const allowedFor = (path: string) => paths.filter((p) => hasPathPrefix(path, p.pathPrefix));
      return {
        rule: podRule(meta(psp, control.kind, `hostPath volumes may only mount ${listed}`,
          'A hostPath volume reaches the node\'s files; outside the allowed prefixes it reaches credentials and sockets.',
          `Point spec.volumes[*].hostPath.path under ${listed} and mount it readOnly: true where the prefix is read-only.`),
        (pod) => arrayField(pod.spec, 'volumes').flatMap((volume, i): Violation[] => {
          const hostPath = field(volume, 'hostPath');
          if (!isSet(hostPath)) {
            return [];
          }
          const path = stringField(hostPath, 'path') ?? '';
          const name = stringField(volume, 'name') ?? String(i);
          const matches = allowedFor(path);
          if (matches.length === 0) {
            return [{ path: [...pod.specPath, 'volumes', i, 'hostPath', 'path'], message: `volume "${name}" mounts host path ${show(path)}, outside ${by}'s allowedHostPaths` }];
          }
          if (matches.some((m) => !m.readOnly)) {
            return [];
          }
          return pod.containers.flatMap((c) => arrayField(c.container, 'volumeMounts').flatMap((m, j) =>
            (stringField(m, 'name') === name && field(m, 'readOnly') !== true ? [{
              path: [...c.path, 'volumeMounts', j, 'readOnly'],
              message: `container "${c.name}" mounts host path ${show(path)} writable, which ${by} allows read-only only`,
            }] : [])));
        })),
        admission: { target: 'pods', expression: everyPod((pod) => {
          const spec = `${pod}.spec`;
          const prefixOk = (p: string) => or(...paths.map((a) => celPathPrefix(p, a.pathPrefix)));
          const writable = (p: string) => or(...paths.filter((a) => !a.readOnly).map((a) => celPathPrefix(p, a.pathPrefix)));
          const mountsReadOnly = (v: string) => everyContainer(spec, (c) => allOf(c, ['volumeMounts'], 'm',
            (m) => or(`${m}.name != ${v}.name`, whenSet(m, ['readOnly'], (ro) => `${ro} == true`))));
          return allOf(spec, ['volumes'], 'v', (v) => unsetOr(v, ['hostPath'], (hp) => and(
            prefixOk(`${hp}.path`),
            or(writable(`${hp}.path`), mountsReadOnly(v)),
          )));
        }) },
      };
    }
    case 'read-only-root-filesystem':
      return {
        rule: podRule(meta(psp, control.kind, 'Containers must have a read-only root filesystem',
          'A writable root filesystem lets an attacker modify binaries and persist.',
          'Set securityContext.readOnlyRootFilesystem: true on every container and mount an emptyDir where it must write.'),
        (pod) => pod.containers.filter((c) => field(c.securityContext, 'readOnlyRootFilesystem') !== true).map((c) => ({
          path: [...c.path, SC, 'readOnlyRootFilesystem'],
          message: `container "${c.name}" does not set securityContext.readOnlyRootFilesystem to true, which ${by} requires`,
        }))),
        admission: { target: 'pods', expression: everyPod((pod) => everyContainer(`${pod}.spec`,
          (c) => whenSet(c, [SC, 'readOnlyRootFilesystem'], (v) => `${v} == true`))) },
      };
    case 'run-as-user': {
      const { rule: strategy, ranges } = control;
      const nonRoot = strategy === 'MustRunAsNonRoot';
      const what = nonRoot ? 'a non-zero runAsUser or runAsNonRoot: true' : `runAsUser in ${showRanges(ranges)}`;
      return {
        rule: podRule(meta(psp, control.kind, `Containers must run with ${what}`,
          'PodSecurityPolicy pinned the UIDs pods run as; outside them a process may share files with another workload or the node.',
          nonRoot ? 'Set securityContext.runAsNonRoot: true (or a non-zero runAsUser) on the pod or every container.'
            : `Set securityContext.runAsUser within ${showRanges(ranges)} on the pod or every container.`),
        (pod) => pod.containers.flatMap((c): Violation[] => {
          const user = field(c.securityContext, 'runAsUser') ?? field(pod.securityContext, 'runAsUser');
          if (nonRoot) {
            const flag = field(c.securityContext, 'runAsNonRoot') ?? field(pod.securityContext, 'runAsNonRoot');
            return (typeof user === 'number' && user !== 0) || (flag === true && user !== 0) ? [] : [{
              path: [...c.path, SC, user === 0 ? 'runAsUser' : 'runAsNonRoot'],
              message: user === 0 ? `container "${c.name}" runs as user 0, which ${by} forbids`
                : `container "${c.name}" sets neither runAsNonRoot: true nor a non-zero runAsUser, which ${by} requires`,
            }];
          }
          return inRanges(user, ranges) ? [] : [{
            path: [...c.path, SC, 'runAsUser'],
            message: user === undefined ? `container "${c.name}" sets no runAsUser, which ${by} requires in ${showRanges(ranges)}`
              : `container "${c.name}" runs as user ${show(user)}, outside ${by}'s ${showRanges(ranges)}`,
          }];
        })),
        admission: { target: 'pods', expression: everyPod((pod) => {
          const spec = `${pod}.spec`;
          return everyContainer(spec, (c) => (nonRoot
            ? effectiveTest(c, spec, 'runAsUser', (u) => `${u} != 0`,
              effectiveTest(c, spec, 'runAsNonRoot', (flag) => `${flag} == true`, 'false'))
            : effectiveTest(c, spec, 'runAsUser', (u) => celInRanges(u, ranges), 'false')));
        }) },
      };
    }
    case 'run-as-group':
    case 'fs-group':
    case 'supplemental-groups': {
      const { rule: strategy, ranges } = control;
      const must = strategy === 'MustRunAs';
      const fieldName = control.kind === 'run-as-group' ? 'runAsGroup' : control.kind === 'fs-group' ? 'fsGroup' : 'supplementalGroups';
      const title = `${fieldName} must ${must ? 'be set ' : ''}in ${showRanges(ranges)}`;
      const rule = podRule(meta(psp, control.kind, title,
        `PodSecurityPolicy pinned the group IDs pods ${fieldName === 'fsGroup' ? 'own their volumes with' : 'run with'}; outside them a process may read another workload's files.`,
        `Set securityContext.${fieldName} to ${fieldName === 'supplementalGroups' ? 'IDs' : 'an ID'} within ${showRanges(ranges)}.`),
      (pod): Violation[] => {
        if (control.kind === 'run-as-group') {
          return pod.containers.flatMap((c) => {
            const group = field(c.securityContext, 'runAsGroup') ?? field(pod.securityContext, 'runAsGroup');
            if (group === undefined ? !must : inRanges(group, ranges)) {
              return [];
            }
            return [{
              path: [...c.path, SC, 'runAsGroup'],
              message: group === undefined ? `container "${c.name}" sets no runAsGroup, which ${by} requires in ${showRanges(ranges)}`
                : `container "${c.name}" runs with group ${show(group)}, outside ${by}'s ${showRanges(ranges)}`,
            }];
          });
        }
        const path = [...pod.specPath, SC, fieldName];
        const value = field(pod.securityContext, fieldName);
        if (control.kind === 'fs-group') {
          if (value === undefined || value === null ? !must : inRanges(value, ranges)) {
            return [];
          }
          return [{ path, message: value === undefined || value === null ? `pod sets no fsGroup, which ${by} requires in ${showRanges(ranges)}`
            : `pod sets fsGroup ${show(value)}, outside ${by}'s ${showRanges(ranges)}` }];
        }
        const groups = Array.isArray(value) ? value : [];
        if (groups.length === 0) {
          return must ? [{ path, message: `pod sets no supplementalGroups, which ${by} requires in ${showRanges(ranges)}` }] : [];
        }
        return groups.flatMap((g, i) => (inRanges(g, ranges) ? [] : [{ path: [...path, i], message: `pod sets supplemental group ${show(g)}, outside ${by}'s ${showRanges(ranges)}` }]));
      });
      let expression: string;
      if (control.kind === 'run-as-group') {
        expression = everyPod((pod) => {
          const spec = `${pod}.spec`;
          return everyContainer(spec, (c) => effectiveTest(c, spec, 'runAsGroup', (g) => celInRanges(g, ranges), must ? 'false' : 'true'));
        });
      } else if (control.kind === 'fs-group') {
        expression = everyPod((pod) => (must
          ? whenSet(`${pod}.spec`, [SC, 'fsGroup'], (v) => celInRanges(v, ranges))
          : unsetOr(`${pod}.spec`, [SC, 'fsGroup'], (v) => celInRanges(v, ranges))));
      } else {
        expression = everyPod((pod) => (must
          ? whenSet(`${pod}.spec`, [SC, 'supplementalGroups'], (l) => and(`size(${l}) > 0`, `${l}.all(g, ${celInRanges('g', ranges)})`))
          : allOf(`${pod}.spec`, [SC, 'supplementalGroups'], 'g', (g) => celInRanges(g, ranges))));
      }
      return { rule, admission: { target: 'pods', expression } };
    }
    default: {
      const never: never = control;
      throw new Error(`unknown PSP control ${show(never)}`);
    }
  }
}

