/**
 * The vendored Kubernetes 1.28 API definitions (see data/kubernetes-1.28/README.md), as a JSON module so `tsc`
 * copies the file next to the compiled code. Loaded lazily by `catalogue.ts`; import nothing else from here.
 */
import definitions from './data/kubernetes-1.28/_definitions.json';
import enums from './data/kubernetes-1.28/enums.json';
import laterFields from './data/kubernetes-1.28/later-fields.json';

/** The parsed `_definitions.json`: `{ definitions: { [name]: OpenAPI v2 schema } }`. */
export const RAW_DEFINITIONS: unknown = definitions;

/**
 * The enum values of typed string fields that the v1.28.0 API server serves (`enums.json`, extracted from Kubernetes'
 * generated OpenAPI definitions; see data/kubernetes-1.28/README.md): `{ definitions: { [name]: { [field]: patch } } }`.
 */
export const RAW_ENUMS: unknown = enums;

/**
 * The fields later releases added to the 1.28 definitions, with the release that has them first (`later-fields.json`):
 * `{ definitions: { [name]: { [field]: '1.29' } } }`, so an unknown field can say it is from a later release.
 */
export const RAW_LATER_FIELDS: unknown = laterFields;
