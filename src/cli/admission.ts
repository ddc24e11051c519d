// From the modules, not the package index: the index also exports the HardenedAdmission construct, which would load
// cdk8s into every CLI start-up.
import { formatAdmissionYaml } from '../admission/format';
import { generateAdmissionPolicies, notExpressibleRules, VALIDATION_ACTIONS, ValidationAction } from '../admission/generate';
import { configuredRules } from '../config/config';
import { LoadedConfig } from '../config/config-file';
import { rulesForProfile } from '../catalogue';
import { Profile } from '../policy/rule';
import { KUBERNETES_VERSION } from '../version';
import { CliIo, EXIT_OK, UsageError, writeFileAtomically } from './common';

export interface AdmissionCommandOptions {
  /** @default the configuration's profile, else 'hardened' */
  readonly profile?: Profile;
  readonly kubernetesVersion: string;
  readonly validationActions: string;
  readonly excludeNamespaces: string;
  readonly output?: string;
  /** The configuration: its profile, rules (include/exclude, severity) and exemptions shape the policies. */
  readonly config?: LoadedConfig;
}

/**
 * `cdk8s-hardened admission`: prints ValidatingAdmissionPolicy + binding manifests for the rules of a profile,
 * with a header that lists the rules no admission policy can enforce (and why).
 */
export function runAdmission(options: AdmissionCommandOptions, io: Pick<CliIo, 'stdout' | 'stderr'>): number {
  const actions = options.validationActions.split(',').map((a) => a.trim()).filter((a) => a !== '');
  const unknown = actions.filter((a) => !(VALIDATION_ACTIONS as readonly string[]).includes(a));
  if (unknown.length > 0 || actions.length === 0) {
    throw new UsageError(`--validation-actions takes a comma-separated list of ${VALIDATION_ACTIONS.join(', ')} (got "${options.validationActions}")`);
  }
  const config = options.config?.config;
  const profile: Profile = options.profile ?? config?.profile ?? 'hardened';
  if (profile === 'schema') {
    throw new UsageError(`${config?.file ?? 'the configuration'}: profile schema has no admission policies (the schema cannot be enforced per object); give --profile`);
  }
  const rules = configuredRules(config, rulesForProfile(profile));
  let objects;
  try {
    objects = generateAdmissionPolicies({
      profile,
      rules,
      exemptions: config?.exemptions ?? [],
      failOn: config?.failOn ?? 'error',
      kubernetesVersion: options.kubernetesVersion,
      validationActions: actions as ValidationAction[],
      excludedNamespaces: options.excludeNamespaces.split(',').map((n) => n.trim()).filter((n) => n !== ''),
    });
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
  const ids = new Set(rules.map((r) => r.id));
  const text = formatAdmissionYaml(objects, notExpressibleRules(profile).filter((r) => ids.has(r.ruleId)), { profile });
  if (options.output) {
    writeFileAtomically(options.output, text);
    io.stderr(`cdk8s-hardened: wrote ${objects.length} objects to ${options.output}\n`);
  } else {
    io.stdout(text);
  }
  return EXIT_OK;
}

export const DEFAULT_ADMISSION_VERSION = KUBERNETES_VERSION;
