import { readFileSync } from 'fs';
import { join } from 'path';
import { readDockerJson } from '../../src/container/docker-json';
import { readDockerfile } from '../../src/container/dockerfile';
import { CONTAINER_API_VERSION, DockerfileSpec } from '../../src/policy/container-model';
import { inputFormOf, isDockerfileName, readContainerInput } from '../../src/container/read';
import { InputError } from '../../src/input/errors';

const FIXTURES = join(__dirname, '..', 'fixtures', 'container');

describe('input forms', () => {
  test.each([
    ['Dockerfile', true], ['dockerfile', true], ['api.Dockerfile', true], ['Dockerfile.prod', true],
    ['Dockerfile.yaml', false], ['.Dockerfile', false], ['Dockerfile.', false], ['docker-compose.yml', false], ['Dockerfiles', false],
  ])('%s is a Dockerfile name: %s', (name, expected) => {
    expect(isDockerfileName(name)).toBe(expected);
  });

  test('paths are classified by name; JSON by content', () => {
    expect(inputFormOf('build/api.Dockerfile')).toBe('dockerfile');
    expect(inputFormOf('etc/docker/daemon.json')).toBe('docker-json');
    expect(inputFormOf('k8s/pod.yaml')).toBe('manifests');
    expect(readContainerInput('k8s/pod.json', 'k8s/pod.json', '{"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "a"}}')).toBeUndefined();
    expect(readContainerInput('k8s/list.json', 'k8s/list.json', '{"items": []}')).toBeUndefined();
    expect(readContainerInput('k8s/pod.yaml', 'k8s/pod.yaml', 'icc: false\n')).toBeUndefined();
  });
});

describe('Dockerfile reader', () => {
  const MULTI = [
    'ARG BASE=alpine:3.19.1',
    'FROM golang:1.22.2 AS build',
    'RUN go build \\',
    '    -o /app .',
    'FROM alpine:3.19.1 AS test',
    'RUN echo test',
    'FROM build AS tools',
    'RUN echo tools',
    'FROM scratch',
    'COPY --from=tools /app /app',
    'USER 10001',
    '',
  ].join('\n');

  test('stages, their FROM, instructions with 1-based lines, and the stages that reach the image', () => {
    const m = readDockerfile(MULTI, 'Dockerfile');
    const object = m.object as { apiVersion: string; kind: string; metadata: { name: string }; spec: DockerfileSpec };
    expect([object.apiVersion, object.kind, object.metadata.name]).toEqual([CONTAINER_API_VERSION, 'Dockerfile', 'Dockerfile']);
    const spec = object.spec;
    expect(spec.stages.map((s) => [s.name, s.from, s.fromStage, s.line])).toEqual([
      ['build', 'golang:1.22.2', undefined, 2], ['test', 'alpine:3.19.1', undefined, 5], ['tools', 'build', 0, 7], [undefined, 'scratch', undefined, 9],
    ]);
    expect(spec.finalStage).toBe(3);
    // scratch copies from tools, which is built FROM build; the test stage never reaches the image.
    expect(spec.judgedStages).toEqual([0, 2, 3]);
    expect(spec.stages[0].instructions[1]).toMatchObject({ keyword: 'RUN', content: 'go build     -o /app .', line: 3 });
    expect(spec.stages[3].instructions[1]).toMatchObject({ keyword: 'COPY', flags: { from: 'tools' }, line: 10 });
    expect(m.origin?.locate?.(['spec', 'stages', 3, 'instructions', 2])).toBe(11);
    expect(m.origin?.locate?.(['spec', 'stages', 1])).toBe(5);
    expect(m.origin?.locate?.(['spec'])).toBe(1);
  });

  test('the image comment and suppression comments', () => {
    const text = '# cdk8s-hardened: image=ghcr.io/example/web\n# suppress.cdk8s-hardened.io/dockerfile-healthcheck: probes in the Deployment replace it\nFROM scratch\n';
    const object = readDockerfile(text, 'Dockerfile').object as { metadata: { annotations: Record<string, string> }; spec: DockerfileSpec };
    expect(object.spec.image).toBe('ghcr.io/example/web');
    expect(object.metadata.annotations).toEqual({ 'suppress.cdk8s-hardened.io/dockerfile-healthcheck': 'probes in the Deployment replace it' });
  });

  test.each([
    ['FROM alpine:3.19.1\nRUNN echo\n', 'Dockerfile, line 2: unknown Dockerfile instruction RUNN (docker build refuses it)'],
    ['# nothing\nRUN echo\n', 'Dockerfile, line 2: RUN before the first FROM (only ARG may come before FROM)'],
    ['# only a comment\n', 'Dockerfile: no FROM instruction, so this is not a Dockerfile docker build accepts'],
    ['', 'Dockerfile: no FROM instruction, so this is not a Dockerfile docker build accepts'],
  ])('refuses %j in one line', (text, message) => {
    expect(() => readDockerfile(text, 'Dockerfile')).toThrow(new InputError(message));
  });
});

