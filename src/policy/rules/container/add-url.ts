import { dockerfileRule, instructions, judgedStages } from './dockerfile';

const REMOTE = /^(https?:\/\/|git@|git:\/\/|ssh:\/\/)/i;

/** ADD does not fetch from URLs without a checksum. */
export const dockerfileAddUrl = dockerfileRule({
  id: 'dockerfile-no-add-url',
  title: 'ADD must not download from a URL without a checksum',
  severity: 'error',
  profiles: ['container', 'hardened'],
  description: 'ADD https://... downloads whatever the server returns at build time, unverified, into the image; a '
    + 'compromised or changed server changes the image without any change to the Dockerfile, and the download is never '
    + 'scanned before it lands. ADD of a URL or a Git repository is an error unless ADD --checksum=sha256:... pins the '
    + 'content. Prefer COPY for local files.',
  remediation: 'Pin the download with ADD --checksum=sha256:<digest> <url> <dest>, or fetch and verify it in a build stage (curl -fsSLo f <url> && echo "<sha256>  f" | sha256sum -c) and COPY --from that stage.',
  docsUrl: 'https://docs.docker.com/reference/dockerfile/#add',
}, (dockerfile) => judgedStages(dockerfile).flatMap((s) => instructions(s).filter(({ ins }) => ins.keyword === 'ADD')
  .flatMap(({ ins, path }) => {
    const sources = ins.args.filter((a) => !a.startsWith('--')).slice(0, -1).filter((a) => REMOTE.test(a) || /\.git(#.*)?$/.test(a));
    if (!sources.length || (ins.flags.checksum ?? '').startsWith('sha256:')) {
      return [];
    }
    return [{ path, message: `${s.label} ADDs "${sources[0]}" from the network without --checksum` }];
  })));
