import Ajv from 'ajv';
import { join } from 'path';
import { artifactUri, formatSarif, SARIF_SCHEMA } from '../../src/report/sarif';
import { finding, report, RULES } from './helpers';

/**
 * The parts of the SARIF 2.1.0 schema (OASIS, sarif-schema-2.1.0.json) that a result needs, written out
 * here: required properties, enumerations and types of the objects we emit.
 */
const message = { type: 'object', required: ['text'], properties: { text: { type: 'string', minLength: 1 } } };
const multiformat = { type: 'object', required: ['text'], properties: { text: { type: 'string' }, markdown: { type: 'string' } } };
const SARIF_SUBSET = {
  type: 'object',
  required: ['version', '$schema', 'runs'],
  properties: {
    version: { const: '2.1.0' },
    $schema: { type: 'string', pattern: '^https://' },
    runs: {
      type: 'array',
      minItems: 1,
      items: {
        type: 'object',
        required: ['tool', 'results'],
        properties: {
          tool: {
            type: 'object',
            required: ['driver'],
            properties: {
              driver: {
                type: 'object',
                required: ['name', 'rules'],
                properties: {
                  name: { type: 'string', minLength: 1 },
                  version: { type: 'string' },
                  semanticVersion: { type: 'string', pattern: '^\\d+\\.\\d+\\.\\d+' },
                  rules: {
                    type: 'array',
                    items: {
                      type: 'object',
                      required: ['id', 'name', 'shortDescription', 'fullDescription', 'help', 'helpUri', 'defaultConfiguration'],
                      properties: {
                        id: { type: 'string', minLength: 1 },
                        name: { type: 'string', pattern: '^[A-Za-z][A-Za-z0-9]*$' },
                        shortDescription: message,
                        fullDescription: message,
                        help: multiformat,
                        helpUri: { type: 'string', pattern: '^https://' },
                        defaultConfiguration: {
                          type: 'object',
                          required: ['level'],
                          properties: { level: { enum: ['none', 'note', 'warning', 'error'] } },
                        },
                        properties: {
                          type: 'object',
                          properties: { tags: { type: 'array', items: { type: 'string' } }, 'security-severity': { type: 'string', pattern: '^\\d+(\\.\\d+)?$' } },
                        },
                      },
                    },
                  },
                },
              },
            },
          },
          invocations: { type: 'array', items: { type: 'object', required: ['executionSuccessful'] } },
          results: {
            type: 'array',
            items: {
              type: 'object',
              required: ['ruleId', 'ruleIndex', 'message', 'locations', 'level'],
              properties: {
                ruleId: { type: 'string', minLength: 1 },
                ruleIndex: { type: 'integer', minimum: 0 },
                level: { enum: ['none', 'note', 'warning', 'error'] },
                message,
                locations: {
                  type: 'array',
                  minItems: 1,
                  items: {
                    type: 'object',
                    properties: {
                      physicalLocation: {
                        type: 'object',
                        required: ['artifactLocation'],
                        properties: {
                          artifactLocation: { type: 'object', required: ['uri'], properties: { uri: { type: 'string', format: 'uri-reference' }, uriBaseId: { type: 'string' } } },
                          region: { type: 'object', required: ['startLine'], properties: { startLine: { type: 'integer', minimum: 1 } } },
                        },
                      },
                      logicalLocations: { type: 'array', items: { type: 'object', properties: { kind: { type: 'string' } } } },
                    },
                    anyOf: [{ required: ['physicalLocation'] }, { required: ['logicalLocations'] }],
                  },
                },
                suppressions: {
                  type: 'array',
                  items: { type: 'object', required: ['kind'], properties: { kind: { enum: ['inSource', 'external'] }, justification: { type: 'string' } } },
                },
                partialFingerprints: { type: 'object', additionalProperties: { type: 'string' } },
              },
            },
          },
        },
      },
    },
  },
};

