import { InputError, NotKubernetesError, parseManifests, readYamlDocument } from '../../src/input/parse';

function errorOf(body: () => unknown): unknown {
  try {
    body();
  } catch (error) {
    return error;
  }
  return undefined;
}

describe('the reader tells "not Kubernetes objects" from broken manifests', () => {
  test.each([
    ['a Helm values file', 'replicaCount: 2\nimage: { tag: "1.0" }\n'],
    ['a Prometheus rules file', 'groups:\n  - name: a\n    rules: []\n'],
    ['package.json', '{"name": "shop", "version": "1.0.0"}\n'],
    ['a list document', '- a\n- b\n'],
    ['a scalar document', 'just text\n'],
    ['several documents, none an object', 'a: 1\n---\nb: 2\n'],
  ])('%s: NotKubernetesError', (_label, text) => {
    const error = errorOf(() => parseManifests(text, 'f.yaml'));
    expect(error).toBeInstanceOf(NotKubernetesError);
    expect((error as Error).message).toMatch(/^f\.yaml: document 1, line 1: not a Kubernetes object/);
  });

  test.each([
    ['an object with apiVersion but no kind', 'apiVersion: v1\nmetadata: { name: a }\n'],
    ['an object with a kind but no apiVersion', 'kind: Pod\nmetadata: { name: a }\n'],
    ['a Kubernetes object beside a values document', 'apiVersion: v1\nkind: ConfigMap\nmetadata: { name: a }\n---\nreplicas: 2\n'],
    ['broken YAML', 'a: [1, 2\nb: 3\n'],
    ['a list of objects with a broken item', 'apiVersion: v1\nkind: List\nitems:\n  - 42\n'],
  ])('%s: a plain InputError', (_label, text) => {
    const error = errorOf(() => parseManifests(text, 'f.yaml'));
    expect(error).toBeInstanceOf(InputError);
    expect(error).not.toBeInstanceOf(NotKubernetesError);
  });
});

describe('readYamlDocument: plain data with the strict reader', () => {
  test('reads as kubectl reads YAML (yes is true), with the line of each path', () => {
    const { value, line } = readYamlDocument('# c\nprofile: hardened\nrules:\n  exclude:\n    - a\nflag: yes\n', 'c.yaml');
    expect(value).toEqual({ profile: 'hardened', rules: { exclude: ['a'] }, flag: true });
    expect(line(['rules', 'exclude', 0])).toBe(5);
    expect(line(['flag'])).toBe(6);
  });
  test('refuses what the reader refuses, naming the line', () => {
    expect(() => readYamlDocument('a: 1\nb: "\u0007"\n', 'c.yaml')).toThrow(/^c\.yaml, line 2: contains the character U\+0007/);
    expect(() => readYamlDocument('a: 1\n---\nb: 2\n', 'c.yaml')).toThrow('c.yaml, line 3: holds more than one YAML document; write one');
    expect(readYamlDocument('# only a comment\n', 'c.yaml').value).toBeNull();
  });
});
