/** Validates one object against Kubernetes 1.28 (or a given CRD) and says what is wrong, field by field. */
import { isObject, JsonObject } from '../policy/json';
import { Violation } from '../policy/rule';
import { KUBERNETES_VERSION } from '../version';
import { isKubernetesGroup, joinApiVersion, splitApiVersion, suggestApiVersion, versionRank } from './api-groups';
import { Catalogue, kubernetesCatalogue, Validator } from './catalogue';
import { applyCrdDefaults, CrdVersion, indexCrds } from './crd';
import { knownCrdIndex } from './known-crds';
import { gvkKey } from './derive';
import { explain } from './messages';
import { nameViolations } from './names';
import { podValidationViolations } from './pod-validation';
import { crdApprovalViolations } from './crd-approval';
import { NON_NULL_KEYWORD } from './server-rules';
import { isNamespaced } from '../policy/kinds';
import { suggest } from '../util/suggest';

export interface SchemaOptions {
  /**
   * CustomResourceDefinitions (apiextensions.k8s.io/v1) whose versions' `openAPIV3Schema` validate the custom
   * resources they define. Entries that are not CRDs are ignored, so a whole bundle can be passed.
   * @default - none: custom resources get an `info` finding "not schema-checked"
   */
  readonly crds?: readonly unknown[];
}

/**
 * Kubernetes decodes JSON `null` for a field as "unset" (Go's encoding/json leaves the field at its zero value;
 * for custom resources the API server prunes nulls of non-nullable fields), so `securityContext: null` or
 * `creationTimestamp: null` are valid; an explicit `null` also satisfies `required` (see `explicitNull`). This
 * drops `null` members of objects (a `null` list item stays, and is reported), and `undefined` ones, which JSON
 * cannot carry. It also turns what a YAML 1.1 parser makes of unquoted timestamps (`Date`) and `!!binary` (bytes)
 * back into the strings Kubernetes' YAML reader keeps them as. The input is never changed: a copy is made along
 * the changed paths only, and none when nothing changes.
 */
export function normalise(value: unknown): unknown {
  if (value instanceof Date) {
    return Number.isNaN(value.getTime()) ? String(value) : value.toISOString();
  }
  if (value instanceof Uint8Array) {
    return Buffer.from(value).toString('base64');
  }
  if (Array.isArray(value)) {
    let copy: unknown[] | undefined;
    for (let i = 0; i < value.length; i++) {
      const item: unknown = value[i];
      // Only objects, arrays, dates and bytes change: a string or number is returned as it is without a call.
      const n = item !== null && typeof item === 'object' ? normalise(item) : item;
      if (n !== item) {
        copy ??= value.slice();
        copy[i] = n;
      }
    }
    return copy ?? value;
  }
  if (isObject(value)) {
    let copy: Record<string, unknown> | undefined;
    // for...in walks the keys without making an array of them (every object of every manifest passes here).
    for (const key in value) {
      if (!Object.prototype.hasOwnProperty.call(value, key)) {
        continue;
      }
      const item = value[key];
      if (item === null || item === undefined) {
        copy ??= { ...value };
        delete copy[key];
      } else {
        const n = typeof item === 'object' ? normalise(item) : item;
        if (n !== item) {
          copy ??= { ...value };
          copy[key] = n;
        }
      }
    }
    return copy ?? value;
  }
  return value;
}

/**
 * True when the original object gives `field` explicitly as `null` at `pointer`. Such a field satisfies `required`:
 * the OpenAPI `required` lists of built-in types come from Go fields without `omitempty` and the API server does
 * not enforce them itself (Kubernetes' own PSA fixtures write `scaleIO.secretRef: null`); its Go validation
 * still refuses a null where a value is needed (e.g. `spec.selector`), which no OpenAPI schema can tell apart.
 */
function explicitNull(object: unknown, pointer: string, field: string): boolean {
  let node: unknown = object;
  for (const raw of pointer === '' ? [] : pointer.slice(1).split('/')) {
    const segment = raw.replace(/~1/g, '/').replace(/~0/g, '~');
    node = Array.isArray(node) ? node[Number(segment)] : isObject(node) ? node[segment] : undefined;
  }
  return isObject(node) && Object.prototype.hasOwnProperty.call(node, field) && node[field] === null;
}

