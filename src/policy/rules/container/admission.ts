import { NotExpressibleEntry } from '../../rule';

/** The admission side of every rule of this area: what they judge never reaches the API server. */
export const NOT_AN_API_OBJECT: NotExpressibleEntry = {
  notExpressible: 'it judges a Dockerfile, a Docker daemon.json or docker inspect output, which never reach the '
    + 'Kubernetes API server',
};
