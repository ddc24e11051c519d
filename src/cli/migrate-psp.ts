import { writeFileSync } from 'fs';
import { join } from 'path';
import { InputError } from '../input/errors';
import { PSP_FIELD_MAPPING, PSS_LEVELS, PssLevel } from '../migrate/mapping';
import { migratePsp, PspMigration, pspObjects } from '../migrate/psp';
import { OutputError, replaceDirAtomically } from '../output/atomic';
import { toYaml } from '../output/yaml';
import { CliIo, EXIT_FINDINGS, EXIT_OK, OutputFileError, UsageError } from './common';
import { Manifest } from '../policy/rule';
import { loadInputs } from './inputs';

export const MIGRATE_FORMATS = ['yaml', 'json'] as const;
export type MigrateFormat = (typeof MIGRATE_FORMATS)[number];

export interface MigratePspOptions {
  /** @default 'yaml' */
  readonly format?: MigrateFormat;
  /** Write `<psp>.yaml` per PSP and `migration.json` into this folder (replaced atomically) instead of stdout. */
  readonly out?: string;
  /** A level stricter than the mapping gives. */
  readonly level?: string;
  /** Comma-separated namespaces the bindings skip. @default 'kube-system' */
  readonly excludeNamespaces?: string;
}

/** Reads the PSPs of `paths` and computes what replaces each (InputError for anything else in the input). */
export function loadMigrations(paths: readonly string[], readStdin: () => string | Uint8Array, options: Pick<MigratePspOptions, 'level' | 'excludeNamespaces'> = {}): PspMigration[] {
  const inputs = loadInputs(paths, readStdin, { strictInputs: true });
  if (inputs.manifests.length === 0) {
    throw new InputError(`${inputs.files.join(', ') || paths.join(', ')}: no PodSecurityPolicy objects`);
  }
  return migrationsOf(inputs.manifests, options);
}

/** What replaces each PSP of `manifests`: anything else, a malformed PSP or a PSP given twice is an InputError. */
export function migrationsOf(manifests: readonly Manifest[], options: Pick<MigratePspOptions, 'level' | 'excludeNamespaces'> = {}): PspMigration[] {
  if (options.level !== undefined && !(PSS_LEVELS as readonly string[]).includes(options.level)) {
    throw new UsageError(`--level: unknown level "${options.level}"; use baseline or restricted`);
  }
  const excludedNamespaces = (options.excludeNamespaces ?? 'kube-system').split(',').map((n) => n.trim()).filter((n) => n !== '');
  const bad = excludedNamespaces.find((n) => !/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/.test(n) || n.length > 63);
  if (bad !== undefined) {
    throw new UsageError(`--exclude-namespaces: "${bad}" is not a namespace name (lower-case letters, digits and "-")`);
  }
  const seen = new Map<string, string>();
  return pspObjects(manifests).map(({ manifest }) => {
    const migration = migratePsp(manifest, { level: options.level as PssLevel | undefined, excludedNamespaces });
    const where = `${manifest.origin?.file ?? '<input>'}${manifest.origin?.line !== undefined ? `:${manifest.origin.line}` : ''}`;
    const earlier = seen.get(migration.psp);
    if (earlier !== undefined) {
      throw new InputError(`${where}: PodSecurityPolicy "${migration.psp}" is given twice (first at ${earlier}); give each PSP once`);
    }
    seen.set(migration.psp, where);
    return migration;
  });
}

function comment(lines: readonly string[]): string {
  return lines.map((l) => (l === '' ? '#' : `# ${l}`)).join('\n');
}

