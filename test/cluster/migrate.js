'use strict';
// Suite 6: migrate-psp. For each PodSecurityPolicy of test/fixtures/migrate (the guide's `restricted`, `ranges`:
// MustRunAs ranges + narrow volumes + allowedHostPaths + readOnlyRootFilesystem + requiredDropCapabilities, and
// `baseline`: one that maps to baseline), at the level the mapping gives and with `--level restricted`:
// `cdk8s-hardened migrate-psp --format json` is applied as printed (the namespace labels on a fresh namespace, every
// ValidatingAdmissionPolicy and binding), and once the policies are in force, generated Pods and Deployments (the
// psa suite's generator, then the PSPs' controlled fields set inside and outside their ranges) are sent with
// dry-run=All. The server's verdict (admitted; denied by Pod Security; denied by which policy; for a Deployment, Pod
// Security's warning) must equal `cdk8s-hardened check --psp <PSP> --profile <the level's pss profile>` on the same
// objects (`schema` for the privileged level: Pod Security enforces nothing there). Objects the server refuses
// before admission (validation) are counted as not comparable.
//
//   MIGRATE_GENERATED=n   objects per PSP (default 600: half Pods, half Deployments)

const childProcess = require('node:child_process');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const lib = require('../../lib');
const { pool, sleep, waitFor, clone, Tally } = require('./api');
const { ROOT, wrapPod } = require('./fixtures');
const { generate, fixUp } = require('./generators');

const PSPS = ['guide-restricted-psp.yaml', 'ranges-psp.yaml', 'baseline-psp.yaml'];
const VAP_BASE = '/apis/admissionregistration.k8s.io/v1beta1';
const collection = (kind) => `${VAP_BASE}/${kind === 'ValidatingAdmissionPolicy' ? 'validatingadmissionpolicies' : 'validatingadmissionpolicybindings'}`;
const PROFILE_OF = { privileged: 'schema', baseline: 'pss-baseline', restricted: 'pss-restricted' };

function cli(args) {
  const r = childProcess.spawnSync(process.execPath, [path.join(ROOT, 'lib', 'cli', 'main.js'), ...args],
    { encoding: 'utf8', env: { ...process.env, CDK8S_CHECK_UPGRADE: 'false' }, maxBuffer: 1 << 28 });
  if (r.status !== 0 && r.status !== 1) throw new Error(`cdk8s-hardened ${args.join(' ')} failed (${r.status}): ${r.stderr}`);
  return JSON.parse(r.stdout);
}

/** A small deterministic PRNG (mulberry32), so CLUSTER_SEED replays the field variations too. */
function prng(seed) {
  let a = seed >>> 0;
  const next = () => {
    a = (a + 0x6D2B79F5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const pick = (xs) => xs[Math.floor(next() * xs.length)];
  return { next, pick };
}

const IDS = [0, 1, 999, 1000, 1500, 2000, 2001, 4999, 5000, 5001, 65534];
const GROUPS = [0, 1, 1999, 2000, 2500, 2999, 3000, 3999, 4000, 65535];
const VOLUMES = [{}, { emptyDir: {} }, { configMap: { name: 'c' } }, { secret: { secretName: 's' } }, { projected: { sources: [] } },
  { downwardAPI: { items: [] } }, { persistentVolumeClaim: { claimName: 'c' } }, { csi: { driver: 'csi.example.com' } },
  { ephemeral: { volumeClaimTemplate: { spec: { accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '1Gi' } } } } } },
  { nfs: { server: 'nfs.example.com', path: '/x' } }];
const HOST_PATHS = ['/data', '/data/x', '/data/', '/datax', '/var/log', '/var/log/pods', '/var', '/etc', '/'];

const containersOf = (spec) => [...(spec.initContainers || []), ...spec.containers];
const sc = (o) => (o.securityContext = o.securityContext || {});

