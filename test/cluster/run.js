'use strict';
// `npm run test:cluster`: builds (or reuses) the control plane of
// test/oracle/cluster, starts it, runs the suites against the real API server
// and tears it down whatever happens (control-plane.js handles signals, errors
// and a dying parent). Each suite prints its agreement counts and lists every
// disagreement; the last line is `CLUSTER {json}`. Exit code 1 on any
// disagreement or error.
//
//   node test/cluster/run.js [psa] [schema] [admission] [audit] [migrate] [reference]   (default: all, in this order)
//   MIGRATE_GENERATED=n   generated Pods and Deployments per PodSecurityPolicy in the migrate suite (default 600)
//   CLUSTER_GENERATED=n   generated objects in the psa suite (default 5400, at least 5000 unless CLUSTER_QUICK=1)
//   CLUSTER_SEED=n        fast-check seed of the generated objects (default: random, printed)

const childProcess = require('node:child_process');
const cp = require('./control-plane');
const { Client, seconds } = require('./api');

const SUITES = {
  psa: () => require('./psa'),
  schema: () => require('./schema'),
  admission: () => require('./admission'),
  audit: () => require('./audit'),
  migrate: () => require('./migrate'),
  // Last: it applies the reference GitOps tree, whose admission policies (cluster-wide, Deny) then refuse the
  // namespaces the audit and migrate suites create at other levels.
  reference: () => require('./reference'),
};

async function main() {
  const go = childProcess.spawnSync('go', ['version'], { encoding: 'utf8' });
  if (go.error || go.status !== 0) {
    // Asked for explicitly, so not a silent pass: `npm test` and `.ci/run` skip this suite without go instead.
    throw new Error('go is not on PATH: npm run test:cluster builds kube-apiserver and etcd from Go modules (test/oracle/cluster) and needs Go (1.20 or later, see test/oracle/cluster/go.mod)');
  }
  console.log(`cluster suite: ${go.stdout.trim()}`);
  const wanted = process.argv.slice(2);
  for (const name of wanted) {
    if (!SUITES[name]) throw new Error(`unknown suite "${name}": give any of ${Object.keys(SUITES).join(', ')}`);
  }
  const names = wanted.length ? Object.keys(SUITES).filter((n) => wanted.includes(n)) : Object.keys(SUITES);
  const generated = Number(process.env.CLUSTER_GENERATED || 5400);
  if (!Number.isInteger(generated) || (generated < 5000 && process.env.CLUSTER_QUICK !== '1')) {
    throw new Error(`CLUSTER_GENERATED=${process.env.CLUSTER_GENERATED}: give an integer of at least 5000 (or set CLUSTER_QUICK=1)`);
  }
  const seed = process.env.CLUSTER_SEED ? Number(process.env.CLUSTER_SEED) : Math.floor(Math.random() * 2 ** 31);
  console.log(`cluster suite: ${names.join(', ')}; CLUSTER_SEED=${seed} replays the generated objects`);

  const t0 = process.hrtime.bigint();
  const bins = await cp.build();
  const buildSeconds = seconds(t0);
  // ProcMountType: without it the 1.28 API server silently drops securityContext.procMount, so Pod Security
  // would never see the field its /proc mount control judges (clusters that allow Unmasked enable it).
  const cluster = await cp.start({ binaries: bins, extraApiserverArgs: ['--feature-gates=ProcMountType=true'] });
  const client = new Client(cluster, { maxSockets: 16 });
  const out = { server: undefined, build: { cached: bins.cached, seconds: round(buildSeconds) }, suites: {} };
  let failed = false;
  try {
    const v = await client.version();
    out.server = v.gitVersion;
    if (!/^v1\.28\./.test(v.gitVersion)) throw new Error(`the test server is ${v.gitVersion}, not v1.28`);
    await client.discover();
    for (const name of names) {
      const t = process.hrtime.bigint();
      console.log(`\n=== ${name} ===`);
      let tally;
      try {
        tally = await SUITES[name]().run({ client, cluster, generated, seed });
      } catch (e) {
        console.log(`${name}: ERROR ${e.stack || e}`);
        out.suites[name] = { error: String(e.message || e), seconds: round(seconds(t)) };
        failed = true;
        continue;
      }
      tally.report();
      out.suites[name] = { ...tally.summary(), seconds: round(seconds(t)) };
      if (tally.disagreements.length) failed = true;
    }
  } finally {
    client.close();
    await cluster.stop();
  }
  out.seconds = round(seconds(t0));
  return { out, failed };
}

const round = (x) => Math.round(x * 10) / 10;

main().then(({ out, failed }) => {
  console.log(`CLUSTER ${JSON.stringify(out)}`);
  process.exitCode = failed ? 1 : 0;
}, (e) => {
  console.error(e.stack || e);
  console.log(`CLUSTER ${JSON.stringify({ error: String(e.message || e) })}`);
  process.exitCode = 1;
});
