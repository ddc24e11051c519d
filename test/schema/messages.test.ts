import type { ErrorObject } from 'ajv';
import { isKubernetesGroup, splitApiVersion, suggestApiVersion, versionRank } from '../../src/schema/api-groups';
import { collapseJunctors, describeValue, explain, pointerToPath } from '../../src/schema/messages';

const error = (keyword: string, instancePath: string, schemaPath: string, params: Record<string, unknown> = {}, extra: Partial<ErrorObject> = {}): ErrorObject =>
  ({ keyword, instancePath, schemaPath, params, ...extra });

describe('messages', () => {
  test('JSON pointers become paths with numeric indices only where the data has lists', () => {
    const data = { metadata: { annotations: { 'a/b': 'x' } }, spec: { containers: [{ name: 'c' }] }, map: { 0: 'zero' } };
    expect(pointerToPath('/metadata/annotations/a~1b', data)).toEqual(['metadata', 'annotations', 'a/b']);
    expect(pointerToPath('/spec/containers/0/name', data)).toEqual(['spec', 'containers', 0, 'name']);
    expect(pointerToPath('/map/0', data)).toEqual(['map', '0']);
    expect(pointerToPath('', data)).toEqual([]);
  });

  test('values are shown with their type', () => {
    expect(describeValue('three')).toBe('the string "three"');
    expect(describeValue(1.5)).toBe('the number 1.5');
    expect(describeValue(false)).toBe('the boolean false');
    expect(describeValue(null)).toBe('null');
    expect(describeValue([])).toBe('a list');
    expect(describeValue({})).toBe('an object');
    expect(describeValue('x'.repeat(100))).toMatch(/^the string "x{57}\.\.\."$/);
  });

  test('an anyOf whose branches all fail on type becomes one type error naming every type', () => {
    const errors = [
      error('type', '/a', '#/properties/a/anyOf/0/type', { type: 'integer' }, { schema: 'integer' }),
      error('type', '/a', '#/properties/a/anyOf/1/type', { type: 'string' }, { schema: 'string' }),
      error('anyOf', '/a', '#/properties/a/anyOf', {}, { schema: [{}, {}], data: true }),
    ];
    const collapsed = collapseJunctors(errors);
    expect(collapsed).toHaveLength(1);
    expect(explain(errors, { a: true }).map((v) => v.message)).toEqual(['a must be an integer or a string, not the boolean true']);
  });

  test('otherwise the branch whose type matched is shown', () => {
    const errors = [
      error('type', '/a', '#/properties/a/oneOf/0/type', { type: 'string' }, { schema: 'string' }),
      error('additionalProperties', '/a', '#/properties/a/oneOf/1/additionalProperties', { additionalProperty: 'nmae' }, { parentSchema: { properties: { name: {} } } }),
      error('oneOf', '/a', '#/properties/a/oneOf', { passingSchemas: null }, { schema: [{}, {}] }),
    ];
    expect(explain(errors, { a: { nmae: 'x' } }).map((v) => v.message)).toEqual(['unknown field a.nmae (did you mean name?)']);
  });

  test('a junctor without branch errors falls back to a plain message', () => {
    const errors = [error('anyOf', '/a', '#/properties/a/anyOf', {}, { schema: [{}, {}] })];
    expect(explain(errors, { a: 1 }).map((v) => v.message)).toEqual(['a does not match its schema (anyOf)']);
  });

  test('errors at the object root name "the object"', () => {
    expect(explain([error('type', '', '#/type', { type: 'object' }, { schema: 'object', data: [] })], []).map((v) => v.message))
      .toEqual(['the object must be an object, not a list']);
  });
});

describe('API groups', () => {
  test('apiVersion splits into group and version', () => {
    expect(splitApiVersion('v1')).toEqual({ group: '', version: 'v1' });
    expect(splitApiVersion('apps/v1')).toEqual({ group: 'apps', version: 'v1' });
    expect(splitApiVersion('a/b/c')).toBeUndefined();
    expect(splitApiVersion('/v1')).toBeUndefined();
    expect(splitApiVersion('')).toBeUndefined();
  });

  test('Kubernetes groups: core, plain built-in names, served groups and retired ones; other *.k8s.io groups are custom', () => {
    const served = new Set(['apps', 'storage.k8s.io', 'flowcontrol.apiserver.k8s.io']);
    for (const g of ['', 'apps', 'batch', 'policy', 'autoscaling', 'extensions', 'storage.k8s.io', 'settings.k8s.io', 'flowcontrol.apiserver.k8s.io']) {
      expect([g, isKubernetesGroup(g, served)]).toEqual([g, true]);
    }
    for (const g of ['monitoring.coreos.com', 'cert-manager.io', 'cluster.x-k8s.io', 'gateway.networking.k8s.io', 'snapshot.storage.k8s.io', 'k8s.io.example.com',
      'autoscaling.k8s.io', 'externaldns.k8s.io', 'metrics.k8s.io', 'kustomize.config.k8s.io', 'networking.k8s.io.example.com']) {
      expect([g, isKubernetesGroup(g, served)]).toEqual([g, false]);
    }
  });

  test('versions rank GA > beta > alpha, then by number', () => {
    const sorted = ['v1alpha1', 'v2beta1', 'v1', 'v1beta2', 'v2', 'v1beta1', 'vNext'].sort((a, b) => versionRank(b) - versionRank(a));
    expect(sorted).toEqual(['v2', 'v1', 'v2beta1', 'v1beta2', 'v1beta1', 'v1alpha1', 'vNext']);
  });

  test('the suggested apiVersion prefers the same group, then the most stable version', () => {
    const served = [
      { group: 'autoscaling', version: 'v1', kind: 'HorizontalPodAutoscaler' },
      { group: 'autoscaling', version: 'v2', kind: 'HorizontalPodAutoscaler' },
      { group: 'networking.k8s.io', version: 'v1', kind: 'Ingress' },
    ];
    expect(suggestApiVersion('autoscaling', 'HorizontalPodAutoscaler', served)).toBe('autoscaling/v2');
    expect(suggestApiVersion('extensions', 'Ingress', served)).toBe('networking.k8s.io/v1');
    expect(suggestApiVersion('policy', 'PodSecurityPolicy', served)).toBeUndefined();
  });
});
