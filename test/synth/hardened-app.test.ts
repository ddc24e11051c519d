import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { ApiObject, App, Chart, Include, JsonPatch, Lazy, Testing, Yaml, YamlOutputType } from 'cdk8s';
import { parse as parseYaml } from 'yaml';
import * as kplus from 'cdk8s-plus-28';
import { LockedDownNamespace, SecureDeployment } from '../../src/constructs';
import { rulesForProfile } from '../../src/catalogue';
import { ObjectRule, Rule, SetRule } from '../../src/policy/rule';
import { suppressionAnnotation } from '../../src/policy/suppressions';
import { formatFindingLine, hardenApp, HardenedApp, HardenOptions, SynthGuard, SynthReport } from '../../src/synth';

const FIXTURES = path.join(__dirname, 'fixtures');

function json(object: ApiObject): any {
  return object.toJson();
}

function tmpdir(): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), 'hardened-app-'));
}

/** A hardened app with a locked-down namespace chart; reports are collected, not printed. */
function setup(options: HardenOptions = {}) {
  const reports: SynthReport[] = [];
  const outdir = tmpdir();
  const app = new HardenedApp({ outdir, onReport: (r) => reports.push(r), ...options });
  const chart = new Chart(app, 'c', { namespace: 'team-a' });
  new LockedDownNamespace(chart, 'ns', { name: 'team-a' });
  return { app, chart, outdir, reports };
}

const CONTAINER = {
  name: 'app',
  image: 'registry.example.com/app:1.0.0',
  ports: [{ containerPort: 8080 }],
  resources: { requests: { cpu: '100m', memory: '64Mi' }, limits: { cpu: '200m', memory: '128Mi' } },
  livenessProbe: { tcpSocket: { port: 8080 } },
  readinessProbe: { tcpSocket: { port: 8080 } },
};

function privilegedPod(chart: Chart, annotations?: Record<string, string>): ApiObject {
  return new ApiObject(chart, 'raw', {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name: 'raw', ...(annotations ? { annotations } : {}) },
    spec: { containers: [{ name: 'main', image: 'busybox:1.36.1', securityContext: { privileged: true } }] },
  });
}

let judged = 0;
/** A rule that counts the objects it judges. */
const counter: ObjectRule = {
  id: 'test-counter', title: 'counts judged objects', severity: 'warning', profiles: ['hardened'],
  description: 'Counts how often objects are judged.', remediation: 'Nothing.', docsUrl: 'https://kubernetes.io/',
  scope: 'object',
  check: () => {
    judged++;
    return [];
  },
};

