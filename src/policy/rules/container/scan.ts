import { DOCKERFILE_KIND, ScanReport } from '../../container-model';
import { Path } from '../../path';
import { RuleContext, SetRule, SetViolation, Target } from '../../rule';
import { imageMatches, namedDockerfiles, podContainers } from './images';
import { NOT_AN_API_OBJECT } from './admission';

/** Every image the set runs or builds, where it is named: a container's image field, a Dockerfile's image comment. */
function images(targets: readonly Target[]): Array<{ index: number; image: string; path: Path; who: string }> {
  return [
    ...podContainers(targets).map((c) => ({ index: c.index, image: c.image, path: c.imagePath, who: `container "${c.container.name}"` })),
    ...namedDockerfiles(targets).map((d) => ({ index: d.index, image: d.image, path: ['spec', 'image'] as Path, who: 'the image this Dockerfile builds' })),
  ];
}

/** The reports of an image: those that name it exactly (tag or digest), else, for a Dockerfile's untagged name, by repository. */
function reportsFor(image: string, reports: readonly ScanReport[], kind: string): ScanReport[] {
  const exact = reports.filter((r) => r.names.some((n) => imageMatches(n, image) && imageMatches(image, n)));
  if (exact.length || kind !== DOCKERFILE_KIND) {
    return exact;
  }
  return reports.filter((r) => r.names.some((n) => imageMatches(image, n)));
}

export const imageVulnerabilities: SetRule = {
  id: 'image-vulnerabilities',
  title: 'Images must have no vulnerabilities at or above the scan gate\'s severity',
  severity: 'error',
  profiles: ['container', 'hardened'],
  description: 'With check --scan REPORT.json (Trivy\'s JSON report, SchemaVersion 2; one report or an array, one file or '
    + 'many), each report is joined to the images the checked manifests run and the Dockerfiles build (by ArtifactName, '
    + 'RepoTags or RepoDigests; a Dockerfile names its image with # cdk8s-hardened: image=...), and every vulnerability of '
    + '--scan-severity (default HIGH, that is HIGH and CRITICAL) is a finding at the line of the image. --ignore-unfixed '
    + 'skips vulnerabilities without a fixed version, as trivy --ignore-unfixed does. This is the guide\'s CI scan stage '
    + '(lines 455-463), joined to what is deployed; that stage runs trivy image --severity HIGH,CRITICAL without '
    + '--exit-code 1, so trivy exits 0 and the stage never fails, where this gate fails the run.',
  remediation: 'Rebuild the image FROM a patched base or upgrade the package to its FixedVersion, push it, and point the container\'s image at the new tag or digest.',
  docsUrl: 'https://trivy.dev/latest/docs/configuration/reporting/#json',
  admission: NOT_AN_API_OBJECT,
  scope: 'set',
  judgesContainerInputs: true,
  checkSet(targets: readonly Target[], context?: RuleContext): SetViolation[] {
    const gate = context?.scan;
    if (!gate) {
      return [];
    }
    return images(targets).flatMap(({ index, image, path, who }) => reportsFor(image, gate.reports, targets[index].kind)
      .flatMap((report) => report.vulnerabilities)
      .filter((v) => gate.severities.includes(v.severity) && !(gate.ignoreUnfixed && !v.fixedVersion))
      .map((v) => ({
        index,
        path,
        message: `${who} runs image "${image}" with ${v.id} (${v.severity}) in ${v.pkgName} ${v.installedVersion}`
          + `${v.fixedVersion ? `, fixed in ${v.fixedVersion}` : ', no fixed version yet'}`,
        remediation: v.fixedVersion
          ? `Upgrade ${v.pkgName} to ${v.fixedVersion} (or rebuild FROM a base that has it) and set the image to the rebuilt tag or digest.`
          : `No fix exists for ${v.id} yet: replace ${v.pkgName} or its base image, or pass --ignore-unfixed to gate on fixable vulnerabilities only.`,
      })));
  },
};

export const imageNotScanned: SetRule = {
  id: 'image-not-scanned',
  title: 'Every image must have a vulnerability scan when the scan gate is on',
  severity: 'warning',
  profiles: ['container', 'hardened'],
  description: 'With check --scan, an image the manifests run (or a Dockerfile builds) that no report covers has not '
    + 'passed the gate: it may hold any vulnerability. The guide asks for a scan of every image (lines 78-79, '
    + '"vulnerability_scan") and scans in CI before deploying (lines 430-483). Without --scan nothing is reported.',
  remediation: 'Scan the image (trivy image --format json --output scan.json <image>) and pass the report with --scan; the report\'s ArtifactName must be the image as the container\'s image field names it.',
  docsUrl: 'https://trivy.dev/latest/docs/configuration/reporting/#json',
  admission: NOT_AN_API_OBJECT,
  scope: 'set',
  judgesContainerInputs: true,
  checkSet(targets: readonly Target[], context?: RuleContext): SetViolation[] {
    const gate = context?.scan;
    if (!gate) {
      return [];
    }
    return images(targets).filter(({ index, image }) => reportsFor(image, gate.reports, targets[index].kind).length === 0)
      .map(({ index, image, path, who }) => ({ index, path, message: `${who} runs image "${image}", which no scan report covers (not scanned)` }));
  },
};
