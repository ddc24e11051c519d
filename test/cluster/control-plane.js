'use strict';
// A real Kubernetes control plane for tests, built from the Go module in
// test/oracle/cluster: etcd + kube-apiserver, plus (unless
// start({ typeChecking: false })) a one-controller process that fills in
// ValidatingAdmissionPolicy status.typeChecking, which in v1.28 is done by
// kube-controller-manager and not by kube-apiserver. No kubelet, scheduler
// or kube-controller-manager.
//
//   const cp = require('./control-plane');
//   await cp.build();                 // go build into the user cache (reused)
//   const c = await cp.start();       // { url, token, kubeconfigPath, stop() }
//   ...
//   await c.stop();
//
// Plain CommonJS, Node built-ins only. Binaries live in
// ${XDG_CACHE_HOME:-~/.cache}/cdk8s-hardened/cluster/bin-<hash>/ where <hash>
// covers go.mod, go.sum, every .go file of the module, the Go version and the
// build recipe below, so a warm cache is reused and any change rebuilds.
//
// Teardown "whatever happens": stop() is registered for process exit,
// SIGINT, SIGTERM, SIGHUP and uncaught errors, and a detached reaper process
// holding a pipe to this one kills both process groups and removes the temp
// dir if this process dies without running any handler (SIGKILL, OOM).
//
// Environment:
//   CDK8S_HARDENED_CLUSTER_KEEP=1   keep the temp dir (logs, etcd data) on stop
//   CDK8S_HARDENED_CLUSTER_QUIET=1  do not print progress

const childProcess = require('node:child_process');
const crypto = require('node:crypto');
const fs = require('node:fs');
const http = require('node:http');
const https = require('node:https');
const net = require('node:net');
const os = require('node:os');
const path = require('node:path');

const MODULE_DIR = path.resolve(__dirname, '..', 'oracle', 'cluster');
// Bump when the build command line below changes meaningfully.
const RECIPE = 'v1 CGO_ENABLED=0 -mod=readonly -trimpath -ldflags=-s -w +version';

function log(...args) {
  if (!process.env.CDK8S_HARDENED_CLUSTER_QUIET) {
    console.error('[control-plane]', ...args);
  }
}

function cacheRoot() {
  const base = process.env.XDG_CACHE_HOME || path.join(os.homedir(), '.cache');
  return path.join(base, 'cdk8s-hardened', 'cluster');
}

function secondsSince(t0) {
  return Number(process.hrtime.bigint() - t0) / 1e9;
}

// ---------------------------------------------------------------- build ----

function listSources(dir, rel = '') {
  const out = [];
  for (const ent of fs.readdirSync(path.join(dir, rel), { withFileTypes: true })) {
    const r = rel ? `${rel}/${ent.name}` : ent.name;
    if (ent.isDirectory()) out.push(...listSources(dir, r));
    else if (ent.isFile() && (ent.name.endsWith('.go') || ent.name === 'go.mod' || ent.name === 'go.sum')) out.push(r);
  }
  return out.sort();
}

function goEnv(names) {
  const r = childProcess.spawnSync('go', ['env', ...names], { cwd: MODULE_DIR, encoding: 'utf8' });
  if (r.error) throw new Error(`cannot run go: ${r.error.message}`);
  if (r.status !== 0) throw new Error(`go env failed: ${r.stderr}`);
  return r.stdout.trim().split('\n');
}

function buildKey() {
  const h = crypto.createHash('sha256');
  h.update(`${RECIPE}\n`);
  h.update(`${goEnv(['GOVERSION', 'GOOS', 'GOARCH']).join(' ')}\n`);
  for (const f of listSources(MODULE_DIR)) {
    h.update(`${f}\0`);
    h.update(fs.readFileSync(path.join(MODULE_DIR, f)));
    h.update('\0');
  }
  return h.digest('hex').slice(0, 16);
}

