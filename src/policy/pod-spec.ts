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
    arrayField(spec, list).forEach((container, index) => {
      if (!isObject(container)) {
        return;
      }
      const name = stringField(container, 'name');
      containers.push({
        container,
        path: [...specPath, list, index],
        name: name ?? `#${index}`,
        list,
        securityContext: objectField(container, 'securityContext'),
      });
    });
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
