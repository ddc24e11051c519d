import { isObject, JsonObject, objectField, stringField } from './json';
import { controlledByWorkload } from './owners';
import { formatPath, Path } from './path';
import { podSpecProblems, podViews } from './pod-spec';
import { Finding, LIST_CARRIER_RULE_ID, Manifest, ObjectRef, Profile, READING_DIFFERS_RULE_ID, Rule, RuleContext, Severity, Target, Violation } from './rule';
import { rulesForProfile } from './packs';
import { isContainerInput, ScanGate } from './container-model';
import { AnnotatedSuppression, annotationSuppressions, Suppression, SUPPRESSION_EXPIRING_RULE_ID, SUPPRESSION_RULE_ID, SuppressionPolicy } from './suppressions';

/** Rule id of findings about inputs that are not Kubernetes objects at all. */
export const INVALID_OBJECT_RULE_ID = 'invalid-object';

/** Rule id of findings about Pods and workloads whose pod spec cannot be read (reported in every profile). */
export const UNJUDGEABLE_POD_RULE_ID = 'pod-spec-unjudgeable';

export const UNJUDGEABLE_POD_REMEDIATION = 'Give the object the apiVersion that serves its kind (apps/v1 Deployment, batch/v1 Job, v1 Pod) '
  + 'and the shape Kubernetes requires: an object at spec (and spec.template.spec), lists of objects at containers, '
  + 'initContainers, ephemeralContainers and volumes, and objects at securityContext.';

/** The engine's own findings: no annotation may suppress them (they are about the input and the suppressions). */
const ENGINE_FINDING_IDS: ReadonlySet<string> = new Set([
  INVALID_OBJECT_RULE_ID, SUPPRESSION_RULE_ID, SUPPRESSION_EXPIRING_RULE_ID, LIST_CARRIER_RULE_ID, READING_DIFFERS_RULE_ID,
  UNJUDGEABLE_POD_RULE_ID,
]);

/**
 * The view a rule judges. A class, so that every target is a fast-mode object of one shape: an object literal with
 * a getter is a dictionary-mode object to V8, and every rule reads `kind` and `object` of every target.
 */
class ObjectTarget implements Target {
  private podViews?: Target['pods'];
  constructor(
    readonly object: JsonObject,
    readonly apiVersion: string,
    readonly kind: string,
    readonly name: string,
    readonly namespace: string | undefined,
  ) {}

  /** Built on first use (most rules never ask for it). */
  get pods(): Target['pods'] {
    this.podViews ??= podViews(this.object);
    return this.podViews;
  }
}

/** Builds the view a rule judges. Returns undefined for values that are not Kubernetes objects. */
export function toTarget(object: unknown): Target | undefined {
  if (!isObject(object)) {
    return undefined;
  }
  const apiVersion = stringField(object, 'apiVersion');
  const kind = stringField(object, 'kind');
  if (!apiVersion || !kind) {
    return undefined;
  }
  const metadata = objectField(object, 'metadata');
  return new ObjectTarget(object, apiVersion, kind, stringField(metadata, 'name') ?? stringField(metadata, 'generateName') ?? '', stringField(metadata, 'namespace'));
}

function refOf(target: Target | undefined, object: unknown): ObjectRef {
  if (target) {
    return { apiVersion: target.apiVersion, kind: target.kind, namespace: target.namespace, name: target.name };
  }
  return {
    apiVersion: stringField(object, 'apiVersion') ?? '',
    kind: stringField(object, 'kind') ?? '',
    namespace: stringField(objectField(object, 'metadata'), 'namespace'),
    name: stringField(objectField(object, 'metadata'), 'name') ?? '',
  };
}

/**
 * Whether a code suppression or an exemption covers a finding on `object` (`ref` is its reference). For an
 * exemption, a Namespace object is in its own namespace (as an admission binding's namespaceSelector selects the
 * Namespace object itself), and an exemption with a workload's kind also covers what that workload's controller
 * creates (its ReplicaSets, Jobs and Pods, by controller reference: src/policy/owners), as the admission policies'
 * match conditions do, so an exemption of Deployment `web` covers the Pods of `web` that `audit` judges itself.
 */
