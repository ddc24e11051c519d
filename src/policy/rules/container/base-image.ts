import { Violation } from '../../rule';
import { dockerfileRule, instructions, judgedStages, parseImageRef } from './dockerfile';

/** Base images (and images copied from) name a version, and preferably a digest. */
export const dockerfileBaseImage = dockerfileRule({
  id: 'dockerfile-base-image-pinned',
  title: 'Base images must be pinned to a version, ideally a digest',
  severity: 'error',
  profiles: ['container', 'hardened'],
  description: 'The image a stage starts FROM, and every image COPY --from copies out of, is part of the image that runs. '
    + 'Without a tag, or with :latest, each build may pull different code (the guide\'s own FROM alpine:latest, lines 18-19): '
    + 'a rebuild silently changes the operating system under the application, and a scan of yesterday\'s image says nothing '
    + 'about today\'s. Untagged and latest are errors; a version tag without a digest is a warning, as tags can be moved. '
    + 'Only the final stage and the stages it builds on or copies from are judged; scratch needs no pin. The guide asks for '
    + 'official base images (lines 66-67); Docker documents pinning in "Pin base image versions".',
  remediation: 'Pin the FROM image to a version and a digest: FROM alpine:3.19.1@sha256:<digest> (docker buildx imagetools inspect alpine:3.19.1 prints the digest).',
  docsUrl: 'https://docs.docker.com/build/building/best-practices/#pin-base-image-versions',
}, (dockerfile) => judgedStages(dockerfile).flatMap((s) => instructions(s).flatMap(({ ins, path }): Violation[] => {
  let image: string | undefined;
  let how: string;
  if (ins.keyword === 'FROM') {
    if (s.stage.fromStage !== undefined) {
      return [];
    }
    image = s.stage.from;
    how = `${s.label} starts FROM`;
  } else if ((ins.keyword === 'COPY' || ins.keyword === 'ADD') && ins.flags.from) {
    const ref = ins.flags.from;
    // A stage name or index is judged as a stage; anything else is an image.
    if (/^[0-9]+$/.test(ref) || dockerfile.stages.some((st) => st.name?.toLowerCase() === ref.toLowerCase())) {
      return [];
    }
    image = ref;
    how = `${s.label} copies --from`;
  } else {
    return [];
  }
  if (image.toLowerCase() === 'scratch') {
    return [];
  }
  if (image.includes('$')) {
    return [{ path, severity: 'warning', message: `${how} "${image}", set by a build argument, so its pin cannot be checked`,
      remediation: 'Give the build argument a pinned default (ARG BASE=alpine:3.19.1@sha256:<digest>) or write the pinned image in FROM.' }];
  }
  const ref = parseImageRef(image);
  if (ref.digest) {
    return [];
  }
  if (ref.tag === undefined) {
    return [{ path, message: `${how} "${image}" without a tag (it means :latest)` }];
  }
  if (ref.tag === 'latest') {
    return [{ path, message: `${how} "${image}", a tag that moves with every release` }];
  }
  return [{ path, severity: 'warning', message: `${how} "${image}" without a digest (a tag can be moved to other content)`,
    remediation: `Add the digest: ${ref.name}:${ref.tag}@sha256:<digest> (docker buildx imagetools inspect ${image} prints it).` }];
})));