/** One change to a controlled field, drawn at random. */
function deviate(spec, meta, r) {
  const cs = containersOf(spec);
  const c = r.pick(cs);
  switch (Math.floor(r.next() * 15)) {
    case 0: sc(spec).runAsUser = r.pick(IDS); break;
    case 1: sc(c).runAsUser = r.pick(IDS); break;
    case 2: { const v = r.pick([undefined, ...GROUPS]); if (v === undefined) delete sc(spec).fsGroup; else sc(spec).fsGroup = v; break; }
    case 3: {
      const v = r.pick([undefined, [], [0], [1], [3000], [3999], [4000], [3000, 4000], [2999, 3500], [3500, 3600]]);
      if (v === undefined) delete sc(spec).supplementalGroups; else sc(spec).supplementalGroups = v;
      break;
    }
    case 4: { const v = r.pick([undefined, false, true]); if (v === undefined) delete sc(c).readOnlyRootFilesystem; else sc(c).readOnlyRootFilesystem = v; break; }
    case 5: {
      const v = r.pick([undefined, ['ALL'], ['all'], ['NET_RAW', 'SYS_ADMIN'], ['NET_RAW'], ['SYS_ADMIN'], [], ['CHOWN']]);
      const caps = sc(c).capabilities || {};
      if (v === undefined) delete caps.drop; else caps.drop = v;
      sc(c).capabilities = caps;
      break;
    }
    case 6:
    case 7: {
      const name = `hp${(spec.volumes || []).length}`;
      spec.volumes = [...(spec.volumes || []), { name, hostPath: { path: r.pick(HOST_PATHS) } }];
      const ro = r.pick([true, false, undefined, 'unmounted']);
      if (ro !== 'unmounted') {
        c.volumeMounts = [...(c.volumeMounts || []), { name, mountPath: `/mnt/${name}`, ...(ro === undefined ? {} : { readOnly: ro }) }];
        if (r.next() < 0.3) {
          const other = r.pick(cs);
          if (other !== c) other.volumeMounts = [...(other.volumeMounts || []), { name, mountPath: `/mnt/${name}`, readOnly: r.pick([true, false]) }];
        }
      }
      break;
    }
    case 8: spec.volumes = [...(spec.volumes || []), { name: `v${(spec.volumes || []).length}`, ...clone(r.pick(VOLUMES)) }]; break;
    case 9: { const v = r.pick([false, true, undefined]); const o = r.next() < 0.5 ? spec : c; if (v === undefined) delete sc(o).runAsNonRoot; else sc(o).runAsNonRoot = v; break; }
    case 10: { const caps = sc(c).capabilities || {}; caps.add = r.pick([['CHOWN'], ['NET_BIND_SERVICE'], ['NET_RAW'], ['SYS_ADMIN'], ['KILL', 'SETUID'], ['SYS_TIME']]); sc(c).capabilities = caps; break; }
    case 11: sc(spec).seccompProfile = r.pick([{ type: 'RuntimeDefault' }, { type: 'Unconfined' }, { type: 'Localhost', localhostProfile: 'p.json' }]); break;
    case 12: sc(c).allowPrivilegeEscalation = r.pick([true, false]); break;
    case 13: {
      meta.annotations = { ...meta.annotations, [`container.apparmor.security.beta.kubernetes.io/${spec.containers[0].name}`]: r.pick(['runtime/default', 'localhost/p', 'unconfined']) };
      break;
    }
    default: sc(r.next() < 0.5 ? spec : c).seLinuxOptions = r.pick([{ type: 'spc_t' }, { type: 'container_t' }, { user: 'system_u' }, { level: 's0:c1' }]);
  }
}

