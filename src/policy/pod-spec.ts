import { arrayField, field, isObject, JsonObject, objectField, stringField } from './json';
import { Path } from './path';

/** The three container lists of a pod spec, in the order Kubernetes visits them. */
export const CONTAINER_LISTS = ['initContainers', 'containers', 'ephemeralContainers'] as const;
export type ContainerList = (typeof CONTAINER_LISTS)[number];

/** One container of a pod spec, with its JSON path from the object root. */
export interface ContainerView {
  readonly container: JsonObject;
  readonly path: Path;
  /** The container's name, or `#<index>` when it has none. */
  readonly name: string;
  readonly list: ContainerList;
  /** `securityContext` of the container, when it is an object. */
  readonly securityContext?: JsonObject;
}

/** A pod spec inside an object (a Pod's own spec or a workload's pod template). */
export interface PodView {
  readonly spec: JsonObject;
  /** Path of the pod spec from the object root (`spec`, `spec.template.spec`, ...). */
  readonly specPath: Path;
  /** The pod's metadata (a Pod's own, or the template's), when present. */
  readonly metadata?: JsonObject;
  readonly metadataPath: Path;
  /** `spec.securityContext`, when it is an object. */
  readonly securityContext?: JsonObject;
  /** Every container of initContainers, containers and ephemeralContainers. */
  readonly containers: readonly ContainerView[];
  /** True when `spec.os.name` is `windows` (PSA exempts such pods from three restricted checks). */
  readonly windows: boolean;
  /** True for Job and CronJob templates and for Pods whose restartPolicy is Never or OnFailure. */
  readonly runsToCompletion: boolean;
}

/** Where the pod template sits, per workload kind, and the API groups that serve that kind. */
interface TemplateLocation {
  readonly groups: readonly string[];
  readonly template: Path;
  readonly runsToCompletion: boolean;
}

const TEMPLATES: Record<string, TemplateLocation> = {
  Pod: { groups: [''], template: [], runsToCompletion: false },
  PodTemplate: { groups: [''], template: ['template'], runsToCompletion: false },
  ReplicationController: { groups: [''], template: ['spec', 'template'], runsToCompletion: false },
  Deployment: { groups: ['apps', 'extensions'], template: ['spec', 'template'], runsToCompletion: false },
  ReplicaSet: { groups: ['apps', 'extensions'], template: ['spec', 'template'], runsToCompletion: false },
  DaemonSet: { groups: ['apps', 'extensions'], template: ['spec', 'template'], runsToCompletion: false },
  StatefulSet: { groups: ['apps'], template: ['spec', 'template'], runsToCompletion: false },
  Job: { groups: ['batch'], template: ['spec', 'template'], runsToCompletion: true },
  CronJob: { groups: ['batch'], template: ['spec', 'jobTemplate', 'spec', 'template'], runsToCompletion: true },
};

/** The kinds that carry a pod spec. */
export const POD_KINDS: readonly string[] = Object.keys(TEMPLATES);

/** The API group of an apiVersion (`apps/v1` -> `apps`, `v1` -> ``). */
export function apiGroup(apiVersion: string): string {
  const slash = apiVersion.indexOf('/');
  return slash < 0 ? '' : apiVersion.slice(0, slash);
}

function at(value: unknown, path: Path): unknown {
  let current = value;
  for (const segment of path) {
    current = field(current, String(segment));
  }
  return current;
}

/**
 * Every pod spec in an object: none for kinds without one, one for a Pod or a workload.
 * The single traversal shared by all rules: no rule walks templates itself.
 */
