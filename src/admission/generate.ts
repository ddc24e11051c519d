import { ALL_RULES, rulesForProfile } from '../catalogue';
import { ownedBy } from '../policy/owners';
import { checkProfile } from '../policy/packs';
import { AdmissionEntry, CelEntry, isCelEntry, Profile, Rule, Severity } from '../policy/rule';
import { KUBERNETES_VERSION } from '../version';
import { ADMISSION_CATALOGUE } from './catalogue';
import { MatchCondition, TARGETS } from './targets';

/** How a binding enforces a failed validation. */
export type ValidationAction = 'Deny' | 'Warn' | 'Audit';
export const VALIDATION_ACTIONS: readonly ValidationAction[] = ['Deny', 'Warn', 'Audit'];

/** A Kubernetes minor version, `1.28` or later. */
export type KubernetesMinorVersion = `1.${number}`;

export interface AdmissionOptions {
  /** The rule pack to enforce. */
  readonly profile: Profile;
  /**
   * The cluster's Kubernetes version: `1.28` and `1.29` get `admissionregistration.k8s.io/v1beta1`, `1.30` and
   * later `v1`. The CEL is the same for all (what 1.28 accepts).
   * @default KUBERNETES_VERSION ('1.28')
   */
  readonly kubernetesVersion?: KubernetesMinorVersion | string;
  /**
   * What a binding does when an `error` rule fails. Rules of severity `warning` or `info` never deny: their
   * bindings get `Warn` in place of `Deny` (the engine does not fail a run on them either), unless `failOn` is
   * `warning`, which lets `warning` rules deny too.
   * @default ['Deny']
   */
  readonly validationActions?: readonly ValidationAction[];
  /**
   * Namespaces the bindings leave alone (matched on the `kubernetes.io/metadata.name` label, which the API
   * server sets on every namespace). An empty list judges every namespace.
   * @default ['kube-system']
   */
  readonly excludedNamespaces?: readonly string[];
  /**
   * Prefix of every policy and binding name: `<prefix>-<rule-id>`.
   * @default 'cdk8s-hardened'
   */
  readonly namePrefix?: string;
  /**
   * The lowest severity that may deny, as in `isFailing`.
   * @default 'error'
   */
  readonly failOn?: 'error' | 'warning';
  /**
   * The rules to enforce instead of the profile's (the configuration's rules.include/exclude and severity overrides).
   * @default - rulesForProfile(profile)
   */
  readonly rules?: readonly Rule[];
  /**
   * The configuration's exemptions: a namespace-only exemption excludes the namespace from that rule's binding; one
   * with a kind or name becomes a match condition that skips the object and what its controller creates from it.
   */
  readonly exemptions?: readonly AdmissionExemption[];
  /**
   * Admission entries by rule id; they win over the rules' own (`admission` of each rule, as every rule of the
   * catalogue and the PodSecurityPolicy controls migrate-psp derives carry).
   * @default - the rules' own
   */
  readonly entries?: Readonly<Record<string, AdmissionEntry>>;
}

/** An exemption as admission needs it (the configuration's `exemptions` entries). */
export interface AdmissionExemption {
  readonly rule: string;
  readonly namespace?: string;
  readonly kind?: string;
  readonly name?: string;
}

/** At most this many match conditions per policy (the API server's limit). */
export const MAX_MATCH_CONDITIONS = 64;

/**
 * CEL that is true for the requests an exemption (with a kind or a name) covers: the object itself, and what the
 * workload's controller creates from it by the table of src/policy/owners (`controlledByWorkload` is the same
 * decision in the engine). Names and kinds are validated DNS names and identifiers.
 */
