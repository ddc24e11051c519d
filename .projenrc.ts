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
    'ajv@^8.20.0',
    'commander@^14.0.3',
  ],
  devDeps: ['@types/node@^20', 'fast-check@^4.11.0', '@bufbuild/cel@^0.6.1', '@bufbuild/protobuf@^2.6.2'],
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
    },
  },
  tsconfig: { compilerOptions: { skipLibCheck: true } },
  gitignore: ['/dist/', '/.bench/'],
});

// `npm test` compiles first: the CLI tests run the real binary from lib/.
project.testTask.prependSpawn(project.compileTask);

project.synth();
