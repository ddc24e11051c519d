'use strict';
// Suite 4: the reference scenario, through kubectl and a kubeconfig that
// points at the test server with its static token. The cluster first gets
// the hardened admission policies (`cdk8s-hardened admission --profile
// hardened`, applied with kubectl), so the reference tree is also proven to
// pass the cluster-side enforcement of the same rules. Then:
// - `kubectl apply --server-side -k dist` (the `npm run synth` output) succeeds and every object is there;
// - a privileged pod in each LockedDownNamespace is rejected by Pod Security (restricted:v1.28);
// - for every Role the example binds, `kubectl auth can-i --as=<subject>` allows exactly what the Role grants:
//   every granted verb on every granted resource, and none of the write verbs it leaves out, nor secrets.
// Skipped with a message when kubectl is not on PATH.

const childProcess = require('node:child_process');
const fs = require('node:fs');
const path = require('node:path');
const { sleep, Tally } = require('./api');
const { ROOT, yamlFiles, readObjects, isObject } = require('./fixtures');

function hasKubectl() {
  const r = childProcess.spawnSync('kubectl', ['version', '--client'], { encoding: 'utf8' });
  return !r.error && r.status === 0;
}

function kubectl(cluster, args, input) {
  const r = childProcess.spawnSync('kubectl', ['--kubeconfig', cluster.kubeconfigPath, ...args], {
    input, encoding: 'utf8', timeout: 120000, env: { ...process.env, KUBECONFIG: cluster.kubeconfigPath },
  });
  if (r.error) throw r.error;
  return { status: r.status, out: `${r.stdout}${r.stderr}`.trim() };
}

function distObjects() {
  const dist = path.join(ROOT, 'dist');
  const out = [];
  for (const rel of yamlFiles(dist)) {
    if (path.basename(rel) === 'kustomization.yaml') continue;
    const objects = readObjects(path.join(dist, rel));
    if (!Array.isArray(objects)) throw new Error(`dist/${rel} is refused by our reader: ${objects.message}`);
    out.push(...objects);
  }
  return out;
}

const WRITE_VERBS = ['create', 'update', 'patch', 'delete', 'deletecollection'];

