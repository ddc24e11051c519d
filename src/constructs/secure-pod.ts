import * as k8s from '../imports/k8s';
import { Construct } from 'constructs';
import { HardenedWorkload } from './pod-hardening';
import { SecureContainerProps, SecurePodTemplateProps } from './pod-props';

export interface SecurePodProps extends SecurePodTemplateProps {
  /**
   * The pod's containers. With restartPolicy `Always` (a long-running pod) each needs livenessProbe and
   * readinessProbe; `Never`/`OnFailure` pods run to completion and need none.
   */
  readonly containers: readonly SecureContainerProps[];
  /** @default 'Always' */
  readonly restartPolicy?: 'Always' | 'OnFailure' | 'Never';
}

/**
 * A bare Pod with the hardened template: non-root identity (10001), seccomp RuntimeDefault, no privilege
 * escalation, every capability dropped, read-only root filesystem, no ServiceAccount token, a dedicated
 * ServiceAccount, required resources and (when long-running) probes. Prefer SecureDeployment for services:
 * a bare Pod is not rescheduled when its node goes away.
 */
export class SecurePod extends HardenedWorkload {
  constructor(scope: Construct, id: string, props: SecurePodProps) {
    const restartPolicy = props.restartPolicy ?? 'Always';
    super(scope, id, props, {
      kind: 'Pod',
      apiVersion: 'v1',
      podIsObject: true,
      context: { longRunning: restartPolicy === 'Always', restartPolicy },
      body: (template) => ({ spec: k8s.toJson_PodSpec(template.spec) }),
    });
  }
}