function matches(suppression: Suppression, ref: ObjectRef, path: string, exemption = false, object?: unknown): boolean {
  const namespace = exemption && ref.kind === 'Namespace' && ref.apiVersion === 'v1' ? ref.name : ref.namespace;
  const selected = (suppression.kind === undefined || suppression.kind === ref.kind)
    && (suppression.name === undefined || suppression.name === ref.name);
  return (selected || (exemption && suppression.kind !== undefined && controlledByWorkload(object, suppression.kind, suppression.name)))
    && (suppression.namespace === undefined || suppression.namespace === namespace)
    && (suppression.path === undefined || path === suppression.path || path.startsWith(`${suppression.path}.`)
      || path.startsWith(`${suppression.path}[`));
}

export interface EvaluateOptions {
  /** Suppressions given in code, in addition to those annotated on objects. */
  readonly suppressions?: readonly Suppression[];
  /**
   * CustomResourceDefinitions known besides those in the object set (`--crd` files): rules learn the schema and the
   * scope of custom kinds from these and from every CustomResourceDefinition among the manifests.
   * @default - only the CustomResourceDefinitions among the manifests
   */
  readonly crds?: readonly unknown[];
  /** Vulnerability scan reports (`check --scan`) for the scan gate rules. @default - no scan gate */
  readonly scan?: ScanGate;
  /** Exemptions of the configuration file (the platform team's), applied like code suppressions. */
  readonly exemptions?: readonly Suppression[];
  /** What the configuration decides about annotated suppressions: forbidden rules, reason pattern, expiry (with the clock). */
  readonly suppressionPolicy?: SuppressionPolicy;
}

/** A suppression that was in force in a run, as every report lists it. */
export interface SuppressionInForce {
  readonly ruleId: string;
  readonly reason: string;
  /** Where it was written: an object's annotation, code (HardenOptions.suppressions) or the configuration's exemptions. */
  readonly source: 'annotation' | 'code' | 'config';
  /** The object that carries the annotation (annotation suppressions). */
  readonly object?: ObjectRef;
  /** The selector of a code suppression or an exemption (absent fields match every object). */
  readonly selector?: { readonly kind?: string; readonly namespace?: string; readonly name?: string; readonly path?: string };
  readonly file?: string;
  readonly line?: number;
  readonly constructPath?: string;
  /** The last day it holds (YYYY-MM-DD), when it has an expiry. */
  readonly expires?: string;
  /** How many findings of this run it suppressed. */
  readonly findings: number;
}

/** A run: every finding, and the suppressions that were in force. */
export interface Evaluation {
  readonly findings: Finding[];
  readonly suppressions: SuppressionInForce[];
}

/** True for an apiextensions.k8s.io CustomResourceDefinition (any version). */
function isCrd(target: Target): boolean {
  return target.kind === 'CustomResourceDefinition' && target.apiVersion.startsWith('apiextensions.k8s.io/');
}

/**
 * Runs `rules` (or the rules of a profile) over every manifest and returns the findings in a stable order: by object
 * (input order), then by rule (catalogue order), then in the order the rule reported them. A rule that throws is
 * reported as an error finding on that object, never as a silent pass. `catalogue` is every rule: the rules a profile
 * name selects from, and that a suppression may name (src/catalogue's `evaluate` passes ALL_RULES).
 */
export function evaluate(manifests: readonly Manifest[], rulesOrProfile: readonly Rule[] | Profile, options: EvaluateOptions, catalogue: readonly Rule[]): Finding[] {
  return evaluateRun(manifests, rulesOrProfile, options, catalogue).findings;
}

/** `evaluate`, with the suppressions in force (annotations, code suppressions and exemptions) beside the findings. */
export function evaluateRun(manifests: readonly Manifest[], rulesOrProfile: readonly Rule[] | Profile, options: EvaluateOptions, catalogue: readonly Rule[]): Evaluation {
  return joinShards([judge(manifests, resolveRules(rulesOrProfile, catalogue), options, catalogue)], options);
}

/**
 * What the set rules of an evaluation found (and the CustomResourceDefinitions of the set), computed once over the
 * whole object set, for `evaluateShard` to judge part of the set with: see `setOutcomes`.
 */
export interface ShardContext {
  /** The CustomResourceDefinitions among all the objects of the set, in input order. */
  readonly setCrds: readonly unknown[];
  /** Per set rule id: its violations on this shard's objects (by index in the shard), or why it failed. */
  readonly sets: ReadonlyMap<string, SetOutcome>;
}

/** What a set rule found on the objects of one shard. */
export type SetOutcome =
  | { readonly violations: ReadonlyArray<{ readonly index: number; readonly violation: Violation }> }
  | { readonly failed: string };