const ajv = new Ajv({ allErrors: true, strict: false });
ajv.addFormat('uri-reference', (s: string) => {
  try {
    // A relative reference resolves against a base; spaces and such would not survive.
    return !/[\s<>"{}|\\^`]/.test(s) && new URL(s, 'file:///base/') instanceof URL;
  } catch {
    return false;
  }
});
const validate = ajv.compile(SARIF_SUBSET);

function sarifOf(findings: Parameters<typeof report>[0], baseDir = '/repo'): any {
  const text = formatSarif(report(findings), { rules: RULES, baseDir, toolVersion: '1.2.3' });
  const sarif = JSON.parse(text);
  if (!validate(sarif)) {
    throw new Error(ajv.errorsText(validate.errors));
  }
  return sarif;
}

describe('formatSarif', () => {
  test('SARIF 2.1.0 shape: version, $schema, one run with the tool and its rules', () => {
    const sarif = sarifOf([finding()]);
    expect(sarif.version).toBe('2.1.0');
    expect(sarif.$schema).toBe(SARIF_SCHEMA);
    expect(sarif.runs).toHaveLength(1);
    expect(sarif.runs[0].tool.driver).toMatchObject({ name: 'cdk8s-hardened', version: '1.2.3', semanticVersion: '1.2.3' });
    expect(sarif.runs[0].tool.driver.rules.map((r: { id: string }) => r.id)).toEqual(['test-privileged', 'test-probes', 'test-digest']);
  });

  test('each rule: name, short and full description, help text and markdown with the fix, helpUri, default level', () => {
    const [privileged, probes, digest] = sarifOf([]).runs[0].tool.driver.rules;
    expect(privileged).toMatchObject({
      id: 'test-privileged',
      name: 'TestPrivileged',
      shortDescription: { text: 'Privileged containers are forbidden' },
      fullDescription: { text: 'A privileged container owns the node.' },
      helpUri: 'https://kubernetes.io/docs/concepts/security/pod-security-standards/#baseline',
      defaultConfiguration: { level: 'error' },
    });
    expect(privileged.help.text).toContain('Fix: Set securityContext.privileged to false.');
    expect(privileged.help.markdown).toContain('**Fix:** Set securityContext.privileged to false.');
    expect(privileged.properties.tags).toContain('security');
    expect(probes.defaultConfiguration.level).toBe('warning');
    expect(digest.defaultConfiguration.level).toBe('note');
  });

  test('every result names a listed rule by id and index, with level, message, file and line', () => {
    const sarif = sarifOf([
      finding(),
      finding({ ruleId: 'test-probes', severity: 'warning', line: 20, message: 'container "app" has no livenessProbe' }),
      finding({ ruleId: 'test-digest', severity: 'info', line: undefined }),
    ]);
    const rules = sarif.runs[0].tool.driver.rules;
    for (const result of sarif.runs[0].results) {
      expect(rules[result.ruleIndex].id).toBe(result.ruleId);
    }
    const [a, b, c] = sarif.runs[0].results;
    expect(a.level).toBe('error');
    expect(b.level).toBe('warning');
    expect(c.level).toBe('note');
    expect(a.message.text).toBe('container "app" sets securityContext.privileged to true (Deployment shop/web, '
      + 'spec.template.spec.containers[0].securityContext.privileged). Fix: Set securityContext.privileged to false.');
    expect(a.locations[0].physicalLocation).toEqual({ artifactLocation: { uri: 'k8s/web.yaml', uriBaseId: '%SRCROOT%' }, region: { startLine: 12 } });
    expect(a.locations[0].logicalLocations).toEqual([{ name: 'web', fullyQualifiedName: 'Deployment shop/web', kind: 'resource' }]);
    expect(b.locations[0].physicalLocation.region).toEqual({ startLine: 20 });
    expect(c.locations[0].physicalLocation.region).toBeUndefined();
    expect(a.properties).toMatchObject({ path: 'spec.template.spec.containers[0].securityContext.privileged', remediation: 'Set securityContext.privileged to false.' });
    expect(a.partialFingerprints['cdk8sHardenedFinding/v1']).toMatch(/^[0-9a-f]{32}$/);
    expect(a.partialFingerprints).not.toEqual(b.partialFingerprints);
    // The fingerprint does not depend on the line, so moving an object does not make a new alert.
    expect(sarifOf([finding({ line: 99 })]).runs[0].results[0].partialFingerprints).toEqual(a.partialFingerprints);
  });

  test('suppressed findings carry an inSource suppression with the written reason', () => {
    const [result] = sarifOf([finding({ suppressed: true, suppressionReason: 'The node agent needs host devices.' })]).runs[0].results;
    expect(result.suppressions).toEqual([{ kind: 'inSource', status: 'accepted', justification: 'The node agent needs host devices.' }]);
    expect(sarifOf([finding()]).runs[0].results[0].suppressions).toBeUndefined();
  });

  test('findings of rules that did not run (engine findings) add their rule to the driver', () => {
    const sarif = sarifOf([finding({ ruleId: 'suppression-invalid', severity: 'warning' }), finding({ ruleId: 'made-up' })]);
    const rules = sarif.runs[0].tool.driver.rules;
    expect(rules.map((r: { id: string }) => r.id)).toEqual(['test-privileged', 'test-probes', 'test-digest', 'suppression-invalid', 'made-up']);
    expect(sarif.runs[0].results.map((r: { ruleIndex: number }) => r.ruleIndex)).toEqual([3, 4]);
    expect(rules[3].shortDescription.text).toBe('Suppressions name a known rule, give a reason and are allowed');
  });

  test('URIs: relative with forward slashes and percent-encoding; outside the base an absolute file URI; stdin', () => {
    expect(artifactUri('k8s/web.yaml', '/repo')).toEqual({ uri: 'k8s/web.yaml', uriBaseId: '%SRCROOT%' });
    expect(artifactUri('/repo/k8s/my app#1.yaml', '/repo')).toEqual({ uri: 'k8s/my%20app%231.yaml', uriBaseId: '%SRCROOT%' });
    expect(artifactUri('./k8s/../k8s/a.yaml', '/repo')).toEqual({ uri: 'k8s/a.yaml', uriBaseId: '%SRCROOT%' });
    expect(artifactUri('/elsewhere/a.yaml', '/repo')).toEqual({ uri: 'file:///elsewhere/a.yaml' });
    expect(artifactUri('../other/a.yaml', '/repo')).toEqual({ uri: 'file:///other/a.yaml' });
    expect(artifactUri('<stdin>', '/repo')).toEqual({ uri: 'stdin' });
    const sarif = sarifOf([finding({ file: join('/repo', 'deploy', 'a b.yaml') })]);
    expect(sarif.runs[0].results[0].locations[0].physicalLocation.artifactLocation.uri).toBe('deploy/a%20b.yaml');
  });

  test('a finding from a construct (no file) has a logical location only', () => {
    const [result] = sarifOf([finding({ file: undefined, line: undefined, constructPath: 'app/web/Deployment' })]).runs[0].results;
    expect(result.locations).toEqual([{ logicalLocations: [{ name: 'web', fullyQualifiedName: 'app/web/Deployment', kind: 'resource' }] }]);
  });

  test('no findings: a valid run with no results', () => {
    expect(sarifOf([]).runs[0].results).toEqual([]);
  });
});