// -X flags so that /version reports the real release instead of
// v0.0.0-master+$Format:%H$ (what a plain `go build` of k8s.io/kubernetes gives).
function versionLdflags() {
  const gomod = fs.readFileSync(path.join(MODULE_DIR, 'go.mod'), 'utf8');
  const m = /^\s*k8s\.io\/kubernetes\s+(v(\d+)\.(\d+)\.\d+\S*)/m.exec(gomod);
  if (!m) return [];
  const [, version, major, minor] = m;
  let commit = '';
  let date = '1970-01-01T00:00:00Z';
  try {
    const r = childProcess.spawnSync('go', ['mod', 'download', '-json', `k8s.io/kubernetes@${version}`],
      { cwd: MODULE_DIR, encoding: 'utf8' });
    const info = JSON.parse(fs.readFileSync(JSON.parse(r.stdout).Info, 'utf8'));
    commit = (info.Origin && info.Origin.Hash) || '';
    date = info.Time || date;
  } catch { /* version without commit/date is fine */ }
  const flags = [];
  for (const pkg of ['k8s.io/component-base/version', 'k8s.io/client-go/pkg/version']) {
    flags.push(`-X ${pkg}.gitVersion=${version}`, `-X ${pkg}.gitMajor=${major}`, `-X ${pkg}.gitMinor=${minor}`,
      `-X ${pkg}.gitTreeState=clean`, `-X ${pkg}.buildDate=${date}`);
    if (commit) flags.push(`-X ${pkg}.gitCommit=${commit}`);
  }
  return flags;
}

// Each build is ~200 MB; keep the most recently used few (other checkouts or
// branches may pin other versions), remove the rest.
const KEEP_BUILDS = 3;