/** One shard's judgement: per object, its findings and the annotation suppressions in force; per given suppression, its uses. */
export interface ShardEvaluation {
  readonly perObject: Finding[][];
  readonly annotations: SuppressionInForce[][];
  readonly givenUses: number[];
}

/**
 * Whether an evaluation with these rules can be split into shards (worker threads): every rule that needs the whole
 * set is a set rule (judged once, by `setOutcomes`) or reads only the context in `forSet`.
 */
export function shardable(rules: readonly Rule[]): boolean {
  return rules.every((rule) => rule.scope === 'set' || !rule.forSet || rule.forSetReadsContextOnly === true);
}

/**
 * Runs the set rules over the whole object set (every object of every shard, in order) and splits what they find by
 * shard: `shards` are the numbers of objects in each, in order. Returns each shard's ShardContext.
 */
export function setOutcomes(manifests: readonly Manifest[], rulesOrProfile: readonly Rule[] | Profile, options: EvaluateOptions, shards: readonly number[], catalogue: readonly Rule[]): ShardContext[] {
  const rules = resolveRules(rulesOrProfile, catalogue);
  const sets = liveSets(manifests.map((m) => toTarget(m.object)));
  const setCrds = sets.liveTargets.filter(isCrd).map((t) => t.object);
  const context: RuleContext = { crds: [...(options.crds ?? []), ...setCrds], ...(options.scan ? { scan: options.scan } : {}) };
  const starts: number[] = [];
  let total = 0;
  for (const size of shards) {
    starts.push(total);
    total += size;
  }
  if (total !== manifests.length) {
    throw new RangeError(`setOutcomes: the shards hold ${total} objects, the set ${manifests.length}`);
  }
  const shardOf = (index: number) => {
    let k = starts.length - 1;
    while (starts[k] > index) {
      k--;
    }
    return k;
  };
  const out = shards.map(() => new Map<string, SetOutcome>());
  for (const rule of rules) {
    if (rule.scope !== 'set') {
      continue;
    }
    try {
      const all = rule.judgesContainerInputs === true;
      const found = shards.map(() => [] as Array<{ index: number; violation: Violation }>);
      for (const v of rule.checkSet(all ? sets.liveTargets : sets.kubernetesTargets, context)) {
        const index = sets.liveIndex[all ? v.index : sets.setIndex[v.index]];
        const k = shardOf(index);
        const { index: _index, ...violation } = v;
        found[k].push({ index: index - starts[k], violation });
      }
      found.forEach((violations, k) => out[k].set(rule.id, { violations }));
    } catch (error) {
      out.forEach((map) => map.set(rule.id, { failed: failureText(error) }));
    }
  }
  return out.map((map) => ({ setCrds, sets: map }));
}

/**
 * Judges one shard of an object set: every object rule on these objects, the set rules' outcomes from `setOutcomes`,
 * the suppressions. Joining every shard's evaluation in order (`joinShards`) is `evaluateRun` of the whole set.
 */
export function evaluateShard(manifests: readonly Manifest[], rules: readonly Rule[], options: EvaluateOptions, shard: ShardContext, catalogue: readonly Rule[]): ShardEvaluation {
  return judge(manifests, resolveRules(rules, catalogue), options, catalogue, shard);
}

/** Joins shards' evaluations (in the order of their objects) into the evaluation of the whole set. */
export function joinShards(shards: readonly ShardEvaluation[], options: EvaluateOptions): Evaluation {
  const findings: Finding[] = [];
  const inForce: SuppressionInForce[] = [];
  for (const shard of shards) {
    shard.perObject.forEach((found, i) => {
      inForce.push(...shard.annotations[i]);
      for (const finding of found) {
        findings.push(finding);
      }
    });
  }
  givenSuppressions(options).forEach((g, i) => {
    const { ruleId, reason, ...selector } = g.s;
    const uses = shards.reduce((sum, shard) => sum + shard.givenUses[i], 0);
    inForce.push({ ruleId, reason, source: g.source, selector, findings: uses });
  });
  return { findings, suppressions: inForce };
}

