#!/usr/bin/env node
/*
 * Extracts the enum values of typed string fields from Kubernetes' generated OpenAPI definitions
 * (pkg/generated/openapi/zz_generated.openapi.go of kubernetes/kubernetes at a release tag, Apache-2.0), which is
 * what the API server serves at /openapi/v2 and /openapi/v3 (the checked-in api/openapi-spec files are generated
 * without enums). Only facts are kept: definition name, field, allowed values. Usage:
 *   node src/schema/data/tools/extract-enums.js <kubernetes checkout>/pkg/generated/openapi/zz_generated.openapi.go v1.28.0 \
 *     > src/schema/data/kubernetes-1.28/enums.json
 */
'use strict';
const { readFileSync } = require('fs');

const [file, tag] = process.argv.slice(2);
if (!file || !tag) {
  console.error('usage: extract-enums.js <zz_generated.openapi.go> <tag>');
  process.exit(2);
}
const lines = readFileSync(file, 'utf8').split('\n');

/** "k8s.io/api/core/v1.ContainerPort" -> "io.k8s.api.core.v1.ContainerPort" (the OpenAPI definition name). */
function definitionName(goName) {
  const slash = goName.indexOf('/');
  const domain = goName.slice(0, slash).split('.').reverse().join('.');
  return `${domain}.${goName.slice(slash + 1).replace(/\//g, '.')}`;
}

// The map at the top: "k8s.io/api/core/v1.ContainerPort": schema_k8sio_api_core_v1_ContainerPort(ref),
const functions = new Map();
for (const line of lines) {
  const m = /^\s*"([^"]+)":\s*(schema_\w+)\(ref\),$/.exec(line);
  if (m) {
    functions.set(m[2], definitionName(m[1]));
  }
}

const tabs = (line) => /^\t*/.exec(line)[0].length;
const out = {};
let fn;
lines.forEach((line, i) => {
  const f = /^func (schema_\w+)\(/.exec(line);
  if (f) {
    fn = f[1];
    return;
  }
  const e = /^\t+Enum:\s*\[\]interface\{\}\{(.*)\},$/.exec(line);
  if (!e || !fn || !functions.has(fn)) {
    return;
  }
  const values = JSON.parse(`[${e[1]}]`);
  // Walk up the enclosing lines (fewer tabs): an Items schema, then the property key.
  let depth = tabs(line);
  let items = false;
  let property;
  for (let j = i - 1; j >= 0 && depth > 0; j--) {
    const t = tabs(lines[j]);
    if (t >= depth || lines[j].trim() === '') {
      continue;
    }
    depth = t;
    if (/^\t+Items:/.test(lines[j])) {
      items = true;
    }
    const p = /^\t+"([^"]+)":\s*\{$/.exec(lines[j]);
    if (p) {
      property = p[1];
      break;
    }
  }
  if (!property) {
    throw new Error(`${file}:${i + 1}: enum without a property`);
  }
  const definition = functions.get(fn);
  (out[definition] ??= {})[property] = items ? { items: { enum: values } } : { enum: values };
});

const sorted = Object.fromEntries(Object.keys(out).sort().map((d) => [d, Object.fromEntries(Object.keys(out[d]).sort().map((p) => [p, out[d][p]]))]));
process.stdout.write(`${JSON.stringify({
  source: `kubernetes/kubernetes ${tag} pkg/generated/openapi/zz_generated.openapi.go (Apache-2.0)`,
  definitions: sorted,
}, null, 1)}\n`);
