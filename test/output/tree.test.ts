import { existsSync, readdirSync, readFileSync, writeFileSync, mkdirSync } from 'fs';
import { join } from 'path';
import { ApiObject, App, Chart } from 'cdk8s';
import { parse } from 'yaml';
import { parseManifests } from '../../src/input/parse';
import { OutputError } from '../../src/output/atomic';
import { GENERATED_HEADER, planGitOpsTree, writeGitOpsTree } from '../../src/output/tree';
import { kustomize, readTree, scratch, withKubectl } from './helpers';

type Obj = { apiVersion: string; kind: string; metadata: Record<string, unknown>; [key: string]: unknown };

function obj(apiVersion: string, kind: string, name: string, namespace?: string, extra: Record<string, unknown> = {}): Obj {
  return { apiVersion, kind, metadata: { name, ...(namespace ? { namespace } : {}) }, ...extra };
}

/** One namespace's worth of objects, deliberately out of apply order. */
function team(ns: string): Obj[] {
  return [
    obj('apps/v1', 'Deployment', 'web', ns, { spec: { replicas: 2 } }),
    obj('v1', 'Service', 'web', ns),
    obj('example.com/v1', 'Widget', 'gizmo', ns),
    obj('v1', 'Secret', 'creds', ns),
    obj('v1', 'ConfigMap', 'settings', ns, { data: { enabled: 'yes', version: '1.10' } }),
    obj('networking.k8s.io/v1', 'NetworkPolicy', 'default-deny', ns),
    obj('rbac.authorization.k8s.io/v1', 'RoleBinding', 'web-read', ns),
    obj('rbac.authorization.k8s.io/v1', 'Role', 'read', ns),
    obj('v1', 'PersistentVolumeClaim', 'data', ns),
    obj('v1', 'ServiceAccount', 'web', ns),
    obj('v1', 'LimitRange', 'limits', ns),
    obj('v1', 'ResourceQuota', 'quota', ns),
    obj('apps/v1', 'StatefulSet', 'db', ns),
    obj('v1', 'Namespace', ns),
  ];
}

const TEAM_FILES = [
  'namespace-frontend.yaml',
  'limitrange-limits.yaml',
  'resourcequota-quota.yaml',
  'serviceaccount-web.yaml',
  'role-read.yaml',
  'rolebinding-web-read.yaml',
  'networkpolicy-default-deny.yaml',
  'configmap-settings.yaml',
  'secret-creds.yaml',
  'persistentvolumeclaim-data.yaml',
  'service-web.yaml',
  'deployment-web.yaml',
  'statefulset-db.yaml',
  'widget-gizmo.yaml',
];

function kustomizationOf(text: string | undefined): unknown {
  expect(text?.startsWith(`${GENERATED_HEADER}\n`)).toBe(true);
  return parse(text!);
}

const tmp = scratch();
afterEach(() => tmp.cleanup());

describe('planGitOpsTree: one folder per chart', () => {
  const tree = planGitOpsTree([{ name: 'frontend', objects: team('frontend') }]);

  test('one <kind>-<name>.yaml per object, in apply order, listed in that order in the folder kustomization', () => {
    expect(tree.folders).toEqual([{ name: 'frontend', files: TEAM_FILES }]);
    expect(tree.objects).toBe(14);
    expect([...tree.files.keys()].sort()).toEqual(
      [...TEAM_FILES.map((f) => `frontend/${f}`), 'frontend/kustomization.yaml', 'kustomization.yaml'].sort(),
    );
    expect(kustomizationOf(tree.files.get('frontend/kustomization.yaml'))).toEqual({
      apiVersion: 'kustomize.config.k8s.io/v1beta1',
      kind: 'Kustomization',
      resources: TEAM_FILES,
    });
    expect(kustomizationOf(tree.files.get('kustomization.yaml'))).toEqual({
      apiVersion: 'kustomize.config.k8s.io/v1beta1',
      kind: 'Kustomization',
      resources: ['frontend'],
    });
  });

  test('each file is exactly its object, plus the sync wave annotation', () => {
    expect(tree.files.get('frontend/configmap-settings.yaml')).toBe([
      'apiVersion: v1',
      'kind: ConfigMap',
      'metadata:',
      '  name: settings',
      '  namespace: frontend',
      '  annotations:',
      '    argocd.argoproj.io/sync-wave: "0"',
      'data:',
      '  enabled: "yes"',
      '  version: "1.10"',
      '',
    ].join('\n'));
  });

  test('sync waves: Namespace -3, quotas and limits -2, identities, RBAC and network policies -1, the rest 0', () => {
    const waves = Object.fromEntries(TEAM_FILES.map((f) => {
      const o = parse(tree.files.get(`frontend/${f}`)!) as Obj;
      return [o.kind, (o.metadata.annotations as Record<string, string>)['argocd.argoproj.io/sync-wave']];
    }));
    expect(waves).toEqual({
      Namespace: '-3',
      LimitRange: '-2',
      ResourceQuota: '-2',
      ServiceAccount: '-1',
      Role: '-1',
      RoleBinding: '-1',
      NetworkPolicy: '-1',
      ConfigMap: '0',
      Secret: '0',
      PersistentVolumeClaim: '0',
      Service: '0',
      Deployment: '0',
      StatefulSet: '0',
      Widget: '0',
    });
  });
});

