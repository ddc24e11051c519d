import { dockerfileRule, instructions, judgedStages } from './dockerfile';
import { runs, shellCommands } from './shell';

/** Ownership is set by COPY --chown, not by a chown layer after the copy. */
export const dockerfileCopyChown = dockerfileRule({
  id: 'dockerfile-copy-chown',
  title: 'Set file ownership with COPY --chown, not a later chown layer',
  severity: 'warning',
  profiles: ['container', 'hardened'],
  description: 'A RUN chown after COPY or ADD rewrites every file it touches into a new layer: the files ship twice (the '
    + 'image grows by their size) and the first copy keeps the old owner in the lower layer. COPY --chown=uid:gid sets '
    + 'the owner in the one layer that holds the files, as the guide does (COPY --chown=appuser:appuser, line 31).',
  remediation: 'Drop the RUN chown and write COPY --chown=10001:10001 <src> <dest> (or ADD --chown) on the instruction that adds the files.',
  docsUrl: 'https://docs.docker.com/reference/dockerfile/#copy---chown---chmod',
}, (dockerfile) => judgedStages(dockerfile).flatMap((s) => {
  const list = instructions(s);
  const firstCopy = list.findIndex(({ ins }) => ins.keyword === 'COPY' || ins.keyword === 'ADD');
  if (firstCopy < 0) {
    return [];
  }
  return list.slice(firstCopy + 1).filter(({ ins }) => ins.keyword === 'RUN' && shellCommands(ins).some((c) => runs(c, 'chown')))
    .map(({ ins, path }) => ({ path, message: `${s.label} runs chown at line ${ins.line} after COPY/ADD at line ${list[firstCopy].ins.line}` }));
}));