describe('HardenedApp', () => {
  test('a raw ApiObject with privileged: true fails synth with one line per finding: path, rule, field, message, fix', () => {
    const { app, chart, outdir } = setup();
    new SecureDeployment(chart, 'api', { containers: [CONTAINER] });
    privilegedPod(chart);

    let message = '';
    try {
      Testing.synth(chart);
    } catch (e) {
      message = (e as Error).message;
    }
    expect(message).toMatch(/^Validation failed with the following errors:/);
    expect(message).toContain('[c] c/raw (Pod team-a/raw): pss-baseline-privileged at spec.containers[0].securityContext.privileged: container "main"');
    expect(message).toMatch(/pss-baseline-privileged at [^\n]*\. Fix: [^\n]+/);
    // Only the insecure object is reported; the construct output is clean.
    expect(message).not.toContain('c/api');
    const lines = message.split('\n').slice(1);
    expect(lines.every((l) => l.startsWith('  [c] c/raw (Pod team-a/raw): '))).toBe(true);

    expect(() => app.synth()).toThrow(/pss-baseline-privileged/);
    expect(() => app.synthYaml()).toThrow(/pss-baseline-privileged/);
    expect(fs.readdirSync(outdir)).toEqual([]);
  });

  test('Include of an insecure YAML file fails synth', () => {
    const { chart } = setup();
    new Include(chart, 'legacy', { url: path.join(FIXTURES, 'insecure-deployment.yaml') });
    expect(() => Testing.synth(chart)).toThrow(/c\/legacy\/[^ ]+ \(Deployment team-a\/legacy\): pss-baseline-privileged at spec\.template\.spec\.containers\[0\]\.securityContext\.privileged/);
    expect(() => Testing.synth(chart)).toThrow(/pss-baseline-host-namespaces at spec\.template\.spec\.hostNetwork/);
  });

  test('an addJsonPatch escape hatch on a SecureDeployment is still judged', () => {
    const { chart } = setup();
    const api = new SecureDeployment(chart, 'api', { containers: [CONTAINER] });
    expect(() => Testing.synth(chart)).not.toThrow();
    ApiObject.of(api).addJsonPatch(JsonPatch.replace('/spec/template/spec/containers/0/securityContext/privileged', true));
    expect(() => Testing.synth(chart)).toThrow(/c\/api\/Resource \(Deployment team-a\/api\): pss-baseline-privileged/);
  });

  test('a patch with a misspelt field (which a Kube* object would silently drop) fails the strict schema', () => {
    const { chart } = setup();
    const api = new SecureDeployment(chart, 'api', { containers: [CONTAINER] });
    ApiObject.of(api).addJsonPatch(JsonPatch.add('/spec/template/spec/hostPIDD', true));
    expect(() => Testing.synth(chart)).toThrow(/c\/api\/Resource \(Deployment team-a\/api\): schema at spec\.template\.spec\.hostPIDD/);
  });

  test('a suppression annotation with a reason makes it pass, and the report keeps the reason', () => {
    const { app, chart, reports } = setup();
    const api = new SecureDeployment(chart, 'api', { containers: [CONTAINER] });
    ApiObject.of(api).addJsonPatch(JsonPatch.replace('/spec/template/spec/containers/0/securityContext/privileged', true));
    expect(() => app.synthYaml()).toThrow(/pss-baseline-privileged/);
    api.suppress('pss-baseline-privileged', 'CNI debug sidecar needs privileges; tracked in SEC-101');
    expect(json(api.apiObject).metadata.annotations).toEqual(suppressionAnnotation('pss-baseline-privileged', 'CNI debug sidecar needs privileges; tracked in SEC-101'));

    expect(() => app.synthYaml()).not.toThrow();
    const suppressed = reports[reports.length - 1].findings.filter((f) => f.suppressed);
    expect(suppressed.map((f) => [f.constructPath, f.ruleId, f.suppressionReason])).toEqual([
      ['c/api/Resource', 'pss-baseline-privileged', 'CNI debug sidecar needs privileges; tracked in SEC-101'],
    ]);
  });

  test('a suppression annotation without a real reason fails synth', () => {
    const { chart } = setup();
    privilegedPod(chart, { 'suppress.cdk8s-hardened.io/pss-baseline-privileged': 'ok' });
    expect(() => Testing.synth(chart)).toThrow(/suppression-invalid at metadata\.annotations/);
  });

  test('cdk8s-plus defaults are judged too: a default kplus.Deployment misses drop ALL and seccomp', () => {
    const { chart } = setup();
    new kplus.Deployment(chart, 'plus', { containers: [{ image: 'nginx:1.27.2', portNumber: 8080 }] });
    expect(() => Testing.synth(chart)).toThrow(/pss-restricted-capabilities/);
    expect(() => Testing.synth(chart)).toThrow(/pss-restricted-seccomp/);
  });

  test('warnings and info are reported but do not fail; failOn: warning makes them fail', () => {
    const warnEveryPod: ObjectRule = {
      id: 'test-warning', title: 'test', severity: 'warning', profiles: ['hardened'], description: 'test rule',
      remediation: 'Nothing to do.', docsUrl: 'https://kubernetes.io/docs/', scope: 'object',
      check: (t) => (t.kind === 'Deployment' ? [{ path: ['spec', 'replicas'], message: 'replicas noted' }] : []),
    };
    const rules: Rule[] = [...rulesForProfile('hardened'), warnEveryPod];
    const ok = setup({ rules });
    new SecureDeployment(ok.chart, 'api', { containers: [CONTAINER] });
    expect(() => ok.app.synthYaml()).not.toThrow();
    const report = ok.reports[ok.reports.length - 1];
    expect(report.profile).toBe('custom');
    expect(report.failing).toEqual([]);
    expect(report.findings.filter((f) => f.ruleId === 'test-warning')).toHaveLength(1);

    const strict = setup({ rules, failOn: 'warning' });
    new SecureDeployment(strict.chart, 'api', { containers: [CONTAINER] });
    expect(() => strict.app.synthYaml()).toThrow(/\nc\/api\/Resource\n {2}Deployment team-a\/api\n(?:.*\n)*? {4}warning test-warning: replicas noted\n {6}at spec\.replicas\n {6}fix: Nothing to do\./);
  });

  test('by default warnings are printed to stderr, once per distinct set of objects', () => {
    const warn: ObjectRule = {
      id: 'test-warning', title: 'test', severity: 'warning', profiles: ['hardened'], description: 'test rule',
      remediation: 'Nothing to do.', docsUrl: 'https://kubernetes.io/docs/', scope: 'object',
      check: (t) => (t.kind === 'Namespace' ? [{ path: [], message: 'namespace noted' }] : []),
    };
    const write = jest.spyOn(process.stderr, 'write').mockImplementation(() => true);
    try {
      const app = new HardenedApp({ outdir: tmpdir(), rules: [warn] });
      for (const ns of ['a', 'b']) {
        new LockedDownNamespace(new Chart(app, ns, { namespace: ns }), 'ns', { name: ns });
      }
      app.synthYaml();
      app.synthYaml();
      expect(write).toHaveBeenCalledTimes(1);
      const printed = String(write.mock.calls[0][0]);
      expect(printed).toContain('cdk8s-hardened: 2 warnings, 0 info (profile custom)');
      expect(printed).toContain('warning a/ns/Resource (Namespace a): test-warning at (object): namespace noted. Fix: Nothing to do.');
    } finally {
      write.mockRestore();
    }
  });

  test('evaluates once per synth and keeps the last report', () => {
    const { app, chart, reports } = setup();
    new SecureDeployment(chart, 'api', { containers: [CONTAINER] });
    new LockedDownNamespace(new Chart(app, 'd', { namespace: 'team-b' }), 'ns', { name: 'team-b' });
    app.synth();
    expect(reports).toHaveLength(1);
    expect(app.guard.lastReport).toBe(reports[0]);
    expect(reports[0].objects).toBeGreaterThan(10);
    expect(fs.readdirSync(app.outdir).sort()).toEqual(['c.k8s.yaml', 'd.k8s.yaml']);
  });

  test('set rules see the objects of every chart, and findings are reported under the chart that holds the object', () => {
    const needsNamespaceObject: SetRule = {
      id: 'test-namespace-exists', title: 'test', severity: 'error', profiles: ['hardened'], description: 'test rule',
      remediation: 'Add the Namespace.', docsUrl: 'https://kubernetes.io/docs/', scope: 'set',
      checkSet: (targets) => {
        const declared = new Set(targets.filter((t) => t.kind === 'Namespace').map((t) => t.name));
        return targets.flatMap((t, index) => (t.namespace && !declared.has(t.namespace)
          ? [{ index, path: ['metadata', 'namespace'], message: `namespace "${t.namespace}" is not declared` }] : []));
      },
    };
    const app = new HardenedApp({ outdir: tmpdir(), rules: [needsNamespaceObject], onReport: () => undefined });
    const nsChart = new Chart(app, 'namespaces');
    new ApiObject(nsChart, 'team-a', { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'team-a' } });
    const apps = new Chart(app, 'apps', { namespace: 'team-a' });
    new ApiObject(apps, 'cm', { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'cm' } });
    expect(() => app.synthYaml()).not.toThrow();

    const other = new Chart(app, 'other', { namespace: 'team-z' });
    new ApiObject(other, 'cm', { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'cm' } });
    expect(() => Testing.synth(other)).toThrow(/\[other\] other\/cm \(ConfigMap team-z\/cm\): test-namespace-exists at metadata\.namespace/);
    expect(() => app.synthYaml()).toThrow(/^synth refused by cdk8s-hardened \(1 failing finding\); nothing was written:\nother\/cm\n {2}ConfigMap team-z\/cm\n {4}error test-namespace-exists: namespace "team-z" is not declared\n {6}at metadata\.namespace\n/);
  });

  test('a workload without a locked-down namespace fails; the namespace may live in another chart', () => {
    const app = new HardenedApp({ outdir: tmpdir(), onReport: () => undefined });
    const apps = new Chart(app, 'apps', { namespace: 'team-a' });
    new SecureDeployment(apps, 'api', { containers: [CONTAINER] });
    expect(() => app.synthYaml()).toThrow(/\napps\/api\/Resource\n {2}Deployment team-a\/api\n(?:.*\n)*? {4}error network-default-deny: /);

    new LockedDownNamespace(new Chart(app, 'platform'), 'team-a', { name: 'team-a' });
    expect(() => app.synthYaml()).not.toThrow();
    expect(SynthGuard.of(app)!.lastReport!.findings.filter((f) => f.severity !== 'info')).toEqual([]);
  });

  test('hardenApp(app) hardens an existing App in one line; options pick the profile and add suppressions', () => {
    const app = new App({ outdir: tmpdir() });
    const guard = hardenApp(app, { profile: 'pss-baseline', onReport: () => undefined });
    expect(SynthGuard.of(app)).toBe(guard);
    expect(() => hardenApp(app)).toThrow(/already hardened/);
    const chart = new Chart(app, 'c', { namespace: 'team-a' });
    new kplus.Deployment(chart, 'plus', { containers: [{ image: 'nginx:1.27.2', portNumber: 8080 }] });
    expect(() => app.synthYaml()).not.toThrow(); // baseline does not ask for drop ALL / seccomp
    privilegedPod(chart);
    expect(() => app.synthYaml()).toThrow(/pss-baseline-privileged/);

    const lenient = new App({ outdir: tmpdir() });
    hardenApp(lenient, {
      profile: 'pss-baseline',
      suppressions: [{ ruleId: 'pss-baseline-privileged', kind: 'Pod', name: 'raw', reason: 'lab cluster only, never production' }],
      onReport: () => undefined,
    });
    privilegedPod(new Chart(lenient, 'c', { namespace: 'lab' }));
    expect(() => lenient.synthYaml()).not.toThrow();
    expect(SynthGuard.of(lenient)!.lastReport!.findings.find((f) => f.ruleId === 'pss-baseline-privileged')?.suppressionReason).toBe('lab cluster only, never production');
  });

  test.each([
    ['HardenedApp', () => new HardenedApp({ outdir: tmpdir(), rules: [counter], onReport: () => undefined })],
    ['hardenApp(app)', () => {
      const app = new App({ outdir: tmpdir() });
      hardenApp(app, { rules: [counter], onReport: () => undefined });
      return app;
    }],
  ])('%s renders and judges each object once per synth, however many charts (cdk8s validates the whole app per chart)', (_name, make) => {
    const app = make();
    for (let c = 0; c < 4; c++) {
      const chart = new Chart(app, `c${c}`, { namespace: `ns-${c}` });
      new ApiObject(chart, 'cm', { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'cm' } });
    }
    judged = 0;
    const toJson = jest.spyOn(ApiObject.prototype, 'toJson');
    app.synthYaml();
    expect(judged).toBe(4);
    // Each object is rendered once in all: that rendering is judged and written (not rendered again per chart).
    expect(toJson).toHaveBeenCalledTimes(4);
    toJson.mockRestore();
    judged = 0;
    app.synth();
    expect(judged).toBe(0); // the same objects again: the last judgement stands
    new ApiObject(new Chart(app, 'late'), 'cm', { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'late', namespace: 'ns-0' } });
    app.synthYaml();
    expect(judged).toBe(5);
  });

  test('what synth writes is the very JSON it judged, and objects render afresh after the synth, even a failed one', () => {
    /** An object whose rendering changes on every call: the first is safe, later ones are privileged. */
    class Shifty extends ApiObject {
      renders = 0;
      override toJson(): any {
        const json = super.toJson();
        json.spec.containers[0].securityContext = { privileged: this.renders++ > 0 };
        return json;
      }
    }
    const app = new HardenedApp({ outdir: tmpdir(), profile: 'pss-baseline', onReport: () => undefined });
    const chart = new Chart(app, 'c', { namespace: 'lab' });
    const shifty = new Shifty(chart, 'p', {
      apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p' }, spec: { containers: [{ name: 'main', image: 'busybox:1.36.1' }] },
    });
    const yaml = app.synthYaml();
    expect(yaml).toContain('privileged: false');
    expect(yaml).not.toContain('privileged: true');
    expect(shifty.renders).toBe(1);
    expect(Object.prototype.hasOwnProperty.call(shifty, 'toJson')).toBe(false);
    expect(shifty.toJson().spec.containers[0].securityContext.privileged).toBe(true); // unpinned after the run
    expect(() => app.synthYaml()).toThrow(/pss-baseline-privileged/); // renders 3 on: privileged
    expect(Object.prototype.hasOwnProperty.call(shifty, 'toJson')).toBe(false);
  });

  test('an object with its own toJson property is rendered as it asks, not pinned', () => {
    const app = new HardenedApp({ outdir: tmpdir(), profile: 'pss-baseline', onReport: () => undefined });
    const cm = new ApiObject(new Chart(app, 'c', { namespace: 'lab' }), 'cm', { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'cm' } });
    let calls = 0;
    const own = () => {
      calls++;
      return { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'cm', namespace: 'lab' }, data: { calls: String(calls) } };
    };
    cm.toJson = own;
    expect(app.synthYaml()).toContain('calls: "2"'); // judged once (1), rendered for the output (2)
    expect(cm.toJson).toBe(own);
  });

  test('writes with the safe writer: strings kubectl would read as numbers are quoted (plain cdk8s leaves 0o12 bare); cdk8s\'s writer is restored after', () => {
    const original = Yaml.stringify;
    const build = (app: App) => {
      new ApiObject(new Chart(app, 'c', { namespace: 'lab' }), 'cm', {
        apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'cm' }, data: { mode: '0o12', hex: '0x1F', plain: 'hello', on: 'on' },
      });
      return app;
    };
    // cdk8s (yaml, YAML 1.1) leaves 0o12 and 0x1F plain: kubectl (yaml.v2 + Go's ParseInt base 0) reads the numbers 10 and 31.
    const plain = build(new App({ outdir: tmpdir() })).synthYaml();
    expect(plain).toMatch(/^ {2}mode: 0o12$/m);
    const outdir = tmpdir();
    const app = build(new HardenedApp({ outdir, profile: 'pss-baseline', onReport: () => undefined }));
    const yaml = app.synthYaml();
    expect(yaml).toMatch(/^ {2}mode: "0o12"$/m);
    expect(yaml).toMatch(/^ {2}hex: "0x1F"$/m);
    expect(yaml).toMatch(/^ {2}plain: hello$/m);
    expect(yaml).toMatch(/^ {2}"on": "on"$/m);
    expect(Yaml.stringify).toBe(original);
    app.synth();
    expect(fs.readFileSync(path.join(outdir, 'c.k8s.yaml'), 'utf8')).toBe(yaml);
    expect(Yaml.stringify).toBe(original);
    // Objects cdk8s writes plainly come out byte for byte as cdk8s writes them.
    const workload = (app: App) => {
      const chart = new Chart(app, 'w', { namespace: 'team-a' });
      new LockedDownNamespace(chart, 'ns', { name: 'team-a' });
      new SecureDeployment(chart, 'web', { containers: [{ ...CONTAINER, writablePaths: ['/tmp'] }] });
      return app;
    };
    expect(workload(new HardenedApp({ outdir: tmpdir(), onReport: () => undefined })).synthYaml()).toBe(workload(new App({ outdir: tmpdir() })).synthYaml());
  });

  test('a value no reader can read back fails synth with the construct and the reason before any file is written, and cdk8s\'s writer is restored', () => {
    const original = Yaml.stringify;
    const outdir = tmpdir();
    // One file per object: the clean object would be written first if objects were serialized as cdk8s writes them.
    const app = new HardenedApp({ outdir, profile: 'pss-baseline', onReport: () => undefined, yamlOutputType: YamlOutputType.FILE_PER_RESOURCE });
    const chart = new Chart(app, 'c', { namespace: 'lab' });
    new ApiObject(chart, 'a', { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'a' }, data: { ok: 'yes' } });
    new ApiObject(chart, 'b', { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'b' }, data: { next: 'a\u0085b' } });
    expect(() => app.synth()).toThrow(/^c\/b \(ConfigMap b\): a string holding U\+0085 \(NEXT LINE\) cannot be written.*nothing was written$/);
    expect(fs.readdirSync(outdir)).toEqual([]);
    expect(() => app.synthYaml()).toThrow(/U\+0085 \(NEXT LINE\) cannot be written/);
    expect(Yaml.stringify).toBe(original);
  });

  test('the app\'s own Yaml.stringify during synth (a Lazy value) is cdk8s\'s, unchanged: only the judged objects get our writer', () => {
    const build = (app: App) => {
      new ApiObject(new Chart(app, 'c', { namespace: 'lab' }), 'cm', {
        apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'cm' },
        data: { embedded: Lazy.any({ produce: () => Yaml.stringify({ a: undefined, json: '{"k":1}' }) }), mode: '0o12' },
      });
      return app;
    };
    const hardened = build(new HardenedApp({ outdir: tmpdir(), profile: 'pss-baseline', onReport: () => undefined })).synthYaml();
    const embedded = Yaml.stringify({ a: undefined, json: '{"k":1}' });
    expect(embedded).toContain('a: null');
    const cm = parseYaml(hardened) as { data: Record<string, string> };
    expect(cm.data.embedded).toBe(embedded);
    expect(hardened).toMatch(/^ {2}mode: "0o12"$/m);
  });

  test('honours CDK8S_OUTDIR like App', () => {
    const dir = tmpdir();
    const before = process.env.CDK8S_OUTDIR;
    process.env.CDK8S_OUTDIR = dir;
    try {
      expect(new HardenedApp({ onReport: () => undefined }).outdir).toBe(dir);
    } finally {
      if (before === undefined) {
        delete process.env.CDK8S_OUTDIR;
      } else {
        process.env.CDK8S_OUTDIR = before;
      }
    }
  });

  test('formatFindingLine', () => {
    expect(formatFindingLine({
      ruleId: 'pss-baseline-privileged', severity: 'error', object: { apiVersion: 'v1', kind: 'Pod', namespace: 'ns', name: 'p' },
      path: 'spec.containers[0].securityContext.privileged', message: 'container "c" sets securityContext.privileged to true',
      remediation: 'Set securityContext.privileged to false.', constructPath: 'chart/p', suppressed: false,
    })).toBe('chart/p (Pod ns/p): pss-baseline-privileged at spec.containers[0].securityContext.privileged: container "c" sets securityContext.privileged to true. Fix: Set securityContext.privileged to false.');
  });
});

