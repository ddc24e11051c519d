import { ApiObject, App, Chart, JsonPatch } from 'cdk8s';
import { Construct } from 'constructs';
import { configuredRules } from '../config/config';
import { rulesForProfile } from '../catalogue';
import { checkProfile } from '../policy/packs';
import { SynthGuard } from '../synth/hardened-app';
import { AdmissionObject, AdmissionOptions, generateAdmissionPolicies, NotExpressibleRule, notExpressibleRules } from './generate';

export type HardenedAdmissionProps = AdmissionOptions;

/**
 * The admission policies of a profile in a cdk8s chart: one ValidatingAdmissionPolicy and its binding per rule
 * that CEL can express, exactly the objects `generateAdmissionPolicies` returns (and the `admission` command
 * prints), so the cluster enforces the rules synth checks. The objects are cluster-scoped: a chart namespace is
 * not copied onto them. `notExpressible` lists the profile's rules that they do not enforce.
 */
export class HardenedAdmission extends Construct {
  /** The generated objects, one ApiObject each (policy, then its binding), in pack order. */
  readonly apiObjects: readonly ApiObject[];
  /** The rules of the profile that no policy enforces, with the reason. */
  readonly notExpressible: readonly NotExpressibleRule[];

  constructor(scope: Construct, id: string, props: HardenedAdmissionProps) {
    super(scope, id);
    checkProfile(props?.profile, `HardenedAdmission "${id}": props.profile`);
    // Inside a HardenedApp (or a hardenApp'd App) that read .cdk8s-hardened.yaml, the policies follow the same
    // configuration as synth: its rules and exemptions, unless the props give their own.
    const root = this.node.root;
    const config = root instanceof App ? SynthGuard.of(root)?.config : undefined;
    const rules = props.rules ?? (config ? configuredRules(config, rulesForProfile(props.profile)) : undefined);
    const options: AdmissionOptions = {
      ...props,
      ...(rules ? { rules } : {}),
      ...(props.exemptions === undefined && config?.exemptions ? { exemptions: config.exemptions } : {}),
    };
    const objects: AdmissionObject[] = generateAdmissionPolicies(options);
    const chartNamespace = Chart.of(this).namespace;
    this.apiObjects = objects.map((object) => {
      const { apiVersion, kind, metadata, ...body } = object;
      const apiObject = new ApiObject(this, `${kind}-${metadata.name}`, {
        apiVersion,
        kind,
        metadata: { name: metadata.name, labels: { ...metadata.labels }, annotations: { ...metadata.annotations } },
        ...JSON.parse(JSON.stringify(body)),
      });
      if (chartNamespace !== undefined) {
        apiObject.addJsonPatch(JsonPatch.remove('/metadata/namespace'));
      }
      return apiObject;
    });
    const ids = new Set((rules ?? rulesForProfile(props.profile)).map((r) => r.id));
    this.notExpressible = notExpressibleRules(props.profile).filter((r) => ids.has(r.ruleId));
  }
}
