import { javascript, typescript } from 'projen';

/** The one Kubernetes version this project targets (PSA labels, schema, admission policies). */
const project = new typescript.TypeScriptProject({
  name: 'cdk8s-hardened',
  description: 'Hardened cdk8s constructs, a Kubernetes 1.28 policy engine and a CLI that proves manifests secure before they ship.',
  defaultReleaseBranch: 'main',
  projenrcTs: true,
  packageManager: javascript.NodePackageManager.NPM,
  minNodeVersion: '20.0.0',
  typescriptVersion: '~5.9.3',
  // cdk8s and constructs are the user's: one copy in their project, or `App is not assignable to App` (see
  // test/packaging/compat.test.ts for the oldest and newest versions proven to work).
  peerDeps: ['cdk8s@^2.7.75', 'constructs@^10.0.0', 'projen@>=0.103.0 <1'],
  peerDependencyOptions: { pinnedDevDependency: false },
  deps: [
    'yaml@^2.9.1',
    'js-yaml@^5.5.0',
    'ajv@^8.20.0',
    'commander@^14.0.3',
    'dockerfile-ast@^0.7.1',
    'picomatch@^4.0.3',
  ],
  devDeps: [
    'cdk8s@^2.70.106', 'constructs@^10.8.1',
    // Tests only: the real cdk8s-cli (the validation plugin's end-to-end test; its importer generates src/imports/k8s.ts)
    // and cdk8s-plus-28 (HardenedApp judges cdk8s-plus objects too).
    'cdk8s-cli@2.207.60', 'cdk8s-plus-28@^2.5.6', '@types/node@^20', '@actions/workflow-parser@^0.3.61', '@types/picomatch@^4.0.3', 'fast-check@^4.11.0', '@bufbuild/cel@^0.6.1', '@bufbuild/protobuf@^2.6.2'],
  bin: { 'cdk8s-hardened': 'lib/cli/main.js' },
  eslint: false,
  prettier: false,
  github: false,
  release: false,
  depsUpgrade: false,
  pullRequestTemplate: false,
  sampleCode: false,
  package: false,
  // Publish-ready (issue 16): Apache-2.0 as cdk8s, with the standard licence text projen writes to LICENSE.
  license: 'Apache-2.0',
  copyrightOwner: 'The cdk8s-hardened authors',
  repository: 'https://github.com/cdk8s-hardened/cdk8s-hardened.git',
  keywords: ['cdk8s', 'kubernetes', 'k8s', 'security', 'pod-security-standards', 'policy', 'gitops', 'validating-admission-policy', 'cdk8s-plugin', 'projen'],
  jestOptions: {
    jestVersion: '^30',
    updateSnapshot: javascript.UpdateSnapshot.NEVER,
    jestConfig: {
      collectCoverage: false,
      // The Go-backed suites (real kubectl/kustomize readers, a real API server) run in `npm run test:go`.
      testPathIgnorePatterns: ['/node_modules/', '<rootDir>/test/oracle/', '<rootDir>/test/cluster/'],
    },
  },
  // Source maps beside the JavaScript, not inside it: every run of the CLI parses lib/, and inline maps doubled it.
  tsconfig: { compilerOptions: { skipLibCheck: true, inlineSourceMap: false, sourceMap: true } },
  gitignore: ['/dist/', '/.bench/', '/.scratch/'],
});

project.package.addVersion('0.1.0');
// projen is needed only by `cdk8s-hardened/projen` (the HardenedSynth component), in projects that already have it.
project.package.addField('peerDependenciesMeta', { projen: { optional: true } });
// The entry points: the library, the cdk8s-cli plugin, the projen component. The bin is a path, not an export.
const entry = (dir: string) => ({ types: `./lib/${dir}index.d.ts`, default: `./lib/${dir}index.js` });
project.package.addField('exports', {
  '.': entry(''),
  './plugin': entry('plugin/'),
  './projen': entry('projen/'),
  './package.json': './package.json',
});
// TypeScript's node10 resolution (module: commonjs, the default of cdk8s and projen projects) ignores `exports`:
// the subpaths' declarations are found through typesVersions there.
project.package.addField('typesVersions', { '*': { plugin: ['lib/plugin/index.d.ts'], projen: ['lib/projen/index.d.ts'] } });
// What the tarball holds (test/packaging/tarball.test.ts pins it): the compiled library with its declarations, the
// data it reads at run time (lib/schema/data: the 1.28 definitions, with their licence), README, LICENSE and docs.
// Not: sources maps, src/, test/, examples/ (they import ../../src), bench/, .ci/, projen files.
project.package.addField('files', ['lib/**/*.js', 'lib/schema/builtin-validators.v8-cache', 'lib/**/*.d.ts', 'lib/**/*.json', 'lib/**/LICENSE', 'lib/**/README.md', 'docs/*.md']);

