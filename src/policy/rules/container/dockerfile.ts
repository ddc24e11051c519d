import { DockerfileSpec, DockerInstruction, DockerStage, DOCKERFILE_KIND, isContainerInput } from '../../container-model';
import { isObject } from '../../json';
import { Path } from '../../path';
import { ObjectRule, Target, Violation } from '../../rule';
import { NOT_AN_API_OBJECT } from './admission';

type Meta = Omit<ObjectRule, 'scope' | 'check' | 'kinds'>;

/** The Dockerfile an object holds, or undefined when its spec is not one (a hand-made object). */
export function dockerfileOf(target: Target): DockerfileSpec | undefined {
  const spec = target.object.spec;
  if (!isContainerInput(target.apiVersion, target.kind) || target.kind !== DOCKERFILE_KIND || !isObject(spec) || !Array.isArray(spec.stages) || !Array.isArray(spec.judgedStages) || typeof spec.finalStage !== 'number') {
    return undefined;
  }
  return spec as unknown as DockerfileSpec;
}

/** Defines a rule over Dockerfiles (objects of kind Dockerfile). */
export function dockerfileRule(meta: Meta, check: (dockerfile: DockerfileSpec, target: Target) => Violation[]): ObjectRule {
  return {
    admission: NOT_AN_API_OBJECT,
    ...meta,
    scope: 'object',
    kinds: [DOCKERFILE_KIND],
    check: (target) => {
      const dockerfile = dockerfileOf(target);
      return dockerfile ? check(dockerfile, target) : [];
    },
  };
}

/** A stage with its index. */
export interface StageView {
  readonly index: number;
  readonly stage: DockerStage;
  /** `stage "build"`, `stage 0`, or `the Dockerfile` when it has one unnamed stage, for messages. */
  readonly label: string;
  /** `the final stage "app"`, `the final stage 1`, or `the Dockerfile`. */
  readonly finalLabel: string;
}

function view(dockerfile: DockerfileSpec, index: number): StageView {
  const stage = dockerfile.stages[index];
  const label = stage.name ? `stage "${stage.name}"` : dockerfile.stages.length === 1 ? 'the Dockerfile' : `stage ${index}`;
  return { index, stage, label, finalLabel: label === 'the Dockerfile' ? label : `the final ${label}` };
}

/** The stages that reach the image: the final stage and those it builds on or copies from. */
export function judgedStages(dockerfile: DockerfileSpec): StageView[] {
  return dockerfile.judgedStages.filter((i) => dockerfile.stages[i]).map((i) => view(dockerfile, i));
}

export function finalStage(dockerfile: DockerfileSpec): StageView {
  return view(dockerfile, dockerfile.finalStage);
}

/** The path of instruction `i` of stage `s`: findings are reported at its line. */
export function instructionPath(stage: number, instruction: number): Path {
  return ['spec', 'stages', stage, 'instructions', instruction];
}

/** Every instruction of a stage with its index and path, FROM first. */
export function instructions(s: StageView): Array<{ ins: DockerInstruction; index: number; path: Path }> {
  return s.stage.instructions.map((ins, index) => ({ ins, index, path: instructionPath(s.index, index) }));
}

/** The user a stage's instructions run as, just before instruction `before` (USER in it, else its FROM stage's). */
export function userAt(dockerfile: DockerfileSpec, stageIndex: number, before = Infinity): { user: string; line: number; path: Path } | undefined {
  const seen = new Set<number>();
  let s: number | undefined = stageIndex;
  let limit = before;
  while (s !== undefined && !seen.has(s) && dockerfile.stages[s]) {
    seen.add(s);
    const list = dockerfile.stages[s].instructions;
    for (let i = Math.min(list.length, limit) - 1; i >= 0; i--) {
      if (list[i].keyword === 'USER' && list[i].args[0] !== undefined) {
        return { user: list[i].args[0], line: list[i].line, path: instructionPath(s, i) };
      }
    }
    s = dockerfile.stages[s].fromStage;
    limit = Infinity;
  }
  return undefined;
}

/** The user part of a USER value (`1001` of `1001:1001`), and whether it is root. */
export function parseUser(value: string): { user: string; numeric: boolean; root: boolean; variable: boolean } {
  const user = value.split(':')[0];
  const numeric = /^[0-9]+$/.test(user);
  return { user, numeric, root: user === 'root' || (numeric && Number(user) === 0), variable: user.includes('$') };
}

/** `FROM alpine:3.19` -> its name, tag and digest (a reading of the reference grammar, enough for pinning). */
export function parseImageRef(ref: string): { name: string; tag?: string; digest?: string } {
  const at = ref.indexOf('@');
  const digest = at >= 0 ? ref.slice(at + 1) : undefined;
  const rest = at >= 0 ? ref.slice(0, at) : ref;
  const slash = rest.lastIndexOf('/');
  const colon = rest.lastIndexOf(':');
  const tag = colon > slash ? rest.slice(colon + 1) : undefined;
  const name = colon > slash ? rest.slice(0, colon) : rest;
  return { name, ...(tag !== undefined ? { tag } : {}), ...(digest !== undefined ? { digest } : {}) };
}
