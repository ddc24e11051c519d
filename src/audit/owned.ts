import { arrayField, field, isObject, JsonObject, objectField, stringField } from '../policy/json';
import { CONTAINER_LISTS } from '../policy/pod-spec';

/**
 * Whether an object that a controller owns (a Pod, a ReplicaSet, a Job) runs what its controller's pod template
 * says, in every respect the rules judge for security. The audit judges an owned object through its controller
 * only when they agree: a sidecar a mutating webhook injected, an ephemeral debug container, or an old
 * ReplicaSet whose template is no longer the Deployment's would otherwise go unjudged.
 *
 * Compared, per pod spec: the containers of initContainers, containers and ephemeralContainers (by name: added,
 * removed, and their image, imagePullPolicy, securityContext, ports, volumeMounts, volumeDevices, env, envFrom,
 * restartPolicy), and the pod's hostNetwork, hostPID, hostIPC, hostUsers, shareProcessNamespace, securityContext,
 * serviceAccountName, automountServiceAccountToken, runtimeClassName, os and volumes, and the AppArmor annotations
 * of its metadata (`container.apparmor.security.beta.kubernetes.io/*`).
 *
 * Not compared, because the API server or the cluster's controllers change them on every Pod, for reasons that
 * are not a difference of what runs: resources (LimitRange defaults, the vertical pod autoscaler), command, args,
 * probes and the other container fields no security rule reads, nodeName, tolerations, priority, labels, and the
 * ServiceAccount token volume `kube-api-access-*` and its mounts that the ServiceAccount admission plugin adds
 * (the template's automountServiceAccountToken and serviceAccountName, which decide it, are compared), and the
 * persistentVolumeClaim volumes a StatefulSet gives its Pods for its volumeClaimTemplates (`claims`). A Pod's
 * serviceAccountName defaults to `default`, a hostNetwork Pod's hostPort to its containerPort (the server's
 * defaulting, which it does not do in a template): both sides are compared with those defaults applied.
 */

const CONTAINER_FIELDS = ['image', 'imagePullPolicy', 'securityContext', 'ports', 'volumeMounts', 'volumeDevices', 'env', 'envFrom', 'restartPolicy'] as const;
const POD_FIELDS = ['hostNetwork', 'hostPID', 'hostIPC', 'hostUsers', 'shareProcessNamespace', 'securityContext', 'serviceAccountName',
  'automountServiceAccountToken', 'runtimeClassName', 'os'] as const;
/** Pod fields whose unset value means the same as this one. */
const UNSET_MEANS: Readonly<Record<string, unknown>> = { hostNetwork: false, hostPID: false, hostIPC: false, hostUsers: true, shareProcessNamespace: false };
const APPARMOR_PREFIX = 'container.apparmor.security.beta.kubernetes.io/';
const TOKEN_VOLUME = /^kube-api-access-[a-z0-9]+$/;

/** A pod spec and its metadata (a Pod's own, or a template's). */
export interface PodTemplate {
  readonly spec: JsonObject;
  readonly metadata?: JsonObject;
}

/** The pod template of a controller or owned object, by kind (a Pod is its own). */
export function podTemplateOf(object: JsonObject): PodTemplate | undefined {
  const kind = stringField(object, 'kind');
  const holder = kind === 'Pod' ? object
    : kind === 'CronJob' ? objectField(objectField(objectField(object, 'spec'), 'jobTemplate'), 'spec')?.template
      : field(objectField(object, 'spec'), 'template');
  const spec = objectField(holder, 'spec');
  return spec ? { spec, ...(objectField(holder, 'metadata') ? { metadata: objectField(holder, 'metadata') } : {}) } : undefined;
}

/** JSON with object keys sorted, so equal values compare equal whatever order the server printed them in. */
function canonical(value: unknown): string {
  if (Array.isArray(value)) {
    return `[${value.map(canonical).join(',')}]`;
  }
  if (isObject(value)) {
    return `{${Object.keys(value).sort().filter((k) => value[k] !== undefined && value[k] !== null)
      .map((k) => `${JSON.stringify(k)}:${canonical(value[k])}`).join(',')}}`;
  }
  return JSON.stringify(value ?? null);
}

/** An empty object or list, null and absent are the same: not set. */
function normal(value: unknown): string {
  if (value === undefined || value === null || (Array.isArray(value) && value.length === 0) || (isObject(value) && Object.keys(value).length === 0)) {
    return 'null';
  }
  return canonical(value);
}

/**
 * The names of the volumes in `owned` that the template does not have and the server or controller adds to every
 * Pod: the ServiceAccount token volume, and the persistentVolumeClaim volume of each of a StatefulSet's `claims`.
 */
