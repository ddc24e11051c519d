import { JsonObject } from '../policy/json';
import { Manifest, OWNER_DIFFERS_RULE_ID, ReaderNote } from '../policy/rule';
import { AUDITED_KINDS } from './kinds';
import { podTemplateDifferences, podTemplateOf } from './owned';

/**
 * What the API server adds to every object it stores: bookkeeping, not configuration. The audit judges the
 * object as its author declared it (plus the defaults the server applied), so these are removed first; none of
 * them is a security control, and judging them would only turn the server's own fields into findings.
 */
export const SERVER_METADATA_FIELDS = [
  'managedFields', 'resourceVersion', 'uid', 'creationTimestamp', 'generation', 'selfLink',
  'deletionTimestamp', 'deletionGracePeriodSeconds',
] as const;

function isObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * The live object as it would have been written: `status` and the server's metadata removed, and the
 * `creationTimestamp: null` the server prints in every pod template (`spec.template.metadata`) dropped.
 * Pure: returns a copy.
 */
export function declaredObject(object: JsonObject): JsonObject {
  const copy: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(object)) {
    if (key === 'status') {
      continue;
    }
    if (key === 'metadata' && isObject(value)) {
      const metadata: Record<string, unknown> = {};
      for (const [field, v] of Object.entries(value)) {
        if (!(SERVER_METADATA_FIELDS as readonly string[]).includes(field)) {
          metadata[field] = v;
        }
      }
      copy.metadata = metadata;
      continue;
    }
    copy[key] = key === 'spec' && isObject(value) ? templatesWithoutTimestamps(value) : value;
  }
  return copy;
}

/** Drops `metadata.creationTimestamp: null` from the templates in a spec (`template`, `jobTemplate` and theirs). */
function templatesWithoutTimestamps(spec: JsonObject): JsonObject {
  const out: Record<string, unknown> = { ...spec };
  for (const key of ['template', 'jobTemplate']) {
    const template = spec[key];
    if (!isObject(template)) {
      continue;
    }
    const copy: Record<string, unknown> = { ...template };
    if (isObject(template.metadata) && template.metadata.creationTimestamp === null) {
      const { creationTimestamp: _dropped, ...rest } = template.metadata;
      copy.metadata = rest;
    }
    if (isObject(template.spec)) {
      copy.spec = templatesWithoutTimestamps(template.spec);
    }
    out[key] = copy;
  }
  return out;
}

/** One object left out of the audit because its controller is judged instead (or judged itself because it differs). */
export interface OwnedObject {
  readonly kind: string;
  readonly namespace?: string;
  readonly name: string;
  /** The controller, `Kind name`. */
  readonly owner: string;
  /** How its pod template differs from the controller's (see podTemplateDifferences); absent when it does not. */
  readonly differences?: readonly string[];
}

export interface LiveObjects {
  /** The objects to judge, server fields removed, in the order of AUDITED_KINDS, then namespace, then name. */
  readonly manifests: Manifest[];
  /** Objects whose controller (itself read by the audit) is judged in their stead. */
  readonly owned: OwnedObject[];
  /** Owned objects judged themselves, because they differ from their controller's pod template. */
  readonly differing: OwnedObject[];
}

function meta(object: JsonObject): JsonObject {
  return isObject(object.metadata) ? object.metadata : {};
}

function str(value: unknown): string {
  return typeof value === 'string' ? value : '';
}

const KIND_ORDER = new Map(AUDITED_KINDS.map((k, i) => [k.kind, i]));

/**
 * Prepares what `kubectl get` returned for judging:
 * - objects of kinds the audit does not read are dropped (a kubectl that returns more than it was asked for);
 * - with `namespace`, only that Namespace object is kept (rules over namespaces judge the ones audited);
 * - a Pod, ReplicaSet or Job whose controller (`ownerReferences[].controller: true`) is among the objects read is
 *   left out unless `includeOwned`: its pod template is the controller's, so judging both would report each
 *   problem two or three times (Deployment, ReplicaSet, every Pod). Unless it differs from the controller's pod
 *   template in what the rules judge (podTemplateDifferences: an injected sidecar, an ephemeral container, an old
 *   ReplicaSet): then it is judged itself, with an `audit-differs-from-owner` finding that says how it differs.
 *   An object whose controller the audit does not read (a static pod's Node, an operator's custom resource) is
 *   judged itself;
 * - every kept object loses `status` and the server's metadata (see declaredObject);
 * - objects are sorted by kind (AUDITED_KINDS order), namespace and name, so the report does not depend on the
 *   order the server listed them in.
 */
