import { messages, VALID, variant } from './helpers';

/**
 * Found by the cluster suite (npm run test:cluster): kube-apiserver 1.28 refused a Pod whose container had no image
 * (`spec.containers[0].image: Required value`) and a Deployment with ephemeral containers in its template, while our
 * schema passed both, because the OpenAPI definitions allow them. The server requires an image in every pod spec,
 * refuses surrounding whitespace in Pods only, and refuses ephemeral containers in every pod template.
 */
describe('schema: pod specs as the API server validates them', () => {
  test.each([
    ['Pod', 'containers', variant(VALID.Pod, (o) => { delete o.spec.containers[0].image; }), 'missing required field spec.containers[0].image'],
    ['Pod', 'empty', variant(VALID.Pod, (o) => { o.spec.containers[0].image = ''; }), 'spec.containers[0].image must not be empty (the API server requires a value)'],
    ['Pod', 'null', variant(VALID.Pod, (o) => { o.spec.containers[0].image = null; }), 'missing required field spec.containers[0].image'],
    ['Pod', 'initContainers', variant(VALID.Pod, (o) => { o.spec.initContainers = [{ name: 'init' }]; }), 'missing required field spec.initContainers[0].image'],
    ['Pod', 'ephemeralContainers', variant(VALID.Pod, (o) => { o.spec.ephemeralContainers = [{ name: 'debug' }]; }),
      'missing required field spec.ephemeralContainers[0].image'],
    ['Pod', 'ephemeral empty', variant(VALID.Pod, (o) => { o.spec.ephemeralContainers = [{ name: 'debug', image: '' }]; }),
      'missing required field spec.ephemeralContainers[0].image'],
    ['Deployment', 'template', variant(VALID.Deployment, (o) => { delete o.spec.template.spec.containers[0].image; }),
      'missing required field spec.template.spec.containers[0].image'],
    ['CronJob', 'template', variant(VALID.CronJob, (o) => { o.spec.jobTemplate.spec.template.spec.containers[0].image = ''; }),
      'spec.jobTemplate.spec.template.spec.containers[0].image must not be empty (the API server requires a value)'],
    ['Pod', 'whitespace', variant(VALID.Pod, (o) => { o.spec.containers[0].image = ' nginx:1.27'; }),
      'spec.containers[0].image has leading or trailing whitespace: " nginx:1.27"'],
  ])('%s without a usable image (%s) is refused', (_kind, _case, object, message) => {
    expect(messages(object)).toEqual([message]);
  });

  test('a pod template may keep a whitespace placeholder image, as the API server allows', () => {
    expect(messages(variant(VALID.Deployment, (o) => { o.spec.template.spec.containers[0].image = ' '; }))).toEqual([]);
  });

  test.each([
    ['Deployment', variant(VALID.Deployment, (o) => { o.spec.template.spec.ephemeralContainers = [{ name: 'debug', image: 'busybox:1.36' }]; }),
      'spec.template.spec.ephemeralContainers is not allowed in a pod template'],
    ['CronJob', variant(VALID.CronJob, (o) => { o.spec.jobTemplate.spec.template.spec.ephemeralContainers = [{ name: 'debug', image: 'busybox:1.36' }]; }),
      'spec.jobTemplate.spec.template.spec.ephemeralContainers is not allowed in a pod template'],
  ])('%s with ephemeral containers in its pod template is refused', (_kind, object, message) => {
    expect(messages(object)).toEqual([message]);
  });

  test('a Pod may list ephemeral containers (a running pod read back), and an empty list is fine in a template', () => {
    expect(messages(variant(VALID.Pod, (o) => { o.spec.ephemeralContainers = [{ name: 'debug', image: 'busybox:1.36' }]; }))).toEqual([]);
    expect(messages(variant(VALID.Deployment, (o) => { o.spec.template.spec.ephemeralContainers = []; }))).toEqual([]);
  });

  test('a wrongly typed image is reported once, as a type error', () => {
    expect(messages(variant(VALID.Pod, (o) => { o.spec.containers[0].image = 7; }))).toEqual(['spec.containers[0].image must be a string, not the number 7']);
  });
});