/** A pod every fixture PSP admits at either level: restricted, the ranges' ids and groups, nothing mounted. */
function compliant(spec) {
  for (const k of ['hostNetwork', 'hostPID', 'hostIPC', 'volumes', 'os', 'hostUsers']) delete spec[k];
  spec.securityContext = { runAsNonRoot: true, runAsUser: 1500, fsGroup: 2500, supplementalGroups: [3500], seccompProfile: { type: 'RuntimeDefault' } };
  for (const c of containersOf(spec)) {
    c.securityContext = { allowPrivilegeEscalation: false, capabilities: { drop: ['ALL'] }, readOnlyRootFilesystem: true };
    if (c.ports) c.ports = c.ports.map(({ containerPort }) => ({ containerPort }));
  }
}

/** Pods and Deployments: the generator's pods, half made compliant first, then 0-3 controlled fields changed. */
function subjects(n, seed) {
  const r = prng(seed);
  const pods = generate(9 * n, seed).filter((g) => g.object.kind === 'Pod').slice(0, n).map((g) => g.object);
  return pods.map((pod, i) => {
    const spec = pod.spec;
    const linux = !(spec.os && spec.os.name === 'windows') && !containersOf(spec).concat([spec])
      .some((o) => o.securityContext && o.securityContext.windowsOptions && o.securityContext.windowsOptions.hostProcess);
    const meta = { name: `m-${i}` };
    let changes = 0;
    if (linux) {
      if (i % 2 === 1) compliant(spec);
      else if (pod.metadata.annotations) meta.annotations = pod.metadata.annotations;
      changes = Math.floor(r.next() * 4);
      for (let k = 0; k < changes; k++) deviate(spec, meta, r);
      fixUp(spec);
    } else if (pod.metadata.annotations) meta.annotations = pod.metadata.annotations;
    const kind = i % 4 < 2 ? 'Pod' : 'Deployment';
    // A hostNetwork Pod is sent as generated, its unset hostPorts unset: the server defaults them to the
    // containerPort before admission (not in a pod template, in 1.28), and check judges that defaulted value too
    // (storedHostPort in src/policy/rules/pod-security/host-ports.ts; docs/migrate-psp.md).
    const object = wrapPod({ apiVersion: 'v1', kind: 'Pod', metadata: meta, spec }, kind);
    return { label: `generated#${i} ${kind}${i % 2 ? ' (compliant base)' : ''} +${changes}`, object };
  });
}

/** Our verdict: the failing rules of `check --psp FILE --profile P` per object (`Kind/name`). */
function checkVerdicts(pspFile, profile, objects) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cluster-migrate-'));
  try {
    // A YAML stream of one JSON document per object (a v1 List of 600 items takes check 20 times as long).
    const file = path.join(dir, 'objects.yaml');
    fs.writeFileSync(file, objects.map((o) => `---\n${JSON.stringify(o)}\n`).join(''));
    const report = cli(['check', '--format', 'json', '--profile', profile, '--psp', pspFile, file]);
    const out = new Map();
    for (const f of report.findings) {
      if (f.suppressed || !(f.ruleId.startsWith('pss-') || f.ruleId.startsWith('psp-'))) continue;
      const key = `${f.object.kind}/${f.object.name}`;
      if (!out.has(key)) out.set(key, new Set());
      out.get(key).add(f.ruleId);
    }
    return out;
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

/** The server's verdict: { admitted, psa, policy (its rule), error }. */
function serverVerdict(res, object, ruleOfPolicy) {
  const message = (res.json && res.json.message) || res.text.slice(0, 300);
  const psaWarned = res.warnings.some((w) => /violate PodSecurity/.test(w));
  if (res.status === 201) return { admitted: object.kind === 'Pod' || !psaWarned, psa: object.kind !== 'Pod' && psaWarned };
  if (res.status === 403 && /violates PodSecurity/.test(message)) return { psa: true };
  const m = /ValidatingAdmissionPolicy '([^']+)'/.exec(message);
  if ((res.status === 403 || res.status === 422) && m) return { policy: ruleOfPolicy.get(m[1]) || `unknown policy ${m[1]}`, psa: psaWarned };
  return { error: `HTTP ${res.status}: ${message}` };
}

