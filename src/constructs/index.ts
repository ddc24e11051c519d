export { HardeningError, Labels, ObjectMetaProps, NAME_LABEL } from './common';
export * from './pod-hardening';
export * from './secure-pod';
export * from './secure-workloads';
export * from './default-deny-network';
export * from './locked-down-namespace';
export * from './least-privilege-role';
export * from './node-log-collector';
export * from './cluster-audit-cronjob';
