/** Rules -> ValidatingAdmissionPolicy manifests: the public API of `src/admission`. */
export {
  AdmissionObject, AdmissionOptions, AdmissionSupport, KubernetesMinorVersion, NotExpressibleRule, ValidationAction,
  VALIDATION_ACTIONS, MANAGED_BY_LABEL, RULE_ANNOTATION, SEVERITY_ANNOTATION, LIMITATION_ANNOTATION, admissionApiVersion, admissionMessage, admissionSupport,
  generateAdmissionPolicies, notExpressibleRules,
} from './generate';
export { formatAdmissionYaml, AdmissionYamlOptions } from './format';
export { HardenedAdmission, HardenedAdmissionProps } from './construct';
export { ADMISSION_CATALOGUE, AdmissionEntry, CelEntry, NotExpressibleEntry } from './catalogue';
export { TARGETS as ADMISSION_TARGETS, AdmissionTarget, TargetName } from './targets';
