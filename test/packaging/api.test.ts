/**
 * The API report: every name each entry point exports, with its kind (class, interface, type, function, const), as
 * the TypeScript compiler sees the sources. An accidental export (an internal helper re-exported through a `*`), a
 * removal or a change of kind fails here; change the public API on purpose by updating this list (and the docs).
 * The compiled package's runtime exports are checked against the same list.
 */
import { join } from 'path';
import { apiReport } from './api-report';

const ROOT = join(__dirname, '..', '..');

const EXPECTED: Record<string, string[]> = {
  'src/index.ts': [
    'ALL_RULES: const', 'AcceptedRisk: interface', 'AdmissionObject: interface', 'AdmissionOptions: interface',
    'AdmissionSupport: type', 'AdmissionYamlOptions: interface', 'AllowTrafficProps: interface',
    'AuditReportFormat: type', 'CONFIG_FILE: const', 'CONTAINER_LISTS: const', 'CarriedControl: interface',
    'CdkHardenedValidation: class', 'CdkHardenedValidationProps: interface', 'CheckedObject: interface',
    'ClusterAuditCronJob: class', 'ClusterAuditCronJobProps: interface', 'ConfigError: class', 'ContainerList: type',
    'ContainerPortProps: interface', 'ContainerResources: interface', 'ContainerView: interface', 'CrdError: class',
    'DEFAULT_FLUENTD_CONFIG: const', 'DEFAULT_LOG_PATHS: const', 'DEFAULT_RUN_AS_ID: const',
    'DefaultDenyNetwork: class', 'DefaultDenyNetworkProps: interface', 'EgressAllowProps: interface',
    'EnvValue: type', 'EvaluateOptions: interface', 'Evaluation: interface', 'ExecProbe: interface',
    'Exemption: interface', 'FieldVerdict: interface', 'Finding: interface', 'GENERATED_HEADER: const',
    'GitOpsFolder: interface', 'GitOpsGroup: interface', 'GitOpsInput: type', 'GitOpsLayout: type',
    'GitOpsOptions: interface', 'GitOpsResult: interface', 'GitOpsTree: interface', 'GrpcProbe: interface',
    'HardenOptions: interface', 'HardenedAdmission: class', 'HardenedAdmissionProps: type', 'HardenedApp: class',
    'HardenedAppProps: interface', 'HardenedConfig: interface', 'HardenedWorkload: class', 'HardeningError: class',
    'HttpGetProbe: interface', 'INVALID_OBJECT_RULE_ID: const', 'IngressAllowProps: interface', 'InputError: class',
    'JunitOptions: interface', 'KUBERNETES_VERSION: const', 'KubernetesMinorVersion: type',
    'LIMITATION_ANNOTATION: const', 'LOG_COLLECTOR_REASONS: const', 'Labels: type', 'LeastPrivilegeRole: class',
    'LeastPrivilegeRoleProps: interface', 'LoadedConfig: interface', 'LockedDownNamespace: class',
    'LockedDownNamespaceProps: interface', 'LongRunningContainerProps: interface', 'MANAGED_BY_LABEL: const',
    'MIN_REASON_LENGTH: const', 'Manifest: interface', 'MigrateOptions: interface', 'MigratedPodSecurity: interface',
    'NAMESPACE_NAME_LABEL: const', 'NAME_LABEL: const', 'NamespaceLimitRangeProps: interface',
    'NamespaceQuotaProps: interface', 'NetworkPeer: interface', 'NetworkPortProps: interface',
    'NetworkProtocol: type', 'NodeLogCollector: class', 'NodeLogCollectorProps: interface', 'NotCarried: interface',
    'NotExpressibleRule: interface', 'NotKubernetesError: class', 'ObjectMetaProps: interface',
    'ObjectRef: interface', 'Origin: interface', 'OutputError: class', 'POD_KINDS: const', 'PROFILES: const',
    'PSA_POLICY_VERSION: const', 'PSP_FIELD_MAPPING: const', 'PSP_NAMESPACE_LABEL: const', 'PSS_LEVELS: const',
    'Path: type', 'PluginViolatingResource: interface', 'PluginViolation: interface', 'PodExceptions: interface',
    'PodIdentity: interface', 'PodSecurityException: interface', 'PodView: interface', 'ProbeTiming: interface',
    'Profile: type', 'PspFieldMapping: interface', 'PspMigration: interface', 'PssLevel: type', 'RBAC_RISKS: const',
    'RULE_ANNOTATION: const', 'RbacRisk: type', 'RbacRiskFinding: interface', 'RbacVerb: type',
    'ReaderNote: interface', 'Report: interface', 'ResourceQuantities: interface', 'RoleRule: interface',
    'RoleSubject: type', 'Rule: type', 'RuleContext: interface', 'RuleMeta: interface', 'SCHEMA_RULE: const',
    'SCHEMA_RULE_ID: const', 'SEVERITY_ANNOTATION: const', 'SUPPRESSION_ANNOTATION_PREFIX: const',
    'SYNC_WAVE_ANNOTATION: const', 'SarifOptions: interface', 'SchemaRuleOptions: type',
    'SecureContainerProps: interface', 'SecureCronJob: class', 'SecureCronJobProps: interface',
    'SecureDeployment: class', 'SecureDeploymentProps: interface', 'SecureInitContainerProps: type',
    'SecureJob: class', 'SecureJobOptions: interface', 'SecureJobProps: interface', 'SecurePod: class',
    'SecurePodProps: interface', 'SecurePodTemplateProps: interface', 'SecureProbe: type', 'SecureStatefulSet: class',
    'SecureStatefulSetProps: interface', 'SecureVolume: type', 'ServiceAccountOptions: interface',
    'ServiceAccountTokenProps: interface', 'ServicePortProps: interface', 'SetViolation: interface', 'Severity: type',
    'Summary: interface', 'Suppression: interface', 'SuppressionInForce: interface', 'SuppressionPolicy: interface',
    'SynthGuard: class', 'SynthReport: interface', 'Target: interface', 'TcpSocketProbe: interface',
    'TextOptions: interface', 'TrafficEnd: interface', 'UNJUDGEABLE_POD_RULE_ID: const', 'UnknownProfileError: class',
    'VALIDATION_ACTIONS: const', 'ValidationAction: type', 'ValidationContextLike: interface', 'Violation: interface',
    'VolumeClaimTemplateProps: interface', 'VolumeMountProps: interface', 'WorkloadMetricsProps: interface',
    'WorkloadServiceProps: interface', 'WorkloadShape: interface', 'WritablePath: interface',
    'admissionSupport: function', 'apiGroup: function', 'checkedObjects: function', 'createSchemaRule: function',
    'evaluate: function', 'evaluateRun: function', 'findRule: function', 'formatAdmissionYaml: function',
    'formatFindingLine: function', 'formatJson: function', 'formatJunit: function', 'formatPath: function',
    'formatSarif: function', 'formatText: function', 'generateAdmissionPolicies: function', 'hardenApp: function',
    'isFailing: function', 'isProfile: function', 'loadConfig: function', 'migratePsp: function',
    'notExpressibleRules: function', 'parseConfig: function', 'parseManifests: function', 'planGitOpsTree: function',
    'podSecurityLabels: function', 'podViews: function', 'pspCheckRules: function', 'pspObjects: function',
    'rbacRisks: function', 'rulesForProfile: function', 'summarize: function', 'suppressionAnnotation: function',
    'syncWave: function', 'writeGitOpsTree: function',
  ],
  'src/plugin/index.ts': [
    'CONSTRUCT_METADATA_FILE: const', 'CdkHardenedValidation: class', 'CdkHardenedValidationProps: interface',
    'PluginPropertiesError: class', 'PluginViolatingResource: interface', 'PluginViolation: interface',
    'ValidationContextLike: interface',
  ],
  'src/projen/index.ts': [
    'HardenedSynth: class', 'HardenedSynthOptions: interface',
  ],
};

test('each entry point exports exactly the documented API (names and kinds)', () => {
  const report = apiReport(Object.keys(EXPECTED).map((f) => join(ROOT, f)));
  const byFile = Object.fromEntries(Object.entries(report).map(([file, lines]) => [file.slice(ROOT.length + 1), lines]));
  expect(byFile).toEqual(EXPECTED);
}, 60_000);

test('internal helpers are not exported from the main entry', () => {
  const names = EXPECTED['src/index.ts'].map((l) => l.split(':')[0]);
  for (const internal of ['slug', 'looksLikeNonString', 'toYaml', 'decodeManifestBytes', 'toTarget', 'hardenedPodSpec', 'checkImage',
    'configuredRules', 'replaceDirAtomically', 'formatRulesMarkdown', 'ADMISSION_CATALOGUE', 'SchemaValidator', 'HardenedSynth']) {
    expect(names).not.toContain(internal);
  }
});

test('the runtime values of the main entry are exactly the exported classes, functions and constants', () => {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const runtime = Object.keys(require('../../src') as object).sort();
  const values = EXPECTED['src/index.ts'].filter((l) => /: (class|function|const|enum)$/.test(l)).map((l) => l.split(':')[0]).sort();
  expect(runtime).toEqual(values);
});
