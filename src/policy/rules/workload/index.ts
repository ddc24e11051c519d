import { Rule } from '../../rule';
import { automountToken } from './automount-token';
import { defaultNamespace } from './default-namespace';
import { defaultServiceAccount } from './default-service-account';
import { imageDigest } from './image-digest';
import { imagePullPolicy } from './image-pull-policy';
import { imageTag } from './image-tag';
import { probes } from './probes';
import { readOnlyRootFs } from './read-only-root-fs';
import { resources } from './resources';
import { secretEnv } from './secret-env';

/** Workload hardening beyond Pod Security Standards. */
export const WORKLOAD_RULES: readonly Rule[] = [
  resources,
  probes,
  imageTag,
  imageDigest,
  imagePullPolicy,
  readOnlyRootFs,
  automountToken,
  defaultServiceAccount,
  defaultNamespace,
  secretEnv,
];