export function podViews(object: JsonObject): PodView[] {
  const kind = stringField(object, 'kind') ?? '';
  const location = Object.prototype.hasOwnProperty.call(TEMPLATES, kind) ? TEMPLATES[kind] : undefined;
  if (!location || !location.groups.includes(apiGroup(stringField(object, 'apiVersion') ?? ''))) {
    return [];
  }
  const holder = at(object, location.template);
  const spec = objectField(holder, 'spec');
  if (!spec) {
    return [];
  }
  const specPath = [...location.template, 'spec'];
  const containers: ContainerView[] = [];
  for (const list of CONTAINER_LISTS) {
    const items = arrayField(spec, list);
    for (let index = 0; index < items.length; index++) {
      const container = items[index];
      if (!isObject(container)) {
        continue;
      }
      const name = stringField(container, 'name');
      containers.push({
        container,
        path: [...specPath, list, index],
        name: name ?? `#${index}`,
        list,
        securityContext: objectField(container, 'securityContext'),
      });
    }
  }
  return [{
    spec,
    specPath,
    metadata: objectField(holder, 'metadata'),
    metadataPath: [...location.template, 'metadata'],
    securityContext: objectField(spec, 'securityContext'),
    containers,
    windows: stringField(objectField(spec, 'os'), 'name') === 'windows',
    runsToCompletion: location.runsToCompletion
      || (kind === 'Pod' && ['Never', 'OnFailure'].includes(stringField(spec, 'restartPolicy') ?? '')),
  }];
}

/** The API groups whose kinds are Kubernetes' own: a pod-bearing kind named in one of them must be one we read. */
const BUILTIN_WORKLOAD_GROUPS = new Set(['', 'core', 'apps', 'extensions', 'batch']);

/** A value that is given (not absent, not null) but is not an object. */
function notAnObject(value: unknown): boolean {
  return value !== undefined && value !== null && !isObject(value);
}

/**
 * Why the pod spec of a Pod or workload cannot be judged, or an empty list when it can. Every pod rule reads the
 * spec through {@link podViews}, which finds nothing in a `v1 Deployment` (the kind lives in apps), a Pod whose
 * `spec` is a list, or a container list that is not a list: without this, every such object would pass every
 * pod rule. The engine reports each problem as an error in every profile (fail closed). Kinds of other groups
 * (`example.com/v1 Deployment`) are custom resources, not pod-bearing objects.
 */
export function podSpecProblems(object: JsonObject): Array<{ path: Path; message: string }> {
  const kind = stringField(object, 'kind') ?? '';
  const apiVersion = stringField(object, 'apiVersion') ?? '';
  const group = apiGroup(apiVersion);
  const location = Object.prototype.hasOwnProperty.call(TEMPLATES, kind) ? TEMPLATES[kind] : undefined;
  if (!location || !BUILTIN_WORKLOAD_GROUPS.has(group)) {
    return [];
  }
  if (!location.groups.includes(group)) {
    const served = location.groups.map((g) => (g === '' ? 'v1' : `${g}/v1`)).filter((g) => g !== 'extensions/v1');
    return [{
      path: ['apiVersion'],
      message: `${kind} is not served in ${JSON.stringify(apiVersion)}, so its pod template cannot be judged (use ${served.join(' or ')})`,
    }];
  }
  // Walk down to the pod spec; the first missing or malformed step is the problem.
  let node: unknown = object;
  const path: Array<string | number> = [];
  for (const segment of [...location.template, 'spec']) {
    const next = field(node, String(segment));
    path.push(segment);
    if (!isObject(next)) {
      const what = next === undefined || next === null ? 'is missing' : `is ${Array.isArray(next) ? 'a list' : `a ${typeof next}`}, not an object`;
      return [{ path: [...path], message: `${path.join('.')} ${what}, so the pod cannot be judged` }];
    }
    node = next;
  }
  const spec = node as JsonObject;
  const problems: Array<{ path: Path; message: string }> = [];
  const lists: readonly string[] = [...CONTAINER_LISTS, 'volumes'];
  for (const list of lists) {
    const value = spec[list];
    if (value === undefined || value === null) {
      continue;
    }
    if (!Array.isArray(value)) {
      problems.push({ path: [...path, list], message: `${[...path, list].join('.')} is not a list, so its entries cannot be judged` });
      continue;
    }
    value.forEach((item, i) => {
      if (!isObject(item)) {
        problems.push({ path: [...path, list, i], message: `${[...path, list].join('.')}[${i}] is not an object, so it cannot be judged` });
      } else if (list !== 'volumes' && notAnObject(item.securityContext)) {
        problems.push({ path: [...path, list, i, 'securityContext'], message: `${[...path, list].join('.')}[${i}].securityContext is not an object, so it cannot be judged` });
      }
    });
  }
  if (notAnObject(spec.securityContext)) {
    problems.push({ path: [...path, 'securityContext'], message: `${[...path, 'securityContext'].join('.')} is not an object, so it cannot be judged` });
  }
  return problems;
}
