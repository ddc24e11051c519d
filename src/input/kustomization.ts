import { load } from 'js-yaml';
import { isObject } from '../policy/json';

/*
 * kustomization.yaml files: what kubectl apply -k, Argo CD and Flux build from a folder. A kustomization that
 * only lists local resources inside its own folder builds exactly those files, so they are judged as files; any
 * other (patches, images, namespace, name prefixes, generators, components, resources outside the folder) changes
 * what the cluster receives and must be rendered first. A kustomization that would download anything (a remote
 * resource, a Helm chart) is refused: this tool never reaches the network.
 */

/** The file names kustomize looks for in a folder. */
export const KUSTOMIZATION_FILES = ['kustomization.yaml', 'kustomization.yml', 'Kustomization'] as const;

/** What a kustomization file says about how to judge its folder. */
export type KustomizationPlan =
  /** Only local resources inside the folder: judge the files themselves. */
  | { readonly kind: 'files'; readonly references: readonly string[] }
  /** Transforms or reaches outside: render it (`kubectl kustomize DIR`) and judge the output. */
  | { readonly kind: 'render'; readonly fields: readonly string[]; readonly references: readonly string[] }
  /** Cannot be rendered offline, or is not a kustomization: the reason. */
  | { readonly kind: 'refuse'; readonly reason: string };

/** A reference kustomize would fetch over the network: a URL, a git repository or an scp-like address. */
export function isRemoteReference(ref: string): boolean {
  return /^[a-z][a-z0-9+.-]*:\/\//i.test(ref) || /^git@|^[^/\s]+\.[a-z]{2,}\/[^\s]*\.git\b|\?ref=|\/\/\?|^(github|gitlab|bitbucket)\.(com|org)\//i.test(ref);
}

/** Fields whose values name other files or folders (and so could reach the network). */
const REFERENCE_FIELDS = ['resources', 'bases', 'components', 'crds', 'configurations', 'generators', 'transformers', 'validators'];

/** Fields that make kustomize download or run something, whatever their value. */
const NETWORK_FIELDS = ['helmCharts', 'helmChartInflationGenerator', 'helmGlobals'];

/**
 * Decides how to judge the folder of a kustomization file from its text. `inside(ref)` tells whether a local
 * reference stays inside the folder.
 */
export function planKustomization(text: string, inside: (ref: string) => boolean): KustomizationPlan {
  let doc: unknown;
  try {
    doc = load(text);
  } catch (error) {
    return { kind: 'refuse', reason: `is not valid YAML (${(error as Error).message.split('\n')[0]})` };
  }
  if (doc === null || doc === undefined) {
    return { kind: 'files', references: [] };
  }
  if (!isObject(doc)) {
    return { kind: 'refuse', reason: 'is not a kustomization (it holds no mapping)' };
  }
  for (const field of NETWORK_FIELDS) {
    if (field in doc) {
      return { kind: 'refuse', reason: `uses ${field}, which downloads charts; render it yourself` };
    }
  }
  for (const field of REFERENCE_FIELDS) {
    const refs = doc[field];
    for (const ref of Array.isArray(refs) ? refs : []) {
      if (typeof ref === 'string' && isRemoteReference(ref)) {
        return { kind: 'refuse', reason: `${field} names the remote ${JSON.stringify(ref)}, which cdk8s-hardened never downloads` };
      }
    }
  }
  const fields = Object.keys(doc).filter((k) => k !== 'apiVersion' && k !== 'kind' && k !== 'resources');
  const resources = Array.isArray(doc.resources) ? doc.resources : [];
  const outside = resources.filter((r) => typeof r !== 'string' || !inside(r));
  const references = ['resources', 'bases', 'components'].flatMap((f) => (Array.isArray(doc[f]) ? (doc[f] as unknown[]) : []))
    .filter((r): r is string => typeof r === 'string');
  if (fields.length === 0 && outside.length === 0) {
    return { kind: 'files', references };
  }
  return { kind: 'render', fields: outside.length ? [...fields, 'resources outside the folder'] : fields, references };
}
