#!/usr/bin/env node
/* eslint-disable */
/**
 * Schema validation benchmark: start-up (fresh process: require + first validation of a Deployment, with the
 * validators precompiled at build time and, for comparison, compiled at run time) and
 * throughput (2,000 objects of the kinds the hardened constructs emit, a tenth of them invalid).
 *
 *   npx tsc && node bench/schema.js            # measures the compiled lib/
 *   node bench/schema.js /tmp/out/lib           # or any other compiled output
 *
 * Prints medians of several runs; numbers depend on the machine, compare ratios.
 */
'use strict';
const { execFileSync } = require('child_process');
const { existsSync } = require('fs');
const path = require('path');

const LIB = path.resolve(process.argv[2] || path.join(__dirname, '..', 'lib'));
const SCHEMA = path.join(LIB, 'schema', 'index.js');
if (!existsSync(SCHEMA)) {
  console.error(`bench/schema.js: ${SCHEMA} not found; compile first (npx tsc, or npx projen compile)`);
  process.exit(2);
}
const RUNS = 5;
const OBJECTS = 2000;

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const fmt = (ms) => `${ms.toFixed(1)} ms`;

function deployment(i) {
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name: `app-${i}`, namespace: 'shop', labels: { 'app.kubernetes.io/name': `app-${i}` } },
    spec: {
      replicas: 2,
      selector: { matchLabels: { 'app.kubernetes.io/name': `app-${i}` } },
      template: {
        metadata: { labels: { 'app.kubernetes.io/name': `app-${i}` } },
        spec: {
          automountServiceAccountToken: false,
          securityContext: { runAsNonRoot: true, seccompProfile: { type: 'RuntimeDefault' } },
          containers: [{
            name: 'app',
            image: 'registry.example.com/app@sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef',
            ports: [{ containerPort: 8080, name: 'http' }],
            resources: { requests: { cpu: '100m', memory: '128Mi' }, limits: { cpu: 1, memory: '256Mi' } },
            securityContext: { allowPrivilegeEscalation: false, readOnlyRootFilesystem: true, capabilities: { drop: ['ALL'] } },
            readinessProbe: { httpGet: { path: '/healthz', port: 'http' } },
          }],
        },
      },
    },
  };
}

function corpus() {
  const objects = [];
  for (let i = 0; objects.length < OBJECTS; i++) {
    const d = deployment(i);
    const kinds = [
      d,
      { ...d, kind: 'StatefulSet', spec: { ...d.spec, serviceName: 'db' } },
      { apiVersion: 'v1', kind: 'Service', metadata: { name: `s${i}` }, spec: { selector: { a: 'b' }, ports: [{ port: 80, targetPort: 'http' }] } },
      { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: `c${i}` }, data: { key: 'value' } },
      { apiVersion: 'networking.k8s.io/v1', kind: 'NetworkPolicy', metadata: { name: `n${i}` }, spec: { podSelector: {}, policyTypes: ['Ingress', 'Egress'] } },
      { apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'Role', metadata: { name: `r${i}` }, rules: [{ apiGroups: [''], resources: ['configmaps'], verbs: ['get'] }] },
      { apiVersion: 'batch/v1', kind: 'CronJob', metadata: { name: `j${i}` }, spec: { schedule: '* * * * *', jobTemplate: { spec: { template: d.spec.template } } } },
      { apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name: `sa${i}` }, automountServiceAccountToken: false },
      { apiVersion: 'v1', kind: 'Namespace', metadata: { name: `ns${i}`, labels: { 'pod-security.kubernetes.io/enforce': 'restricted' } } },
      // One invalid object in ten: a typo, a wrong type and a bad quantity.
      { ...d, spec: { ...d.spec, replicas: 'three', template: { ...d.spec.template, spec: { ...d.spec.template.spec,
        containers: [{ ...d.spec.template.spec.containers[0], imagePullPolicyy: 'Always', resources: { limits: { memory: '1GB' } } }] } } } },
    ];
    objects.push(...kinds);
  }
  return objects.slice(0, OBJECTS);
}

/** One fresh process: time to require the module, then to validate the first Deployment. */
function startupOnce() {
  const script = `
    const t0 = process.hrtime.bigint();
    const schema = require(${JSON.stringify(SCHEMA)});
    const t1 = process.hrtime.bigint();
    const v = schema.SCHEMA_RULE;
    const target = { object: ${JSON.stringify(deployment(0))} };
    const problems = v.check(target);
    const t2 = process.hrtime.bigint();
    if (problems.length) { throw new Error(JSON.stringify(problems)); }
    const s = { ...${JSON.stringify(deployment(0))}, kind: 'StatefulSet' };
    s.spec = { ...s.spec, serviceName: 'db' };
    v.check({ object: s });
    const t3 = process.hrtime.bigint();
    console.log(JSON.stringify({ require: Number(t1 - t0) / 1e6, first: Number(t2 - t1) / 1e6, second: Number(t3 - t2) / 1e6 }));
  `;
  const started = process.hrtime.bigint();
  const out = execFileSync(process.execPath, ['-e', script], { encoding: 'utf8' });
  const wall = Number(process.hrtime.bigint() - started) / 1e6;
  return { ...JSON.parse(out), wall };
}

