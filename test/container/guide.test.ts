import { readFileSync } from 'fs';
import { join } from 'path';
import { evaluate, rulesForProfile } from '../../src/catalogue';
import { CONTAINER_RULES } from '../../src/policy/rules/container';
import { readFixture } from '../support/fixtures';

/**
 * The guide's own image and runtime artefacts (copied from /work/shared/seed: lines 17-35, 84-100 and 109-120)
 * judged by the hardened profile. Each expected finding says why; the verdicts are pinned exactly, so a rule that
 * stops firing, or starts firing on something the guide got right, is a visible diff.
 */
const GUIDE = join(__dirname, '..', 'fixtures', 'container', 'guide');

function verdict(file: string): string[] {
  const text = readFileSync(join(GUIDE, file), 'utf8');
  return evaluate(readFixture(text, file), 'hardened').map((f) => `${f.line} ${f.severity} ${f.ruleId}`);
}

describe('the guide\'s artefacts', () => {
  test('the "secure" Alpine Dockerfile (lines 17-35) fails: unpinned base, and packages installed after USER', () => {
    expect(verdict('alpine.Dockerfile')).toEqual([
      // FROM alpine:latest: the tag moves with every release.
      '2 error dockerfile-base-image-pinned',
      // USER appuser: a name, so a pod's runAsNonRoot cannot be verified by the kubelet.
      '6 warning dockerfile-non-root-user',
      // RUN apk add after USER appuser: appuser cannot write /lib/apk, so this build fails as written.
      '9 error dockerfile-install-after-user',
      // py3-pip (a package manager) stays in the image that runs.
      '9 warning dockerfile-no-dev-tools',
      // pip3 install without --no-cache-dir keeps its wheels in the layer (apk add --no-cache is right).
      '9 warning dockerfile-package-cache',
      // python3 and py3-pip have no version (flask==2.0.1 does).
      '9 warning dockerfile-package-pinning',
      // No HEALTHCHECK: a note; Kubernetes probes replace it.
      '2 info dockerfile-healthcheck',
    ]);
  });

  test('the Debian-slim Dockerfile (lines 84-100): a versioned base without digest, and apt-get after USER', () => {
    expect(verdict('debian.Dockerfile')).toEqual([
      // FROM debian:bullseye-slim: a version tag, but no digest.
      '2 warning dockerfile-base-image-pinned',
      '8 warning dockerfile-non-root-user',
      // RUN apt-get update/install after USER appuser: "are you root?"; the build fails.
      '12 error dockerfile-install-after-user',
      // python3-pip stays in the final image.
      '12 warning dockerfile-no-dev-tools',
      // Unpinned python3, python3-pip, ca-certificates. (--no-install-recommends and rm -rf /var/lib/apt/lists/* in the
      // same RUN are right: no dockerfile-package-cache finding.)
      '12 warning dockerfile-package-pinning',
      '2 info dockerfile-healthcheck',
    ]);
  });

  test('the daemon.json (lines 109-120) sets every key it names right, but not no-new-privileges', () => {
    expect(verdict('daemon.json')).toEqual(['1 error docker-daemon-no-new-privileges']);
  });

  test('only the container rules judge container inputs: the schema and Kubernetes rules see none of them', () => {
    for (const file of ['alpine.Dockerfile', 'debian.Dockerfile', 'daemon.json']) {
      const text = readFileSync(join(GUIDE, file), 'utf8');
      const ids = evaluate(readFixture(text, file), 'hardened').map((f) => f.ruleId);
      expect(ids.filter((id) => !CONTAINER_RULES.some((r) => r.id === id))).toEqual([]);
    }
  });

  test('the container profile holds exactly the container rules, and hardened includes them', () => {
    expect(rulesForProfile('container').map((r) => r.id)).toEqual(CONTAINER_RULES.map((r) => r.id));
    const hardened = rulesForProfile('hardened').map((r) => r.id);
    expect(CONTAINER_RULES.every((r) => hardened.includes(r.id))).toBe(true);
    // And the container profile judges no Kubernetes object.
    const pod = readFixture('apiVersion: v1\nkind: Pod\nmetadata: {name: a}\nspec:\n  containers: [{name: a, image: nginx, securityContext: {privileged: true}}]\n', 'pod.yaml');
    expect(evaluate(pod, 'container')).toEqual([]);
  });

  test('a Dockerfile comment suppresses a rule for that Dockerfile, with its reason', () => {
    const text = `# suppress.cdk8s-hardened.io/dockerfile-healthcheck: the Deployment's probes replace it\n${readFileSync(join(GUIDE, 'debian.Dockerfile'), 'utf8')}`;
    const found = evaluate(readFixture(text, 'Dockerfile'), 'container').find((f) => f.ruleId === 'dockerfile-healthcheck');
    expect(found).toMatchObject({ suppressed: true, suppressionReason: 'the Deployment\'s probes replace it' });
    const short = evaluate(readFixture('# suppress.cdk8s-hardened.io/dockerfile-healthcheck: ok\nFROM scratch\nUSER 1\n', 'Dockerfile'), 'container');
    expect(short.map((f) => f.ruleId)).toContain('suppression-invalid');
  });
});
