import { containerRule } from '../../define';
import { arrayField, stringField } from '../../json';
import { Violation } from '../../rule';

/** Last words that name a secret value (after camelCase and separators are split: `dbPassword` -> DB PASSWORD). */
const SECRET_WORDS = new Set([
  'PASSWORD', 'PASSWD', 'PASSPHRASE', 'SECRET', 'TOKEN', 'CREDENTIAL', 'CREDENTIALS', 'CREDS',
  // run-together spellings
  'APIKEY', 'SECRETKEY', 'PRIVATEKEY', 'ACCESSKEY', 'AUTHKEY', 'APITOKEN', 'AUTHTOKEN', 'ACCESSTOKEN', 'REFRESHTOKEN',
  'CLIENTSECRET',
]);

/** Words before KEY that make it an identifier, not a secret (`CACHE_KEY`, `PUBLIC_KEY`, `S3_KEY`, ...). */
const NON_SECRET_KEY_QUALIFIERS = new Set([
  'PUBLIC', 'CACHE', 'PARTITION', 'SORT', 'ROUTING', 'PRIMARY', 'FOREIGN', 'OBJECT', 'HASH', 'IDEMPOTENCY', 'LOOKUP',
  'INDEX', 'SHARD', 'GROUP', 'METRIC', 'LABEL', 'DEDUP', 'RANGE', 'ROW', 'CLUSTERING', 'UNIQUE', 'LOCK', 'QUEUE',
  'STREAM', 'TOPIC', 'MESSAGE', 'EVENT', 'S3', 'BUCKET', 'KMS', 'REDIS', 'PREFIX', 'MAP', 'CONFIG', 'FEATURE',
]);

/** Trailing words that still denote the secret itself (`SECRET_KEY_BASE`, `PASSWORD_VALUE`, `TOKEN_B64`). */
const VALUE_SUFFIXES = new Set(['BASE', 'VALUE', 'B64', 'BASE64', 'HEX', 'RAW', 'PLAIN', 'PLAINTEXT']);

/** The words of a variable name, upper-cased: `dbPassword` -> [DB, PASSWORD], `API_KEY` -> [API, KEY]. */
export function nameWords(name: string): string[] {
  return name
    .replace(/([a-z0-9])([A-Z])/g, '$1_$2')
    .replace(/([A-Z]+)([A-Z][a-z])/g, '$1_$2')
    .split(/[^A-Za-z0-9]+/)
    .filter((w) => w !== '')
    .map((w) => w.toUpperCase());
}

/**
 * True when an environment variable's name says it holds a secret. Word-based, judged on the last word
 * (ignoring value suffixes such as BASE): `DB_PASSWORD`, `apiKey`, `GITHUB_TOKEN`, `AWS_SECRET_ACCESS_KEY` and
 * `SECRET_KEY_BASE` match; `KEYCLOAK_URL`, `MONKEY`, `PASSWORD_FILE`, `TOKEN_URL`, `SECRET_NAME`, `CACHE_KEY`,
 * `PUBLIC_KEY`, `AWS_ACCESS_KEY_ID` and the shell's `PWD` do not.
 */
export function isSecretName(name: string): boolean {
  const words = nameWords(name);
  while (words.length > 1 && VALUE_SUFFIXES.has(words[words.length - 1])) {
    words.pop();
  }
  const last = words[words.length - 1];
  if (last === undefined) {
    return false;
  }
  const previous = words.length > 1 ? words[words.length - 2] : undefined;
  if (last === 'KEY') {
    return previous === undefined || !NON_SECRET_KEY_QUALIFIERS.has(previous);
  }
  if (last === 'PWD') {
    // Alone it is the shell's working directory; DB_PWD is a password.
    return previous !== undefined;
  }
  return SECRET_WORDS.has(last) || /.(PASSWORD|PASSWD|PASSPHRASE)$/.test(last);
}

/** Values that are not literal secrets even under a secret-looking name. */
function isNotALiteralSecret(value: string): boolean {
  const v = value.trim();
  return v === ''
    // $(VAR): Kubernetes dependent variable; ${VAR}: a placeholder a templating step fills in.
    || /^\$\([A-Za-z_][A-Za-z0-9_.-]*\)$/.test(v)
    || /^\$\{[A-Za-z_][A-Za-z0-9_]*\}$/.test(v)
    // A file path (GOOGLE_APPLICATION_CREDENTIALS=/var/secrets/key.json).
    || /^\/\S*$/.test(v)
    // A switch (ALLOW_EMPTY_PASSWORD=yes, REQUIRE_TOKEN=true).
    || /^(true|false|yes|no|on|off)$/i.test(v);
}

/** True when a value is a URL whose user info carries a literal password (`postgres://app:s3cret@db:5432/app`). */
export function hasUrlPassword(value: string): boolean {
  const match = /^[A-Za-z][A-Za-z0-9+.-]*:\/\/[^\s/?#@:]*:([^\s/?#@]+)@/.exec(value.trim());
  return match !== null && !/^\$\([A-Za-z_][A-Za-z0-9_.-]*\)$|^\$\{[A-Za-z_][A-Za-z0-9_]*\}$/.test(match[1]);
}

/** No literal secrets in `env[].value`, judged by the variable's name or by a password inside a URL. */
export const secretEnv = containerRule({
  id: 'workload-secret-env',
  title: 'Secrets must not be written as literal environment values',
  severity: 'error',
  profiles: ['hardened'],
  description: 'A password, token or key written into env[].value lives in Git and in the workload object itself, '
    + 'so everyone who can read the repository, or get Deployments and Pods in the namespace, can read it, '
    + 'without any access to Secrets; it also cannot be rotated without a redeploy. A variable whose name ends in '
    + 'a secret word (PASSWORD, PASSWD, PASSPHRASE, SECRET, TOKEN, CREDENTIALS, KEY other than identifier keys such '
    + 'as CACHE_KEY or PUBLIC_KEY, ...) must not carry a literal value, nor may any value be a URL with a password '
    + 'in it; references such as $(OTHER_VAR), file paths and true/false switches are not secrets. Take the value '
    + 'from a Secret instead ("Secrets": using Secrets as environment variables).',
  remediation: 'Remove env[].value and mount the secret as a file from a Secret volume (spec.volumes[].secret, created outside Git by SealedSecrets or ExternalSecrets); env[].valueFrom.secretKeyRef is the fallback for apps that only read the environment.',
  docsUrl: 'https://kubernetes.io/docs/concepts/configuration/secret/#using-secrets-as-environment-variables',
}, (c) => {
  const out: Violation[] = [];
  arrayField(c.container, 'env').forEach((variable, i) => {
    const name = stringField(variable, 'name') ?? '';
    const value = stringField(variable, 'value');
    if (value === undefined) {
      return;
    }
    const path = [...c.path, 'env', i, 'value'];
    if (isSecretName(name) && !isNotALiteralSecret(value)) {
      out.push({ path, message: `container "${c.name}" sets env "${name}" to a literal value` });
    } else if (hasUrlPassword(value)) {
      out.push({ path, message: `container "${c.name}" sets env "${name}" to a URL with a literal password` });
    }
  });
  return out;
});