/** Where the server and check disagree (undefined when they agree). */
function disagreement(theirs, failing, level, kind, policyRuleIds) {
  // A failing rule no applied policy carries is one migrate-psp says the level enforces (check --psp derives its
  // psp-* rules at the mapped level: with --level restricted some of them are the level's to enforce).
  const psaRules = [...failing].filter((id) => !policyRuleIds.has(id));
  const policyRules = [...failing].filter((id) => policyRuleIds.has(id));
  if (theirs.admitted) return failing.size === 0 ? undefined : `server admits, check fails ${[...failing].join(', ')}`;
  if (kind === 'Pod' && theirs.psa) return psaRules.length ? undefined : `server: denied by Pod Security, check fails ${[...failing].join(', ') || 'nothing'} (none enforced by ${level})`;
  if (kind === 'Pod') {
    if (psaRules.length) return `server: denied by ${theirs.policy}, but check fails ${psaRules.join(', ')} which Pod Security (${level}) enforces first`;
    return policyRules.includes(theirs.policy) ? undefined : `server: denied by ${theirs.policy}, check fails ${policyRules.join(', ') || 'nothing'}`;
  }
  // A Deployment: Pod Security only warns; the policies deny.
  if (theirs.policy === undefined) {
    if (policyRules.length) return `server: Pod Security warns only, check also fails ${policyRules.join(', ')}`;
    return psaRules.length ? undefined : 'server: Pod Security warns, check fails nothing it enforces';
  }
  if (!policyRules.includes(theirs.policy)) return `server: denied by ${theirs.policy}, check fails ${policyRules.join(', ') || 'nothing'}`;
  return undefined;
}

async function run({ client, seed }) {
  // Generating the objects and running check take a while: the server closes the idle keep-alive sockets meanwhile,
  // and the first request on one then fails; it is sent again once.
  const request = client.request;
  client.request = async (...args) => {
    try {
      return await request.apply(client, args);
    } catch (e) {
      if (!/socket hang up|ECONNRESET/.test(String(e.message))) throw e;
      return request.apply(client, args);
    }
  };
  try {
    return await runSuite({ client, seed });
  } finally {
    client.request = request;
  }
}

