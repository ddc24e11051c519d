import { Document, Scalar, visit } from 'yaml';

/**
 * Strings that some Kubernetes reader would take for a number although the YAML 1.1 schema of the `yaml`
 * package does not: kubectl reads YAML with go-yaml v2 (via sigs.k8s.io/yaml), which removes underscores and
 * then hands anything that starts with a digit or a sign to Go's `strconv.ParseInt(s, 0, 64)`, and so accepts
 * `0o17`, `0x_1F` and `1_000`; YAML 1.2 readers take `0o17` for octal. `=` (the 1.1 "value" key) and `<<`
 * (the merge key) are quoted too.
 */
const GO_INT = /^[-+]?(?:0[bB][01]+|0[oO]?[0-7]+|0[xX][0-9a-fA-F]+|[0-9]+)$/;
const FLOAT = /^[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?$/;
const MERGE_TAG = 'tag:yaml.org,2002:merge';
const SPECIAL = /^(?:=|<<|[-+]?\.(?:inf|Inf|INF)|\.(?:nan|NaN|NAN))$/;

/** True when a plain (unquoted) scalar `value` could be read as something other than that string. */
export function looksLikeNonString(value: string): boolean {
  if (SPECIAL.test(value)) {
    return true;
  }
  const bare = value.replace(/_/g, '');
  return bare !== '' && (GO_INT.test(bare) || FLOAT.test(bare));
}

/**
 * Serializes one Kubernetes object as a YAML document, deterministically: keys in the order given, no
 * line wrapping, no anchors or aliases, and every string that a YAML 1.1 reader (kubectl, go-yaml v2,
 * PyYAML) or a YAML 1.2 reader would take for a boolean, number, null or timestamp double-quoted, so
 * `"yes"`, `"on"`, `"y"`, `"1.10"`, `"010"` and `"0o17"` stay strings everywhere.
 */
export function toYaml(value: unknown): string {
  // The 1.1 schema quotes yes/no/on/off/y/n, sexagesimals, 1.1 octals and timestamps on its own. Its merge
  // tag would print the string "<<" bare whatever the node's type, so it is left out (we never write merges).
  const doc = new Document(value, {
    version: '1.1',
    aliasDuplicateObjects: false,
    customTags: (tags) => tags.filter((tag) => typeof tag === 'string' || tag.tag !== MERGE_TAG),
  });
  visit(doc, {
    Scalar(_key, node) {
      if (typeof node.value === 'string' && looksLikeNonString(node.value)) {
        node.type = Scalar.QUOTE_DOUBLE;
      }
    },
  });
  const text = doc.toString({ lineWidth: 0, minContentWidth: 0, directives: false });
  return text.endsWith('\n') ? text : `${text}\n`;
}
