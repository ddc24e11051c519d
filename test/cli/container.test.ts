import { copyFileSync, mkdirSync, writeFileSync } from 'fs';
import { join } from 'path';
import { cli, ROOT, scratch } from './helpers';

/** `check` over the image and runtime half of the guide: Dockerfiles, daemon.json and docker inspect output. */
const GUIDE = join(ROOT, 'test', 'fixtures', 'container', 'guide');
const INSPECT = join(ROOT, 'test', 'fixtures', 'container', 'inspect', 'containers.json');
const POD = 'apiVersion: v1\nkind: Pod\nmetadata: {name: web, namespace: team-a}\nspec:\n  containers: [{name: app, image: "nginx:1.25.3", securityContext: {privileged: true}}]\n';

describe('check reads container inputs', () => {
  const tmp = scratch();
  afterAll(() => tmp.cleanup());

  /** A repository: the guide's Dockerfiles, its daemon.json, docker inspect output and one manifest. */
  function repo(): string {
    const dir = tmp.dir();
    mkdirSync(join(dir, 'images', 'api'), { recursive: true });
    mkdirSync(join(dir, 'host'));
    mkdirSync(join(dir, 'k8s'));
    copyFileSync(join(GUIDE, 'alpine.Dockerfile'), join(dir, 'images', 'api', 'Dockerfile'));
    copyFileSync(join(GUIDE, 'debian.Dockerfile'), join(dir, 'images', 'Dockerfile.debian'));
    copyFileSync(join(GUIDE, 'daemon.json'), join(dir, 'host', 'daemon.json'));
    copyFileSync(INSPECT, join(dir, 'host', 'running.json'));
    writeFileSync(join(dir, 'k8s', 'pod.yaml'), POD);
    writeFileSync(join(dir, 'images', 'README.md'), 'not an input\n');
    return dir;
  }

  test('a folder: Dockerfile names, daemon.json and docker inspect JSON are found beside the manifests, one report', async () => {
    const dir = repo();
    const r = await cli(['check', '--format', 'json', dir]);
    expect(r.code).toBe(1);
    const report = JSON.parse(r.stdout) as { findings: Array<{ ruleId: string; file: string; line: number; object: { kind: string; name: string } }> };
    const files = [...new Set(report.findings.map((f) => f.file.slice(dir.length + 1)))];
    // A folder's files come before its subfolders' (the walk's order).
    expect(files).toEqual(['host/daemon.json', 'host/running.json', 'images/Dockerfile.debian', 'images/api/Dockerfile', 'k8s/pod.yaml']);
    const at = (id: string, file: string) => report.findings.filter((f) => f.ruleId === id && f.file.endsWith(file)).map((f) => `${f.object.kind} ${f.object.name.replace(`${dir}/`, '')}:${f.line}`);
    expect(at('dockerfile-base-image-pinned', 'api/Dockerfile')).toEqual(['Dockerfile images/api/Dockerfile:2']);
    expect(at('docker-daemon-no-new-privileges', 'daemon.json')).toEqual(['DockerDaemonConfig host/daemon.json:1']);
    expect(at('docker-container-privileged', 'running.json')).toEqual(['DockerContainer legacy-tool:66']);
    expect(at('pss-baseline-privileged', 'pod.yaml')).toEqual(['Pod web:5']);
  });

  test('text, SARIF and JUnit point at the Dockerfile line', async () => {
    const dockerfile = join(GUIDE, 'alpine.Dockerfile');
    const text = await cli(['check', dockerfile]);
    expect(text.stdout).toContain('error dockerfile-install-after-user: the Dockerfile runs apk as USER "appuser" (set at line 6), which cannot install system packages');
    expect(text.stdout).toContain(`at spec.stages[0].instructions[3] (${dockerfile}:9)`);
    const sarif = JSON.parse((await cli(['check', '--format', 'sarif', dockerfile], {})).stdout);
    const result = sarif.runs[0].results.find((x: { ruleId: string }) => x.ruleId === 'dockerfile-install-after-user');
    expect(result.locations[0].physicalLocation.region.startLine).toBe(9);
    expect(sarif.runs[0].tool.driver.rules.map((x: { id: string }) => x.id)).toContain('dockerfile-install-after-user');
    const junit = (await cli(['check', '--format', 'junit', dockerfile])).stdout;
    expect(junit).toContain(`at: spec.stages[0].instructions[3] (${dockerfile.replace(/&/g, '&amp;')}:9)`);
    expect(junit).toContain('name="Dockerfile ');
  });

  test('--profile container judges only the container inputs', async () => {
    const dir = repo();
    const r = await cli(['check', '--profile', 'container', '--format', 'json', dir]);
    const report = JSON.parse(r.stdout) as { findings: Array<{ ruleId: string }>; summary: { profile: string } };
    expect(report.summary.profile).toBe('container');
    expect(report.findings.length).toBeGreaterThan(10);
    expect(report.findings.every((f) => /^docker(file)?-/.test(f.ruleId))).toBe(true);
  });

  test('docker inspect output on stdin', async () => {
    const r = await cli(['check', '--format', 'json', '-'], { stdin: JSON.stringify([{ Id: 'abc', Name: '/x', Config: { User: '0' }, HostConfig: { ReadonlyRootfs: true, Memory: 1 } }]) });
    expect(r.code).toBe(1);
    expect(JSON.parse(r.stdout).findings.map((f: { ruleId: string; message: string }) => `${f.ruleId}: ${f.message}`)).toEqual([
      'docker-container-root-user: container "x" runs as user "0" (root)',
    ]);
  });

  test.each([
    ['other.json', '{"name": "my-app", "version": "1.0.0"}', /^cdk8s-hardened: .*other\.json: JSON that is neither Kubernetes objects \(no apiVersion and kind\), a Docker daemon\.json \(unknown key "name"\) nor docker inspect output/],
    ['Dockerfile', 'FROM alpine:3.19.1\nUSER 10001\nCOPPY . /app\n', /^cdk8s-hardened: .*Dockerfile, line 3: unknown Dockerfile instruction COPPY \(docker build refuses it\)$/],
    ['api.Dockerfile', 'RUN echo\nFROM alpine:3.19.1\n', /^cdk8s-hardened: .*api\.Dockerfile, line 1: RUN before the first FROM/],
  ])('bad input %s: one line naming file and line, exit 2', async (name, content, message) => {
    const dir = tmp.dir();
    writeFileSync(join(dir, name), content);
    const r = await cli(['check', join(dir, name)]);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr.trimEnd().split('\n')).toHaveLength(1);
    expect(r.stderr.trimEnd()).toMatch(message);
  });

  test('admission refuses the container profile (nothing in it reaches the API server)', async () => {
    const r = await cli(['admission', '--profile', 'container']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/argument 'container' is invalid/);
  });
});