async function runSuite({ client, seed }) {
  const tally = new Tally('migrate');
  const n = Number(process.env.MIGRATE_GENERATED || 600);
  let notComparable = 0;
  const perRun = [];
  for (const [pi, fixture] of PSPS.entries()) {
    const pspFile = path.join(ROOT, 'test', 'fixtures', 'migrate', fixture);
    const objects = subjects(n, seed + pi);
    for (const levelArgs of [[], ['--level', 'restricted']]) {
      const [m] = cli(['migrate-psp', '--format', 'json', ...levelArgs, pspFile]).migrations;
      const tag = `${m.psp}${levelArgs.length ? ' --level restricted' : ''}`;
      const ns = `migrate-${m.psp}-${levelArgs.length ? 'restricted' : 'mapped'}`;
      await client.ensureNamespace(ns, m.namespaceLabels);
      const policies = m.policies.filter((p) => p.kind === 'ValidatingAdmissionPolicy');
      const bindings = m.policies.filter((p) => p.kind === 'ValidatingAdmissionPolicyBinding');
      const ruleOfPolicy = new Map(policies.map((p) => [p.metadata.name, p.metadata.annotations[lib.RULE_ANNOTATION]]));
      const policyRuleIds = new Set(ruleOfPolicy.values());
      for (const o of [...policies, ...bindings]) {
        const r = await client.request('POST', collection(o.kind), o);
        tally.record(`${tag}: create ${o.kind} ${o.metadata.name}`, r.status === 201, `HTTP ${r.status}: ${r.json && r.json.message}`);
      }
      const typed = new Map();
      await waitFor(`${tag}: status.typeChecking of every policy`, async () => {
        for (const item of (await client.must('GET', collection('ValidatingAdmissionPolicy'))).json.items) {
          if (item.status && item.status.typeChecking) typed.set(item.metadata.name, item.status.typeChecking);
        }
        return policies.every((p) => typed.has(p.metadata.name));
      }, 60000);
      for (const p of policies) {
        const warnings = typed.get(p.metadata.name).expressionWarnings || [];
        tally.record(`${tag}: typeChecking ${p.metadata.name}`, warnings.length === 0, `expressionWarnings: ${JSON.stringify(warnings)}`);
      }

      const sent = objects.map((s) => {
        const object = clone(s.object);
        object.metadata.namespace = ns;
        return { ...s, object };
      });
      const ours = checkVerdicts(pspFile, PROFILE_OF[m.level], sent.map((s) => s.object));
      const failingOf = (o) => ours.get(`${o.kind}/${o.metadata.name}`) || new Set();
      // In force: a Deployment only a policy denies (Pod Security only warns on workloads) is denied.
      const probe = sent.find((s) => s.object.kind === 'Deployment' && [...failingOf(s.object)].some((id) => policyRuleIds.has(id)));
      if (probe) {
        await waitFor(`${tag}: the policies to be enforced`, async () => {
          const r = await client.request('POST', `${client.collectionPath(probe.object)}?dryRun=All`, probe.object);
          return r.status === 403;
        });
        await sleep(1000); // every binding's informer event, not only the first
      }
      const send = async (s) => serverVerdict(await client.request('POST', `${client.collectionPath(s.object)}?dryRun=All`, s.object), s.object, ruleOfPolicy);
      const results = await pool(sent, 16, async (s) => ({ s, theirs: await send(s) }));
      const counts = { agree: 0, disagree: 0, admitted: 0, psa: 0, policy: 0, notComparable: 0 };
      for (const { s, theirs: first } of results) {
        let theirs = first;
        const failing = failingOf(s.object);
        if (!theirs.error && disagreement(theirs, failing, m.level, s.object.kind, policyRuleIds)) theirs = await send(s); // a binding not seen yet
        if (theirs.error) {
          counts.notComparable++;
          notComparable++;
          if (counts.notComparable <= 3) console.log(`  not comparable: ${tag}: ${s.label}: ${theirs.error.slice(0, 240)}`);
          continue;
        }
        const d = disagreement(theirs, failing, m.level, s.object.kind, policyRuleIds);
        tally.record(`${tag}: ${s.label}`, d === undefined, `${d}\n    ${JSON.stringify(s.object)}`);
        counts[d === undefined ? 'agree' : 'disagree']++;
        counts[theirs.admitted ? 'admitted' : theirs.policy ? 'policy' : 'psa']++;
        tally.count(theirs.admitted ? 'admitted' : theirs.policy ? 'denied-by-policy' : 'denied-by-psa');
      }
      console.log(`migrate: ${tag} (level ${m.level}, ${policies.length} policies, check --profile ${PROFILE_OF[m.level]}): `
        + `${counts.agree} agree, ${counts.disagree} disagree; server admitted ${counts.admitted}, Pod Security ${counts.psa}, `
        + `a policy ${counts.policy}; ${counts.notComparable} not comparable`);
      perRun.push({ psp: tag, ...counts });
      for (const b of bindings) await client.must('DELETE', `${collection(b.kind)}/${b.metadata.name}`, undefined, [200]);
      for (const p of policies) await client.must('DELETE', `${collection(p.kind)}/${p.metadata.name}`, undefined, [200]);
      await client.must('PATCH', `/api/v1/namespaces/${ns}`, { metadata: { labels: { 'cdk8s-hardened.io/psp': null } } }, [200],
        { contentType: 'application/merge-patch+json' });
    }
  }
  for (const key of ['admitted', 'denied-by-psa', 'denied-by-policy']) {
    if (!tally.counts[key]) tally.record(`migrate: ${key}`, false, `no object was ${key}: the corpus or the policies are wrong`);
  }
  tally.count('not-comparable', notComparable);
  tally.perRun = perRun;
  return tally;
}

module.exports = { run };
