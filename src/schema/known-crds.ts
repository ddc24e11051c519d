/**
 * CustomResourceDefinitions the schema rule knows without being given them: the prometheus-operator ServiceMonitor
 * (see data/prometheus-operator/README.md), which the constructs' `metrics` option emits. `--crd` files and the CRDs
 * among the checked objects replace a known CRD of the same kind.
 */
import { CrdVersion, indexCrds } from './crd';
// A JSON module, so tsc copies the data into lib/ (42 kB; converted to schemas only on first use).
import serviceMonitors from './data/prometheus-operator/servicemonitors.json';

let index: ReadonlyMap<string, CrdVersion> | undefined;

/** The vendored CRDs as raw objects. */
export function knownCrds(): readonly unknown[] {
  return [serviceMonitors as unknown];
}

/** The versions of the vendored CRDs, by group/version/kind key (built once: the data never changes). */
export function knownCrdIndex(): ReadonlyMap<string, CrdVersion> {
  index ??= indexCrds(knownCrds());
  return index;
}
