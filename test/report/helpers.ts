import { Finding } from '../../src/policy/rule';
import { CheckedObject, Report, summarize } from '../../src/report/summary';
import { RuleInfo } from '../../src/report/rules-doc';

export function finding(overrides: Partial<Finding> = {}): Finding {
  return {
    ruleId: 'test-privileged',
    severity: 'error',
    object: { apiVersion: 'apps/v1', kind: 'Deployment', namespace: 'shop', name: 'web' },
    path: 'spec.template.spec.containers[0].securityContext.privileged',
    message: 'container "app" sets securityContext.privileged to true',
    remediation: 'Set securityContext.privileged to false.',
    file: 'k8s/web.yaml',
    line: 12,
    suppressed: false,
    ...overrides,
  };
}

export function report(findings: Finding[], extra: { objects?: CheckedObject[]; files?: string[]; failOn?: 'error' | 'warning'; profile?: string } = {}): Report {
  const objects = extra.objects;
  return {
    findings,
    summary: summarize(findings, objects?.length ?? new Set(findings.map((f) => JSON.stringify(f.object))).size, extra.profile ?? 'hardened', extra.failOn),
    ...(objects ? { objects } : {}),
    ...(extra.files ? { files: extra.files } : {}),
  };
}

export const RULES: RuleInfo[] = [
  {
    id: 'test-privileged',
    title: 'Privileged containers are forbidden',
    severity: 'error',
    profiles: ['pss-baseline', 'hardened'],
    description: 'A privileged container owns the node.',
    remediation: 'Set securityContext.privileged to false.',
    docsUrl: 'https://kubernetes.io/docs/concepts/security/pod-security-standards/#baseline',
  },
  {
    id: 'test-probes',
    title: 'Containers have probes',
    severity: 'warning',
    profiles: ['hardened'],
    description: 'Without probes a broken container keeps receiving traffic.',
    remediation: 'Set livenessProbe and readinessProbe on the container.',
    docsUrl: 'https://kubernetes.io/docs/tasks/configure-pod-container/configure-liveness-readiness-startup-probes/',
  },
  {
    id: 'test-digest',
    title: 'Images are pinned by digest',
    severity: 'info',
    profiles: ['hardened'],
    description: 'A tag can move.',
    remediation: 'Pin the image by digest.',
    docsUrl: 'https://kubernetes.io/docs/concepts/containers/images/',
  },
];
