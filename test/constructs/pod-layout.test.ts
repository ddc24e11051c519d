/**
 * The pod hardening is split by concern, and the dependencies run one way: the props (types only) depend on no other
 * pod file, their checks on the props, the template builder on both, and HardenedWorkload (pod-hardening.ts) on the
 * builder; nothing in src/constructs has an import cycle.
 */
import { readdirSync, readFileSync } from 'fs';
import { join } from 'path';
import { findCycle, siblingImports } from '../support/imports';

const CONSTRUCTS = join(__dirname, '..', '..', 'src', 'constructs');
const modules = readdirSync(CONSTRUCTS).filter((f) => f.endsWith('.ts')).map((f) => f.replace(/\.ts$/, '')).sort();
const graph = new Map(modules.map((m) => [m, siblingImports(readFileSync(join(CONSTRUCTS, `${m}.ts`), 'utf8'))]));

test('the pod files depend one way: props <- checks <- template <- pod-hardening', () => {
  expect(graph.get('pod-props')).toEqual(['common']);
  expect(graph.get('pod-checks')).toEqual(['common', 'pod-props']);
  expect(graph.get('pod-template')).toEqual(['common', 'pod-checks', 'pod-props']);
  expect(graph.get('pod-hardening')).toEqual(['common', 'pod-props', 'pod-template']);
});

test('pod-props.ts holds types only: no value is exported from it', () => {
  const source = readFileSync(join(CONSTRUCTS, 'pod-props.ts'), 'utf8');
  expect(source.match(/^export\s+(?!interface\b|type\b)\S+.*$/gm) ?? []).toEqual([]);
});

test('src/constructs has no import cycle', () => {
  expect(graph.get('secure-workloads')).toContain('pod-hardening');
  expect(findCycle(graph)).toBeUndefined();
});
