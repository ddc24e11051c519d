import { arrayField, isObject, JsonObject, objectField, stringField } from './json';

/**
 * An object a workload's controller creates, and how it is tied to the workload: the kind of the object, its
 * controller's kind and apiVersion (its `ownerReferences[]` entry with `controller: true`), and how the
 * controller's name derives from the workload's.
 */
export interface OwnedKind {
  readonly kind: string;
  readonly owner: string;
  readonly ownerApiVersion: string;
  /**
   * Absent: the controller is the workload itself (same name). `pod-template-hash`: the controller is the
   * workload's ReplicaSet, named `<workload>-<the object's pod-template-hash label>`. `schedule`: the controller
   * is the workload's Job, named `<workload>-<digits>` (the scheduled time in minutes).
   */
  readonly via?: 'pod-template-hash' | 'schedule';
}

/**
 * The objects a workload's controller creates, by the workload's kind. Each is matched by its controller
 * reference, never by a name prefix of its own:
 * - a Deployment's ReplicaSets by a controller reference to the Deployment itself;
 * - a Deployment's Pods, whose controller is a ReplicaSet (admission cannot look the ReplicaSet up), by a
 *   controller reference to the ReplicaSet named exactly `<deployment>-<pod-template-hash label of the Pod>`, as
 *   the Deployment controller names it: a Pod of an unrelated ReplicaSet `web-abc` (no such label, or another
 *   hash) is not covered by an exemption of Deployment `web`;
 * - a CronJob's Jobs by a controller reference to the CronJob; its Pods by one to a Job named
 *   `<cronjob>-<scheduled time in minutes>` (a Job's Pods carry no label that ties them to the CronJob);
 * - the other workloads' Pods by a controller reference to the workload.
 *
 * The admission policies (src/admission, as CEL) and the engine's exemptions (`check`, `audit`, HardenedApp)
 * both read this table, so the cluster and CI skip the same objects.
 */
export const OWNED: Readonly<Record<string, readonly OwnedKind[]>> = {
  Deployment: [{ kind: 'ReplicaSet', owner: 'Deployment', ownerApiVersion: 'apps/v1' }, { kind: 'Pod', owner: 'ReplicaSet', ownerApiVersion: 'apps/v1', via: 'pod-template-hash' }],
  CronJob: [{ kind: 'Job', owner: 'CronJob', ownerApiVersion: 'batch/v1' }, { kind: 'Pod', owner: 'Job', ownerApiVersion: 'batch/v1', via: 'schedule' }],
  DaemonSet: [{ kind: 'Pod', owner: 'DaemonSet', ownerApiVersion: 'apps/v1' }],
  StatefulSet: [{ kind: 'Pod', owner: 'StatefulSet', ownerApiVersion: 'apps/v1' }],
  ReplicaSet: [{ kind: 'Pod', owner: 'ReplicaSet', ownerApiVersion: 'apps/v1' }],
  ReplicationController: [{ kind: 'Pod', owner: 'ReplicationController', ownerApiVersion: 'v1' }],
  Job: [{ kind: 'Pod', owner: 'Job', ownerApiVersion: 'batch/v1' }],
};

/** What a workload of `kind` has its controller create (none for any other kind, `constructor` and the like included). */
export function ownedBy(kind: string): readonly OwnedKind[] {
  return Object.prototype.hasOwnProperty.call(OWNED, kind) ? OWNED[kind] : [];
}

/** A pod-template-hash label value as the Deployment controller writes it (the admission CEL's pattern). */
const POD_TEMPLATE_HASH = /^[a-z0-9]+$/;
const DIGITS = /^[0-9]+$/;

/**
 * Whether the controller of `object` (a Kubernetes object as JSON) is, by the table above, created for a workload
 * of kind `workloadKind` named `workloadName` (any name when undefined). The object's own kind must be one the
 * workload's controller creates; an `ownerReferences[]` entry that is not the controller (`controller: true`) or
 * has another apiVersion or kind does not count. Exactly what the admission policy's match condition of an
 * exemption decides for the same object.
 */
export function controlledByWorkload(object: unknown, workloadKind: string, workloadName: string | undefined): boolean {
  if (!isObject(object)) {
    return false;
  }
  const owned = ownedBy(workloadKind);
  const kind = stringField(object, 'kind');
  const metadata = objectField(object, 'metadata');
  return owned.some(({ kind: ownedKind, owner, ownerApiVersion, via }) => {
    if (kind !== ownedKind) {
      return false;
    }
    let hash: string | undefined;
    if (via === 'pod-template-hash') {
      const labels = objectField(metadata, 'labels');
      hash = stringField(labels, 'pod-template-hash');
      if (hash === undefined || !POD_TEMPLATE_HASH.test(hash)) {
        return false;
      }
    }
    return arrayField(metadata, 'ownerReferences').some((o) => {
      if (!isObject(o) || o.controller !== true || o.apiVersion !== ownerApiVersion || o.kind !== owner) {
        return false;
      }
      if (workloadName === undefined) {
        return true;
      }
      const name = stringField(o as JsonObject, 'name');
      if (name === undefined) {
        return false;
      }
      return via === 'pod-template-hash' ? name === `${workloadName}-${hash}`
        : via === 'schedule' ? name.startsWith(`${workloadName}-`) && DIGITS.test(name.slice(workloadName.length + 1))
          : name === workloadName;
    });
  });
}
