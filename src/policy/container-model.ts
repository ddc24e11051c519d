/**
 * The image and runtime half of the hardening guide, read into objects the engine judges like Kubernetes objects:
 * a Dockerfile, a Docker daemon configuration (daemon.json) and one running container (an element of
 * `docker inspect` output). Each is plain JSON under the apiVersion below, so suppressions, reports and file:line
 * work unchanged; only rules that name these kinds judge them (see the engine).
 */
export const CONTAINER_API_VERSION = 'container.cdk8s-hardened.io/v1';

export const DOCKERFILE_KIND = 'Dockerfile';
export const DAEMON_KIND = 'DockerDaemonConfig';
export const CONTAINER_KIND = 'DockerContainer';

export const CONTAINER_INPUT_KINDS = [DOCKERFILE_KIND, DAEMON_KIND, CONTAINER_KIND] as const;

/** True for an object read from a Dockerfile, a daemon.json or docker inspect output (not a Kubernetes object). */
export function isContainerInput(apiVersion: string | undefined, kind: string | undefined): boolean {
  return apiVersion === CONTAINER_API_VERSION && (CONTAINER_INPUT_KINDS as readonly string[]).includes(kind ?? '');
}

/** The comment that names the image a Dockerfile builds: `# cdk8s-hardened: image=registry/app`. */
export const IMAGE_COMMENT = /^\s*cdk8s-hardened:\s*image=(\S+)\s*$/;

/** One Dockerfile instruction as the rules see it. */
export interface DockerInstruction {
  /** Upper-case keyword: FROM, RUN, USER, ... */
  readonly keyword: string;
  /** The arguments as written, line continuations joined (`apk add --no-cache python3`). */
  readonly content: string;
  /** The arguments split as Docker splits them. */
  readonly args: readonly string[];
  /** Flags (`--chown=appuser`, `--from=build`): name to value (null for a flag without value). */
  readonly flags: Readonly<Record<string, string | null>>;
  /** ENV and ARG: the names and values they set (value null for `ARG NAME` without a default). */
  readonly properties?: ReadonlyArray<{ readonly name: string; readonly value: string | null }>;
  /** 1-based line of the instruction. */
  readonly line: number;
}

/** One build stage: its FROM and the instructions after it. */
export interface DockerStage {
  /** The stage name (`FROM x AS build`). */
  readonly name?: string;
  /** The FROM image as written (`alpine:3.19`, `build`, `${BASE}`). */
  readonly from: string;
  /** The index of the earlier stage FROM names, when it names one. */
  readonly fromStage?: number;
  readonly line: number;
  /** Every instruction of the stage, FROM first. */
  readonly instructions: readonly DockerInstruction[];
}

/** The spec of a Dockerfile object. */
export interface DockerfileSpec {
  readonly stages: readonly DockerStage[];
  /** The stage that becomes the image: the last one. */
  readonly finalStage: number;
  /**
   * The stages judged: the final stage and every stage it builds on (FROM) or copies from (COPY --from), in
   * stage order. Other stages (tests, tooling) do not reach the image.
   */
  readonly judgedStages: readonly number[];
  /** The image this Dockerfile builds, from a `# cdk8s-hardened: image=...` comment. */
  readonly image?: string;
  /** The 1-based line of that comment. */
  readonly imageLine?: number;
}

/** Trivy's severities, lowest first. */
export const SCAN_SEVERITIES = ['UNKNOWN', 'LOW', 'MEDIUM', 'HIGH', 'CRITICAL'] as const;
export type ScanSeverity = (typeof SCAN_SEVERITIES)[number];

/** One vulnerability of a Trivy report (the fields the scan gate uses). */
export interface ScanVulnerability {
  readonly id: string;
  readonly pkgName: string;
  readonly installedVersion: string;
  readonly fixedVersion?: string;
  readonly severity: ScanSeverity;
  readonly title?: string;
  /** The Result's Target (`alpine:3.10.2 (alpine 3.10.2)`, `app/requirements.txt`). */
  readonly target: string;
}

/** One Trivy JSON report (SchemaVersion 2): the image it scanned and what it found. */
export interface ScanReport {
  /** The report file, for messages. */
  readonly file: string;
  readonly artifactName: string;
  /** ArtifactName plus Metadata.RepoTags and RepoDigests: every name the scanned image goes by. */
  readonly names: readonly string[];
  readonly vulnerabilities: readonly ScanVulnerability[];
}

/** What `check --scan` hands the scan gate rules. */
export interface ScanGate {
  readonly reports: readonly ScanReport[];
  /** Vulnerabilities of these severities are findings (`--scan-severity`, default HIGH and above). */
  readonly severities: readonly ScanSeverity[];
  /** Skip vulnerabilities with no fixed version (`--ignore-unfixed`, as trivy --ignore-unfixed). */
  readonly ignoreUnfixed: boolean;
}