/** One PSP's replacement as a YAML stream: the report in a comment header, then the policies and bindings. */
export function formatMigrationYaml(m: PspMigration): string {
  const lines = [
    `PodSecurityPolicy "${m.psp}"${m.file !== undefined ? ` (${m.file}${m.line !== undefined ? `:${m.line}` : ''})` : ''} migrated by cdk8s-hardened migrate-psp.`,
    `Pod Security Standards level: ${m.level}${m.level !== m.mappedLevel ? ` (asked for; the mapping gives ${m.mappedLevel})` : ''}.`,
    'Field by field (per "Mapping PodSecurityPolicies to Pod Security Standards", kubernetes.io, CC BY 4.0):',
    ...m.fields.map((f) => `- ${f.field}: ${f.level} (${f.reason})`),
    '',
    'Namespace labels to set on every namespace whose pods this PSP admitted:',
    ...Object.entries(m.namespaceLabels).map(([k, v]) => `  ${k}: ${v}`),
    '',
    m.carried.length === 0 ? 'Every control of the PSP is enforced by the level: no policy is needed.'
      : `Controls the level does not enforce, carried over by a rule and its ValidatingAdmissionPolicy below (\`cdk8s-hardened check --psp FILE\` runs the psp-* rules):`,
    ...m.carried.map((c) => `- ${c.field}: ${c.ruleId}${c.generated ? ' (derived from this PSP)' : ''}`),
    '',
    'Not carried over:',
    ...m.notCarried.map((n) => `- ${n.field}${n.weakens ? ' [weakens: the cluster now admits pods the PSP refused]' : ''}: ${n.reason}`),
  ];
  if (m.policies.some((p) => p.apiVersion === 'admissionregistration.k8s.io/v1beta1')) {
    lines.push('', 'Kubernetes 1.28 serves these policies only with the ValidatingAdmissionPolicy feature gate and --runtime-config=admissionregistration.k8s.io/v1beta1=true.');
  }
  return `${comment(lines)}\n${m.policies.map((o) => `---\n${toYaml(o)}`).join('')}`;
}

/** The JSON report of every migration (stable key order). */
export function formatMigrationJson(migrations: readonly PspMigration[]): string {
  const weakening = migrations.reduce((n, m) => n + m.notCarried.filter((x) => x.weakens).length, 0);
  return `${JSON.stringify({
    migrations: migrations.map((m) => ({
      psp: m.psp,
      ...(m.file !== undefined ? { file: m.file } : {}),
      ...(m.line !== undefined ? { line: m.line } : {}),
      level: m.level,
      mappedLevel: m.mappedLevel,
      namespaceLabels: m.namespaceLabels,
      // Each field with what the mapping page says of it (its type and the values Baseline and Restricted allow).
      fields: m.fields.map((f) => {
        const row = PSP_FIELD_MAPPING.find((r) => r.field === f.field);
        return row ? { ...f, type: row.type, baseline: row.baseline, restricted: row.restricted } : f;
      }),
      carried: m.carried,
      notCarried: m.notCarried,
      policies: m.policies,
    })),
    summary: {
      podSecurityPolicies: migrations.length,
      policies: migrations.reduce((n, m) => n + m.policies.filter((p) => p.kind === 'ValidatingAdmissionPolicy').length, 0),
      weakening,
      passed: weakening === 0,
    },
  }, null, 2)}\n`;
}

/**
 * `cdk8s-hardened migrate-psp FILE...`: prints (or writes with `--out`) what replaces each PodSecurityPolicy.
 * Exit 1 when something the PSP refused cannot be carried over (the cluster would admit more), else 0.
 */
export function runMigratePsp(paths: readonly string[], options: MigratePspOptions, io: Pick<CliIo, 'stdout' | 'stderr' | 'readStdin'>): number {
  const format = options.format ?? 'yaml';
  if (!(MIGRATE_FORMATS as readonly string[]).includes(format)) {
    throw new UsageError(`--format: unknown format "${format}"; use yaml or json`);
  }
  const migrations = loadMigrations(paths, io.readStdin, options);
  const weakening = migrations.flatMap((m) => m.notCarried.filter((n) => n.weakens).map((n) => `${m.psp}: ${n.field}`));
  if (options.out !== undefined) {
    try {
      replaceDirAtomically(options.out, (dir) => {
        for (const m of migrations) {
          writeFileSync(join(dir, `${m.psp}.yaml`), formatMigrationYaml(m));
        }
        writeFileSync(join(dir, 'migration.json'), formatMigrationJson(migrations));
      });
    } catch (error) {
      throw error instanceof OutputError ? new OutputFileError(error.message) : error;
    }
    io.stderr(`cdk8s-hardened: wrote ${migrations.length} PodSecurityPolicy ${migrations.length === 1 ? 'migration' : 'migrations'} to ${options.out}\n`);
  } else if (format === 'json') {
    io.stdout(formatMigrationJson(migrations));
  } else {
    // Each migration's documents start with `---`; its header comment needs no separator of its own.
    io.stdout(migrations.map(formatMigrationYaml).join(''));
  }
  if (weakening.length > 0) {
    io.stderr(`cdk8s-hardened: ${weakening.length} PSP ${weakening.length === 1 ? 'control' : 'controls'} cannot be carried over (${weakening.join('; ')}); see "Not carried over"\n`);
    return EXIT_FINDINGS;
  }
  return EXIT_OK;
}