/** One fresh process (so nothing is compiled yet): validate the corpus twice, cold then warm. */
function throughputOnce() {
  const script = `
    const { SchemaValidator } = require(${JSON.stringify(SCHEMA)});
    const OBJECTS = ${OBJECTS};
    ${deployment.toString()}
    ${corpus.toString()}
    const objects = corpus();
    const v = new SchemaValidator();
    let t = process.hrtime.bigint(); let problems = 0;
    for (const o of objects) problems += v.validate(o).length;
    const cold = Number(process.hrtime.bigint() - t) / 1e6;
    t = process.hrtime.bigint();
    for (const o of objects) v.validate(o);
    const warm = Number(process.hrtime.bigint() - t) / 1e6;
    console.log(JSON.stringify({ cold, warm, problems }));
  `;
  return JSON.parse(execFileSync(process.execPath, ['-e', script], { encoding: 'utf8' }));
}

/**
 * One fresh process: the first Deployment's validator, either loaded precompiled (lib/schema/builtin-validators.js,
 * written by the compile task: what ships) or compiled at run time (the fallback, and how it was before), in parts.
 */
function breakdownOnce(mode) {
  const script = `
    const ms = (t) => Number(process.hrtime.bigint() - t) / 1e6;
    const lib = ${JSON.stringify(path.join(LIB, 'schema'))};
    const { _catalogueFor, loadPrecompiled } = require(lib + '/catalogue');
    const object = ${JSON.stringify(deployment(0))};
    const out = {};
    let t = process.hrtime.bigint();
    if (${JSON.stringify(mode)} === 'precompiled') {
      const precompiled = loadPrecompiled();
      if (!precompiled) throw new Error('no lib/schema/builtin-validators.js: run npm run compile');
      out.load = ms(t);
      t = process.hrtime.bigint();
      const catalogue = _catalogueFor(precompiled);
      catalogue.definition(catalogue.kindDefinition('apps/v1/Deployment'))(object);
      out.first = ms(t);
    } else {
      require('ajv'); out.ajv = ms(t);
      t = process.hrtime.bigint(); const raw = require(lib + '/k8s-definitions').RAW_DEFINITIONS; out.data = ms(t);
      t = process.hrtime.bigint(); require(lib + '/derive').deriveDefinitions(raw); out.derive = ms(t);
      const catalogue = _catalogueFor(undefined);
      catalogue.derived; // derives again (cheap) and adds the schema to ajv
      t = process.hrtime.bigint(); catalogue.definition('io.k8s.api.apps.v1.Deployment')(object); out.first = ms(t);
    }
    console.log(JSON.stringify(out));
  `;
  return JSON.parse(execFileSync(process.execPath, ['-e', script], { encoding: 'utf8', cwd: path.dirname(SCHEMA) }));
}

const startups = Array.from({ length: RUNS }, startupOnce);
const precompiled = Array.from({ length: RUNS }, () => breakdownOnce('precompiled'));
const runtime = Array.from({ length: RUNS }, () => breakdownOnce('runtime'));
const throughputs = Array.from({ length: RUNS }, throughputOnce);
const pick = (rows, key) => median(rows.map((r) => r[key]));

console.log(`schema benchmark (${LIB}), node ${process.version}, median of ${RUNS} fresh processes`);
console.log('start-up');
console.log(`  require lib/schema                         ${fmt(pick(startups, 'require'))}`);
console.log(`  first Deployment (validators precompiled at build time, as shipped) ${fmt(pick(startups, 'first'))}`);
console.log(`  then a StatefulSet                          ${fmt(pick(startups, 'second'))}`);
console.log(`  whole process (node start to exit)          ${fmt(pick(startups, 'wall'))}`);
const pre = pick(precompiled, 'load') + pick(precompiled, 'first');
const run = pick(runtime, 'ajv') + pick(runtime, 'data') + pick(runtime, 'derive') + pick(runtime, 'first');
console.log(`  first Deployment, precompiled: load the validators ${fmt(pick(precompiled, 'load'))}, validate ${fmt(pick(precompiled, 'first'))}`);
console.log(`  first Deployment, compiled at run time (the fallback): require ajv ${fmt(pick(runtime, 'ajv'))}, `
  + `load 1 MB of definitions ${fmt(pick(runtime, 'data'))}, derive ${fmt(pick(runtime, 'derive'))}, `
  + `compile the Deployment validator (111 definitions) and validate ${fmt(pick(runtime, 'first'))}`);
console.log(`  precompiled ${fmt(pre)} vs compiled at run time ${fmt(run)}: ${(run / pre).toFixed(1)}x faster to the first verdict`);
const warm = pick(throughputs, 'warm');
const cold = pick(throughputs, 'cold');
console.log(`throughput: ${OBJECTS} objects (10 kinds, 10% invalid, ${throughputs[0].problems} findings)`);
console.log(`  cold (first use of 9 kinds)                ${fmt(cold)}  (${Math.round(OBJECTS / (cold / 1000))} objects/s)`);
console.log(`  warm                                       ${fmt(warm)}  (${Math.round(OBJECTS / (warm / 1000))} objects/s, ${(warm * 1000 / OBJECTS).toFixed(1)} µs/object)`);
