/**
 * Every construct of the stage, and its props, in one import: what the tests of the constructs (test/constructs/ and
 * the policy tests that synthesize constructs) import. The public API is src/index.ts, which names each of its exports
 * from the file that owns it; this index holds stage-internal names too (clusterAuditArgs, say), and the package's
 * `exports` map keeps it out of reach of users.
 */
export { HardeningError, Labels, ObjectMetaProps, NAME_LABEL } from './common';
export * from './pod-props';
export { DEFAULT_RUN_AS_ID } from './pod-template';
export * from './pod-hardening';
export * from './secure-pod';
export * from './secure-workloads';
export * from './default-deny-network';
export * from './locked-down-namespace';
export * from './least-privilege-role';
export * from './node-log-collector';
export * from './cluster-audit-cronjob';
