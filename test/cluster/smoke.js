'use strict';
// Smoke test of the control plane: node test/cluster/smoke.js
// Builds (or reuses) the binaries, starts etcd + kube-apiserver, checks
// PodSecurity admission, a ValidatingAdmissionPolicy and strict field
// validation against it, then stops it. Exit code 0 only if every check passed.

const childProcess = require('node:child_process');
const cp = require('./control-plane');
const { Client } = require('./api');

const t = () => process.hrtime.bigint();
const sec = (t0) => (Number(process.hrtime.bigint() - t0) / 1e9).toFixed(3);

/** One JSON request through the suites' client (api.js), one per cluster so its keep-alive agent can be closed. */
const clients = new Map();
function request(cluster, method, path, body) {
  if (!clients.has(cluster)) clients.set(cluster, new Client(cluster));
  return clients.get(cluster).request(method, path, body, { timeoutMs: 30000 });
}

function kubectl(cluster, args, input) {
  const r = childProcess.spawnSync('kubectl', ['--kubeconfig', cluster.kubeconfigPath, ...args], {
    input, encoding: 'utf8', timeout: 60000,
  });
  if (r.error) throw r.error;
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

const restrictedPod = (name, extraSpec = {}) => ({
  apiVersion: 'v1',
  kind: 'Pod',
  metadata: { name },
  spec: {
    securityContext: { runAsNonRoot: true, runAsUser: 65532, seccompProfile: { type: 'RuntimeDefault' } },
    containers: [{
      name: 'app',
      image: 'registry.k8s.io/pause:3.9',
      securityContext: { allowPrivilegeEscalation: false, capabilities: { drop: ['ALL'] } },
    }],
    ...extraSpec,
  },
});

const privilegedPod = {
  apiVersion: 'v1',
  kind: 'Pod',
  metadata: { name: 'privileged' },
  spec: {
    containers: [{ name: 'app', image: 'registry.k8s.io/pause:3.9', securityContext: { privileged: true } }],
  },
};

const results = [];
function check(name, ok, detail) {
  results.push({ name, ok });
  console.log(`${ok ? 'PASS' : 'FAIL'} ${name}${detail ? ` — ${detail}` : ''}`);
}

async function timed(label, fn) {
  const t0 = t();
  const r = await fn();
  console.log(`  [${sec(t0)}s] ${label}`);
  return r;
}

async function main() {
  const tBuild = t();
  const bins = await cp.build();
  console.log(`build: ${sec(tBuild)}s (${bins.cached ? 'cached' : 'built'}; ${bins.dir})`);

  const tStart = t();
  const cluster = await cp.start({ binaries: bins });
  console.log(`start to ready: ${sec(tStart)}s (${cluster.url})`);

  try {
    const v = await timed('GET /version', () => request(cluster, 'GET', '/version'));
    console.log(`server version: ${v.json.gitVersion} (${v.json.goVersion}, commit ${v.json.gitCommit || '-'}, built ${v.json.buildDate})`);
    check('server is v1.28', v.status === 200 && /^v1\.28\./.test(v.json.gitVersion), v.json.gitVersion);

    // Namespaces, through kubectl and the kubeconfig.
    const nsYaml = `
apiVersion: v1
kind: Namespace
metadata:
  name: smoke-psa
  labels:
    pod-security.kubernetes.io/enforce: restricted
    pod-security.kubernetes.io/enforce-version: v1.28
---
apiVersion: v1
kind: Namespace
metadata:
  name: smoke-vap
  labels:
    cdk8s-hardened/smoke: vap
`;
    const ns = await timed('kubectl create namespaces', () => kubectl(cluster, ['create', '-f', '-'], nsYaml));
    check('kubectl creates namespaces via kubeconfig', ns.status === 0, (ns.stdout + ns.stderr).trim().replace(/\n/g, '; '));
    const got = kubectl(cluster, ['get', 'ns', 'smoke-psa', '-o', 'jsonpath={.metadata.labels}']);
    console.log(`  smoke-psa labels: ${got.stdout}`);

    // PodSecurity admission.
    const priv = await timed('dry-run create privileged pod in smoke-psa',
      () => request(cluster, 'POST', '/api/v1/namespaces/smoke-psa/pods?dryRun=All', privilegedPod));
    check('privileged pod denied by PodSecurity restricted:v1.28',
      priv.status === 403 && /violates PodSecurity "restricted:v1\.28"/.test(priv.json && priv.json.message),
      `${priv.status}: ${priv.json && priv.json.message}`);

    const ok = await timed('dry-run create restricted pod in smoke-psa',
      () => request(cluster, 'POST', '/api/v1/namespaces/smoke-psa/pods?dryRun=All', restrictedPod('restricted')));
    check('restricted-compliant pod admitted', ok.status === 201, `${ok.status}${ok.status === 201 ? '' : `: ${ok.text}`}`);

    // ValidatingAdmissionPolicy (v1beta1) + binding.
    const vapBase = '/apis/admissionregistration.k8s.io/v1beta1';
    const policy = {
      apiVersion: 'admissionregistration.k8s.io/v1beta1',
      kind: 'ValidatingAdmissionPolicy',
      metadata: { name: 'smoke-deny-host-network' },
      spec: {
        failurePolicy: 'Fail',
        matchConstraints: {
          resourceRules: [{ apiGroups: [''], apiVersions: ['v1'], operations: ['CREATE', 'UPDATE'], resources: ['pods'] }],
        },
        validations: [{
          expression: '!has(object.spec.hostNetwork) || object.spec.hostNetwork == false',
          message: 'smoke: pods must not use hostNetwork',
        }],
      },
    };
    const binding = {
      apiVersion: 'admissionregistration.k8s.io/v1beta1',
      kind: 'ValidatingAdmissionPolicyBinding',
      metadata: { name: 'smoke-deny-host-network' },
      spec: {
        policyName: 'smoke-deny-host-network',
        validationActions: ['Deny'],
        matchResources: { namespaceSelector: { matchLabels: { 'cdk8s-hardened/smoke': 'vap' } } },
      },
    };
    const p = await timed('create ValidatingAdmissionPolicy',
      () => request(cluster, 'POST', `${vapBase}/validatingadmissionpolicies`, policy));
    check('ValidatingAdmissionPolicy created (v1beta1)', p.status === 201, `${p.status}${p.status === 201 ? '' : `: ${p.text}`}`);
    const b = await timed('create ValidatingAdmissionPolicyBinding',
      () => request(cluster, 'POST', `${vapBase}/validatingadmissionpolicybindings`, binding));
    check('ValidatingAdmissionPolicyBinding created (v1beta1)', b.status === 201, `${b.status}${b.status === 201 ? '' : `: ${b.text}`}`);

    let status;
    const tTc = t();
    for (let i = 0; i < 300; i++) {
      const r = await request(cluster, 'GET', `${vapBase}/validatingadmissionpolicies/smoke-deny-host-network`);
      status = r.json && r.json.status;
      if (status && status.typeChecking) break;
      await new Promise((res) => setTimeout(res, 100));
    }
    console.log(`  [${sec(tTc)}s] wait for status.typeChecking`);
    check('policy status.typeChecking populated', !!(status && status.typeChecking), JSON.stringify(status));

    // A policy with a type error gets a warning, so the type checker really ran.
    const badPolicy = JSON.parse(JSON.stringify(policy));
    badPolicy.metadata.name = 'smoke-type-error';
    badPolicy.spec.validations = [{ expression: 'object.spec.noSuchField == "x"', message: 'never' }];
    const bp = await timed('create policy with a type error',
      () => request(cluster, 'POST', `${vapBase}/validatingadmissionpolicies`, badPolicy));
    let warnings;
    const tW = t();
    for (let i = 0; i < 300 && bp.status === 201; i++) {
      const r = await request(cluster, 'GET', `${vapBase}/validatingadmissionpolicies/smoke-type-error`);
      const tc = r.json && r.json.status && r.json.status.typeChecking;
      if (tc) { warnings = tc.expressionWarnings || []; break; }
      await new Promise((res) => setTimeout(res, 100));
    }
    console.log(`  [${sec(tW)}s] wait for its status.typeChecking`);
    check('type error reported in status.typeChecking.expressionWarnings',
      !!(warnings && warnings.length && /noSuchField/.test(warnings[0].warning)),
      JSON.stringify(warnings));

    // The policy is enforced once the apiserver's policy informers have seen it.
    const hostNetPod = restrictedPod('host-network', { hostNetwork: true });
    let denied;
    const tEnf = t();
    for (let i = 0; i < 150; i++) {
      denied = await request(cluster, 'POST', '/api/v1/namespaces/smoke-vap/pods?dryRun=All', hostNetPod);
      if (denied.status !== 201) break;
      await new Promise((res) => setTimeout(res, 200));
    }
    console.log(`  [${sec(tEnf)}s] dry-run create hostNetwork pod in smoke-vap until denied`);
    check('hostNetwork pod denied by the policy with its message',
      denied.status >= 400 && /smoke-deny-host-network/.test(denied.json && denied.json.message)
        && /smoke: pods must not use hostNetwork/.test(denied.json && denied.json.message),
      `${denied.status}: ${denied.json && denied.json.message}`);
    const allowed = await timed('dry-run create plain pod in smoke-vap',
      () => request(cluster, 'POST', '/api/v1/namespaces/smoke-vap/pods?dryRun=All', restrictedPod('plain')));
    check('pod without hostNetwork admitted in smoke-vap', allowed.status === 201, `${allowed.status}`);

    // Strict field validation.
    const unknown = restrictedPod('unknown-field');
    unknown.spec.containers[0].bogusField = 'x';
    const strict = await timed('dry-run create pod with unknown field, fieldValidation=Strict',
      () => request(cluster, 'POST', '/api/v1/namespaces/smoke-psa/pods?dryRun=All&fieldValidation=Strict', unknown));
    check('unknown field rejected with fieldValidation=Strict',
      strict.status === 400 && /unknown field "spec\.containers\[0\]\.bogusField"/.test(strict.json && strict.json.message),
      `${strict.status}: ${strict.json && strict.json.message}`);
    const lax = await timed('same with fieldValidation=Ignore (control)',
      () => request(cluster, 'POST', '/api/v1/namespaces/smoke-psa/pods?dryRun=All&fieldValidation=Ignore', unknown));
    check('same pod admitted with fieldValidation=Ignore', lax.status === 201, `${lax.status}`);

    // The same through kubectl (server-side dry run, strict validation by default).
    const kc = await timed('kubectl create --dry-run=server privileged pod',
      () => kubectl(cluster, ['create', '--dry-run=server', '-n', 'smoke-psa', '-f', '-'], JSON.stringify(privilegedPod)));
    check('kubectl server-side dry-run of privileged pod fails', kc.status !== 0 && /PodSecurity/.test(kc.stderr),
      kc.stderr.trim().split('\n')[0]);
  } finally {
    for (const client of clients.values()) client.close();
    const tStop = t();
    await cluster.stop();
    console.log(`stop: ${sec(tStop)}s`);
  }
}

main().then(() => {
  const failed = results.filter((r) => !r.ok).length;
  console.log(`smoke: ${results.length - failed} passed, ${failed} failed`);
  process.exitCode = failed ? 1 : 0;
}, (e) => {
  console.error(e);
  const failed = results.filter((r) => !r.ok).length + 1;
  console.log(`smoke: ${results.length - failed + 1} passed, ${failed} failed`);
  process.exitCode = 1;
});