function failureText(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/** The platform team's exemptions, then the code suppressions, as the engine applies them (first match wins). */
function givenSuppressions(options: EvaluateOptions): Array<{ s: Suppression; source: 'config' | 'code' }> {
  return [
    ...(options.exemptions ?? []).map((s) => ({ s, source: 'config' as const })),
    ...(options.suppressions ?? []).map((s) => ({ s, source: 'code' as const })),
  ];
}

/** The live objects (Kubernetes objects and container inputs) of a set, and the Kubernetes ones the set rules see. */
function liveSets(targets: ReadonlyArray<Target | undefined>) {
  const liveTargets: Target[] = [];
  const liveIndex: number[] = [];
  targets.forEach((t, i) => {
    if (t) {
      liveTargets.push(t);
      liveIndex.push(i);
    }
  });
  // Rules over the object set see the Kubernetes objects only, unless they judge container inputs too.
  const setIndex: number[] = [];
  liveTargets.forEach((t, i) => {
    if (!isContainerInput(t.apiVersion, t.kind)) {
      setIndex.push(i);
    }
  });
  return { liveTargets, liveIndex, setIndex, kubernetesTargets: setIndex.map((i) => liveTargets[i]) };
}

function judge(manifests: readonly Manifest[], rules: readonly Rule[], options: EvaluateOptions, catalogue: readonly Rule[], shard?: ShardContext): ShardEvaluation {
  // A suppression may name any rule of the catalogue, even one outside the pack being run.
  const knownRuleIds = new Set([...catalogue, ...rules].map((r) => r.id));
  const targets = manifests.map((m) => toTarget(m.object));
  const perObject: Finding[][] = manifests.map(() => []);

  // Lines of fields are found object by object once every rule has run (`resolveLines`), not as rules report
  // (rule by rule): a document is then parsed for its positions once, and its positions are garbage right after.
  const pending: Array<Array<{ finding: { line?: number }; path: Path }> | undefined> = [];
  const emit = (index: number, ruleId: string, severity: Severity, remediation: string, violation: Violation) => {
    const manifest = manifests[index];
    const origin = manifest.origin;
    const locate = origin?.locate !== undefined;
    const line = locate ? 0 : origin?.line;
    const finding: Finding = {
      ruleId,
      severity: violation.severity ?? severity,
      object: refOf(targets[index], manifest.object),
      path: formatPath(violation.path),
      message: violation.message,
      remediation: violation.remediation ?? remediation,
      ...(origin?.file !== undefined ? { file: origin.file } : {}),
      ...(line !== undefined ? { line } : {}),
      ...(origin?.constructPath !== undefined ? { constructPath: origin.constructPath } : {}),
      suppressed: false,
    };
    perObject[index].push(finding);
    if (locate) {
      // A copy: the path as it was when reported (a rule may reuse its array), as `finding.path` is.
      (pending[index] ??= []).push({ finding, path: [...violation.path] });
    }
  };
  const resolveLines = (index: number) => {
    const waiting = pending[index];
    if (!waiting) {
      return;
    }
    pending[index] = undefined;
    const origin = manifests[index].origin;
    for (const { finding, path } of waiting) {
      const line = origin?.locate?.(path) ?? origin?.line;
      if (line === undefined) {
        delete finding.line;
      } else {
        finding.line = line;
      }
    }
  };
  const crashed = (rule: Rule, error: unknown): Violation => ({
    severity: 'error',
    path: [],
    message: `rule ${rule.id} failed on this object (${typeof error === 'string' ? error : failureText(error)})`,
    remediation: 'Report this as a bug in cdk8s-hardened; until it is fixed, the object is treated as failing this rule.',
  });

  targets.forEach((target, index) => {
    if (!target) {
      emit(index, INVALID_OBJECT_RULE_ID, 'error', 'Give every document a string apiVersion and kind.', {
        path: [],
        message: 'document is not a Kubernetes object (it needs an apiVersion and a kind)',
      });
      return;
    }
    // A pod-bearing object that no pod rule can read would pass them all: an error in every profile instead.
    for (const problem of podSpecProblems(target.object)) {
      emit(index, UNJUDGEABLE_POD_RULE_ID, 'error', UNJUDGEABLE_POD_REMEDIATION, problem);
    }
  });

  manifests.forEach((manifest, index) => {
    for (const note of manifest.notes ?? []) {
      emit(index, note.ruleId, note.severity, note.remediation, note);
    }
  });

  // Another reader's reading of an object (kustomize's) is judged by the object rules too; what it finds beyond
  // the primary reading's findings is reported, marked with the reader.
  const alternates: Array<Array<{ rule: Rule; violation: Violation }>> = manifests.map(() => []);
  const alternateTargets: Array<{ index: number; target: Target }> = [];
  manifests.forEach((m, index) => {
    const target = m.alternate ? toTarget(m.alternate.object) : undefined;
    if (target) {
      alternateTargets.push({ index, target });
    }
  });

  const { liveTargets, liveIndex, setIndex, kubernetesTargets } = liveSets(targets);

  // Each object is judged only by the object rules that can report on its kind (rules declare their kinds): the
  // objects are grouped by kind once, and a rule visits the groups it applies to.
  // Objects read from Dockerfiles, daemon.json and docker inspect output are judged only by the rules that name
  // their kinds: a Kubernetes rule that judges every kind (the schema) knows nothing of them.
  const byKind = new Map<string, { kind: string; container: boolean; members: number[] }>();
  liveTargets.forEach((target, i) => {
    const container = isContainerInput(target.apiVersion, target.kind);
    const key = `${container ? 'container:' : ''}${target.kind}`;
    const group = byKind.get(key);
    if (group) {
      group.members.push(i);
    } else {
      byKind.set(key, { kind: target.kind, container, members: [i] });
    }
  });
  const kindGroups = [...byKind.values()];
  const applies = (rule: Rule, kind: string, container = false) => rule.scope !== 'object'
    || (rule.kinds ? rule.kinds.includes(kind) : !container);
  const context: RuleContext = {
    crds: [...(options.crds ?? []), ...(shard ? shard.setCrds : liveTargets.filter(isCrd).map((t) => t.object))],
    ...(options.scan ? { scan: options.scan } : {}),
  };
  for (const given of rules) {
    let rule: Rule = given;
    if (given.scope === 'object' && given.forSet) {
      try {
        rule = given.forSet(kubernetesTargets, context);
      } catch (error) {
        liveIndex.forEach((index) => emit(index, given.id, given.severity, given.remediation, crashed(given, error)));
        continue;
      }
    }
    if (rule.scope === 'object') {
      // Indexed loops: this runs for every rule on every object, and most checks return no violation.
      for (let g = 0; g < kindGroups.length; g++) {
        const { kind, container, members } = kindGroups[g];
        if (!applies(rule, kind, container)) {
          continue;
        }
        for (let m = 0; m < members.length; m++) {
          const i = members[m];
          let violations: readonly Violation[];
          try {
            violations = rule.check(liveTargets[i]);
          } catch (error) {
            violations = [crashed(rule, error)];
          }
          for (let v = 0; v < violations.length; v++) {
            emit(liveIndex[i], rule.id, rule.severity, rule.remediation, violations[v]);
          }
        }
      }
      alternateTargets.forEach(({ index, target }) => {
        if (!applies(rule, target.kind, isContainerInput(target.apiVersion, target.kind))) {
          return;
        }
        let violations: readonly Violation[];
        try {
          violations = rule.check(target);
        } catch (error) {
          violations = [crashed(rule, error)];
        }
        alternates[index].push(...violations.map((violation) => ({ rule, violation })));
      });
    } else if (shard) {
      const outcome = shard.sets.get(rule.id);
      if (!outcome) {
        throw new Error(`evaluateShard: no outcome of set rule ${rule.id}`);
      }
      if ('failed' in outcome) {
        liveIndex.forEach((index) => emit(index, rule.id, rule.severity, rule.remediation, crashed(rule, outcome.failed)));
      } else {
        for (const { index, violation } of outcome.violations) {
          emit(index, rule.id, rule.severity, rule.remediation, violation);
        }
      }
    } else {
      // All of a set rule's violations, or none: one that fails part-way is reported as failed on every object and
      // what it found before is dropped, as setOutcomes does for shards (the output is the same on any threads).
      let found: Array<{ index: number; violation: Violation }>;
      try {
        const all = rule.judgesContainerInputs === true;
        found = [];
        for (const v of rule.checkSet(all ? liveTargets : kubernetesTargets, context)) {
          found.push({ index: liveIndex[all ? v.index : setIndex[v.index]], violation: v });
        }
      } catch (error) {
        liveIndex.forEach((index) => emit(index, rule.id, rule.severity, rule.remediation, crashed(rule, error)));
        continue;
      }
      for (const { index, violation } of found) {
        emit(index, rule.id, rule.severity, rule.remediation, violation);
      }
    }
  }

  alternates.forEach((found, index) => {
    const primary = new Set(perObject[index].map((f) => `${f.ruleId}\u0000${f.path}\u0000${f.message}`));
    const reader = manifests[index].alternate?.reader;
    for (const { rule, violation } of found) {
      if (!primary.has(`${rule.id}\u0000${formatPath(violation.path)}\u0000${violation.message}`)) {
        emit(index, rule.id, rule.severity, rule.remediation, { ...violation, message: `${violation.message} (as ${reader} reads this document)` });
      }
    }
  });

  return applySuppressions(manifests, targets, perObject, knownRuleIds, options, emit, resolveLines);
}

function applySuppressions(
  manifests: readonly Manifest[],
  targets: ReadonlyArray<Target | undefined>,
  perObject: Finding[][],
  knownRuleIds: ReadonlySet<string>,
  options: EvaluateOptions,
  emit: (index: number, ruleId: string, severity: Severity, remediation: string, violation: Violation) => void,
  resolveLines: (index: number) => void,
): ShardEvaluation {
  const given = givenSuppressions(options);
  const givenUses = given.map(() => 0);
  const annotations: SuppressionInForce[][] = [];
  targets.forEach((target, index) => {
    resolveLines(index);
    const annotated = target ? annotationSuppressions(target.object as JsonObject, knownRuleIds, options.suppressionPolicy, ENGINE_FINDING_IDS) : undefined;
    const used = new Map<string, number>();
    const findings = perObject[index].map((finding) => {
      const own: AnnotatedSuppression | undefined = annotated?.suppressions.get(finding.ruleId);
      if (own) {
        used.set(finding.ruleId, (used.get(finding.ruleId) ?? 0) + 1);
        return { ...finding, suppressed: true, suppressionReason: own.reason };
      }
      const match = given.findIndex((g) => g.s.ruleId === finding.ruleId && matches(g.s, finding.object, finding.path, g.source === 'config', target?.object));
      if (match < 0) {
        return finding;
      }
      givenUses[match]++;
      const g = given[match];
      return { ...finding, suppressed: true, suppressionReason: g.source === 'config' ? `exemption: ${g.s.reason}` : g.s.reason };
    });
    perObject[index] = findings;
    for (const problem of annotated?.problems ?? []) {
      emit(index, problem.ruleId, problem.severity ?? 'error', problem.remediation ?? '', problem);
    }
    resolveLines(index);
    const origin = manifests[index].origin;
    const inForce: SuppressionInForce[] = [];
    for (const [ruleId, s] of annotated?.suppressions ?? []) {
      const line = origin?.locate?.(s.path) ?? origin?.line;
      inForce.push({
        ruleId,
        reason: s.reason,
        source: 'annotation',
        object: refOf(target, manifests[index].object),
        ...(origin?.file !== undefined ? { file: origin.file } : {}),
        ...(line !== undefined ? { line } : {}),
        ...(origin?.constructPath !== undefined ? { constructPath: origin.constructPath } : {}),
        ...(s.expires !== undefined ? { expires: s.expires } : {}),
        findings: used.get(ruleId) ?? 0,
      });
    }
    annotations.push(inForce);
  });
  return { perObject, annotations, givenUses };
}

/**
 * The rules to run: a profile name is looked up (an unknown one throws, with "did you mean"); anything that is not
 * a list of rules throws, so a typo in JavaScript never turns into an empty, passing rule set.
 */
function resolveRules(rulesOrProfile: readonly Rule[] | Profile, catalogue: readonly Rule[]): readonly Rule[] {
  if (!Array.isArray(rulesOrProfile)) {
    return rulesForProfile(rulesOrProfile as Profile, catalogue); // throws for anything that is not a profile name
  }
  const bad = (rulesOrProfile as readonly unknown[]).findIndex((r) => !isObject(r) || typeof r.id !== 'string'
    || (r.scope === 'object' ? typeof r.check !== 'function' : r.scope !== 'set' || typeof r.checkSet !== 'function'));
  if (bad >= 0) {
    throw new TypeError(`evaluate: rules[${bad}] is not a rule (it needs an id, a scope and a check function)`);
  }
  return rulesOrProfile;
}

/** True when a finding should fail a run: an unsuppressed error (or warning, with `failOn: 'warning'`). */
export function isFailing(finding: Finding, failOn: 'error' | 'warning' = 'error'): boolean {
  if (finding.suppressed) {
    return false;
  }
  return finding.severity === 'error' || (failOn === 'warning' && finding.severity === 'warning');
}