async function run({ cluster, client }) {
  const tally = new Tally('reference');
  if (!hasKubectl()) {
    console.log('reference: SKIPPED: kubectl is not on PATH (install kubectl 1.28+ to run the reference scenario)');
    tally.count('skipped', 1);
    return tally;
  }
  if (!fs.existsSync(path.join(ROOT, 'dist', 'kustomization.yaml'))) {
    throw new Error('dist/ holds no synthesized tree: run `npm run synth` first (npm run test:cluster does)');
  }
  const objects = distObjects();

  // The admission policies, as a cluster would get them.
  const cli = childProcess.spawnSync(process.execPath, [path.join(ROOT, 'lib', 'cli', 'main.js'), 'admission', '--profile', 'hardened'],
    { encoding: 'utf8', env: { ...process.env, CDK8S_CHECK_UPGRADE: 'false' } });
  if (cli.status !== 0) throw new Error(`cdk8s-hardened admission failed: ${cli.stderr}`);
  const policies = kubectl(cluster, ['apply', '--server-side', '--force-conflicts', '-f', '-'], cli.stdout);
  tally.record('kubectl apply --server-side the hardened admission policies', policies.status === 0, policies.out.slice(0, 2000));
  const probe = JSON.stringify({
    apiVersion: 'v1', kind: 'Pod', metadata: { name: 'probe', namespace: 'default' },
    spec: { containers: [{ name: 'c', image: 'registry.k8s.io/pause:3.9', securityContext: { privileged: true } }] },
  });
  for (let i = 0; i < 100; i++) {
    const r = await client.request('POST', '/api/v1/namespaces/default/pods?dryRun=All', probe);
    if (r.status === 403 && /ValidatingAdmissionPolicy 'cdk8s-hardened-/.test(r.json && r.json.message)) break;
    if (i === 99) throw new Error('the hardened admission policies are not enforced 10s after kubectl apply');
    await sleep(100);
  }
  await sleep(1000);

  // kubectl apply --server-side -k dist, and every object is there.
  const apply = kubectl(cluster, ['apply', '--server-side', '-k', path.join(ROOT, 'dist')]);
  tally.record('kubectl apply --server-side -k dist', apply.status === 0, apply.out.slice(0, 3000));
  console.log(`reference: kubectl apply --server-side -k dist: exit ${apply.status}, ${apply.out.split('\n').length} lines`);
  for (const o of objects) {
    const ns = isObject(o.metadata) && o.metadata.namespace;
    const got = kubectl(cluster, ['get', `${o.kind}.${o.apiVersion.includes('/') ? o.apiVersion.split('/')[0] : ''}`.replace(/\.$/, ''),
      o.metadata.name, ...(ns ? ['-n', ns] : []), '-o', 'name']);
    tally.record(`${o.kind} ${ns ? `${ns}/` : ''}${o.metadata.name} exists after apply`, got.status === 0, got.out);
  }

  // A privileged pod in every locked-down namespace is refused by Pod Security.
  const lockedDown = objects.filter((o) => o.kind === 'Namespace' && isObject(o.metadata.labels)
    && o.metadata.labels['pod-security.kubernetes.io/enforce'] === 'restricted');
  if (lockedDown.length < 2) throw new Error(`expected the example's locked-down namespaces in dist/, found ${lockedDown.length}`);
  for (const ns of lockedDown) {
    const pod = JSON.stringify({
      apiVersion: 'v1', kind: 'Pod', metadata: { name: 'privileged', namespace: ns.metadata.name },
      spec: { containers: [{ name: 'c', image: 'registry.k8s.io/pause:3.9', securityContext: { privileged: true } }] },
    });
    const r = kubectl(cluster, ['create', '-f', '-'], pod);
    tally.record(`privileged pod in LockedDownNamespace ${ns.metadata.name} rejected by PSA`,
      r.status !== 0 && /violates PodSecurity "restricted:v1\.28"/.test(r.out), `exit ${r.status}: ${r.out}`);
  }

  // RBAC: what the LeastPrivilegeRoles promised, for every subject bound to them.
  const roles = objects.filter((o) => o.kind === 'Role');
  const bindings = objects.filter((o) => o.kind === 'RoleBinding' && o.roleRef && o.roleRef.kind === 'Role');
  if (roles.length === 0 || bindings.length === 0) throw new Error('expected the example\'s LeastPrivilegeRole and its binding in dist/');
  let checks = 0;
  for (const b of bindings) {
    const role = roles.find((r) => r.metadata.name === b.roleRef.name && r.metadata.namespace === b.metadata.namespace);
    if (!role) throw new Error(`RoleBinding ${b.metadata.name} names a Role that dist/ does not hold`);
    for (const subject of b.subjects || []) {
      if (subject.kind !== 'ServiceAccount') continue;
      const as = `system:serviceaccount:${subject.namespace || b.metadata.namespace}:${subject.name}`;
      const canI = (verb, resource) => {
        const r = kubectl(cluster, ['auth', 'can-i', verb, resource, '-n', b.metadata.namespace, `--as=${as}`]);
        checks++;
        return r.out.split('\n')[0].trim();
      };
      for (const rule of role.rules) {
        for (const group of rule.apiGroups) {
          for (const res of rule.resources) {
            const resource = group ? `${res}.${group}` : res;
            for (const verb of rule.verbs) {
              const answer = canI(verb, resource);
              tally.record(`${as} can ${verb} ${resource} in ${b.metadata.namespace}`, answer === 'yes', `kubectl auth can-i says ${answer}`);
            }
            for (const verb of WRITE_VERBS.filter((v) => !rule.verbs.includes(v))) {
              const answer = canI(verb, resource);
              tally.record(`${as} cannot ${verb} ${resource} in ${b.metadata.namespace}`, answer === 'no', `kubectl auth can-i says ${answer}`);
            }
          }
        }
      }
      for (const verb of ['get', 'list']) {
        const answer = canI(verb, 'secrets');
        tally.record(`${as} cannot ${verb} secrets in ${b.metadata.namespace}`, answer === 'no', `kubectl auth can-i says ${answer}`);
      }
      const other = lockedDown.find((n) => n.metadata.name !== b.metadata.namespace);
      if (other) {
        const r = kubectl(cluster, ['auth', 'can-i', 'list', 'pods', '-n', other.metadata.name, `--as=${as}`]);
        checks++;
        const answer = r.out.split('\n')[0].trim();
        tally.record(`${as} cannot list pods in ${other.metadata.name}`, answer === 'no', `kubectl auth can-i says ${answer}`);
      }
    }
  }
  console.log(`reference: ${objects.length} objects applied and found, ${lockedDown.length} locked-down namespaces, ${checks} kubectl auth can-i checks`);
  tally.count('objects', objects.length);
  tally.count('can-i', checks);
  return tally;
}

module.exports = { run };