export function exemptionExpression(e: AdmissionExemption): string {
  const all = (parts: string[]) => (parts.length ? parts.join(' && ') : 'true');
  const name = "(has(object.metadata.name) ? object.metadata.name : '')";
  const self = all([
    ...(e.kind !== undefined ? [`object.kind == '${e.kind}'`] : []),
    ...(e.name !== undefined ? [`${name} == '${e.name}'`] : []),
  ]);
  const hash = "object.metadata.labels['pod-template-hash']";
  const owned = (e.kind !== undefined ? ownedBy(e.kind) : []).map(({ kind, owner, ownerApiVersion, via }) => {
    const labelled = via === 'pod-template-hash' ? ` && has(object.metadata.labels) && 'pod-template-hash' in object.metadata.labels && ${hash}.matches('^[a-z0-9]+$')` : '';
    const ownerName = e.name === undefined ? '' : via === 'pod-template-hash'
      ? ` && o.name == '${e.name}-' + ${hash}`
      : via === 'schedule'
        ? ` && o.name.matches('^${e.name.replace(/\./g, '[.]')}-[0-9]+$')`
        : ` && o.name == '${e.name}'`;
    return `(object.kind == '${kind}'${labelled} && has(object.metadata.ownerReferences) && object.metadata.ownerReferences.exists(o, `
      + `has(o.controller) && o.controller && o.apiVersion == '${ownerApiVersion}' && o.kind == '${owner}'${ownerName}))`;
  });
  const covered = owned.length ? `(${[`(${self})`, ...owned].join(' || ')})` : `(${self})`;
  return e.namespace !== undefined ? `request.namespace == '${e.namespace}' && ${covered}` : covered;
}

/**
 * Whether the cluster can enforce a rule through a ValidatingAdmissionPolicy. `limitation`, when present, says what
 * part of the rule the policy cannot check (the part of a set rule that needs the other objects).
 */
export type AdmissionSupport =
  | { readonly expressible: true; readonly limitation?: string }
  | { readonly expressible: false; readonly reason: string };

/** A rule of a profile that the generated policies do not enforce, and why. */
export interface NotExpressibleRule {
  readonly ruleId: string;
  readonly reason: string;
}

/** A generated ValidatingAdmissionPolicy or ValidatingAdmissionPolicyBinding, as plain Kubernetes JSON. */
export interface AdmissionObject {
  readonly apiVersion: string;
  readonly kind: 'ValidatingAdmissionPolicy' | 'ValidatingAdmissionPolicyBinding';
  readonly metadata: {
    readonly name: string;
    readonly labels: Readonly<Record<string, string>>;
    readonly annotations: Readonly<Record<string, string>>;
  };
  readonly spec: Readonly<Record<string, unknown>>;
}

/** Label on every generated object. */
export const MANAGED_BY_LABEL = { 'app.kubernetes.io/managed-by': 'cdk8s-hardened' } as const;
/** Annotation naming the rule a generated object enforces. */
export const RULE_ANNOTATION = 'cdk8s-hardened.io/rule';
/** Annotation with the severity of the findings a generated object stands for. */
export const SEVERITY_ANNOTATION = 'cdk8s-hardened.io/severity';
/** Annotation saying what part of its rule a policy cannot check, when there is such a part. */
export const LIMITATION_ANNOTATION = 'cdk8s-hardened.io/limitation';

const DEFAULT_NAME_PREFIX = 'cdk8s-hardened';
const DNS_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
const DNS_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;

/** The admission entry of a rule id, if a rule of the catalogue has one. */
export function admissionEntry(ruleId: string): AdmissionEntry | undefined {
  return Object.prototype.hasOwnProperty.call(ADMISSION_CATALOGUE, ruleId) ? ADMISSION_CATALOGUE[ruleId] : undefined;
}

/**
 * Whether a rule can be enforced at admission. A rule the admission catalogue does not know yet is reported as
 * not expressible (with that reason), never silently dropped.
 */
export function admissionSupport(ruleId: string): AdmissionSupport {
  const entry = admissionEntry(ruleId);
  if (isCelEntry(entry)) {
    return entry.limitation === undefined ? { expressible: true } : { expressible: true, limitation: entry.limitation };
  }
  return { expressible: false, reason: entry?.notExpressible ?? 'no admission policy has been written for it yet' };
}

/** The rules of a profile that the admission policies do not enforce, each with its reason, in pack order. */
export function notExpressibleRules(profile: Profile, catalogue: readonly Rule[] = ALL_RULES): NotExpressibleRule[] {
  return rulesForProfile(profile, catalogue).flatMap((rule) => {
    const support = admissionSupport(rule.id);
    return support.expressible ? [] : [{ ruleId: rule.id, reason: support.reason }];
  });
}