function addedVolumes(owned: JsonObject, template: JsonObject, claims: ReadonlySet<string>): Set<string> {
  const declared = new Set(arrayField(template, 'volumes').map((v) => stringField(v, 'name')));
  const names = new Set<string>();
  for (const v of arrayField(owned, 'volumes')) {
    const name = stringField(v, 'name') ?? '';
    const projected = arrayField(objectField(v, 'projected'), 'sources');
    const token = TOKEN_VOLUME.test(name) && projected.some((s) => isObject(s) && isObject(s.serviceAccountToken));
    const claim = claims.has(name) && isObject(field(v, 'persistentVolumeClaim'));
    if (!declared.has(name) && (token || claim)) {
      names.add(name);
    }
  }
  return names;
}

/** The compared fields of a container, `ignore`d volumes' mounts left out, hostPort defaulted on a hostNetwork Pod. */
function containerView(container: JsonObject, ignore: Set<string>, defaultHostPorts: boolean): Record<string, string> {
  const out: Record<string, string> = {};
  for (const f of CONTAINER_FIELDS) {
    let value = field(container, f);
    if (f === 'volumeMounts') {
      value = arrayField(container, f).filter((m) => !ignore.has(stringField(m, 'name') ?? ''));
    } else if (f === 'ports' && defaultHostPorts) {
      value = arrayField(container, f).map((p) => (isObject(p) && !p.hostPort && p.containerPort !== undefined ? { ...p, hostPort: p.containerPort } : p));
    }
    out[f] = normal(value);
  }
  return out;
}

function podFieldView(spec: JsonObject, f: string): string {
  let value = field(spec, f);
  if (f === 'serviceAccountName') {
    value = stringField(spec, 'serviceAccountName') || stringField(spec, 'serviceAccount') || 'default';
  }
  if (Object.prototype.hasOwnProperty.call(UNSET_MEANS, f) && (value === undefined || value === null)) {
    value = UNSET_MEANS[f];
  }
  return normal(value);
}

/**
 * How the pod template of `owned` (a Pod's spec, a ReplicaSet's or Job's template) differs from its controller's,
 * in the compared fields (see above): one short phrase per difference, in a fixed order; empty when they agree.
 * `ownedIsPod`: the owned object is a Pod, which the server has defaulted as a Pod; `claims`: the names of the
 * controller's volumeClaimTemplates (a StatefulSet's), whose volumes its controller adds to each Pod.
 */
export function podTemplateDifferences(owned: PodTemplate, controller: PodTemplate, ownedIsPod: boolean, claims: ReadonlySet<string> = new Set()): string[] {
  const ignore = ownedIsPod ? addedVolumes(owned.spec, controller.spec, claims) : new Set<string>();
  const differences: string[] = [];
  for (const list of CONTAINER_LISTS) {
    const byName = (spec: JsonObject, isPod: boolean) => new Map(arrayField(spec, list).filter(isObject)
      .map((c, i) => [stringField(c, 'name') ?? `#${i}`, containerView(c, isPod ? ignore : new Set(), isPod && field(spec, 'hostNetwork') === true)] as const));
    const mine = byName(owned.spec, ownedIsPod);
    const theirs = byName(controller.spec, ownedIsPod);
    for (const [name, view] of mine) {
      const other = theirs.get(name);
      if (!other) {
        differences.push(`${list} "${name}" added`);
        continue;
      }
      const changed = CONTAINER_FIELDS.filter((f) => view[f] !== other[f]);
      if (changed.length) {
        differences.push(`${list} "${name}" ${changed.join(', ')}`);
      }
    }
    for (const name of theirs.keys()) {
      if (!mine.has(name)) {
        differences.push(`${list} "${name}" removed`);
      }
    }
  }
  for (const f of POD_FIELDS) {
    if (podFieldView(owned.spec, f) !== podFieldView(controller.spec, f)) {
      differences.push(f);
    }
  }
  const volumes = (spec: JsonObject, skip: Set<string>) => new Map(arrayField(spec, 'volumes').filter(isObject)
    .filter((v) => !skip.has(stringField(v, 'name') ?? '')).map((v, i) => [stringField(v, 'name') ?? `#${i}`, canonical(v)] as const));
  const mine = volumes(owned.spec, ignore);
  const theirs = volumes(controller.spec, new Set());
  const changedVolumes = [...new Set([...mine.keys(), ...theirs.keys()])].filter((name) => mine.get(name) !== theirs.get(name));
  if (changedVolumes.length) {
    differences.push(`volumes ${changedVolumes.map((n) => `"${n}"`).join(', ')}`);
  }
  const apparmor = (metadata?: JsonObject) => canonical(Object.fromEntries(Object.entries(objectField(metadata, 'annotations') ?? {})
    .filter(([k]) => k.startsWith(APPARMOR_PREFIX))));
  if (apparmor(owned.metadata) !== apparmor(controller.metadata)) {
    differences.push('AppArmor annotations');
  }
  return differences;
}
