import { join } from 'path';
import { evaluate } from '../../src/catalogue';
import { imageMatches, normalizeImage } from '../../src/policy/rules/container/images';
import { readFixtureCase } from '../support/fixtures';

const FIXTURES = join(__dirname, '..', 'fixtures', 'rules', 'image-user-matches-pod');

describe('image names: the mapping from a Dockerfile to the pods that run its image', () => {
  test.each([
    ['nginx', 'docker.io/library/nginx'], ['library/nginx:1.25', 'docker.io/library/nginx'], ['index.docker.io/team/app', 'docker.io/team/app'],
    ['team/app@sha256:abc', 'docker.io/team/app'], ['ghcr.io/example/api:1.4.2', 'ghcr.io/example/api'], ['localhost/app', 'localhost/app'],
    ['registry:5000/app:1', 'registry:5000/app'],
  ])('%s is %s', (image, repository) => {
    expect(normalizeImage(image).repository).toBe(repository);
  });

  test('an untagged name matches every tag and digest of its repository; a tagged one only that tag', () => {
    expect(imageMatches('ghcr.io/example/api', 'ghcr.io/example/api:1.4.2')).toBe(true);
    expect(imageMatches('ghcr.io/example/api', 'ghcr.io/example/api@sha256:0c2f')).toBe(true);
    expect(imageMatches('nginx', 'docker.io/library/nginx:1.25.3')).toBe(true);
    expect(imageMatches('ghcr.io/example/api:1.4.2', 'ghcr.io/example/api:1.4.3')).toBe(false);
    expect(imageMatches('ghcr.io/example/api', 'ghcr.io/example/api-worker:1')).toBe(false);
  });
});

describe('image-user-matches-pod', () => {
  const verdict = (name: string) => {
    const fixture = readFixtureCase(join(FIXTURES, name));
    return evaluate(fixture.manifests, 'container').filter((f) => f.ruleId === 'image-user-matches-pod')
      .map((f) => `${f.file}:${f.line} ${f.severity} ${f.message}`);
  };

  test('the guide\'s UIDs (image 1001, pod 1000) disagree: a warning at the pod\'s runAsUser', () => {
    expect(verdict('fail.guide-uids')).toEqual([
      'deployment.yaml:11 warning container "api" runs image "ghcr.io/example/api:1.4.2" as runAsUser 1000, but Dockerfile (USER 1001 at line 5) built it for UID 1001',
    ]);
  });

  test('a root USER under a pod without runAsUser is an error at the container\'s image', () => {
    expect(verdict('fail.root-image')).toEqual([
      'deployment.yaml:14 error container "api" runs image "ghcr.io/example/api:1.4.2" as root: Dockerfile (USER root at line 5) is root and the pod sets no runAsUser',
    ]);
  });

  test('a user name under runAsNonRoot without runAsUser is refused by the kubelet: an error', () => {
    expect(verdict('fail.name-under-run-as-non-root')).toEqual([
      'deployment.yaml:14 error container "api" sets runAsNonRoot but no runAsUser, and Dockerfile (USER app at line 5) is a name: the kubelet refuses to start it (image has non-numeric user)',
    ]);
  });

  test('agreeing users, and images no Dockerfile names, pass', () => {
    expect(verdict('pass.numeric-match')).toEqual([]);
    expect(verdict('pass.other-image')).toEqual([]);
  });
});