describe('Docker JSON reader', () => {
  test('the guide\'s daemon.json, with lines of its keys', () => {
    const text = readFileSync(join(FIXTURES, 'guide', 'daemon.json'), 'utf8');
    const [m] = readDockerJson(text, 'etc/daemon.json')!;
    expect(m.object).toMatchObject({ kind: 'DockerDaemonConfig', metadata: { name: 'etc/daemon.json' }, spec: { 'icc': false, 'userns-remap': 'default' } });
    expect(m.origin?.locate?.(['spec', 'icc'])).toBe(10);
    expect(m.origin?.locate?.(['spec', 'log-opts', 'max-file'])).toBe(6);
  });

  test('an object of daemon keys is a daemon.json whatever its name; an empty daemon.json too', () => {
    expect(readDockerJson('{"icc": false}', 'docker.json')![0].object).toMatchObject({ kind: 'DockerDaemonConfig' });
    expect(readDockerJson('{}', '/etc/docker/daemon.json'.replace('/etc/docker/', ''))![0].object).toMatchObject({ kind: 'DockerDaemonConfig', spec: {} });
  });

  test('docker inspect output: one object per container, named without the slash, lines inside each', () => {
    const text = readFileSync(join(FIXTURES, 'inspect', 'containers.json'), 'utf8');
    const ms = readDockerJson(text, 'ps.json')!;
    expect(ms.map((m) => [(m.object as { metadata: { name: string } }).metadata.name, m.origin?.document, m.origin?.line])).toEqual([['web', 1, 2], ['legacy-tool', 2, 44]]);
    expect(ms[1].origin?.locate?.(['spec', 'HostConfig', 'CapAdd', 0])).toBe(62);
  });

  test.each([
    ['{"foo": 1}', 'x.json: JSON that is neither Kubernetes objects (no apiVersion and kind), a Docker daemon.json (unknown key "foo") nor docker inspect output'],
    ['{}', 'x.json: JSON that is neither Kubernetes objects (no apiVersion and kind), a Docker daemon.json (no keys) nor docker inspect output'],
    ['{"icc": false, "metadata": {}}', 'unknown key "metadata"'],
    ['[{"Id": "a", "Config": {}, "HostConfig": {}},\n {"Id": "b"}]', 'x.json, line 2: element 1 of this docker inspect output is not a container'],
  ])('refuses %j in one line', (text, message) => {
    expect(() => readDockerJson(text, 'x.json')).toThrow(InputError);
    expect(() => readDockerJson(text, 'x.json')).toThrow(message);
  });

  test('text that is not one JSON value is left to the Kubernetes reader (which reports it)', () => {
    expect(readDockerJson('{"a": 1} {"b": 2}', 'x.json')).toBeUndefined();
    expect(readDockerJson('{"a": ', 'x.json')).toBeUndefined();
    expect(readDockerJson('[1, 2]', 'x.json')).toBeUndefined();
  });
});