describe('planGitOpsTree: annotations', () => {
  test('a sync wave the object already has is kept; other annotations keep their order; the input is not mutated', () => {
    const input = obj('v1', 'ConfigMap', 'c', 'a');
    input.metadata.annotations = { 'z.example.com/first': 'x', 'argocd.argoproj.io/sync-wave': '5' };
    const other = obj('v1', 'ConfigMap', 'd', 'a');
    other.metadata.annotations = { 'z.example.com/first': 'x' };
    const before = JSON.stringify([input, other]);
    const tree = planGitOpsTree([{ name: 'a', objects: [input, other] }]);
    expect(JSON.stringify([input, other])).toBe(before);
    expect(parse(tree.files.get('a/configmap-c.yaml')!).metadata.annotations).toEqual({ 'z.example.com/first': 'x', 'argocd.argoproj.io/sync-wave': '5' });
    expect(Object.keys(parse(tree.files.get('a/configmap-d.yaml')!).metadata.annotations))
      .toEqual(['z.example.com/first', 'argocd.argoproj.io/sync-wave']);
  });

  test('syncWaves: false writes the objects as they are', () => {
    const tree = planGitOpsTree([{ name: 'a', objects: [obj('v1', 'Namespace', 'a')] }], { syncWaves: false });
    expect(tree.files.get('a/namespace-a.yaml')).toBe('apiVersion: v1\nkind: Namespace\nmetadata:\n  name: a\n');
  });

  test('manifests (object + origin) are accepted like plain objects', () => {
    const tree = planGitOpsTree([{ name: 'a', objects: parseManifests('apiVersion: v1\nkind: Namespace\nmetadata: {name: a}\n', 'a.yaml') }]);
    expect(tree.folders).toEqual([{ name: 'a', files: ['namespace-a.yaml'] }]);
  });
});

describe('planGitOpsTree: folders', () => {
  test('the root lists the folders holding the earliest objects (Namespaces) first, ties in the order given', () => {
    const tree = planGitOpsTree([
      { name: 'apps', objects: [obj('apps/v1', 'Deployment', 'web', 'apps')] },
      { name: 'zeta', objects: [obj('v1', 'Namespace', 'zeta')] },
      { name: 'rbac', objects: [obj('rbac.authorization.k8s.io/v1', 'ClusterRole', 'reader')] },
      { name: 'alpha', objects: [obj('v1', 'Namespace', 'alpha'), obj('v1', 'ConfigMap', 'c', 'alpha')] },
      { name: 'empty', objects: [] },
    ]);
    expect(tree.folders.map((f) => f.name)).toEqual(['zeta', 'alpha', 'rbac', 'apps']);
    expect(parse(tree.files.get('kustomization.yaml')!).resources).toEqual(['zeta', 'alpha', 'rbac', 'apps']);
    expect(tree.files.has('empty/kustomization.yaml')).toBe(false);
  });

  test('namespace layout: one folder per namespace, a Namespace in its own folder, cluster-scoped objects in "cluster"', () => {
    const objects = [
      ...team('frontend').slice(0, 3),
      obj('v1', 'Namespace', 'frontend'),
      obj('v1', 'ConfigMap', 'settings', 'backend'),
      obj('v1', 'Namespace', 'backend'),
      obj('rbac.authorization.k8s.io/v1', 'ClusterRole', 'reader'),
      obj('apiextensions.k8s.io/v1', 'CustomResourceDefinition', 'widgets.example.com'),
    ];
    const tree = planGitOpsTree(objects);
    expect(tree.folders).toEqual([
      { name: 'backend', files: ['namespace-backend.yaml', 'configmap-settings.yaml'] },
      { name: 'frontend', files: ['namespace-frontend.yaml', 'service-web.yaml', 'deployment-web.yaml', 'widget-gizmo.yaml'] },
      { name: 'cluster', files: ['customresourcedefinition-widgets.example.com.yaml', 'clusterrole-reader.yaml'] },
    ]);
    expect(planGitOpsTree(objects, { clusterFolder: 'platform' }).folders.map((f) => f.name)).toEqual(['backend', 'frontend', 'platform']);
    // Charts can be regrouped by namespace too.
    expect(planGitOpsTree([{ name: 'everything', objects }], { layout: 'namespace' }).folders).toEqual(tree.folders);
  });

  test('cdk8s charts are read directly: a folder per chart, named as cdk8s names the chart file', () => {
    const app = new App({ outdir: tmp.dir() });
    const chart = new Chart(app, 'frontend');
    new ApiObject(chart, 'ns', obj('v1', 'Namespace', 'frontend'));
    new ApiObject(chart, 'web', obj('apps/v1', 'Deployment', 'web', 'frontend'));
    const tree = planGitOpsTree([chart]);
    expect(tree.folders).toEqual([{ name: 'frontend', files: ['namespace-frontend.yaml', 'deployment-web.yaml'] }]);
  });
});

