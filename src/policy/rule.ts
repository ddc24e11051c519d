import { JsonObject } from './json';
import type { ScanGate } from './container-model';
import { Path } from './path';
import { PodView } from './pod-spec';

/** `error` fails synth and check; `warning` is reported; `info` is a note (e.g. "not schema-checked"). */
export type Severity = 'error' | 'warning' | 'info';

/** The rule packs a user can choose. Each rule lists the packs it belongs to. */
export const PROFILES = ['schema', 'pss-baseline', 'pss-restricted', 'container', 'hardened'] as const;
export type Profile = (typeof PROFILES)[number];

export function isProfile(value: string): value is Profile {
  return (PROFILES as readonly string[]).includes(value);
}

/** The identity of the Kubernetes object a finding is about. */
export interface ObjectRef {
  readonly apiVersion: string;
  readonly kind: string;
  readonly namespace?: string;
  readonly name: string;
}

/** Where an object came from, when it came from a file or a construct. */
export interface Origin {
  /** The file name as the user gave it. */
  readonly file?: string;
  /** 1-based index of the YAML document in its file. */
  readonly document?: number;
  /** 1-based line where the object starts. */
  readonly line?: number;
  /** The cdk8s construct path that produced the object. */
  readonly constructPath?: string;
  /** The 1-based line of a field of the object, or of its nearest existing ancestor. */
  readonly locate?: (path: Path) => number | undefined;
}

/** What the reader found about how an object is read (reported by the engine in every profile). */
export interface ReaderNote extends Violation {
  /** An engine rule id (see ENGINE_RULES), e.g. `input-reading-differs`. */
  readonly ruleId: string;
  readonly severity: Severity;
  readonly remediation: string;
}

/** Engine finding (a reader note): a document that is not a List but carries `items`, which kubectl applies instead of it. */
export const LIST_CARRIER_RULE_ID = 'input-list-carrier';

/** Engine finding (a reader note): kubectl and kustomize read the same bytes as different objects. */
export const READING_DIFFERS_RULE_ID = 'input-reading-differs';

/** The reader whose reading an `alternate` is. */
export const KUSTOMIZE_READER = 'kustomize';

/** Engine finding of `audit`: an owned object (Pod, ReplicaSet, Job) differs from its controller's pod template, so it is judged itself. */
export const OWNER_DIFFERS_RULE_ID = 'audit-differs-from-owner';

/** An object to judge: plain Kubernetes JSON plus where it came from. */
export interface Manifest {
  readonly object: unknown;
  readonly origin?: Origin;
  /** Findings the reader made about this object. */
  readonly notes?: readonly ReaderNote[];
  /**
   * Where another reader (kustomize) reads the same bytes as a different object: that reading, judged with the
   * same rules, its findings marked with the reader's name.
   */
  readonly alternate?: { readonly reader: string; readonly object: unknown };
}

/** One problem a rule found in one object. */
export interface Violation {
  /** Path of the offending field, relative to the object. */
  readonly path: Path;
  /** One lowercase clause naming the container (where there is one) and the value. */
  readonly message: string;
  /** Overrides the rule's remediation when the fix depends on the case. */
  readonly remediation?: string;
  /** Overrides the rule's severity for this case (e.g. an `info` "not schema-checked" from the schema rule). */
  readonly severity?: Severity;
}

/** A violation of a rule over the whole object set, pointing at one object of the set. */
export interface SetViolation extends Violation {
  /** Index of the object in the set given to `checkSet`. */
  readonly index: number;
}

/** What the engine reports. Stable JSON contract of `check --format json`. */
export interface Finding {
  readonly ruleId: string;
  readonly severity: Severity;
  readonly object: ObjectRef;
  /** JSON path of the offending field, e.g. `spec.template.spec.containers[0].securityContext.privileged`. */
  readonly path: string;
  readonly message: string;
  readonly remediation: string;
  readonly file?: string;
  readonly line?: number;
  readonly constructPath?: string;
  readonly suppressed: boolean;
  /** The written reason, for suppressed findings. */
  readonly suppressionReason?: string;
}

/** The object a rule judges, with shared, memoised views so no rule re-walks pod specs. */
export interface Target {
  readonly object: JsonObject;
  readonly apiVersion: string;
  readonly kind: string;
  readonly name: string;
  readonly namespace?: string;
  /** Every pod spec in the object (a Pod's own, or a workload's template), with its containers. */
  readonly pods: readonly PodView[];
}

