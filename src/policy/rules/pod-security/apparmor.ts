import { everyPod, or, str, unsetOr } from '../cel';
import { podRule } from '../../define';
import { objectField, show } from '../../json';

/** The annotation prefix of per-container AppArmor profiles (Kubernetes 1.28; the field arrives in 1.30). */
export const APPARMOR_ANNOTATION_PREFIX = 'container.apparmor.security.beta.kubernetes.io/';

/** A YAML value left empty (`key:`) is null, which the API server decodes as "" for a string map. */
function allowed(profile: unknown): boolean {
  return profile === null || (typeof profile === 'string'
    && (profile === '' || profile === 'runtime/default' || profile.startsWith('localhost/')));
}

/** PSS baseline "AppArmor" (PSA check appArmorProfile). */
export const apparmor = podRule({
  id: 'pss-baseline-apparmor',
  title: 'AppArmor may not be disabled or overridden',
  severity: 'error',
  profiles: ['pss-baseline', 'pss-restricted', 'hardened'],
  description: 'An AppArmor profile of "unconfined" (or any profile other than the runtime default or one loaded on '
    + 'the node) removes mandatory access control from the container. Pod Security Standards (baseline) allow the '
    + 'pod annotations container.apparmor.security.beta.kubernetes.io/<container> to be only runtime/default, '
    + 'localhost/<profile> or empty.',
  remediation: 'Set each annotation container.apparmor.security.beta.kubernetes.io/<container> to runtime/default (or localhost/<profile>), or remove it.',
  docsUrl: 'https://kubernetes.io/docs/concepts/security/pod-security-standards/#baseline',
  admission: {
    target: 'pods',
    get expression() {
      return everyPod((pod) => unsetOr(pod, ['metadata', 'annotations'], (a) => `${a}.all(key, ${or(
        `!key.startsWith(${str(APPARMOR_ANNOTATION_PREFIX)})`,
        `${a}[key] == ''`,
        `${a}[key] == 'runtime/default'`,
        `${a}[key].startsWith('localhost/')`,
      )})`));
    },
  },
}, (pod) => Object.entries(objectField(pod.metadata, 'annotations') ?? {})
  .filter(([key, value]) => key.startsWith(APPARMOR_ANNOTATION_PREFIX) && !allowed(value))
  .map(([key, value]) => ({
    path: [...pod.metadataPath, 'annotations', key],
    message: `container "${key.slice(APPARMOR_ANNOTATION_PREFIX.length)}" has AppArmor profile ${show(value)}`,
  })));
