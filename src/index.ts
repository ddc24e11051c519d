/**
 * The public API of cdk8s-hardened: what README.md and docs/ document, and nothing else. Helpers the library uses
 * internally are imported from their modules; test/packaging/api.test.ts pins every name exported here, and its kind.
 * Subpaths: `cdk8s-hardened/plugin` (the cdk8s-cli validation plugin, also exported here, as cdk8s-cli loads a
 * package's main entry) and `cdk8s-hardened/projen` (the projen component; needs projen, so not exported here).
 */
export { KUBERNETES_VERSION, PSA_POLICY_VERSION } from './version';

// Constructs (README "Constructs").
export {
  DefaultDenyNetwork, DefaultDenyNetworkProps, AllowTrafficProps, EgressAllowProps, IngressAllowProps, NetworkPeer, NetworkPortProps,
  NetworkProtocol, TrafficEnd, NAMESPACE_NAME_LABEL,
} from './constructs/default-deny-network';
export {
  LockedDownNamespace, LockedDownNamespaceProps, NamespaceLimitRangeProps, NamespaceQuotaProps, podSecurityLabels,
  MigratedPodSecurity, PodSecurityException,
} from './constructs/locked-down-namespace';
export { NodeLogCollector, NodeLogCollectorProps, DEFAULT_FLUENTD_CONFIG, DEFAULT_LOG_PATHS, LOG_COLLECTOR_REASONS } from './constructs/node-log-collector';
export {
  LeastPrivilegeRole, LeastPrivilegeRoleProps, AcceptedRisk, RbacRisk, RbacRiskFinding, RbacVerb, RoleRule, RoleSubject, RBAC_RISKS, rbacRisks,
} from './constructs/least-privilege-role';
export { SecurePod, SecurePodProps } from './constructs/secure-pod';
export { ClusterAuditCronJob, ClusterAuditCronJobProps, AuditReportFormat } from './constructs/cluster-audit-cronjob';
export {
  SecureCronJob, SecureCronJobProps, SecureDeployment, SecureDeploymentProps, SecureJob, SecureJobOptions, SecureJobProps,
  SecureStatefulSet, SecureStatefulSetProps, ServicePortProps, VolumeClaimTemplateProps, WorkloadServiceProps, WorkloadMetricsProps,
} from './constructs/secure-workloads';
export { HardenedWorkload, WorkloadShape } from './constructs/pod-hardening';
export {
  ContainerPortProps, ContainerResources, EnvValue, ExecProbe, GrpcProbe, HttpGetProbe, LongRunningContainerProps, PodExceptions,
  PodIdentity, ProbeTiming, ResourceQuantities, SecureContainerProps, SecureInitContainerProps, SecurePodTemplateProps, SecureProbe,
  SecureVolume, ServiceAccountOptions, ServiceAccountTokenProps, TcpSocketProbe, VolumeMountProps, WritablePath,
} from './constructs/pod-props';
export { DEFAULT_RUN_AS_ID } from './constructs/pod-template';
export { HardeningError, Labels, ObjectMetaProps, NAME_LABEL } from './constructs/common';

// Validate on synth (README "Constructs": HardenedApp, hardenApp).
export { HardenedApp, HardenedAppProps, hardenApp, HardenOptions, SynthGuard, SynthReport, formatFindingLine } from './synth';

// The engine: rules, profiles, evaluation, suppressions (README "Profiles", docs/configuration.md, docs/severity.md).
export {
  Finding, Manifest, ObjectRef, Origin, Profile, PROFILES, isProfile, ReaderNote, Rule, RuleContext, RuleMeta, SetViolation, Severity,
  Target, Violation,
} from './policy/rule';
export { Path, formatPath } from './policy/path';
export { apiGroup, ContainerList, ContainerView, CONTAINER_LISTS, PodView, POD_KINDS, podViews } from './policy/pod-spec';
export { ALL_RULES, evaluate, evaluateRun, findRule, rulesForProfile } from './catalogue';
export { Evaluation, EvaluateOptions, isFailing, SuppressionInForce, INVALID_OBJECT_RULE_ID, UNJUDGEABLE_POD_RULE_ID } from './policy/engine';
export { Suppression, SuppressionPolicy, suppressionAnnotation, SUPPRESSION_ANNOTATION_PREFIX, MIN_REASON_LENGTH } from './policy/suppressions';
export { UnknownProfileError } from './policy/packs';
export { createSchemaRule, SCHEMA_RULE, SCHEMA_RULE_ID, SchemaRuleOptions, CrdError } from './schema';

// Reading manifests and the configuration (docs/reader.md, docs/configuration.md).
export { parseManifests, InputError, NotKubernetesError } from './input/parse';
export { CONFIG_FILE, ConfigError, Exemption, HardenedConfig, parseConfig } from './config/config';
export { loadConfig, LoadedConfig } from './config/config-file';

// Reports (README "check": text, json, sarif, junit).
export { Report, Summary, CheckedObject, summarize, checkedObjects } from './report/summary';
export { formatJson } from './report/json';
export { formatText, TextOptions } from './report/text';
export { formatSarif, SarifOptions } from './report/sarif';
export { formatJunit, JunitOptions } from './report/junit';

// Admission policies (README "admission").
export {
  AdmissionObject, AdmissionOptions, AdmissionSupport, KubernetesMinorVersion, NotExpressibleRule, ValidationAction, VALIDATION_ACTIONS,
  MANAGED_BY_LABEL, RULE_ANNOTATION, SEVERITY_ANNOTATION, LIMITATION_ANNOTATION, admissionSupport, generateAdmissionPolicies,
  notExpressibleRules, formatAdmissionYaml, AdmissionYamlOptions, HardenedAdmission, HardenedAdmissionProps,
} from './admission';

// The GitOps tree writer (docs/gitops.md).
export {
  GENERATED_HEADER, GitOpsFolder, GitOpsGroup, GitOpsInput, GitOpsLayout, GitOpsOptions, GitOpsResult, GitOpsTree, OutputError,
  planGitOpsTree, SYNC_WAVE_ANNOTATION, syncWave, writeGitOpsTree,
} from './output';

// The cdk8s-cli validation plugin (docs/plugin.md).
export { CdkHardenedValidation, CdkHardenedValidationProps, PluginViolatingResource, PluginViolation, ValidationContextLike } from './plugin';

// PodSecurityPolicy migration (docs/migrate-psp.md).
export { migratePsp, pspObjects, pspCheckRules, PspMigration, FieldVerdict, CarriedControl, NotCarried, MigrateOptions, PSP_NAMESPACE_LABEL } from './migrate/psp';
export { PSP_FIELD_MAPPING, PssLevel, PSS_LEVELS, PspFieldMapping } from './migrate/mapping';