function pruneOldBuilds(root, keep) {
  const builds = [];
  for (const name of fs.readdirSync(root)) {
    if (!name.startsWith('bin-')) continue;
    try {
      builds.push({ dir: path.join(root, name), used: fs.statSync(path.join(root, name, 'BUILD-INFO.json')).mtimeMs });
    } catch { /* incomplete: leave it to whoever is building it */ }
  }
  builds.sort((a, b) => b.used - a.used);
  for (const { dir } of builds.slice(keep)) {
    log(`build: removing old build ${dir}`);
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

const liveBuilds = new Set();
const liveStages = new Set(); // half-built cache dirs, removed if we are torn down mid-build

function run(cmd, args, opts) {
  return new Promise((resolve, reject) => {
    const child = childProcess.spawn(cmd, args, { stdio: ['ignore', 'inherit', 'inherit'], ...opts });
    liveBuilds.add(child);
    child.on('error', (e) => { liveBuilds.delete(child); reject(e); });
    child.on('exit', (code, sig) => {
      liveBuilds.delete(child);
      if (code === 0) resolve();
      else reject(new Error(`${cmd} ${args.join(' ')} failed (${sig || `exit ${code}`})`));
    });
  });
}

/**
 * Builds kube-apiserver and etcd into the cache unless a build for the same
 * key is already there. Returns { dir, kubeApiserver, etcd, cached, seconds }.
 */
async function build() {
  installTeardownHandlers();
  const t0 = process.hrtime.bigint();
  const key = buildKey();
  const root = cacheRoot();
  const dir = path.join(root, `bin-${key}`);
  const result = () => ({
    dir,
    kubeApiserver: path.join(dir, 'kube-apiserver'),
    etcd: path.join(dir, 'etcd'),
    vapStatusController: path.join(dir, 'vap-status-controller'),
    key,
  });
  if (fs.existsSync(path.join(dir, 'BUILD-INFO.json'))) {
    try { const now = new Date(); fs.utimesSync(path.join(dir, 'BUILD-INFO.json'), now, now); } catch { /* read-only cache is fine */ }
    const seconds = secondsSince(t0);
    log(`build: reusing ${dir} (key ${key}, ${seconds.toFixed(2)}s)`);
    return { ...result(), cached: true, seconds };
  }
  fs.mkdirSync(root, { recursive: true });
  const stage = fs.mkdtempSync(path.join(root, `.stage-${key}-`));
  liveStages.add(stage);
  try {
    const env = { ...process.env, CGO_ENABLED: '0' };
    const ldflags = ['-s', '-w', ...versionLdflags()].join(' ');
    const common = ['build', '-mod=readonly', '-trimpath', `-ldflags=${ldflags}`];
    const targets = [
      ['etcd', './cmd/etcd'],
      ['kube-apiserver', 'k8s.io/kubernetes/cmd/kube-apiserver'],
      ['vap-status-controller', './cmd/vap-status-controller'],
    ];
    const timings = {};
    for (const [name, pkg] of targets) {
      const t = process.hrtime.bigint();
      log(`build: go ${common.slice(0, 3).join(' ')} -o ${path.join(stage, name)} ${pkg}  (in ${MODULE_DIR}; cold: minutes)`);
      await run('go', [...common, '-o', path.join(stage, name), pkg], { cwd: MODULE_DIR, env });
      timings[name] = secondsSince(t);
      log(`build: ${name} done in ${timings[name].toFixed(1)}s`);
    }
    fs.writeFileSync(path.join(stage, 'BUILD-INFO.json'), `${JSON.stringify({
      key, recipe: RECIPE, go: goEnv(['GOVERSION'])[0], ldflags, timings, builtAt: new Date().toISOString(),
    }, null, 2)}\n`);
    try {
      fs.renameSync(stage, dir);
    } catch (e) {
      // Another process finished the same build first: use theirs.
      if (!fs.existsSync(path.join(dir, 'BUILD-INFO.json'))) throw e;
    }
  } finally {
    fs.rmSync(stage, { recursive: true, force: true });
    liveStages.delete(stage);
  }
  pruneOldBuilds(root, KEEP_BUILDS);
  const seconds = secondsSince(t0);
  log(`build: ${dir} ready in ${seconds.toFixed(1)}s`);
  return { ...result(), cached: false, seconds };
}

// ---------------------------------------------------------------- start ----

async function freePorts(n) {
  const servers = [];
  try {
    for (let i = 0; i < n; i++) {
      const s = net.createServer();
      servers.push(s);
      await new Promise((res, rej) => { s.once('error', rej); s.listen(0, '127.0.0.1', res); });
    }
    return servers.map((s) => s.address().port);
  } finally {
    await Promise.all(servers.map((s) => new Promise((res) => s.close(() => res()))));
  }
}

function tail(file, lines = 50) {
  try {
    const all = fs.readFileSync(file, 'utf8').split('\n');
    if (all[all.length - 1] === '') all.pop();
    return all.slice(-lines).join('\n');
  } catch (e) {
    return `(no log: ${e.message})`;
  }
}

function get(url, { token, timeoutMs = 2000 } = {}) {
  return new Promise((resolve, reject) => {
    const mod = url.startsWith('https:') ? https : http;
    const req = mod.get(url, {
      rejectUnauthorized: false,
      headers: token ? { Authorization: `Bearer ${token}` } : {},
      timeout: timeoutMs,
    }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (d) => { body += d; });
      res.on('end', () => resolve({ status: res.statusCode, body }));
    });
    req.on('timeout', () => req.destroy(new Error('timeout')));
    req.on('error', reject);
  });
}

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

// Every cluster that has not been stopped, for the exit/signal handlers.
const clusters = new Set();
let handlersInstalled = false;

function stopAllSync() {
  for (const child of liveBuilds) {
    try { child.kill('SIGKILL'); } catch { /* gone */ }
  }
  for (const stage of liveStages) {
    try { fs.rmSync(stage, { recursive: true, force: true }); } catch { /* best effort */ }
  }
  for (const c of clusters) c.stopSync();
}

function installTeardownHandlers() {
  if (handlersInstalled) return;
  handlersInstalled = true;
  process.on('exit', stopAllSync);
  for (const sig of ['SIGINT', 'SIGTERM', 'SIGHUP']) {
    process.once(sig, () => {
      log(`${sig}: tearing down`);
      stopAllSync();
      process.kill(process.pid, sig); // default action now that our listener is gone
    });
  }
  const fatal = (kind) => (err) => {
    console.error(`[control-plane] ${kind}:`, err);
    stopAllSync();
    process.exit(1);
  };
  process.on('uncaughtException', fatal('uncaught exception'));
  process.on('unhandledRejection', fatal('unhandled rejection'));
}

