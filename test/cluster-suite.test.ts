import { readFileSync } from 'fs';
import { join } from 'path';
import { evaluate, rulesForProfile } from '../src/catalogue';
import { POD_KINDS } from '../src/policy/pod-spec';

/**
 * The cluster suite (test/cluster, a real kube-apiserver 1.28) needs go, so `npm test` does not run it; this test
 * says so, checks that it is wired into `npm run test:cluster` and `.ci/run`, and holds its generated corpus to
 * the coverage the suite relies on (every pod kind, init and ephemeral containers, every Pod Security control
 * both failed and passed), so a change to the generators that quietly narrows the proof fails here.
 */
const ROOT = join(__dirname, '..');

/* eslint-disable @typescript-eslint/no-require-imports */
const { generate } = require('./cluster/generators') as {
  generate(n: number, seed: number): Array<{ label: string; object: Record<string, unknown>; ephemeral?: unknown[] }>;
};
const { parseWarnings } = require('./cluster/api') as { parseWarnings(raw: string[]): string[] };
const schemaSuite = require('./cluster/schema') as {
  DOCUMENTED_LIMITS: Array<{ id: string; reason: string; match: unknown }>;
};

describe('cluster suite (npm run test:cluster)', () => {
  test('is wired into npm run test:cluster and .ci/run, and skipped here', () => {
    console.log('cluster suite: skipped in npm test; run npm run test:cluster (needs go, and kubectl for the reference scenario)');
    const tasks = JSON.parse(readFileSync(join(ROOT, '.projen', 'tasks.json'), 'utf8')).tasks;
    expect(tasks['test:cluster'].steps).toEqual(expect.arrayContaining([
      { spawn: 'synth' },
      expect.objectContaining({ exec: 'node test/cluster/run.js' }),
    ]));
    expect(readFileSync(join(ROOT, '.ci', 'run'), 'utf8')).toMatch(/npm run test:go\n.*\n\s*npm run test:cluster/);
  });

  test('the generated corpus covers every pod kind, init and ephemeral containers and every Pod Security control', () => {
    const subjects = generate(5400, 7);
    expect(subjects).toHaveLength(5400);
    for (const kind of POD_KINDS) {
      expect(subjects.filter((s) => s.object.kind === kind).length).toBeGreaterThanOrEqual(500);
    }
    expect(subjects.filter((s) => s.ephemeral).length).toBeGreaterThanOrEqual(200);
    expect(subjects.filter((s) => JSON.stringify(s.object).includes('"initContainers"')).length).toBeGreaterThanOrEqual(1000);
    for (const level of ['pss-baseline', 'pss-restricted'] as const) {
      const rules = rulesForProfile(level);
      const failing = new Map(rules.map((r) => [r.id, 0]));
      let passing = 0;
      for (const s of subjects) {
        const object = s.ephemeral ? { ...s.object, spec: { ...(s.object.spec as object), ephemeralContainers: s.ephemeral } } : s.object;
        const ids = new Set(evaluate([{ object }], rules).filter((f) => f.severity === 'error').map((f) => f.ruleId));
        if (ids.size === 0) passing++;
        for (const id of ids) failing.set(id, failing.get(id)! + 1);
      }
      expect(passing).toBeGreaterThanOrEqual(200);
      const rare = [...failing].filter(([, n]) => n < 20).map(([id, n]) => `${id}: ${n}`);
      expect(rare).toEqual([]);
    }
  });

  test('reads Warning headers as the API server writes them', () => {
    expect(parseWarnings(['Content-Type', 'application/json', 'Warning',
      '299 - "would violate PodSecurity \\"restricted:v1.28\\": privileged (container \\"c\\" must not set securityContext.privileged=true)"',
      'warning', '299 - "second"'])).toEqual([
      'would violate PodSecurity "restricted:v1.28": privileged (container "c" must not set securityContext.privileged=true)',
      'second',
    ]);
  });

  test('every schema limit has an id, a reason and a matcher', () => {
    for (const limit of schemaSuite.DOCUMENTED_LIMITS) {
      expect(limit.id).toMatch(/^[a-z0-9-]+$/);
      expect(limit.reason.length).toBeGreaterThan(20);
      expect(typeof limit.match).toBe('function');
    }
  });
});
