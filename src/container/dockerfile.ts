import type { Instruction } from 'dockerfile-ast';
import { InputError } from '../input/errors';
import { Path } from '../policy/path';
import { Manifest } from '../policy/rule';
import { CONTAINER_API_VERSION, DockerfileSpec, DockerInstruction, DockerStage, DOCKERFILE_KIND, IMAGE_COMMENT } from '../policy/container-model';

/** dockerfile-ast, loaded when the first Dockerfile is read (most runs of check read none: start-up time). */
let dockerfileAst: typeof import('dockerfile-ast') | undefined;
function ast(): typeof import('dockerfile-ast') {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  dockerfileAst ??= require('dockerfile-ast') as typeof import('dockerfile-ast');
  return dockerfileAst;
}

/** The instructions Docker (BuildKit's Dockerfile frontend) knows; anything else fails the build. */
const KEYWORDS = new Set([
  'ADD', 'ARG', 'CMD', 'COPY', 'ENTRYPOINT', 'ENV', 'EXPOSE', 'FROM', 'HEALTHCHECK', 'LABEL', 'MAINTAINER', 'ONBUILD',
  'RUN', 'SHELL', 'STOPSIGNAL', 'USER', 'VOLUME', 'WORKDIR',
]);

/** A suppression written as a comment: `# suppress.cdk8s-hardened.io/<rule-id>: <reason>`. */
const SUPPRESSION_COMMENT = /^\s*(suppress\.cdk8s-hardened\.io\/[a-z0-9-]+)\s*:\s*(.*?)\s*$/;

/** True for the names Docker and our folder walk treat as Dockerfiles: `Dockerfile`, `*.Dockerfile`, `Dockerfile.*`. */
export function isDockerfileName(name: string): boolean {
  const lower = name.toLowerCase();
  if (lower === 'dockerfile' || (lower.endsWith('.dockerfile') && lower.length > '.dockerfile'.length)) {
    return true;
  }
  return lower.startsWith('dockerfile.') && lower.length > 'dockerfile.'.length && !/\.(ya?ml|json)$/.test(lower);
}

function flagsOf(instruction: Instruction): Record<string, string | null> {
  const flags: Record<string, string | null> = {};
  const withFlags = instruction as unknown as { getFlags?: () => Array<{ getName(): string; getValue(): string | null }> };
  for (const flag of withFlags.getFlags?.() ?? []) {
    flags[flag.getName()] = flag.getValue();
  }
  return flags;
}

function toInstruction(instruction: Instruction): DockerInstruction {
  const keyword = instruction.getKeyword().toUpperCase();
  const { Arg, Env } = ast();
  const properties = instruction instanceof Env || instruction instanceof Arg
    ? instruction.getProperties().map((p) => ({ name: p.getName(), value: p.getValue() }))
    : undefined;
  return {
    keyword,
    content: instruction.getArgumentsContent() ?? '',
    args: instruction.getArguments().map((a) => a.getValue()),
    flags: flagsOf(instruction),
    ...(properties ? { properties } : {}),
    line: instruction.getRange().start.line + 1,
  };
}

/** The stage a reference (`build`, `0`) names among the stages before `before`. */
function stageIndex(stages: readonly DockerStage[], ref: string, before: number): number | undefined {
  if (/^[0-9]+$/.test(ref)) {
    const n = Number(ref);
    return n < before ? n : undefined;
  }
  const lower = ref.toLowerCase();
  for (let i = before - 1; i >= 0; i--) {
    if (stages[i].name?.toLowerCase() === lower) {
      return i;
    }
  }
  return undefined;
}

/** The stages the final stage is built from: itself, its FROM parents and every stage copied or mounted from. */
function judgedStages(stages: readonly DockerStage[]): number[] {
  const judged = new Set<number>();
  const queue = [stages.length - 1];
  while (queue.length) {
    const i = queue.pop()!;
    if (judged.has(i)) {
      continue;
    }
    judged.add(i);
    const stage = stages[i];
    if (stage.fromStage !== undefined) {
      queue.push(stage.fromStage);
    }
    for (const ins of stage.instructions) {
      const refs = [ins.flags.from, ...[...ins.content.matchAll(/--mount=\S*\bfrom=([^,\s]+)/g)].map((m) => m[1])];
      for (const ref of refs) {
        const at = ref ? stageIndex(stages, ref, i) : undefined;
        if (at !== undefined) {
          queue.push(at);
        }
      }
    }
  }
  return [...judged].sort((a, b) => a - b);
}