/** `admissionregistration.k8s.io/v1beta1` for 1.28 and 1.29, `v1` from 1.30. */
export function admissionApiVersion(kubernetesVersion: string = KUBERNETES_VERSION): string {
  const match = /^v?1\.(\d+)(\.\d+)?$/.exec(kubernetesVersion.trim());
  if (!match) {
    throw new Error(`kubernetesVersion "${kubernetesVersion}" is not a Kubernetes minor version: give one such as "1.28" or "1.30"`);
  }
  const minor = Number(match[1]);
  if (minor < 28) {
    throw new Error(`kubernetesVersion "${kubernetesVersion}" has no ValidatingAdmissionPolicy beta (it arrived in 1.28): `
      + 'enforce the rules with Pod Security Admission labels, or give "1.28" or later');
  }
  return minor < 30 ? 'admissionregistration.k8s.io/v1beta1' : 'admissionregistration.k8s.io/v1';
}

/** The message a failed validation shows: the rule id, what is wrong, and the fix. One line. */
export function admissionMessage(rule: Rule): string {
  return `${rule.id}: ${rule.title}. ${rule.remediation} See ${rule.docsUrl}`.replace(/\s+/g, ' ');
}

function checkActions(actions: readonly ValidationAction[]): ValidationAction[] {
  const unique = [...new Set(actions)];
  for (const action of unique) {
    if (!VALIDATION_ACTIONS.includes(action)) {
      throw new Error(`validationActions: "${action}" is not one of Deny, Warn, Audit`);
    }
  }
  if (unique.length === 0) {
    throw new Error('validationActions is empty: give at least one of Deny, Warn, Audit');
  }
  if (unique.includes('Deny') && unique.includes('Warn')) {
    throw new Error('validationActions: Deny and Warn may not be used together (Kubernetes refuses the binding); give Deny or Warn');
  }
  return VALIDATION_ACTIONS.filter((a) => unique.includes(a));
}

/** The actions of one binding: Deny becomes Warn for findings below the `failOn` severity. */
function actionsFor(severity: Severity, actions: readonly ValidationAction[], failOn: 'error' | 'warning'): ValidationAction[] {
  const denies = severity === 'error' || (failOn === 'warning' && severity === 'warning');
  if (denies || !actions.includes('Deny')) {
    return [...actions];
  }
  return VALIDATION_ACTIONS.filter((a) => a === 'Warn' || (a !== 'Deny' && actions.includes(a)));
}

/**
 * One ValidatingAdmissionPolicy and one ValidatingAdmissionPolicyBinding per rule of the profile that can be
 * expressed in CEL, in pack order (each policy followed by its binding). Each policy matches CREATE and UPDATE of
 * the kinds its rule judges (Pods and every workload with a pod template for the pod rules, so a bad Deployment
 * is refused when it is applied, not when its pods fail to start), fails closed (failurePolicy Fail) and has
 * one validation whose message names the rule and the fix. Rules that cannot be expressed are left out; list them
 * with {@link notExpressibleRules} (formatAdmissionYaml prints them).
 */
