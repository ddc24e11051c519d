'use strict';
// Targeted objects for the strict-schema suite: one per kind of schema
// mistake, so that each of our schema checks, and each known gap, is shown
// against the server's own answer (the fixtures alone do not hold every case).
// A probe that differs must be matched by a documented limit in schema.js.

const pod = (name, container = {}, spec = {}) => ({
  apiVersion: 'v1',
  kind: 'Pod',
  metadata: { name, namespace: 'schema-probes' },
  spec: { containers: [{ name: 'app', image: 'registry.k8s.io/pause:3.9', ...container }], ...spec },
});

const deployment = (name, podSpec) => ({
  apiVersion: 'apps/v1',
  kind: 'Deployment',
  metadata: { name, namespace: 'schema-probes' },
  spec: { selector: { matchLabels: { app: name } }, template: { metadata: { labels: { app: name } }, spec: podSpec } },
});

/** { label, object }: what each probe is about is its label. */
const PROBES = [
  ['valid pod', pod('valid')],
  ['unknown container field', pod('unknown-field', { imagePullPolicyy: 'Always' })],
  ['misspelled securityContext field', pod('misspelled', { securityContext: { runAsNonroot: true } })],
  ['string where an integer goes', pod('wrong-type', { ports: [{ containerPort: '8080' }] })],
  ['integer where a string goes', pod('wrong-type-2', { image: 7 })],
  ['object where a list goes', pod('wrong-type-3', { ports: { containerPort: 8080 } })],
  ['malformed quantity', pod('bad-quantity', { resources: { limits: { cpu: 'lots' } } })],
  ['container without an image (optional in the OpenAPI schema, required by the server)', pod('no-image', { image: undefined })],
  ['container with an empty image', pod('empty-image', { image: '' })],
  ['init container without an image', pod('no-init-image', {}, { initContainers: [{ name: 'init' }] })],
  ['pod template container without an image', deployment('no-image', { containers: [{ name: 'a' }] })],
  ['image with surrounding whitespace in a Pod', pod('space-image', { image: ' registry.k8s.io/pause:3.9' })],
  ['whitespace placeholder image in a pod template (allowed)', deployment('placeholder-image', { containers: [{ name: 'a', image: ' ' }] })],
  ['missing required container name', pod('no-name', { name: undefined })],
  ['null optional fields', pod('nulls', { securityContext: null, resources: null })],
  ['protocol in lower case', pod('protocol-lower', { ports: [{ containerPort: 8080, protocol: 'tcp' }] })],
  ['imagePullPolicy in lower case', pod('pull-lower', { imagePullPolicy: 'always' })],
  ['containers: [] on a Deployment', deployment('containers-empty', { containers: [] })],
  ['name that is not DNS-1123', pod('not_dns')],
  ['unknown field in metadata', { ...pod('meta-unknown'), metadata: { name: 'meta-unknown', namespace: 'schema-probes', lables: { a: 'b' } } }],
  ['apiVersion/kind pair 1.28 does not serve', { ...deployment('unserved', { containers: [{ name: 'a', image: 'a:1' }] }), apiVersion: 'extensions/v1beta1' }],
  ['unknown kind in a core group', { apiVersion: 'v1', kind: 'Widget', metadata: { name: 'w', namespace: 'schema-probes' } }],
  ['unknown *.k8s.io group', { apiVersion: 'widgets.k8s.io/v1', kind: 'Widget', metadata: { name: 'w', namespace: 'schema-probes' } }],
  ['a field from a later release (securityContext.appArmorProfile, 1.30)', pod('later-field', { securityContext: { appArmorProfile: { type: 'RuntimeDefault' } } })],
  ['Role rule without verbs', {
    apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'Role', metadata: { name: 'no-verbs', namespace: 'schema-probes' },
    rules: [{ apiGroups: [''], resources: ['pods'] }],
  }],
  ['Service port out of range type', {
    apiVersion: 'v1', kind: 'Service', metadata: { name: 'svc', namespace: 'schema-probes' }, spec: { ports: [{ port: 'http' }] },
  }],
  ['ConfigMap data with a non-string value', {
    apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'cm', namespace: 'schema-probes' }, data: { n: 1 },
  }],
  ['container port out of range (70000)', pod('port-range', { ports: [{ containerPort: 70000 }] })],
  ['two containers with the same name', pod('dup-names', {}, { containers: [{ name: 'a', image: 'a:1' }, { name: 'a', image: 'b:1' }] })],
  ['requests above limits', pod('requests-limits', { resources: { requests: { cpu: '2' }, limits: { cpu: '1' } } })],
  ['container name that is not a DNS-1123 label', pod('container-name', { name: 'App_1' })],
  ['ephemeral containers in a pod template', deployment('ephemeral-template', {
    containers: [{ name: 'a', image: 'a:1' }], ephemeralContainers: [{ name: 'debug', image: 'busybox:1.36' }],
  })],
  ['a Pod created with ephemeral containers', pod('ephemeral-pod', {}, { ephemeralContainers: [{ name: 'debug', image: 'busybox:1.36' }] })],
  ['negative replicas', { ...deployment('negative', { containers: [{ name: 'a', image: 'a:1' }] }), spec: {
    replicas: -1, selector: { matchLabels: { app: 'n' } }, template: { metadata: { labels: { app: 'n' } }, spec: { containers: [{ name: 'a', image: 'a:1' }] } },
  } }],
].map(([label, object]) => ({ label: `probe: ${label}`, object: JSON.parse(JSON.stringify(object)) }));

module.exports = { PROBES };