const DEPRECATION_GUIDE = 'https://kubernetes.io/docs/reference/using-api/deprecation-guide/';

/** Validates objects against the Kubernetes 1.28 API and the CRDs it was given. Stateless apart from caches. */
export class SchemaValidator {
  private readonly crds: ReadonlyMap<string, CrdVersion>;
  private readonly crdValidators = new Map<string, Validator | Error>();

  /**
   * Throws a `CrdError` for a CRD in `options.crds` that cannot be used. `setCrds` are the CustomResourceDefinitions
   * of the checked objects themselves: they replace given ones of the same kind (they are what is applied), and one
   * that cannot be used is skipped (the schema rule reports it on the CRD object).
   */
  constructor(options: SchemaOptions = {}, setCrds: readonly unknown[] = []) {
    const index = new Map(knownCrdIndex());
    indexCrds(options.crds ?? []).forEach((version, key) => index.set(key, version));
    indexCrds(setCrds, { skipInvalid: true }).forEach((version, key) => index.set(key, version));
    this.crds = index;
  }

  /** Every schema problem of one object (which needs a string apiVersion and kind); never throws on odd input. */
  validate(object: JsonObject): Violation[] {
    const apiVersion = typeof object.apiVersion === 'string' ? object.apiVersion : '';
    const kind = typeof object.kind === 'string' ? object.kind : '';
    const gv = splitApiVersion(apiVersion);
    if (!gv) {
      return [{
        path: ['apiVersion'],
        message: `apiVersion ${JSON.stringify(apiVersion)} is not a valid group/version (such as v1 or apps/v1)`,
        remediation: 'Set apiVersion to group/version, e.g. apps/v1, or v1 for the core group.',
      }];
    }
    const key = gvkKey(gv.group, gv.version, kind);
    const catalogue = kubernetesCatalogue();
    const definition = catalogue.kindDefinition(key);
    if (definition !== undefined) {
      return [
        ...this.run(catalogue.definition(definition), object),
        ...nameViolations(object, gv.group, kind, isNamespaced(kind)),
        ...podValidationViolations(object),
        ...crdApprovalViolations(object),
      ];
    }
    const crd = this.crds.get(key);
    if (crd) {
      const problems = this.checkCustomResource(crd, catalogue, object);
      // A custom resource's name is a DNS-1123 subdomain; its namespace matters only if the CRD is namespaced.
      return crd.served ? [...problems, ...nameViolations(object, gv.group, kind, crd.scope !== 'Cluster')] : problems;
    }
    const label = `${apiVersion} ${kind}`;
    if (isKubernetesGroup(gv.group, catalogue.servedGroups)) {
      return [this.notServed(gv.group, kind, label, catalogue)];
    }
    const others = [...this.crds.values()].filter((c) => c.group === gv.group && c.kind === kind);
    if (others.length > 0) {
      const served = others.filter((c) => c.served).map((c) => c.version).sort((a, b) => versionRank(b) - versionRank(a));
      return [{
        path: ['apiVersion'],
        message: `${label} is not served by its CustomResourceDefinition ${others[0].crdName} (served versions: ${served.join(', ') || 'none'})`,
        remediation: served.length > 0 ? `Set apiVersion to ${joinApiVersion(gv.group, served[0])}.` : `Serve a version of ${kind} in its CustomResourceDefinition.`,
      }];
    }
    // Without its CRD the scope is unknown: a namespace it gives is judged (a bad one is a mistake either way).
    return [...nameViolations(object, gv.group, kind, true), {
      path: [],
      severity: 'info',
      message: `not schema-checked: no schema for ${label}; check its CRD with it or pass it with --crd`,
      remediation: `Check the CustomResourceDefinition of ${label} together with it, or pass it with --crd (createSchemaRule({ crds }) in code), so its fields are checked.`,
    }];
  }

