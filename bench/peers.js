'use strict';
/**
 * Peers side by side: kubeconform -strict (and kube-linter, when it builds) on the same corpora as `check`.
 *
 *   node bench/peers.js           # after npm run compile; also run by `npm run bench` (full) when go is on PATH
 *
 * The peers are built with the machine's Go through the module proxy into
 * ${XDG_CACHE_HOME:-~/.cache}/cdk8s-hardened/peers/<tool>-<version>/ (reused when present), never into the
 * repository. kubeconform validates against JSON Schemas this script writes from our own vendored 1.28 definitions
 * (src/schema/data/kubernetes-1.28/_definitions.json), one standalone strict file per kind, as openapi2jsonschema
 * --strict --stand-alone lays them out, so both tools judge against the same API version and kubeconform never
 * downloads a schema. Without go, the peers are skipped with a message.
 */
const { spawnSync } = require('child_process');
const { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } = require('fs');
const os = require('os');
const path = require('path');

const ROOT = path.join(__dirname, '..');
const CACHE = path.join(process.env.XDG_CACHE_HOME || path.join(os.homedir(), '.cache'), 'cdk8s-hardened', 'peers');

/** The peers: Go packages, pinned. */
const PEERS = {
  kubeconform: { pkg: 'github.com/yannh/kubeconform/cmd/kubeconform', version: 'v0.6.7', checks: 'schema only (-strict: unknown fields are errors)' },
  // Not served by the module proxy of our CI machines (2026-12): its build fails and the bench says so. Polaris
  // (github.com/fairwindsops/polaris) is not served either, so it is not listed.
  'kube-linter': { pkg: 'golang.stackrox.io/kube-linter/cmd/kube-linter', version: 'v0.7.1', checks: 'its default checks (security and reliability lints, no schema)' },
};

function hasGo() {
  return spawnSync('go', ['version'], { stdio: 'ignore' }).status === 0;
}

/** Builds a peer into the cache (once); returns the binary's path, or undefined with the reason when it does not build. */
function buildPeer(name) {
  const { pkg, version } = PEERS[name];
  const dir = path.join(CACHE, `${name}-${version}`);
  const binary = path.join(dir, name);
  if (existsSync(binary)) {
    return { binary };
  }
  mkdirSync(dir, { recursive: true });
  const r = spawnSync('go', ['install', `${pkg}@${version}`], {
    env: { ...process.env, GOBIN: dir, GOFLAGS: '-mod=mod', CGO_ENABLED: '0' },
    encoding: 'utf8',
    timeout: 15 * 60_000,
  });
  if (r.status !== 0 || !existsSync(binary)) {
    return { reason: `${name} ${version} did not build: ${(r.stderr || r.error?.message || '').trim().split('\n').pop()}` };
  }
  return { binary };
}

/**
 * kubeconform's file name for a kind: {{ .ResourceKind }}{{ .KindSuffix }}.json, the kind lower-cased and the
 * suffix "-<first label of the group>-<version>" ("-<version>" for the core group).
 */
function schemaFileName(group, version, kind) {
  const suffix = group === '' ? `-${version}` : `-${group.split('.')[0]}-${version}`;
  return `${kind.toLowerCase()}${suffix}.json`.toLowerCase();
}

/** Strict (additionalProperties: false wherever properties are listed), local refs kept, descriptions dropped. */
function strict(schema) {
  if (Array.isArray(schema)) {
    return schema.map(strict);
  }
  if (!schema || typeof schema !== 'object') {
    return schema;
  }
  const out = {};
  for (const [k, v] of Object.entries(schema)) {
    if (k === 'description' || k.startsWith('x-kubernetes-')) {
      continue;
    }
    out[k] = k === 'properties' ? Object.fromEntries(Object.entries(v).map(([p, s]) => [p, strict(s)])) : strict(v);
  }
  if (out.properties && out.additionalProperties === undefined) {
    out.additionalProperties = false;
  }
  return out;
}

function refsOf(schema, into) {
  if (Array.isArray(schema)) {
    schema.forEach((s) => refsOf(s, into));
  } else if (schema && typeof schema === 'object') {
    for (const [k, v] of Object.entries(schema)) {
      if (k === '$ref' && typeof v === 'string' && v.startsWith('#/definitions/')) {
        into.add(v.slice('#/definitions/'.length));
      } else {
        refsOf(v, into);
      }
    }
  }
}

/** Writes one standalone strict schema per served kind into `dir`; returns how many. */
function writeKubeconformSchemas(dir) {
  const raw = JSON.parse(readFileSync(path.join(ROOT, 'src', 'schema', 'data', 'kubernetes-1.28', '_definitions.json'), 'utf8')).definitions;
  let written = 0;
  for (const [name, schema] of Object.entries(raw)) {
    for (const gvk of schema['x-kubernetes-group-version-kind'] ?? []) {
      const closure = new Set();
      const queue = [name];
      while (queue.length) {
        const next = queue.pop();
        const found = new Set();
        refsOf(raw[next], found);
        for (const ref of found) {
          if (!closure.has(ref) && raw[ref]) {
            closure.add(ref);
            queue.push(ref);
          }
        }
      }
      const definitions = Object.fromEntries([...closure].sort().map((d) => [d, strict(raw[d])]));
      writeFileSync(path.join(dir, schemaFileName(gvk.group, gvk.version, gvk.kind)), JSON.stringify({ ...strict(schema), definitions }));
      written++;
    }
  }
  return written;
}