describe('planGitOpsTree: names and collisions', () => {
  test('the same kind and name in two namespaces of one folder: the namespace is added to both names', () => {
    const tree = planGitOpsTree([{
      name: 'shared',
      objects: [
        obj('v1', 'ConfigMap', 'settings', 'b'),
        obj('v1', 'ConfigMap', 'settings', 'a'),
        obj('v1', 'ConfigMap', 'other', 'a'),
        obj('v1', 'Secret', 'settings', 'a'),
      ],
    }]);
    expect(tree.folders[0].files).toEqual(['configmap-other.yaml', 'configmap-a-settings.yaml', 'configmap-b-settings.yaml', 'secret-settings.yaml']);
    expect(parse(tree.files.get('shared/configmap-b-settings.yaml')!).metadata.namespace).toBe('b');
  });

  test('a name that still clashes gets -2, -3 (in apply order); names are lowercase so case-insensitive disks agree', () => {
    const tree = planGitOpsTree([{
      name: 'x',
      objects: [
        obj('extensions/v1beta1', 'Ingress', 'web', 'a'),
        obj('networking.k8s.io/v1', 'Ingress', 'web', 'a'),
        obj('networking.k8s.io/v1', 'Ingress', 'web', 'b'),
        obj('v1', 'ConfigMap', 'Web', 'a'),
        obj('v1', 'ConfigMap', 'web', 'a'),
        obj('v1', 'ConfigMap', 'a-web', 'a'),
      ],
    }]);
    // Apply order sorts "Web" < "a-web" < "web"; the natural name of "a-web" is kept, so "Web" and "web"
    // (which clash as configmap-web, and then with it as configmap-a-web) get -2 and -3.
    expect(tree.folders[0].files).toEqual([
      'configmap-a-web-2.yaml',
      'configmap-a-web.yaml',
      'configmap-a-web-3.yaml',
      'ingress-a-web.yaml',
      'ingress-a-web-2.yaml',
      'ingress-b-web.yaml',
    ]);
    expect(new Set(tree.folders[0].files).size).toBe(6);
  });

  test('odd characters are replaced and very long names are shortened with a hash, still unique', () => {
    const long = 'a'.repeat(250);
    const tree = planGitOpsTree([{ name: 'Team A/B', objects: [obj('v1', 'ConfigMap', `${long}1`, 'a'), obj('v1', 'ConfigMap', `${long}2`, 'a'), obj('v1', 'ConfigMap', 'x:y', 'a')] }]);
    const [folder] = tree.folders;
    expect(folder.name).toBe('team-a-b');
    expect(folder.files).toContain('configmap-x-y.yaml');
    expect(new Set(folder.files).size).toBe(3);
    for (const f of folder.files) {
      expect(f.length).toBeLessThanOrEqual(205);
    }
  });

  test('two objects with the same identity are refused (kustomize would refuse them too)', () => {
    expect(() => planGitOpsTree([
      { name: 'a', objects: [obj('v1', 'ConfigMap', 'settings', 'team')] },
      { name: 'b', objects: [obj('v1', 'ConfigMap', 'settings', 'team')] },
    ])).toThrow(new OutputError('ConfigMap team/settings is defined twice, by a: object 1 (v1 ConfigMap) in a and by b: object 1 (v1 ConfigMap) in b; '
      + 'give one of them another name or namespace'));
  });

  test('objects without a name, non-objects and mixed input are refused with a one-line reason', () => {
    expect(() => planGitOpsTree([{ name: 'a', objects: [{ apiVersion: 'batch/v1', kind: 'Job', metadata: { generateName: 'x-' } }] }]))
      .toThrow(/a: object 1: Job has no metadata.name; GitOps tools/);
    expect(() => planGitOpsTree([{ name: 'a', objects: ['nope'] }])).toThrow(/a: object 1: not a Kubernetes object/);
    expect(() => planGitOpsTree([{ name: 'a', objects: [] }, obj('v1', 'Namespace', 'x')])).toThrow(/either charts .* or loose objects/);
    expect(() => planGitOpsTree([obj('v1', 'Namespace', 'x')], { layout: 'chart' })).toThrow(/chart layout needs charts/);
  });
});

