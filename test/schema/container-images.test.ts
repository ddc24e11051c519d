import { messages, VALID, variant } from './helpers';

/**
 * Found by the cluster suite (npm run test:cluster): kube-apiserver 1.28 refused a Pod whose container had no image
 * (`spec.containers[0].image: Required value`) while our schema passed it, because the OpenAPI definitions leave
 * `image` optional. The server requires an image in every pod spec, and refuses surrounding whitespace in Pods only.
 */
describe('schema: container images as the API server requires them', () => {
  test.each([
    ['Pod', 'containers', variant(VALID.Pod, (o) => { delete o.spec.containers[0].image; }), 'missing required field spec.containers[0].image'],
    ['Pod', 'empty', variant(VALID.Pod, (o) => { o.spec.containers[0].image = ''; }), 'missing required field spec.containers[0].image'],
    ['Pod', 'null', variant(VALID.Pod, (o) => { o.spec.containers[0].image = null; }), 'missing required field spec.containers[0].image'],
    ['Pod', 'initContainers', variant(VALID.Pod, (o) => { o.spec.initContainers = [{ name: 'init' }]; }), 'missing required field spec.initContainers[0].image'],
    ['Pod', 'ephemeralContainers', variant(VALID.Pod, (o) => { o.spec.ephemeralContainers = [{ name: 'debug' }]; }),
      'missing required field spec.ephemeralContainers[0].image'],
    ['Deployment', 'template', variant(VALID.Deployment, (o) => { delete o.spec.template.spec.containers[0].image; }),
      'missing required field spec.template.spec.containers[0].image'],
    ['CronJob', 'template', variant(VALID.CronJob, (o) => { o.spec.jobTemplate.spec.template.spec.containers[0].image = ''; }),
      'missing required field spec.jobTemplate.spec.template.spec.containers[0].image'],
    ['Pod', 'whitespace', variant(VALID.Pod, (o) => { o.spec.containers[0].image = ' nginx:1.27'; }),
      'spec.containers[0].image has leading or trailing whitespace: " nginx:1.27"'],
  ])('%s without a usable image (%s) is refused', (_kind, _case, object, message) => {
    expect(messages(object)).toEqual([message]);
  });

  test('a pod template may keep a whitespace placeholder image, as the API server allows', () => {
    expect(messages(variant(VALID.Deployment, (o) => { o.spec.template.spec.containers[0].image = ' '; }))).toEqual([]);
  });

  test('a wrongly typed image is reported once, as a type error', () => {
    expect(messages(variant(VALID.Pod, (o) => { o.spec.containers[0].image = 7; }))).toEqual(['spec.containers[0].image must be a string, not the number 7']);
  });
});
