import { Rule } from '../../rule';
import { dockerfileAddUrl } from './add-url';
import { dockerfileBaseImage } from './base-image';
import { dockerfileBuildSecrets } from './build-secrets';
import { dockerfileCopyChown } from './copy-chown';
import { DAEMON_RULES } from './daemon-settings';
import { dockerfileDevTools } from './dev-tools';
import { dockerfileHealthcheck } from './healthcheck';
import { imageUserMatchesPod } from './image-user';
import { dockerfileInstallAfterUser } from './install-after-user';
import { dockerfilePackageCache } from './package-cache';
import { dockerfilePackagePinning } from './package-pinning';
import { RUNNING_CONTAINER_RULES } from './running-containers';
import { imageNotScanned, imageVulnerabilities } from './scan';
import { dockerfileUser } from './user';

/** The Dockerfile rules: the guide's image security baseline. */
export const DOCKERFILE_RULES: readonly Rule[] = [
  dockerfileBaseImage,
  dockerfileUser,
  dockerfileInstallAfterUser,
  dockerfileDevTools,
  dockerfilePackageCache,
  dockerfilePackagePinning,
  dockerfileBuildSecrets,
  dockerfileAddUrl,
  dockerfileCopyChown,
  dockerfileHealthcheck,
];

/** Rules over images across inputs: a Dockerfile and the pods that run its image, scan reports and the images they cover. */
export const IMAGE_RULES: readonly Rule[] = [imageUserMatchesPod, imageVulnerabilities, imageNotScanned];

/** Everything the image and runtime half of the guide checks: Dockerfiles, the daemon, running containers, images. */
export const CONTAINER_RULES: readonly Rule[] = [...DOCKERFILE_RULES, ...DAEMON_RULES, ...RUNNING_CONTAINER_RULES, ...IMAGE_RULES];