describe('writeGitOpsTree', () => {
  test('writes the tree; byte-identical across runs and whatever the input order', () => {
    const base = tmp.dir();
    const groups = [{ name: 'frontend', objects: team('frontend') }, { name: 'backend', objects: team('backend') }];
    const result = writeGitOpsTree(groups, join(base, 'one'));
    expect(result.objects).toBe(28);
    expect(result.folders.map((f) => f.name)).toEqual(['frontend', 'backend']);
    writeGitOpsTree(groups, join(base, 'two'));
    const shuffled = groups.map((g) => ({ name: g.name, objects: [...g.objects].reverse() }));
    writeGitOpsTree(shuffled, join(base, 'three'));
    const one = readTree(join(base, 'one'));
    expect(one.size).toBe(28 + 3 + 1); // objects, kustomizations and the marker
    expect(readTree(join(base, 'two'))).toEqual(one);
    expect(readTree(join(base, 'three'))).toEqual(one);
    expect(readdirSync(base).sort()).toEqual(['one', 'three', 'two']);
  });

  test('replaces the previous output as a whole: no stale files survive', () => {
    const out = join(tmp.dir(), 'dist');
    writeGitOpsTree([{ name: 'old', objects: [obj('v1', 'Namespace', 'old')] }], out);
    writeGitOpsTree([{ name: 'new', objects: [obj('v1', 'Namespace', 'new')] }], out);
    expect([...readTree(out).keys()]).toEqual(['.cdk8s-hardened-tree', 'kustomization.yaml', 'new/kustomization.yaml', 'new/namespace-new.yaml']);
  });

  test('a tree that cannot be built leaves the previous output untouched, and no temporary folder behind', () => {
    const base = tmp.dir();
    const out = join(base, 'dist');
    writeGitOpsTree([{ name: 'a', objects: team('a') }], out);
    const before = readTree(out);
    expect(() => writeGitOpsTree([{ name: 'a', objects: [obj('v1', 'Namespace', 'a'), obj('v1', 'Namespace', 'a')] }], out)).toThrow(OutputError);
    expect(readTree(out)).toEqual(before);
    expect(readdirSync(base)).toEqual(['dist']);
  });

  test('refuses to replace a folder that holds sources', () => {
    const out = join(tmp.dir(), 'src');
    mkdirSync(out);
    writeFileSync(join(out, 'main.ts'), 'export {};\n');
    expect(() => writeGitOpsTree([{ name: 'a', objects: [obj('v1', 'Namespace', 'a')] }], out)).toThrow(/holds main.ts, which is not a YAML or JSON manifest/);
    expect(readFileSync(join(out, 'main.ts'), 'utf8')).toBe('export {};\n');
    expect(existsSync(join(out, 'kustomization.yaml'))).toBe(false);
  });

  withKubectl()('kubectl kustomize builds the tree: every object once, values read back as written', () => {
    const out = join(tmp.dir(), 'dist');
    const groups = [{ name: 'frontend', objects: team('frontend') }, { name: 'backend', objects: team('backend') }];
    writeGitOpsTree(groups, out);
    const built = parseManifests(kustomize(out), 'kustomize-output.yaml').map((m) => m.object as Obj);
    expect(built).toHaveLength(28);
    const key = (o: Obj) => `${o.kind}/${o.metadata.namespace ?? ''}/${o.metadata.name}`;
    expect(built.map(key).sort()).toEqual([...groups[0].objects, ...groups[1].objects].map(key).sort());
    const settings = built.find((o) => o.kind === 'ConfigMap' && o.metadata.namespace === 'backend')!;
    expect(settings.data).toEqual({ enabled: 'yes', version: '1.10' });
    expect(settings.metadata.annotations).toEqual({ 'argocd.argoproj.io/sync-wave': '0' });
    // kustomize's own (legacy) ordering puts the Namespaces first as well.
    expect(built.slice(0, 2).map((o) => o.kind)).toEqual(['Namespace', 'Namespace']);
  });

  withKubectl()('kubectl kustomize reads tricky strings as the same strings', () => {
    const out = join(tmp.dir(), 'dist');
    const data = { a: 'yes', b: 'on', c: 'y', d: '1.10', e: '010', f: '0o17', g: '1_000', h: '0x1F', i: '1:20', j: '~', k: 'null', l: '2001-12-14', m: '=' };
    writeGitOpsTree([{ name: 'a', objects: [obj('v1', 'ConfigMap', 'tricky', 'a', { data })] }], out);
    const [built] = parseManifests(kustomize(out), 'kustomize-output.yaml').map((m) => m.object as Obj);
    expect(built.data).toEqual(data);
  });
});
