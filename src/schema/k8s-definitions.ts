/**
 * The vendored Kubernetes 1.28 API definitions (see data/kubernetes-1.28/README.md), as a JSON module so `tsc`
 * copies the file next to the compiled code. Loaded lazily by `catalogue.ts`; import nothing else from here.
 */
import definitions from './data/kubernetes-1.28/_definitions.json';
import enums from './data/kubernetes-1.28/enums.json';

/** The parsed `_definitions.json`: `{ definitions: { [name]: OpenAPI v2 schema } }`. */
export const RAW_DEFINITIONS: unknown = definitions;

/**
 * The enum values of typed string fields that the v1.28.0 API server serves (`enums.json`, extracted from Kubernetes'
 * generated OpenAPI definitions; see data/kubernetes-1.28/README.md): `{ definitions: { [name]: { [field]: patch } } }`.
 */
export const RAW_ENUMS: unknown = enums;
