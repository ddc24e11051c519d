import { containerRule } from '../../define';
import { arrayField, objectField, stringField } from '../../json';
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

/**
 * Formats of secret material that are recognisable by their value alone, whatever the variable is called. Each
 * is anchored on a fixed prefix or armour line that ordinary configuration does not contain, so false positives
 * stay rare: a PEM private key, an AWS access key id, GitHub, GitLab, Slack, Stripe and Google API tokens, and a
 * JSON Web Token (three base64url parts, the first two JSON objects: `eyJ...`).
 */
export const SECRET_VALUE_FORMATS: ReadonlyArray<{ readonly name: string; readonly pattern: RegExp }> = [
  { name: 'a PEM private key', pattern: /-----BEGIN (?:[A-Z0-9]+ )*PRIVATE KEY(?: BLOCK)?-----/ },
  { name: 'an AWS access key id', pattern: /(?<![A-Za-z0-9])(?:AKIA|ASIA|ABIA|ACCA)[A-Z2-7]{16}(?![A-Za-z0-9])/ },
  { name: 'a GitHub token', pattern: /(?<![A-Za-z0-9_])(?:gh[pousr]_[A-Za-z0-9]{36}|github_pat_[A-Za-z0-9_]{50,})(?![A-Za-z0-9_])/ },
  { name: 'a GitLab token', pattern: /(?<![A-Za-z0-9_-])glpat-[A-Za-z0-9_-]{20}(?![A-Za-z0-9_-])/ },
  { name: 'a Slack token', pattern: /(?<![A-Za-z0-9-])xox[abposr]-(?:[0-9]+-)?[A-Za-z0-9-]{10,}/ },
  { name: 'a Slack webhook URL', pattern: /https:\/\/hooks\.slack\.com\/services\/T[A-Z0-9]+\/B[A-Z0-9]+\/[A-Za-z0-9]{16,}/ },
  { name: 'a Stripe secret key', pattern: /(?<![A-Za-z0-9_])[sr]k_live_[A-Za-z0-9]{20,}/ },
  { name: 'a Google API key', pattern: /(?<![A-Za-z0-9_-])AIza[0-9A-Za-z_-]{35}(?![A-Za-z0-9_-])/ },
  { name: 'a JSON Web Token', pattern: /(?<![A-Za-z0-9_-])eyJ[A-Za-z0-9_-]{8,}\.eyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{16,}(?![A-Za-z0-9_-])/ },
];

/** The kind of secret material a value holds, by its format (`a PEM private key`), or undefined. */
export function secretValueFormat(value: string): string | undefined {
  return SECRET_VALUE_FORMATS.find((f) => f.pattern.test(value))?.name;
}

/**
 * No secrets in the environment: no literal secret in `env[].value` (judged by the variable's name, by a password
 * inside a URL, or by a value in a known secret format), and no Secret read into an environment variable
 * (`valueFrom.secretKeyRef`, `envFrom[].secretRef`), which the constructs refuse for the same risk.
 */
export const secretEnv = containerRule({
  id: 'workload-secret-env',
  title: 'Secrets must not be passed in environment variables',
  severity: 'error',
  profiles: ['hardened'],
  description: 'A password, token or key written into env[].value lives in Git and in the workload object itself, '
    + 'so everyone who can read the repository, or get Deployments and Pods in the namespace, can read it, '
    + 'without any access to Secrets; it also cannot be rotated without a redeploy. A variable whose name ends in '
    + 'a secret word (PASSWORD, PASSWD, PASSPHRASE, SECRET, TOKEN, CREDENTIALS, KEY other than identifier keys such '
    + 'as CACHE_KEY or PUBLIC_KEY, ...) must not carry a literal value, nor may any value be a URL with a password '
    + 'in it or secret material recognisable by its format (a PEM private key, an AWS access key id AKIA..., '
    + 'GitHub ghp_..., GitLab glpat-..., Slack xox..., Stripe sk_live_..., Google AIza... tokens, a JSON Web '
    + 'Token); references such as $(OTHER_VAR), file paths and true/false switches are not secrets. A Secret read '
    + 'into the environment (valueFrom.secretKeyRef, envFrom[].secretRef) is an error too, as the constructs refuse '
    + 'it: the value is then in every child process\'s environment, in /proc/<pid>/environ, in crash dumps and in '
    + 'the logs of tools that print their environment ("Good practices for Kubernetes Secrets"). Mount the Secret '
    + 'as a file instead; an app that can only read its environment takes a suppression with the reason.',
  remediation: 'Remove env[].value (or valueFrom.secretKeyRef, envFrom[].secretRef) and mount the Secret as a file: spec.volumes[].secret.secretName with a volumeMounts[] entry, the Secret created outside Git by SealedSecrets or ExternalSecrets; an app that only reads its environment needs a suppression annotation with the reason.',
  docsUrl: 'https://kubernetes.io/docs/concepts/security/secrets-good-practices/',
  admission: {
    notExpressible: 'it recognises secret-looking variable names by splitting camelCase and separators into words '
      + 'and looking the last two up in word lists; standard CEL in Kubernetes 1.28 cannot split strings, and an '
      + 'equivalent single regular expression would be very large, while CEL charges each match by pattern size '
      + 'times string length, so a pod with many variables could exhaust the CEL cost budget and be refused',
  },
}, (c) => {
  const out: Violation[] = [];
  arrayField(c.container, 'env').forEach((variable, i) => {
    const name = stringField(variable, 'name') ?? '';
    const secretRef = objectField(objectField(variable, 'valueFrom'), 'secretKeyRef');
    if (secretRef) {
      out.push({
        path: [...c.path, 'env', i, 'valueFrom', 'secretKeyRef'],
        message: `container "${c.name}" reads Secret "${stringField(secretRef, 'name') ?? ''}" key "${stringField(secretRef, 'key') ?? ''}" into env "${name}"`,
      });
    }
    const value = stringField(variable, 'value');
    if (value === undefined) {
      return;
    }
    const path = [...c.path, 'env', i, 'value'];
    const format = secretValueFormat(value);
    if (format) {
      out.push({ path, message: `container "${c.name}" sets env "${name}" to a literal value that is ${format}` });
    } else if (isSecretName(name) && !isNotALiteralSecret(value)) {
      out.push({ path, message: `container "${c.name}" sets env "${name}" to a literal value` });
    } else if (hasUrlPassword(value)) {
      out.push({ path, message: `container "${c.name}" sets env "${name}" to a URL with a literal password` });
    }
  });
  arrayField(c.container, 'envFrom').forEach((source, i) => {
    const secretRef = objectField(source, 'secretRef');
    if (secretRef) {
      out.push({
        path: [...c.path, 'envFrom', i, 'secretRef'],
        message: `container "${c.name}" reads every key of Secret "${stringField(secretRef, 'name') ?? ''}" into its environment`,
      });
    }
  });
  return out;
});
