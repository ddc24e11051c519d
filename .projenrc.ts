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
  deps: [
    'cdk8s@^2.70.106',
    'cdk8s-plus-28@^2.5.6',
    'constructs@^10.8.1',
    'yaml@^2.9.1',
    'js-yaml@^5.5.0',
    'ajv@^8.20.0',
    'commander@^14.0.3',
    'dockerfile-ast@^0.7.1',
    'picomatch@^4.0.3',
  ],
  devDeps: ['@types/node@^20', '@actions/workflow-parser@^0.3.61', '@types/picomatch@^4.0.3', 'fast-check@^4.11.0', '@bufbuild/cel@^0.6.1', '@bufbuild/protobuf@^2.6.2'],
  bin: { 'cdk8s-hardened': 'lib/cli/main.js' },
  eslint: false,
  prettier: false,
  github: false,
  release: false,
  depsUpgrade: false,
  pullRequestTemplate: false,
  sampleCode: false,
  package: false,
  licensed: false,
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

// The built-in kinds' schema validators are precompiled into lib/schema/builtin-validators.js (start-up time).
project.compileTask.exec('node lib/schema/precompile.js');

// `npm test` compiles first: the CLI tests run the real binary from lib/.
project.testTask.prependSpawn(project.compileTask);

// The Go-backed suites: the differential test against the real kubectl and kustomize readers (test/oracle),
// built from their Go modules into a cache outside the repository. `.ci/run` runs it when go is on PATH.
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

// docs/rules.md is generated from the rule catalogue; a test fails when it is not current.
const docs = project.addTask('docs', { description: 'Regenerate docs/rules.md from the rule catalogue' });
docs.spawn(project.compileTask);
docs.exec('node lib/cli/main.js rules --format markdown --output docs/rules.md');

// Benchmarks print figures and ratios and rewrite bench/RESULTS.md; `npm run bench -- --quick` takes under a minute.
const bench = project.addTask('bench', { description: 'Benchmark synth and check at scale against their floors' });
bench.spawn(project.compileTask);
bench.exec('node bench/run.js', { receiveArgs: true });

project.synth();