export function liveObjects(read: readonly Manifest[], options: { namespace?: string; includeOwned?: boolean; origin: Manifest['origin'] }): LiveObjects {
  const objects = read
    .filter((m) => isObject(m.object) && KIND_ORDER.has(str((m.object as JsonObject).kind)))
    .filter((m) => options.namespace === undefined || (m.object as JsonObject).kind !== 'Namespace' || meta(m.object as JsonObject).name === options.namespace);
  const uids = new Map<string, JsonObject>();
  for (const m of objects) {
    const uid = str(meta(m.object as JsonObject).uid);
    if (uid) {
      uids.set(uid, m.object as JsonObject);
    }
  }
  const manifests: Array<{ manifest: Manifest; key: [number, string, string] }> = [];
  const owned: OwnedObject[] = [];
  const differing: OwnedObject[] = [];
  for (const m of objects) {
    const object = m.object as JsonObject;
    const metadata = meta(object);
    const controller = Array.isArray(metadata.ownerReferences)
      ? metadata.ownerReferences.find((ref): ref is JsonObject => isObject(ref) && ref.controller === true && uids.has(str(ref.uid)))
      : undefined;
    const notes: ReaderNote[] = [...(m.notes ?? [])];
    if (controller) {
      const entry: OwnedObject = {
        kind: str(object.kind),
        ...(metadata.namespace !== undefined ? { namespace: str(metadata.namespace) } : {}),
        name: str(metadata.name),
        owner: `${str(controller.kind)} ${str(controller.name)}`,
      };
      const differences = ownerDifferences(object, uids.get(str(controller.uid))!);
      if (differences.length === 0 && !options.includeOwned) {
        owned.push(entry);
        continue;
      }
      if (differences.length > 0) {
        differing.push({ ...entry, differences });
        notes.push(differsNote(entry, differences));
      }
    }
    manifests.push({
      manifest: { object: declaredObject(object), ...(options.origin ? { origin: options.origin } : {}), ...(notes.length ? { notes } : {}) },
      key: [KIND_ORDER.get(str(object.kind))!, str(metadata.namespace), str(metadata.name)],
    });
  }
  manifests.sort((a, b) => a.key[0] - b.key[0] || compare(a.key[1], b.key[1]) || compare(a.key[2], b.key[2]));
  owned.sort((a, b) => (KIND_ORDER.get(a.kind)! - KIND_ORDER.get(b.kind)!) || compare(a.namespace ?? '', b.namespace ?? '') || compare(a.name, b.name));
  differing.sort((a, b) => (KIND_ORDER.get(a.kind)! - KIND_ORDER.get(b.kind)!) || compare(a.namespace ?? '', b.namespace ?? '') || compare(a.name, b.name));
  return { manifests: manifests.map((m) => m.manifest), owned, differing };
}

/**
 * How an owned object's pod template differs from its controller's. A controller or owned object without a pod
 * template to compare (a kind that has none, a malformed spec) counts as differing: it is judged itself (fail
 * closed), and the rules report what they cannot read.
 */
function ownerDifferences(object: JsonObject, controller: JsonObject): string[] {
  const mine = podTemplateOf(object);
  const theirs = podTemplateOf(controller);
  if (!mine || !theirs) {
    return [`no pod template to compare with the ${str(controller.kind)}'s`];
  }
  const claims = str(controller.kind) === 'StatefulSet' && isObject(controller.spec) && Array.isArray(controller.spec.volumeClaimTemplates)
    ? new Set(controller.spec.volumeClaimTemplates.map((t) => (isObject(t) && isObject(t.metadata) ? str(t.metadata.name) : '')))
    : new Set<string>();
  return podTemplateDifferences(mine, theirs, str(object.kind) === 'Pod', claims);
}

function differsNote(entry: OwnedObject, differences: readonly string[]): ReaderNote {
  return {
    ruleId: OWNER_DIFFERS_RULE_ID,
    severity: 'info',
    path: entry.kind === 'Pod' ? ['spec'] : ['spec', 'template'],
    message: `${entry.kind} "${entry.name}" differs from the pod template of its owner ${entry.owner} (${differences.join('; ')}), so it is judged itself, not through its owner`,
    remediation: 'Find what changed it (a mutating webhook that injects a sidecar, kubectl debug, a rollout still under way or an old ReplicaSet) and judge that change; the findings of this object are what runs.',
  };
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** How many objects of each kind, e.g. `4 objects (1 ReplicaSet, 1 Job, 2 Pods)`. */
function counted(objects: readonly OwnedObject[]): string {
  const counts = new Map<string, number>();
  for (const o of objects) {
    counts.set(o.kind, (counts.get(o.kind) ?? 0) + 1);
  }
  const parts = [...counts].map(([k, n]) => `${n} ${k}${n === 1 ? '' : 's'}`);
  return `${objects.length} object${objects.length === 1 ? '' : 's'} (${parts.join(', ')})`;
}

/**
 * The notice for the objects left out (how many of each kind, and how to judge them too) and for the owned
 * objects judged themselves because they differ from their owner's pod template.
 */
export function ownedNotice(owned: readonly OwnedObject[], differing: readonly OwnedObject[] = []): string | undefined {
  const notices = [
    ...(owned.length ? [`${counted(owned)} judged through the controller that owns them; --include-owned judges them too`] : []),
    ...(differing.length ? [`${counted(differing)} judged themselves: they differ from the pod template of the controller that owns them (see their ${OWNER_DIFFERS_RULE_ID} findings)`] : []),
  ];
  return notices.length ? notices.join('; ') : undefined;
}
