/** The cdk8s-cli validation plugin (`validations:` in cdk8s.yaml): the public API of `cdk8s-hardened/plugin`. */
export {
  CdkHardenedValidation, CdkHardenedValidationProps, CONSTRUCT_METADATA_FILE, PluginPropertiesError, PluginViolatingResource,
  PluginViolation, ValidationContextLike,
} from './validation';