/**
 * Reads a Dockerfile into the object the Dockerfile rules judge. A file Docker would refuse (no FROM, an unknown
 * instruction, an instruction before the first FROM other than ARG) is an InputError naming file and line.
 */
export function readDockerfile(text: string, file: string): Manifest {
  const source = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  const parsed = ast().DockerfileParser.parse(source);
  const stages: Array<{ -readonly [K in keyof DockerStage]: DockerStage[K] }> = [];
  for (const instruction of parsed.getInstructions()) {
    const ins = toInstruction(instruction);
    if (!KEYWORDS.has(ins.keyword)) {
      throw new InputError(`${file}, line ${ins.line}: unknown Dockerfile instruction ${ins.keyword} (docker build refuses it)`);
    }
    if (ins.keyword === 'FROM') {
      const from = ins.args.filter((a, i, all) => !a.startsWith('--') && !(i > 0 && all[i - 1].toUpperCase() === 'AS'))
        .find((a) => a.toUpperCase() !== 'AS');
      if (!from) {
        throw new InputError(`${file}, line ${ins.line}: FROM without an image`);
      }
      const asAt = ins.args.findIndex((a) => a.toUpperCase() === 'AS');
      const name = asAt >= 0 ? ins.args[asAt + 1] : undefined;
      const fromStage = stageIndex(stages, from, stages.length);
      stages.push({ from, line: ins.line, instructions: [ins], ...(name ? { name } : {}), ...(fromStage !== undefined ? { fromStage } : {}) });
    } else if (stages.length === 0) {
      if (ins.keyword !== 'ARG') {
        throw new InputError(`${file}, line ${ins.line}: ${ins.keyword} before the first FROM (only ARG may come before FROM)`);
      }
    } else {
      (stages[stages.length - 1].instructions as DockerInstruction[]).push(ins);
    }
  }
  if (stages.length === 0) {
    throw new InputError(`${file}: no FROM instruction, so this is not a Dockerfile docker build accepts`);
  }
  const annotations: Record<string, string> = {};
  let image: string | undefined;
  // Read from the lines themselves: dockerfile-ast takes a first-line `# cdk8s-hardened: image=x` for a parser
  // directive, which BuildKit does not (a directive name is letters and digits only).
  let imageLine: number | undefined;
  for (const [at, line] of source.split('\n').entries()) {
    const hash = /^\s*#(.*)$/.exec(line);
    if (!hash) {
      continue;
    }
    const content = hash[1].trim();
    const suppression = SUPPRESSION_COMMENT.exec(content);
    if (suppression) {
      annotations[suppression[1]] = suppression[2];
    }
    const named = IMAGE_COMMENT.exec(content);
    if (named) {
      image = named[1];
      imageLine = at + 1;
    }
  }
  const spec: DockerfileSpec = {
    stages,
    finalStage: stages.length - 1,
    judgedStages: judgedStages(stages),
    ...(image !== undefined ? { image, imageLine } : {}),
  };
  const object = {
    apiVersion: CONTAINER_API_VERSION,
    kind: DOCKERFILE_KIND,
    metadata: { name: file, ...(Object.keys(annotations).length ? { annotations } : {}) },
    spec,
  };
  return { object, origin: { file, line: 1, locate: (path) => dockerfileLine(spec, path) } };
}

/** The line of `spec.stages[s].instructions[i]` (or of stage s's FROM) for any path below it; else line 1. */
export function dockerfileLine(spec: DockerfileSpec, path: Path): number {
  if (path[0] === 'spec' && path[1] === 'image' && spec.imageLine !== undefined) {
    return spec.imageLine;
  }
  if (path[0] !== 'spec' || path[1] !== 'stages' || typeof path[2] !== 'number') {
    return 1;
  }
  const stage = spec.stages[path[2]];
  if (!stage) {
    return 1;
  }
  if (path[3] === 'instructions' && typeof path[4] === 'number' && stage.instructions[path[4]]) {
    return stage.instructions[path[4]].line;
  }
  return stage.line;
}