describe('HardenedApp: a refused synth is one grouped report', () => {
  test('errors, warnings and suppressions in one report, grouped by construct path and object, as `cdk8s-hardened synth` prints it', () => {
    const write = jest.spyOn(process.stderr, 'write').mockImplementation(() => true);
    let message = '';
    try {
      const app = new HardenedApp({ outdir: tmpdir(), profile: 'hardened', config: false });
      const chart = new Chart(app, 'c', { namespace: 'team-a' });
      // No LockedDownNamespace: the namespace-quota rule warns.
      privilegedPod(chart);
      try {
        app.synth();
      } catch (e) {
        message = (e as Error).message;
        expect((e as Error).name).toBe('HardenedSynthError');
      }
      // The warnings are in the report, not printed apart (and so not lost when the app's error is all that is shown).
      expect(write).not.toHaveBeenCalled();
    } finally {
      write.mockRestore();
    }
    const lines = message.split('\n');
    expect(lines[0]).toMatch(/^synth refused by cdk8s-hardened \(\d+ failing findings?\); nothing was written:$/);
    expect(message).toContain('\nc/raw\n  Pod team-a/raw\n');
    expect(message).toMatch(/\n {4}error pss-baseline-privileged: container "main" sets securityContext\.privileged to true\n {6}at spec\.containers\[0\]\.securityContext\.privileged\n/);
    expect(message).toMatch(/\n {4}warning [a-z-]+: /);
    expect(message).toMatch(/\nrule +errors +warnings +info +suppressed\n/);
    expect(lines[lines.length - 1]).toMatch(/^FAIL 1 object checked with profile hardened: \d+ errors, \d+ warnings, /);
    expect(message).not.toContain('Validation failed with the following errors');
  });

  test('validation errors of other constructs follow the report', () => {
    const app = new HardenedApp({ outdir: tmpdir(), profile: 'pss-baseline', config: false, onReport: () => undefined });
    const chart = new Chart(app, 'c', { namespace: 'team-a' });
    privilegedPod(chart);
    const own = new ApiObject(chart, 'cm', { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'cm' } });
    own.node.addValidation({ validate: () => ['the settings are incomplete'] });
    expect(() => app.synth()).toThrow(/\nFAIL 2 objects checked with profile pss-baseline: 1 error, [^\n]*\nother validation errors:\n {2}\[c\/cm\] the settings are incomplete$/);
  });

  test('construction refusals name the construct path and the prop path', () => {
    const app = new HardenedApp({ outdir: tmpdir(), config: false });
    const chart = new Chart(app, 'backend', { namespace: 'backend' });
    expect(() => new SecureDeployment(chart, 'api', { containers: [{ ...CONTAINER, ports: [{ name: 'Not_A_Name', containerPort: 8080 }] }] }))
      .toThrow(/^SecureDeployment "api": port name "Not_A_Name" is not an IANA service name: .* \(at backend\/api, prop containers\[0\]\.ports\[0\]\.name\)$/);
    const nested = new Chart(chart, 'inner');
    expect(() => new LockedDownNamespace(nested, 'ns', { name: 'kube-system' }))
      .toThrow(/\(at backend\/inner\/ns, prop name\)$/);
  });
});