function median(xs) {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
}

function timed(command, args) {
  const start = process.hrtime.bigint();
  const r = spawnSync(command, args, { stdio: ['ignore', 'pipe', 'pipe'], maxBuffer: 1 << 28 });
  return { ms: Number(process.hrtime.bigint() - start) / 1e6, status: r.status, stdout: String(r.stdout ?? ''), stderr: String(r.stderr ?? '') };
}

/** kubeconform must have validated every object against a schema (none skipped, none missing): else its time means nothing. */
function assertKubeconformValidated(stdout, count) {
  const m = /Valid: (\d+), Invalid: (\d+), Errors: (\d+), Skipped: (\d+)/.exec(stdout);
  if (!m || Number(m[1]) + Number(m[2]) !== count || Number(m[3]) !== 0 || Number(m[4]) !== 0) {
    throw new Error(`kubeconform did not validate all ${count} objects: ${(m ? m[0] : stdout.trim().split('\n').pop()) ?? ''}`);
  }
}

/**
 * Runs every peer that builds beside `check --profile hardened` and `check --profile schema` on each corpus file,
 * `pairs` back-to-back pairs each. Returns { lines, figures } (figures for the BENCH line), or a skip line.
 */
function runPeers(files, pairs) {
  if (!hasGo()) {
    return { lines: ['peers  skipped: go is not on PATH (kubeconform and kube-linter are built from their Go modules)'], figures: {} };
  }
  const lines = [];
  const figures = {};
  const built = {};
  for (const name of Object.keys(PEERS)) {
    const b = buildPeer(name);
    if (b.binary) {
      built[name] = b.binary;
    } else {
      lines.push(`peers  ${b.reason}`);
    }
  }
  const schemas = mkdtempSync(path.join(os.tmpdir(), 'cdk8s-hardened-kubeconform-'));
  try {
    const kinds = writeKubeconformSchemas(schemas);
    const main = path.join(ROOT, 'lib', 'cli', 'main.js');
    const subjects = {
      'check --profile hardened': (f) => [process.execPath, [main, 'check', '--profile', 'hardened', '--format', 'json', f]],
      'check --profile schema': (f) => [process.execPath, [main, 'check', '--profile', 'schema', '--format', 'json', f]],
      ...(built.kubeconform ? { 'kubeconform -strict': (f) => [built.kubeconform, ['-strict', '-summary', '-schema-location', `${schemas}/{{ .ResourceKind }}{{ .KindSuffix }}.json`, f]] } : {}),
      ...(built['kube-linter'] ? { 'kube-linter lint': (f) => [built['kube-linter'], ['lint', f]] } : {}),
    };
    if (built.kubeconform) {
      lines.push(`peers  kubeconform ${PEERS.kubeconform.version}: ${kinds} standalone strict schemas written from our vendored 1.28 definitions`);
    }
    for (const [count, file] of files) {
      const times = Object.fromEntries(Object.keys(subjects).map((s) => [s, []]));
      for (let i = 0; i < pairs; i++) {
        for (const [subject, argv] of Object.entries(subjects)) {
          const [command, args] = argv(file);
          const r = timed(command, args);
          if (r.status !== 0 && r.status !== 1) {
            throw new Error(`${subject} failed on ${count} objects (exit ${r.status}): ${r.stderr.trim().split('\n')[0]}`);
          }
          if (subject.startsWith('kubeconform')) {
            assertKubeconformValidated(r.stdout, count);
          }
          times[subject].push(r.ms);
        }
      }
      const ours = median(times['check --profile hardened']);
      for (const [subject, ts] of Object.entries(times)) {
        const ms = median(ts);
        const what = subject.startsWith('check') ? '' : ` (checks ${PEERS[subject.split(' ')[0]].checks})`;
        lines.push(`peers  ${count} objects: ${subject} ${ms.toFixed(0)} ms${subject === 'check --profile hardened' ? '' : `; check --profile hardened / this = ${(ours / ms).toFixed(2)}x`}${what}`);
      }
      if (times['kubeconform -strict']) {
        figures[`check_vs_kubeconform_${count}`] = Number((ours / median(times['kubeconform -strict'])).toFixed(3));
      }
      if (times['kube-linter lint']) {
        figures[`check_vs_kube_linter_${count}`] = Number((ours / median(times['kube-linter lint'])).toFixed(3));
      }
    }
  } finally {
    rmSync(schemas, { recursive: true, force: true });
  }
  return { lines, figures };
}

module.exports = { runPeers, writeKubeconformSchemas, schemaFileName };

if (require.main === module) {
  const YAML = require('yaml');
  const { mixedObjects } = require('./fixtures');
  const work = mkdtempSync(path.join(os.tmpdir(), 'cdk8s-hardened-peers-'));
  try {
    const files = [2000, 20000].map((count) => {
      const file = path.join(work, `mixed-${count}.yaml`);
      writeFileSync(file, mixedObjects(count).map((o) => YAML.stringify(o)).join('---\n'));
      return [count, file];
    });
    const { lines, figures } = runPeers(files, 3);
    lines.forEach((l) => console.log(l));
    console.log(`PEERS ${JSON.stringify(figures)}`);
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}
