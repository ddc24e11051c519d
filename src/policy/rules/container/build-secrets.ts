import { dockerfileRule, instructions, judgedStages } from './dockerfile';

/** Names that hold credentials. */
export const SECRET_NAME = /(PASSWORD|PASSWD|PASSPHRASE|SECRET|TOKEN|API_?KEY|PRIVATE_?KEY|ACCESS_?KEY|CREDENTIAL|AUTH)/i;

/** No credential passes through ENV or ARG. */
export const dockerfileBuildSecrets = dockerfileRule({
  id: 'dockerfile-no-secrets-in-env-arg',
  title: 'Secrets must not be passed with ENV or ARG',
  severity: 'error',
  profiles: ['container', 'hardened'],
  description: 'ENV values are stored in the image configuration and every container inherits them; ARG values, given '
    + 'as a default or with --build-arg, are recorded in the image history (docker history shows them). Anyone who can '
    + 'pull the image can read a password, token or key set either way. A name that holds a credential (PASSWORD, SECRET, '
    + 'TOKEN, API_KEY, PRIVATE_KEY, ACCESS_KEY, CREDENTIAL, AUTH) in ENV or ARG is an error in the stages that reach the '
    + 'image. Build secrets belong in a secret mount, runtime secrets in a Kubernetes Secret mounted as a file.',
  remediation: 'Remove the ENV/ARG and read the secret from a build secret mount (RUN --mount=type=secret,id=token ...) at build time, or from a Kubernetes Secret volume at run time.',
  docsUrl: 'https://docs.docker.com/build/building/secrets/',
}, (dockerfile) => judgedStages(dockerfile).flatMap((s) => instructions(s)
  .filter(({ ins }) => ins.keyword === 'ENV' || ins.keyword === 'ARG')
  .flatMap(({ ins, path }) => (ins.properties ?? []).filter((p) => SECRET_NAME.test(p.name)).map((p) => ({
    path,
    message: `${s.label} sets ${ins.keyword} ${p.name}${p.value === null ? ' (a build argument recorded in the image history)' : ' with a value stored in the image'}`,
  })))));
