import { readFileSync, writeFileSync } from 'fs';
import { join } from 'path';
import { cli, ROOT, scratch } from './helpers';

/** `check --scan`: Trivy JSON reports joined to the images the manifests run and the Dockerfiles build. */
const SCAN = join(ROOT, 'test', 'fixtures', 'container', 'scan');
const ALPINE = join(SCAN, 'alpine-3.10.2.trivy.json');
const API = join(SCAN, 'api-1.4.2.trivy.json');
/** Trivy's own output, copied from its integration tests (upstream/README.md). */
const UPSTREAM = join(SCAN, 'upstream', 'alpine-310.json.golden');
const MANIFESTS = `apiVersion: v1
kind: Pod
metadata: {name: web, namespace: shop}
spec:
  containers:
    - name: base
      image: alpine:3.10.2
    - name: api
      image: ghcr.io/example/api:1.4.2
    - name: sidecar
      image: ghcr.io/example/proxy:0.9.1
`;

interface Found { ruleId: string; severity: string; message: string; line: number; path: string; file: string }

describe('check --scan', () => {
  const tmp = scratch();
  afterAll(() => tmp.cleanup());

  async function run(extra: string[], files: Record<string, string> = { 'pod.yaml': MANIFESTS }): Promise<{ code: number; findings: Found[]; stderr: string }> {
    const dir = tmp.dir();
    for (const [name, text] of Object.entries(files)) {
      writeFileSync(join(dir, name), text);
    }
    const r = await cli(['check', '--profile', 'container', '--format', 'json', ...extra, dir]);
    return { code: r.code, stderr: r.stderr, findings: r.stdout ? (JSON.parse(r.stdout).findings as Found[]) : [] };
  }
  const summary = (fs: Found[]) => fs.map((f) => `${f.line} ${f.severity} ${f.ruleId} ${f.message}`);

  test('each HIGH and CRITICAL vulnerability is an error at the image line; an image no report covers is "not scanned"', async () => {
    const r = await run(['--scan', ALPINE, '--scan', API]);
    expect(r.code).toBe(1);
    expect(summary(r.findings)).toEqual([
      '7 error image-vulnerabilities container "base" runs image "alpine:3.10.2" with CVE-2021-36159 (CRITICAL) in apk-tools 2.10.4-r2, fixed in 2.10.7-r0',
      '7 error image-vulnerabilities container "base" runs image "alpine:3.10.2" with CVE-2019-14697 (CRITICAL) in musl 1.1.22-r3, fixed in 1.1.22-r4',
      '7 error image-vulnerabilities container "base" runs image "alpine:3.10.2" with CVE-2022-48174 (HIGH) in busybox 1.30.1-r2, no fixed version yet',
      '11 warning image-not-scanned container "sidecar" runs image "ghcr.io/example/proxy:0.9.1", which no scan report covers (not scanned)',
    ]);
    expect(r.findings[0].path).toBe('spec.containers[0].image');
  });

  test('--ignore-unfixed drops the unfixed HIGH; --scan-severity CRITICAL and a list select severities', async () => {
    const ids = (fs: Found[]) => fs.filter((f) => f.ruleId === 'image-vulnerabilities').map((f) => /CVE-[0-9-]+/.exec(f.message)![0]);
    expect(ids((await run(['--scan', ALPINE, '--scan', API, '--ignore-unfixed'])).findings)).toEqual(['CVE-2021-36159', 'CVE-2019-14697']);
    expect(ids((await run(['--scan', ALPINE, '--scan', API, '--scan-severity', 'critical'])).findings)).toEqual(['CVE-2021-36159', 'CVE-2019-14697']);
    // MEDIUM and LOW of both images, in container order.
    expect(ids((await run(['--scan', ALPINE, '--scan', API, '--scan-severity', 'MEDIUM,LOW'])).findings)).toEqual(['CVE-2019-1549', 'CVE-2019-1547', 'CVE-2019-1549', 'CVE-2019-1547']);
  });

  test('many reports in one file (a JSON array) join like many files; without --scan the gate reports nothing', async () => {
    const both = `[${readFileSync(ALPINE, 'utf8')}, ${readFileSync(API, 'utf8')}]`;
    const dir = tmp.dir();
    writeFileSync(join(dir, 'all.json'), both);
    const r = await run(['--scan', join(dir, 'all.json'), '--ignore-unfixed']);
    expect(r.findings.map((f) => f.ruleId)).toEqual(['image-vulnerabilities', 'image-vulnerabilities', 'image-not-scanned']);
    expect((await run([])).findings).toEqual([]);
  });

  test('a Dockerfile that names its image is gated at the image comment', async () => {
    const r = await run(['--scan', ALPINE, '--scan-severity', 'CRITICAL'], {
      'Dockerfile': '# the base image this service ships\n# cdk8s-hardened: image=alpine:3.10.2\nFROM alpine:3.10.2\nUSER 10001\nHEALTHCHECK CMD ["/bin/true"]\n',
    });
    expect(summary(r.findings.filter((f) => f.ruleId.startsWith('image-')))).toEqual([
      '2 error image-vulnerabilities the image this Dockerfile builds runs image "alpine:3.10.2" with CVE-2021-36159 (CRITICAL) in apk-tools 2.10.4-r2, fixed in 2.10.7-r0',
      '2 error image-vulnerabilities the image this Dockerfile builds runs image "alpine:3.10.2" with CVE-2019-14697 (CRITICAL) in musl 1.1.22-r3, fixed in 1.1.22-r4',
    ]);
  });

  test.each([
    [['--scan-severity', 'HIGH'], /^cdk8s-hardened: --scan-severity needs --scan REPORT\.json \(a Trivy JSON report\)\n$/],
    [['--ignore-unfixed'], /^cdk8s-hardened: --ignore-unfixed needs --scan/],
    [['--scan', ALPINE, '--scan-severity', 'SEVERE'], /^cdk8s-hardened: --scan-severity: unknown severity "SEVERE"; use UNKNOWN, LOW, MEDIUM, HIGH or CRITICAL/],
    [['--scan', join(ROOT, 'test', 'fixtures', 'container', 'guide', 'daemon.json')], /daemon\.json: not a Trivy JSON report \(SchemaVersion 2; got SchemaVersion null\)/],
    [['--scan', join(SCAN, 'README.md')], /README\.md, line 1: invalid JSON \(unexpected "#"\), so not a Trivy JSON report\n$/],
    [['--scan', join(SCAN, 'missing.json')], /missing\.json: cannot be read \(ENOENT\)/],
  ])('bad scan input %j: one line, exit 2', async (extra, message) => {
    const r = await run(extra);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(message);
    expect(r.stderr.trimEnd().split('\n')).toHaveLength(1);
  });

  test("Trivy's own JSON output (its integration golden) is read and joined through Metadata.RepoTags", async () => {
    const pod = MANIFESTS.replace('image: alpine:3.10.2', 'image: ghcr.io/aquasecurity/trivy-test-images:alpine-310');
    const medium = await run(['--scan', UPSTREAM, '--scan-severity', 'MEDIUM'], { 'pod.yaml': pod });
    expect(summary(medium.findings.filter((f) => f.ruleId === 'image-vulnerabilities'))).toEqual([
      '7 error image-vulnerabilities container "base" runs image "ghcr.io/aquasecurity/trivy-test-images:alpine-310" with CVE-2019-1549 (MEDIUM) in libcrypto1.1 1.1.1c-r0, fixed in 1.1.1d-r0',
      '7 error image-vulnerabilities container "base" runs image "ghcr.io/aquasecurity/trivy-test-images:alpine-310" with CVE-2019-1551 (MEDIUM) in libcrypto1.1 1.1.1c-r0, fixed in 1.1.1d-r2',
      '7 error image-vulnerabilities container "base" runs image "ghcr.io/aquasecurity/trivy-test-images:alpine-310" with CVE-2019-1549 (MEDIUM) in libssl1.1 1.1.1c-r0, fixed in 1.1.1d-r0',
      '7 error image-vulnerabilities container "base" runs image "ghcr.io/aquasecurity/trivy-test-images:alpine-310" with CVE-2019-1551 (MEDIUM) in libssl1.1 1.1.1c-r0, fixed in 1.1.1d-r2',
    ]);
    // At the default gate (HIGH and above) the same report holds nothing that fails, and the image counts as scanned.
    const high = await run(['--scan', UPSTREAM], { 'pod.yaml': pod });
    expect(high.findings.filter((f) => f.ruleId === 'image-vulnerabilities')).toEqual([]);
    expect(high.findings.filter((f) => f.ruleId === 'image-not-scanned').map((f) => f.line)).toEqual([9, 11]); // api and sidecar, not base
  });
});
