import { PspControl, pspControlRule } from '../../../src/policy/rules/psp/controls';
import { evaluate } from '../../../src/catalogue';

const CONTROLS: PspControl[] = [
  { kind: 'host-namespaces', forbid: ['hostPID', 'hostIPC'] },
  { kind: 'host-ports', ranges: [{ min: 8000, max: 8080 }] },
  { kind: 'allowed-capabilities', allowed: ['CHOWN'] },
  { kind: 'required-drop-capabilities', drop: ['NET_RAW'] },
  { kind: 'volumes', allowed: ['configMap'] },
  { kind: 'allowed-host-paths', paths: [{ pathPrefix: '/var/log', readOnly: true }] },
  { kind: 'read-only-root-filesystem' },
  { kind: 'run-as-user', rule: 'MustRunAs', ranges: [{ min: 1000, max: 2000 }] },
  { kind: 'run-as-group', rule: 'MustRunAs', ranges: [{ min: 1000, max: 2000 }] },
  { kind: 'fs-group', rule: 'MustRunAs', ranges: [{ min: 1000, max: 2000 }] },
  { kind: 'supplemental-groups', rule: 'MustRunAs', ranges: [{ min: 1000, max: 2000 }] },
];

// A pod that breaks every control above.
const BAD = {
  apiVersion: 'v1', kind: 'Pod', metadata: { name: 'bad', namespace: 'app' },
  spec: {
    hostPID: true,
    securityContext: { runAsUser: 5, runAsGroup: 5, fsGroup: 5, supplementalGroups: [5] },
    containers: [{
      name: 'app', image: 'a:1', ports: [{ containerPort: 80, hostPort: 80 }],
      securityContext: { capabilities: { add: ['SYS_TIME'], drop: ['NET_ADMIN'] } },
      volumeMounts: [{ name: 'host', mountPath: '/h' }],
    }],
    volumes: [{ name: 'host', hostPath: { path: '/etc' } }],
  },
};

describe('the derived PSP rules are well formed', () => {
  test.each(CONTROLS.map((c) => [c.kind, c] as const))('psp-%s', (kind, control) => {
    const { rule, admission } = pspControlRule('legacy', control);
    expect(rule.id).toBe(`psp-${kind}`);
    expect(rule.severity).toBe('error');
    expect(rule.description).toMatch(/PodSecurityPolicy "legacy"/);
    expect(rule.remediation).toMatch(/\.$/);
    expect(rule.remediation).toMatch(/spec\.|securityContext|ports|volumes|capabilities/);
    expect(rule.docsUrl).toMatch(/^https:\/\/kubernetes\.io\//);
    expect(admission.target).toBe('pods');
    const findings = evaluate([{ object: BAD }], [rule]).filter((f) => f.ruleId === rule.id);
    expect(findings.length).toBeGreaterThan(0);
    for (const f of findings) {
      // One lowercase clause naming the container (or pod, or volume) and the value, and the PSP.
      expect(f.message).toMatch(/^(container|pod|volume) /);
      expect(f.message).toMatch(/PodSecurityPolicy "legacy"/);
    }
  });
});
