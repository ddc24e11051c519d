#!/usr/bin/env node
/*
 * Lists the fields that later Kubernetes releases added to the definitions 1.28 has, with the first release that
 * has each (facts only), from each release's api/openapi-spec/swagger.json (kubernetes/kubernetes, Apache-2.0):
 *   node src/schema/data/tools/extract-later-fields.js <k8s.io/kubernetes@v1.29.0> <...@v1.30.0> ... \
 *     > src/schema/data/kubernetes-1.28/later-fields.json
 * Each argument is a kubernetes/kubernetes tree at a release tag (e.g. the Go module k8s.io/kubernetes@v1.29.0).
 */
'use strict';
const { readFileSync } = require('fs');
const { join } = require('path');

const base = require('../kubernetes-1.28/_definitions.json').definitions;
const trees = process.argv.slice(2);
if (trees.length === 0) {
  console.error('usage: extract-later-fields.js <kubernetes tree at v1.29.0> [<tree at v1.30.0> ...]');
  process.exit(2);
}
const fields = {};
const sources = [];
for (const tree of trees) {
  const version = /@v(\d+\.\d+)\.\d+$/.exec(tree)?.[1];
  if (!version) {
    throw new Error(`${tree}: cannot tell the release from the path (expected ...@v1.29.0)`);
  }
  sources.push(`v${version}.0`);
  const definitions = JSON.parse(readFileSync(join(tree, 'api', 'openapi-spec', 'swagger.json'), 'utf8')).definitions;
  for (const [name, schema] of Object.entries(definitions)) {
    const old = base[name];
    if (!old || !old.properties || !schema.properties) {
      continue;
    }
    for (const property of Object.keys(schema.properties)) {
      if (!(property in old.properties) && !(fields[name] && property in fields[name])) {
        (fields[name] ??= {})[property] = version;
      }
    }
  }
}
const sorted = Object.fromEntries(Object.keys(fields).sort().map((d) => [d, Object.fromEntries(Object.keys(fields[d]).sort().map((p) => [p, fields[d][p]]))]));
process.stdout.write(`${JSON.stringify({
  source: `kubernetes/kubernetes api/openapi-spec/swagger.json at ${sources.join(', ')} (Apache-2.0)`,
  definitions: sorted,
}, null, 1)}\n`);
