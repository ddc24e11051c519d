import { isBase64, isDateTime, isInt32, isQuantity } from '../../src/schema/formats';
import { editDistance, suggest } from '../../src/util/suggest';
import { check, messages, VALID, variant } from './helpers';

describe('quantities', () => {
  test.each([
    '500m', '1Gi', '1e3', '1E3', '1e-3', '0.5', '.5', '1.', '100', '+1', '-1', '128Mi', '1Ki', '2Ti', '3Pi', '4Ei',
    '10n', '10u', '1k', '1M', '1G', '1T', '1P', '1E', '1.5Gi',
  ])('%s is a quantity', (q) => {
    expect(isQuantity(q)).toBe(true);
  });

  test.each(['1GB', '1K', '1ki', '1 Gi', ' 1', '', '.', 'Gi', '1Gi ', '1e', '1e1.5', '1mi', 'one', '1Mb', '--1', '1.2.3'])(
    '%j is not a quantity', (q) => {
      expect(isQuantity(q)).toBe(false);
    });

  test('a quantity field takes a quantity string or a number, and says why otherwise', () => {
    const ok = variant(VALID.Pod, (p) => { p.spec.containers[0].resources = { requests: { cpu: 0.25, memory: 134217728 }, limits: { cpu: '1e3', memory: '1Gi' } }; });
    expect(check(ok)).toEqual([]);
    const bad = variant(VALID.Pod, (p) => { p.spec.containers[0].resources = { limits: { cpu: true, memory: '1GB' } }; });
    expect(check(bad)).toEqual([
      {
        path: ['spec', 'containers', 0, 'resources', 'limits', 'cpu'],
        message: 'spec.containers[0].resources.limits.cpu must be a quantity (a string such as 500m or 1Gi, or a number), not the boolean true',
        remediation: expect.stringMatching(/\.$/),
      },
      {
        path: ['spec', 'containers', 0, 'resources', 'limits', 'memory'],
        message: 'spec.containers[0].resources.limits.memory is not a valid quantity: "1GB"',
        remediation: expect.stringContaining('1GB is not a quantity; use 1G or 1Gi'),
      },
    ]);
  });

  test('quantities in maps of other kinds: PVC storage, emptyDir sizeLimit, LimitRange', () => {
    expect(messages(variant(VALID.PersistentVolumeClaim, (c) => { c.spec.resources.requests.storage = '10 GiB'; })))
      .toEqual(['spec.resources.requests.storage is not a valid quantity: "10 GiB"']);
    expect(messages(variant(VALID.Pod, (p) => { p.spec.volumes = [{ name: 'tmp', emptyDir: { sizeLimit: '64MB' } }]; })))
      .toEqual(['spec.volumes[0].emptyDir.sizeLimit is not a valid quantity: "64MB"']);
  });
});

describe('int-or-string', () => {
  test('an integer or a string is valid (named and numbered ports, percentages)', () => {
    const object = variant(VALID.Deployment, (d) => {
      d.spec.strategy = { type: 'RollingUpdate', rollingUpdate: { maxSurge: '25%', maxUnavailable: 0 } };
      d.spec.template.spec.containers[0].livenessProbe = { tcpSocket: { port: 8080 } };
    });
    expect(check(object)).toEqual([]);
  });

  test('anything else is refused with both types named', () => {
    expect(messages(variant(VALID.Service, (s) => { s.spec.ports[0].targetPort = 80.5; })))
      .toEqual(['spec.ports[0].targetPort must be an integer or a string, not the number 80.5']);
    expect(messages(variant(VALID.Service, (s) => { s.spec.ports[0].targetPort = { port: 80 }; })))
      .toEqual(['spec.ports[0].targetPort must be an integer or a string, not an object']);
  });
});

describe('other formats', () => {
  test('int32', () => {
    expect(isInt32(2147483647)).toBe(true);
    expect(isInt32(2147483648)).toBe(false);
    expect(isInt32(-2147483648)).toBe(true);
  });

  test('byte (base64): Secret data and ConfigMap binaryData', () => {
    expect(isBase64('aGVsbG8=')).toBe(true);
    expect(isBase64('aGVs\nbG8=')).toBe(true);
    expect(isBase64('')).toBe(true);
    expect(isBase64('hello')).toBe(false);
    expect(isBase64('aGVsbG8')).toBe(false);
    const secret = { apiVersion: 'v1', kind: 'Secret', metadata: { name: 's' }, data: { password: 'hunter2' } };
    expect(check(secret)).toEqual([{
      path: ['data', 'password'],
      message: 'data.password is not base64-encoded: "hunter2"',
      remediation: 'Base64-encode the value (for a Secret, or put plain text under stringData instead of data).',
    }]);
    expect(check({ ...secret, data: undefined, stringData: { password: 'hunter2' } })).toEqual([]);
  });

  test('date-time', () => {
    expect(isDateTime('2024-01-31T12:00:00Z')).toBe(true);
    expect(isDateTime('2024-01-31T12:00:00.123+01:00')).toBe(true);
    expect(isDateTime('2024-01-31')).toBe(false);
    expect(isDateTime('2024-13-31T12:00:00Z')).toBe(false);
    expect(isDateTime('2024-01-31 12:00:00Z')).toBe(false);
    expect(messages(variant(VALID.ConfigMap, (c) => { c.metadata.creationTimestamp = 'yesterday'; })))
      .toEqual(['metadata.creationTimestamp is not an RFC 3339 date-time: "yesterday"']);
  });
});

describe('did you mean', () => {
  test('edit distance counts a transposition as one edit', () => {
    expect(editDistance('hostPID', 'hostPID')).toBe(0);
    expect(editDistance('hostPIDD', 'hostPID')).toBe(1);
    expect(editDistance('hsotPID', 'hostPID')).toBe(1);
    expect(editDistance('', 'abc')).toBe(3);
    expect(editDistance('kitten', 'sitting')).toBe(3);
  });

  test('case, dashes and underscores are ignored; far names are not suggested', () => {
    const fields = ['runAsNonRoot', 'runAsUser', 'runAsGroup', 'readOnlyRootFilesystem', 'privileged'];
    expect(suggest('runAsNonroot', fields)).toBe('runAsNonRoot');
    expect(suggest('run_as_non_root', fields)).toBe('runAsNonRoot');
    expect(suggest('runAsUsr', fields)).toBe('runAsUser');
    expect(suggest('readOnlyRootFileSystem', fields)).toBe('readOnlyRootFilesystem');
    expect(suggest('privilegd', fields)).toBe('privileged');
    expect(suggest('capabilities', fields)).toBeUndefined();
    expect(suggest('id', ['ip'])).toBe('ip');
    expect(suggest('ab', ['xy'])).toBeUndefined();
  });
});