// A detached watchdog: it reads its stdin (a pipe from us) until EOF, which
// comes when we stop the cluster or when this process dies in any way, then
// kills the process groups and removes the temp dir.
const REAPER = `
const fs = require('fs');
const [dir, keep] = process.argv.slice(1);
const pgids = new Set();
let buf = '';
process.on('SIGINT', () => {}); process.on('SIGTERM', () => {}); process.on('SIGHUP', () => {});
process.stdin.setEncoding('utf8');
process.stdin.on('data', (d) => {
  buf += d;
  let i;
  while ((i = buf.indexOf('\\n')) >= 0) { const l = buf.slice(0, i); buf = buf.slice(i + 1); if (/^\\d+$/.test(l)) pgids.add(Number(l)); }
});
process.stdin.on('end', () => {
  for (const g of pgids) { try { process.kill(-g, 'SIGKILL'); } catch {} }
  if (keep !== '1') setTimeout(() => { try { fs.rmSync(dir, { recursive: true, force: true }); } catch {} process.exit(0); }, 300);
  else process.exit(0);
});
`;

function spawnLogged(bin, args, logFile, env) {
  const fd = fs.openSync(logFile, 'a');
  try {
    fs.writeSync(fd, `$ ${bin} ${args.join(' ')}\n`);
    const child = childProcess.spawn(bin, args, {
      detached: true, // own process group, so stop() can kill the whole group
      stdio: ['ignore', fd, fd],
      env,
    });
    child.unref(); // the exit handler tears it down if the caller forgets
    return child;
  } finally {
    fs.closeSync(fd);
  }
}

function exited(child) {
  return child.exitCode !== null || child.signalCode !== null;
}

function waitExit(child, ms) {
  if (exited(child)) return Promise.resolve(true);
  return new Promise((resolve) => {
    const t = setTimeout(() => resolve(false), ms);
    child.once('exit', () => { clearTimeout(t); resolve(true); });
  });
}