/** A rule's metadata, without its logic (what reports and docs need). */
export interface RuleMeta {
  /** Stable kebab-case id, e.g. `pss-restricted-capabilities`. */
  readonly id: string;
  readonly title: string;
  readonly severity: Severity;
  /** The packs that include this rule. */
  readonly profiles: readonly Profile[];
  /** One paragraph: what is checked, the risk, and which Kubernetes document defines it. */
  readonly description: string;
  /** The exact field and value that fix it. Ends with a period. */
  readonly remediation: string;
  /** A kubernetes.io reference. */
  readonly docsUrl: string;
  /** Rules this one replaces in any pack that holds both (as PSA's restricted checks replace baseline ones). */
  readonly overrides?: readonly string[];
  /**
   * The admission side of the rule, written beside its logic: the CEL that enforces it in the cluster, or why no
   * admission policy can. `src/admission` reads it from here; a test fails for a rule of the catalogue without it,
   * and the equivalence test holds the CEL to the rule's fixtures.
   */
  readonly admission?: AdmissionEntry;
}

/**
 * The objects an admission policy of a rule matches. `src/admission/targets.ts` says which resources each one
 * names (and must define every one of them).
 */
export type AdmissionTargetName = 'pods' | 'services' | 'roles' | 'bindings' | 'namespaces' | 'networkPolicies';

/**
 * A rule the cluster can enforce: a CEL expression that is true when the object passes the rule. A rule whose
 * findings differ in severity (an error for one case, a warning for another) gives one expression per severity,
 * each true when the object has no finding of that severity; each becomes its own policy, so a binding can deny
 * the errors and only warn about the rest.
 */
export interface CelEntry {
  readonly target: AdmissionTargetName;
  /**
   * The catalogue's rules give it as a getter (`get expression() { return ... }`): the CEL is built when an
   * admission policy is made, not each time the rules load (every run of every command loads them all).
   */
  readonly expression: string | Readonly<Partial<Record<Severity, string>>>;
  /**
   * What the policy cannot check that the rule does (for a rule over the object set: the part that needs the
   * other objects). Printed in the YAML header and shown by `rules`.
   */
  readonly limitation?: string;
}

/** A rule no admission policy can enforce, and why. */
export interface NotExpressibleEntry {
  readonly notExpressible: string;
}

export type AdmissionEntry = CelEntry | NotExpressibleEntry;

export function isCelEntry(entry: AdmissionEntry | undefined): entry is CelEntry {
  return entry !== undefined && 'expression' in entry;
}

/** What a rule may know about the object set besides the objects themselves. */
export interface RuleContext {
  /**
   * Every CustomResourceDefinition known to this evaluation: those given to `evaluate` (`--crd` files), then those
   * of the object set itself. Entries are raw objects, not checked to be well formed.
   */
  readonly crds: readonly unknown[];
  /** The vulnerability scan reports to gate on (`check --scan`), when any were given. */
  readonly scan?: ScanGate;
}

/** A rule that judges one object at a time. Pure; never throws on odd input. */
export interface ObjectRule extends RuleMeta {
  readonly scope: 'object';
  /**
   * The rule to judge this object set with, when what the rule knows depends on the set (the schema rule validates
   * custom resources against the CustomResourceDefinitions in the set). Called once per evaluation; the returned
   * rule keeps this rule's id and metadata.
   */
  forSet?(targets: readonly Target[], context: RuleContext): ObjectRule;
  /**
   * `forSet` reads only the context (the CustomResourceDefinitions, the scan reports), never the targets: the rule
   * can then judge part of a set in a worker thread (`check` on many objects). Without it, a rule with `forSet`
   * keeps `check` on one thread.
   */
  readonly forSetReadsContextOnly?: boolean;
  /**
   * The only kinds the rule can report on (the engine skips it for others); every kind when absent. A test
   * proves that `check` finds nothing on objects of other kinds, so the filter never hides a finding.
   */
  readonly kinds?: readonly string[];
  check(target: Target): readonly Violation[];
}

/** A rule that judges the whole object set (e.g. "every namespace with workloads has a default deny"). */
export interface SetRule extends RuleMeta {
  readonly scope: 'set';
  /**
   * The rule also sees the objects read from Dockerfiles, daemon.json and docker inspect output (to compare an
   * image with the pods that run it); other set rules see the Kubernetes objects only.
   */
  readonly judgesContainerInputs?: boolean;
  checkSet(targets: readonly Target[], context?: RuleContext): readonly SetViolation[];
}

export type Rule = ObjectRule | SetRule;
