/** Bad input: the message is one line naming the file (and document and line where known). */
export class InputError extends Error {
  constructor(message: string) {
    super(escapeControls(message));
    this.name = 'InputError';
  }
}

/**
 * A file that is well-formed YAML or JSON but holds no Kubernetes object at all (a Helm values file, a Prometheus
 * rules file, package.json): callers that read a whole repository skip it with a notice; it is still an InputError
 * for those that do not.
 */
export class NotKubernetesError extends InputError {
  constructor(message: string) {
    super(message);
    this.name = 'NotKubernetesError';
  }
}

/**
 * Characters that must never reach a terminal raw from a file name, a tag or a value: C0 and C1 controls (escape
 * sequences, carriage returns, line feeds that would break the one-line contract), DEL, the Unicode line and
 * paragraph separators, and the bidirectional overrides that make text display in another order than it reads.
 */
// eslint-disable-next-line no-control-regex
const UNSAFE = /[\u0000-\u001f\u007f-\u009f\u2028\u2029\u200e\u200f\u202a-\u202e\u2066-\u2069\ufeff]/g;

/** `text` with every unsafe character written as a visible escape (`\u001b`, `\n`, `\t`). */
export function escapeControls(text: string): string {
  return text.replace(UNSAFE, (c) => {
    switch (c) {
      case '\n':
        return '\\n';
      case '\r':
        return '\\r';
      case '\t':
        return '\\t';
      default:
        return `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`;
    }
  });
}
