/**
 * The vendored Kubernetes 1.28 API definitions (see data/kubernetes-1.28/README.md), as a JSON module so `tsc`
 * copies the file next to the compiled code. Loaded lazily by `catalogue.ts`; import nothing else from here.
 */
import definitions from './data/kubernetes-1.28/_definitions.json';

/** The parsed `_definitions.json`: `{ definitions: { [name]: OpenAPI v2 schema } }`. */
export const RAW_DEFINITIONS: unknown = definitions;
