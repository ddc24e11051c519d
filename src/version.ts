/**
 * The one Kubernetes version this project targets. Pod Security Standards semantics, the PSA
 * namespace label pins, the strict schema and the admission policies all follow it.
 */
export const KUBERNETES_VERSION = '1.28';

/** The Pod Security Admission policy version label value that matches {@link KUBERNETES_VERSION}. */
export const PSA_POLICY_VERSION = `v${KUBERNETES_VERSION}`;
