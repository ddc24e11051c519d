import { ApiObject } from 'cdk8s';
import * as k8s from '../imports/k8s';
import { Construct } from 'constructs';
import { annotateSuppression, checkDnsLabel, checkLabels, emit, Labels, NAME_LABEL, Refuse, resolveNamespace } from './common';
import { SecureContainerProps, SecurePodTemplateProps } from './pod-props';
import { hardenedPodSpec, PodTemplateContext } from './pod-template';

// ---------------------------------------------------------------------------------------------------------
// The shared base of every construct that owns a pod template
// ---------------------------------------------------------------------------------------------------------

/** What a subclass adds around the pod template. */
export interface WorkloadShape {
  readonly kind: string;
  readonly apiVersion: string;
  readonly context: Omit<PodTemplateContext, 'serviceAccountName'>;
  /** True for a bare Pod: the template's labels and annotations go on the object itself. */
  readonly podIsObject?: boolean;
  /** The object's body (typically `spec`), in Kubernetes JSON, given the typed pod template. */
  body(template: k8s.PodTemplateSpec, selector: Labels): Record<string, unknown>;
}

/**
 * The base of SecurePod and the Secure* workloads: resolves name and namespace, emits the dedicated
 * ServiceAccount, builds the hardened pod template and emits the main object (child id `Resource`, so
 * `ApiObject.of(construct)` returns it).
 */
export abstract class HardenedWorkload extends Construct {
  /** `metadata.name` of the main object. */
  readonly name: string;
  readonly namespace: string;
  /** The labels that select this workload's pods (`app.kubernetes.io/name`). */
  readonly selectorLabels: Labels;
  /** The ServiceAccount the pods run as. */
  readonly serviceAccountName: string;
  /** The emitted ServiceAccount, unless `serviceAccount.create` is false. */
  readonly serviceAccount?: ApiObject;
  /** The main object: the escape hatch (`addJsonPatch`); synth still judges the patched result. */
  readonly apiObject: ApiObject;
  /** The typed pod spec that was emitted (before any JSON patch). */
  readonly podSpec: k8s.PodSpec;
  protected readonly refuse: Refuse;

  protected constructor(scope: Construct, id: string, props: SecurePodTemplateProps & { readonly containers: readonly SecureContainerProps[] }, shape: WorkloadShape) {
    super(scope, id);
    const refuse = new Refuse(shape.kind === 'Pod' ? 'SecurePod' : `Secure${shape.kind}`, id, scope);
    this.refuse = refuse;
    this.name = checkDnsLabel(refuse, 'name', props.name ?? id, shape.kind === 'CronJob' ? 52 : 63);
    this.namespace = resolveNamespace(this, refuse, props.namespace);
    const labels = checkLabels(refuse, 'labels', props.labels);
    this.selectorLabels = { [NAME_LABEL]: this.name };
    const objectLabels = { ...labels, ...this.selectorLabels };

    const saName = checkDnsLabel(refuse, 'serviceAccount.name', props.serviceAccount?.name ?? this.name, 253);
    if (saName === 'default') {
      throw refuse.error('serviceAccount.name', 'the namespace\'s "default" ServiceAccount is shared by every pod that names none, so any RBAC granted to it leaks to them',
        'leave serviceAccount.name unset (a dedicated ServiceAccount is emitted) or name one that only this workload uses');
    }
    this.serviceAccountName = saName;
    if (props.serviceAccount?.create ?? true) {
      this.serviceAccount = emit(this, 'ServiceAccount', {
        apiVersion: 'v1', kind: 'ServiceAccount', name: saName, namespace: this.namespace, labels: objectLabels,
        body: { automountServiceAccountToken: false },
      });
    }

    this.podSpec = hardenedPodSpec(refuse, props, { ...shape.context, serviceAccountName: saName });
    const podLabels = { ...checkLabels(refuse, 'podLabels', props.podLabels), ...objectLabels };
    const template: k8s.PodTemplateSpec = {
      metadata: {
        labels: podLabels,
        ...(props.podAnnotations && Object.keys(props.podAnnotations).length ? { annotations: { ...props.podAnnotations } } : {}),
      },
      spec: this.podSpec,
    };
    this.apiObject = emit(this, 'Resource', {
      apiVersion: shape.apiVersion,
      kind: shape.kind,
      name: this.name,
      namespace: this.namespace,
      labels: shape.podIsObject ? podLabels : objectLabels,
      annotations: shape.podIsObject ? { ...props.podAnnotations, ...props.annotations } : props.annotations,
      body: shape.body(template, this.selectorLabels),
    });
    if (props.exceptions?.writableRootFilesystem !== undefined) {
      annotateSuppression(refuse, this.apiObject, 'workload-read-only-root-fs', props.exceptions.writableRootFilesystem);
    }
  }

  /**
   * Accepts a rule's findings on the main object, with a written reason (at least 10 letters or digits): writes the
   * annotation `suppress.cdk8s-hardened.io/<ruleId>` so the decision is visible in the manifest.
   */
  suppress(ruleId: string, reason: string): this {
    annotateSuppression(this.refuse, this.apiObject, ruleId, reason);
    return this;
  }
}