  private run(validate: Validator, object: JsonObject, defaults?: JsonObject): Violation[] {
    // A custom resource is defaulted from its CRD's schema first, as the API server does before validating it.
    const data = defaults ? applyCrdDefaults(normalise(object), defaults) : normalise(object);
    if (validate(data)) {
      return [];
    }
    // An explicit null satisfies `required`, except for the fields the API server itself refuses null for.
    const nonNull = (e: { parentSchema?: unknown }, field: string) => isObject(e.parentSchema)
      && Array.isArray(e.parentSchema[NON_NULL_KEYWORD]) && (e.parentSchema[NON_NULL_KEYWORD] as unknown[]).includes(field);
    const errors = (validate.errors ?? []).filter((e) => !(e.keyword === 'required' && !/\/(anyOf|oneOf|allOf|not)\//.test(e.schemaPath)
      && explicitNull(object, e.instancePath, String(e.params.missingProperty)) && !nonNull(e, String(e.params.missingProperty))));
    return errors.length === 0 ? [] : explain(errors, data);
  }

  private notServed(group: string, kind: string, label: string, catalogue: Catalogue): Violation {
    const not = `${label} is not served by Kubernetes ${KUBERNETES_VERSION}`;
    const use = suggestApiVersion(group, kind, catalogue.derived.served);
    if (use) {
      return {
        path: ['apiVersion'],
        message: `${not} (use ${use})`,
        remediation: `Set apiVersion to ${use}, and adapt the fields that changed between versions (see ${DEPRECATION_GUIDE}).`,
      };
    }
    const inGroup = catalogue.derived.served.filter((s) => s.group === group).map((s) => s.kind);
    const guess = suggest(kind, inGroup) ?? suggest(kind, catalogue.servedKinds);
    if (guess) {
      return { path: ['kind'], message: `${not} (did you mean ${guess}?)`, remediation: `Set kind to ${guess}.` };
    }
    return {
      path: ['apiVersion'],
      message: `${not} (no API group serves ${kind})`,
      remediation: `Remove this object or replace it with what Kubernetes ${KUBERNETES_VERSION} offers instead (see ${DEPRECATION_GUIDE}).`,
    };
  }

  private checkCustomResource(crd: CrdVersion, catalogue: Catalogue, object: JsonObject): Violation[] {
    const label = `${joinApiVersion(crd.group, crd.version)} ${crd.kind}`;
    if (!crd.served) {
      const served = [...this.crds.values()].filter((c) => c.group === crd.group && c.kind === crd.kind && c.served)
        .sort((a, b) => versionRank(b.version) - versionRank(a.version));
      return [{
        path: ['apiVersion'],
        message: `${label} is not served: its CustomResourceDefinition ${crd.crdName} sets served: false for ${crd.version}`
          + (served.length > 0 ? ` (use ${joinApiVersion(crd.group, served[0].version)})` : ''),
        remediation: served.length > 0 ? `Set apiVersion to ${joinApiVersion(crd.group, served[0].version)}.` : `Serve version ${crd.version} in ${crd.crdName}.`,
      }];
    }
    if (!crd.schema) {
      return [{
        path: [],
        severity: 'info',
        message: `not schema-checked: CustomResourceDefinition ${crd.crdName} gives no schema for ${label}`,
        remediation: `Give version ${crd.version} of ${crd.crdName} a schema.openAPIV3Schema.`,
      }];
    }
    const key = gvkKey(crd.group, crd.version, crd.kind);
    let validate = this.crdValidators.get(key);
    if (validate === undefined) {
      try {
        validate = catalogue.compile(crd.schema);
      } catch (error) {
        validate = error instanceof Error ? error : new Error(String(error));
      }
      this.crdValidators.set(key, validate);
    }
    if (validate instanceof Error) {
      return [{
        path: [],
        message: `cannot check ${label}: the schema in CustomResourceDefinition ${crd.crdName} does not compile (${validate.message.split('\n')[0]})`,
        remediation: `Fix spec.versions[].schema.openAPIV3Schema of ${crd.crdName}.`,
      }];
    }
    return this.run(validate, object, crd.openAPIV3Schema);
  }
}