// The built-in kinds' schema validators are precompiled into lib/schema/builtin-validators.js (start-up time).
project.compileTask.exec('node lib/schema/precompile.js');
// The vendored definitions' licence and provenance travel with the copy tsc makes of them (and so with the tarball).
for (const data of ['kubernetes-1.28', 'prometheus-operator']) {
  project.compileTask.exec(`cp src/schema/data/${data}/LICENSE src/schema/data/${data}/README.md lib/schema/data/${data}/`);
}

// `npm test` compiles first: the CLI tests run the real binary from lib/.
project.testTask.prependSpawn(project.compileTask);

// The Go-backed suites: the differential test against the real kubectl and kustomize readers (test/oracle),
// built from their Go modules into a cache outside the repository. `.ci/run` runs it when go is on PATH.
// The packed library installed with the oldest and the newest cdk8s/constructs of the peer ranges (needs the npm
// registry; `.ci/run` runs it after npm test, which stays well under five minutes without it).
const testCompat = project.addTask('test:compat', {
  description: 'Install the packed library with the oldest and newest supported cdk8s and constructs, and its projen component with the oldest and newest projen (needs the npm registry)',
  env: { CDK8S_HARDENED_COMPAT: '1', CI_REQUIRES_COMPAT: '1' },
});
testCompat.spawn(project.compileTask);
testCompat.exec('jest --ci --runInBand test/packaging/compat.test.ts', { receiveArgs: true });

const testGo = project.addTask('test:go', {
  description: 'Differential tests against the real Kubernetes readers, built with Go (skipped without go)',
});
testGo.exec('jest --ci --runInBand test/oracle --testPathIgnorePatterns /node_modules/', { receiveArgs: true });

// The README's main job: synthesize the reference example, judge every object, write the GitOps tree to dist/.
const synth = project.addTask('synth', {
  description: 'Synthesize and validate the reference example (examples/reference) into dist/',
  env: { CDK8S_CHECK_UPGRADE: 'false' },
});
synth.spawn(project.compileTask);
synth.exec('node lib/cli/main.js synth examples/reference/main.ts --out dist');

// The cluster suite: a real kube-apiserver 1.28 (+ etcd, built from test/oracle/cluster into the same cache) judges
// what our rules judge: Pod Security Admission, strict schema, the admission policies, the reference scenario.
// It needs go (and kubectl for the reference scenario); `.ci/run` runs it when go is on PATH.
const testCluster = project.addTask('test:cluster', {
  description: 'Prove the rules against a real Kubernetes 1.28 API server built with Go (needs go; see test/cluster/run.js)',
  env: { CDK8S_CHECK_UPGRADE: 'false' },
});
testCluster.spawn(synth);
testCluster.exec('node test/cluster/run.js', { receiveArgs: true });

// src/imports/k8s.ts (the Kubernetes 1.28 types the constructs use) is generated with cdk8s-cli's importer from the
// vendored definitions; test/imports/k8s.test.ts fails when it is not current. See src/imports/README.md.
const importK8s = project.addTask('import-k8s', { description: 'Regenerate src/imports/k8s.ts from the vendored 1.28 definitions' });
importK8s.exec('node src/imports/tools/import-k8s.js');

// docs/rules.md is generated from the rule catalogue; a test fails when it is not current.
const docs = project.addTask('docs', { description: 'Regenerate docs/rules.md from the rule catalogue' });
docs.spawn(project.compileTask);
docs.exec('node lib/cli/main.js rules --format markdown --output docs/rules.md');

// Benchmarks print figures and ratios and rewrite bench/RESULTS.md; `npm run bench -- --quick` takes under a minute.
const bench = project.addTask('bench', { description: 'Benchmark synth and check at scale against their floors' });
bench.spawn(project.compileTask);
bench.exec('node bench/run.js', { receiveArgs: true });

project.synth();