export function generateAdmissionPolicies(options: AdmissionOptions, catalogue: readonly Rule[] = ALL_RULES): AdmissionObject[] {
  // Fail closed: no profile, or a misspelled one, would otherwise emit no policy at all.
  checkProfile(options.profile, 'profile');
  const apiVersion = admissionApiVersion(options.kubernetesVersion ?? KUBERNETES_VERSION);
  const actions = checkActions(options.validationActions ?? ['Deny']);
  const failOn = options.failOn ?? 'error';
  const prefix = options.namePrefix ?? DEFAULT_NAME_PREFIX;
  const excluded = [...new Set(options.excludedNamespaces ?? ['kube-system'])];
  for (const namespace of excluded) {
    if (!DNS_LABEL.test(namespace) || namespace.length > 63) {
      throw new Error(`excludedNamespaces: "${namespace}" is not a namespace name (lower-case letters, digits and "-")`);
    }
  }

  const out: AdmissionObject[] = [];
  for (const rule of options.rules ?? rulesForProfile(options.profile, catalogue)) {
    const exemptions = (options.exemptions ?? []).filter((e) => e.rule === rule.id);
    const exemptNamespaces = exemptions.filter((e) => e.kind === undefined && e.name === undefined && e.namespace !== undefined).map((e) => e.namespace!);
    const exemptConditions = exemptions.filter((e) => e.kind !== undefined || e.name !== undefined)
      .map((e, i): MatchCondition => ({ name: `exemption-${i + 1}`, expression: `!(${exemptionExpression(e)})` }));
    const notIn = [...new Set([...excluded, ...exemptNamespaces])];
    const entry = options.entries !== undefined && Object.prototype.hasOwnProperty.call(options.entries, rule.id)
      ? options.entries[rule.id] : rule.admission ?? admissionEntry(rule.id);
    if (!isCelEntry(entry)) {
      continue;
    }
    for (const { severity, expression } of expressionsOf(rule, entry)) {
      const name = `${prefix}-${rule.id}${severity === rule.severity ? '' : `-${severity}`}`;
      if (!DNS_SUBDOMAIN.test(name) || name.length > 253) {
        throw new Error(`namePrefix: "${prefix}" makes the policy name "${name}", which is not a valid object name (lower-case letters, digits, "-" and ".")`);
      }
      const metadata = () => ({
        name,
        labels: { ...MANAGED_BY_LABEL },
        annotations: {
          [RULE_ANNOTATION]: rule.id,
          [SEVERITY_ANNOTATION]: severity,
          ...(entry.limitation !== undefined ? { [LIMITATION_ANNOTATION]: entry.limitation } : {}),
        },
      });
      const spec = policySpec(rule, entry, expression, exemptConditions);
      if (((spec.matchConditions as unknown[] | undefined)?.length ?? 0) > MAX_MATCH_CONDITIONS) {
        throw new Error(`exemptions: rule ${rule.id} has ${exemptConditions.length} exemptions by kind or name, more than a policy's ${MAX_MATCH_CONDITIONS} match conditions hold; exempt whole namespaces instead`);
      }
      out.push({ apiVersion, kind: 'ValidatingAdmissionPolicy', metadata: metadata(), spec });
      out.push({
        apiVersion,
        kind: 'ValidatingAdmissionPolicyBinding',
        metadata: metadata(),
        spec: {
          policyName: name,
          validationActions: actionsFor(severity, actions, failOn),
          ...(notIn.length > 0 ? {
            matchResources: {
              namespaceSelector: {
                matchExpressions: [{ key: 'kubernetes.io/metadata.name', operator: 'NotIn', values: [...notIn] }],
              },
            },
          } : {}),
        },
      });
    }
  }
  return out;
}

const SEVERITIES: readonly Severity[] = ['error', 'warning', 'info'];

/** The expressions of an entry with the severity each stands for: one (the rule's), or one per severity. */
function expressionsOf(rule: Rule, entry: CelEntry): Array<{ severity: Severity; expression: string }> {
  if (typeof entry.expression === 'string') {
    return [{ severity: rule.severity, expression: entry.expression }];
  }
  const bySeverity = entry.expression;
  return SEVERITIES.flatMap((severity) => {
    const expression = bySeverity[severity];
    return expression === undefined ? [] : [{ severity, expression }];
  });
}

function policySpec(rule: Rule, entry: CelEntry, expression: string, extra: readonly MatchCondition[] = []): Record<string, unknown> {
  const target = TARGETS[entry.target];
  const conditions: readonly MatchCondition[] = [...(target.matchConditions ?? []), ...extra];
  return {
    failurePolicy: 'Fail',
    matchConstraints: {
      resourceRules: target.resourceRules.map((r) => ({
        apiGroups: [...r.apiGroups],
        apiVersions: ['*'],
        operations: ['CREATE', 'UPDATE'],
        resources: [...r.resources],
      })),
    },
    ...(conditions.length > 0 ? { matchConditions: conditions.map((c) => ({ ...c })) } : {}),
    validations: [{ expression, message: admissionMessage(rule), reason: 'Forbidden' }],
  };
}