async function waitFor(what, check, { timeoutMs, children }) {
  const deadline = Date.now() + timeoutMs;
  let last = '';
  for (;;) {
    for (const [name, child] of children) {
      if (exited(child)) throw new Error(`${name} exited (${child.signalCode || `code ${child.exitCode}`}) while waiting for ${what}`);
    }
    try {
      const r = await check();
      if (r === true) return;
      last = r;
    } catch (e) {
      last = e.message;
    }
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs / 1000}s waiting for ${what}; last: ${String(last).slice(0, 2000)}`);
    await sleep(200);
  }
}

function writeKubeconfig(file, url, token) {
  fs.writeFileSync(file, [
    'apiVersion: v1',
    'kind: Config',
    'clusters:',
    '- name: oracle',
    '  cluster:',
    `    server: ${url}`,
    '    insecure-skip-tls-verify: true',
    'users:',
    '- name: admin',
    '  user:',
    `    token: ${token}`,
    'contexts:',
    '- name: oracle',
    '  context:',
    '    cluster: oracle',
    '    user: admin',
    'current-context: oracle',
    '',
  ].join('\n'), { mode: 0o600 });
}

/**
 * Starts etcd and kube-apiserver on 127.0.0.1 and waits until /readyz is ok.
 * Options: { readyTimeoutMs = 120000, keep = env CDK8S_HARDENED_CLUSTER_KEEP,
 *            typeChecking = true (run vap-status-controller),
 *            extraApiserverArgs = [], binaries = result of build() }.
 * Returns { url, token, kubeconfigPath, etcdUrl, dir, logs: {etcd, apiserver, vapStatusController},
 *           readySeconds, stop() }.
 */
async function start(opts = {}, attempt = 1) {
  installTeardownHandlers();
  const bins = opts.binaries || await build();
  const keep = opts.keep ?? process.env.CDK8S_HARDENED_CLUSTER_KEEP === '1';
  const readyTimeoutMs = opts.readyTimeoutMs || 120000;
  const t0 = process.hrtime.bigint();

  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cdk8s-hardened-cluster-'));
  const typeChecking = opts.typeChecking ?? true;
  const logs = { etcd: path.join(dir, 'etcd.log'), apiserver: path.join(dir, 'kube-apiserver.log') };
  if (typeChecking) logs.vapStatusController = path.join(dir, 'vap-status-controller.log');
  const children = [];
  let stopped = false;

  const reaper = childProcess.spawn(process.execPath, ['-e', REAPER, dir, keep ? '1' : '0'], {
    detached: true, stdio: ['pipe', 'ignore', 'ignore'],
  });
  reaper.unref();
  reaper.stdin.on('error', () => {});
  reaper.stdin.unref();

  const cluster = {
    dir,
    logs,
    stopSync() {
      if (stopped) return;
      stopped = true;
      clusters.delete(cluster);
      for (const [, child] of children) {
        try { process.kill(-child.pid, 'SIGKILL'); } catch { /* gone */ }
      }
      try { reaper.stdin.end(); } catch { /* gone */ }
      if (!keep) {
        try { fs.rmSync(dir, { recursive: true, force: true }); } catch { /* reaper retries */ }
      }
    },
    async stop() {
      if (stopped) return;
      // Graceful first (apiserver, then etcd), SIGKILL after 10s.
      for (const [, child] of [...children].reverse()) {
        if (exited(child)) continue;
        try { process.kill(-child.pid, 'SIGTERM'); } catch { /* gone */ }
        if (!await waitExit(child, 10000)) {
          try { process.kill(-child.pid, 'SIGKILL'); } catch { /* gone */ }
          await waitExit(child, 5000);
        }
      }
      cluster.stopSync();
      log(keep ? `stopped; kept ${dir}` : 'stopped; temp dir removed');
    },
  };
  clusters.add(cluster);

  const addChild = (name, child) => {
    children.push([name, child]);
    reaper.stdin.write(`${child.pid}\n`);
  };

  try {
    const [etcdClient, etcdPeer, securePort] = await freePorts(3);
    const etcdUrl = `http://127.0.0.1:${etcdClient}`;
    const peerUrl = `http://127.0.0.1:${etcdPeer}`;
    addChild('etcd', spawnLogged(bins.etcd, [
      '--name=oracle',
      `--data-dir=${path.join(dir, 'etcd-data')}`,
      `--listen-client-urls=${etcdUrl}`,
      `--advertise-client-urls=${etcdUrl}`,
      `--listen-peer-urls=${peerUrl}`,
      `--initial-advertise-peer-urls=${peerUrl}`,
      `--initial-cluster=oracle=${peerUrl}`,
      '--initial-cluster-state=new',
      '--unsafe-no-fsync=true', // throwaway data; fsync only slows tests
      '--log-level=info',
    ], logs.etcd, process.env));

    // Service-account key pair and static admin token.
    const { publicKey, privateKey } = crypto.generateKeyPairSync('rsa', {
      modulusLength: 2048,
      publicKeyEncoding: { type: 'spki', format: 'pem' },
      privateKeyEncoding: { type: 'pkcs8', format: 'pem' },
    });
    const saPub = path.join(dir, 'sa.pub');
    const saKey = path.join(dir, 'sa.key');
    fs.writeFileSync(saPub, publicKey);
    fs.writeFileSync(saKey, privateKey, { mode: 0o600 });
    const token = crypto.randomBytes(32).toString('hex');
    const tokenFile = path.join(dir, 'tokens.csv');
    fs.writeFileSync(tokenFile, `${token},admin,admin,"system:masters"\n`, { mode: 0o600 });

    await waitFor('etcd /health', async () => {
      const r = await get(`${etcdUrl}/health`);
      return (r.status === 200 && /"health":\s*"true"/.test(r.body)) || `${r.status} ${r.body}`;
    }, { timeoutMs: 30000, children });

    const url = `https://127.0.0.1:${securePort}`;
    addChild('kube-apiserver', spawnLogged(bins.kubeApiserver, [
      `--etcd-servers=${etcdUrl}`,
      '--bind-address=127.0.0.1',
      '--advertise-address=127.0.0.1',
      `--secure-port=${securePort}`,
      `--cert-dir=${path.join(dir, 'certs')}`, // self-signed serving cert
      `--token-auth-file=${tokenFile}`,
      '--authorization-mode=RBAC',
      '--service-account-issuer=https://kubernetes.default.svc.cluster.local',
      `--service-account-key-file=${saPub}`,
      `--service-account-signing-key-file=${saKey}`,
      '--service-cluster-ip-range=10.0.0.0/24', // allocation range only; nothing routes there
      '--feature-gates=ValidatingAdmissionPolicy=true',
      '--runtime-config=admissionregistration.k8s.io/v1beta1=true',
      // No controller-manager creates "default" ServiceAccounts, so the
      // ServiceAccount plugin would reject every Pod; it is left out.
      '--enable-admission-plugins=NamespaceLifecycle,LimitRanger,DefaultTolerationSeconds,'
        + 'PodSecurity,MutatingAdmissionWebhook,ValidatingAdmissionPolicy,ValidatingAdmissionWebhook,ResourceQuota',
      '--disable-admission-plugins=ServiceAccount',
      // PodSecurity, not the apiserver's own allow-privileged check, must be
      // what rejects privileged pods.
      '--allow-privileged=true',
      // No Endpoints for the "kubernetes" Service (127.0.0.1 is not a valid
      // endpoint address and nothing would route to it anyway).
      '--endpoint-reconciler-type=none',
      '--profiling=false',
      '--v=1',
      ...(opts.extraApiserverArgs || []),
    ], logs.apiserver, process.env));

    await waitFor('kube-apiserver /readyz', async () => {
      const r = await get(`${url}/readyz`, { token });
      return r.status === 200 || `${r.status} ${r.body}`;
    }, { timeoutMs: readyTimeoutMs, children });

    const kubeconfigPath = path.join(dir, 'kubeconfig');
    writeKubeconfig(kubeconfigPath, url, token);
    if (typeChecking) {
      addChild('vap-status-controller', spawnLogged(bins.vapStatusController,
        [`--kubeconfig=${kubeconfigPath}`, '--v=2'], logs.vapStatusController, process.env));
    }
    const readySeconds = secondsSince(t0);
    log(`ready: ${url} in ${readySeconds.toFixed(2)}s (etcd ${etcdUrl}; logs in ${dir})`);
    return Object.assign(cluster, { url, token, kubeconfigPath, etcdUrl, readySeconds });
  } catch (e) {
    console.error(`[control-plane] start failed: ${e.message}`);
    for (const [name, file] of Object.entries(logs)) {
      if (!fs.existsSync(file)) continue; // never started
      console.error(`----- last 50 lines of ${name} log (${file}) -----\n${tail(file)}`);
    }
    // The free ports were probed, then released: another process may have
    // taken one in between. Try again with new ones.
    const portTaken = Object.values(logs).some((f) => /address already in use/.test(tail(f, 200)));
    cluster.stopSync();
    if (portTaken && attempt < 3) {
      console.error('[control-plane] a port was taken meanwhile; retrying with new ports');
      return start({ ...opts, binaries: bins }, attempt + 1);
    }
    throw e;
  }
}

module.exports = { build, start, cacheRoot, MODULE_DIR };

if (require.main === module) {
  // `node test/cluster/control-plane.js build` or `... start` (runs until Ctrl-C).
  const cmd = process.argv[2] || 'build';
  (async () => {
    if (cmd === 'build') {
      await build();
    } else if (cmd === 'start') {
      const c = await start();
      console.log(`export KUBECONFIG=${c.kubeconfigPath}`);
      setInterval(() => {}, 1 << 30); // children are unref'd: keep running until a signal
    } else {
      throw new Error(`usage: control-plane.js [build|start]`);
    }
  })().catch((e) => { console.error(e); process.exit(1); });
}
