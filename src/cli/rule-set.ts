import { configuredRules } from '../config/config';
import { HardenedConfig } from '../config/config';
import { rulesForProfile } from '../catalogue';
import { Manifest, Profile, Rule } from '../policy/rule';
import { createSchemaRule, SCHEMA_RULE_ID } from '../schema';

/**
 * The rules `check` runs: the profile's, the schema rule knowing the `--crd` CustomResourceDefinitions (a CRD that
 * cannot be used throws CrdError), then the configuration's selection and severities. The worker threads of a
 * large check build theirs with this too, from the same data, so every thread judges with the same rules. The
 * `--psp` PodSecurityPolicies add the psp-* rules migrate-psp derives from them (checked by the caller already).
 */
export function checkRules(profile: Profile, config: HardenedConfig | undefined, crds: readonly unknown[], psps: readonly Manifest[] = []): Rule[] {
  let rules = rulesForProfile(profile);
  if (crds.length > 0) {
    const schemaRule = createSchemaRule({ crds });
    rules = rules.map((rule) => (rule.id === SCHEMA_RULE_ID ? schemaRule : rule));
  }
  const selected = configuredRules(config, rules);
  // A carried control that the profile already runs (a pss-* rule of a stricter level) runs once.
  const ids = new Set(selected.map((r) => r.id));
  return [...selected, ...pspRules(psps).filter((r) => !ids.has(r.id))];
}

function pspRules(psps: readonly Manifest[]): Rule[] {
  if (psps.length === 0) {
    return [];
  }
  // Loaded on demand: most runs give no PSP.
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { migratePsp, pspCheckRules } = require('../migrate/psp') as typeof import('../migrate/psp');
  return pspCheckRules(psps.map((m) => migratePsp(m)));
}
