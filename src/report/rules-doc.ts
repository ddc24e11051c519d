import { INVALID_OBJECT_RULE_ID, UNJUDGEABLE_POD_REMEDIATION, UNJUDGEABLE_POD_RULE_ID } from '../policy/engine';
import { LIST_CARRIER_RULE_ID, OWNER_DIFFERS_RULE_ID, PROFILES, READING_DIFFERS_RULE_ID, RuleMeta } from '../policy/rule';
import { DEFAULT_EXPIRY_WARNING_DAYS, MIN_REASON_LENGTH, SUPPRESSION_ANNOTATION_PREFIX, SUPPRESSION_EXPIRING_RULE_ID, SUPPRESSION_RULE_ID } from '../policy/suppressions';
import { KUBERNETES_VERSION } from '../version';
import { appendTo } from '../util/collections';

/** What a report needs to know about a rule: its metadata without the logic. */
export type RuleInfo = RuleMeta;

/**
 * Findings the engine itself reports (not a rule of any pack): a document that is not a Kubernetes object,
 * and a malformed suppression. Listed so every finding's rule id can be explained.
 */
export const ENGINE_RULES: readonly RuleInfo[] = [
  {
    id: INVALID_OBJECT_RULE_ID,
    title: 'Every document is a Kubernetes object',
    severity: 'error',
    profiles: [],
    description: 'Reported by the engine for a value that is not a Kubernetes object (no string apiVersion and kind). '
      + 'The API server rejects such a document, and no rule can judge it, so it is never a silent pass.',
    remediation: 'Give every document a string apiVersion and kind.',
    docsUrl: 'https://kubernetes.io/docs/concepts/overview/working-with-objects/#required-fields',
  },
  {
    id: UNJUDGEABLE_POD_RULE_ID,
    title: 'Every Pod and workload has a pod spec the rules can read',
    severity: 'error',
    profiles: [],
    description: 'Reported by the engine, in every profile, for a Pod, PodTemplate or workload (Deployment, ReplicaSet, '
      + 'StatefulSet, DaemonSet, Job, CronJob, ReplicationController) of a built-in group whose pod spec cannot be read: '
      + 'a kind under an apiVersion that does not serve it (v1 Deployment), a missing template or spec, a spec that is '
      + 'a list, a container or volume list that is not a list of objects, a securityContext that is not an object. '
      + 'The Pod Security rules cannot judge such an object, and passing it would say a privileged pod template is '
      + 'safe; the API server refuses it, or, after a fix, runs what nobody judged.',
    remediation: UNJUDGEABLE_POD_REMEDIATION,
    docsUrl: 'https://kubernetes.io/docs/concepts/workloads/pods/#pod-templates',
  },
  {
    id: SUPPRESSION_RULE_ID,
    title: 'Suppressions name a known rule, give a reason and are allowed',
    severity: 'error',
    profiles: [],
    description: `Reported by the engine for a suppression annotation (${SUPPRESSION_ANNOTATION_PREFIX}<rule-id>) whose reason is missing, `
      + `has fewer than ${MIN_REASON_LENGTH} letters or digits, holds invisible or control characters, or does not match the configuration's `
      + 'suppressions.reasonPattern; that names a rule the catalogue does not have; that suppresses a rule the configuration\'s '
      + 'suppressions.forbid lists; or whose expires= date has passed. Such a suppression suppresses nothing. A suppression '
      + 'without a written reason, or one the platform team does not allow, hides a risk nobody accepted.',
    remediation: `Write why the risk is acceptable as the annotation value (at least ${MIN_REASON_LENGTH} letters or digits), name a rule that `
      + '`cdk8s-hardened rules` lists, and renew an expired acceptance or fix the finding.',
    docsUrl: 'https://kubernetes.io/docs/concepts/overview/working-with-objects/annotations/',
  },
  {
    id: SUPPRESSION_EXPIRING_RULE_ID,
    title: 'Suppressions are renewed before they expire',
    severity: 'warning',
    profiles: [],
    description: `Reported by the engine for a suppression annotation whose reason ends with "; expires=YYYY-MM-DD" and whose date is `
      + `within suppressions.expiryWarningDays (${DEFAULT_EXPIRY_WARNING_DAYS} by default) of today. After that date the suppression is an `
      + 'error and suppresses nothing, so the finding it hides will fail the run.',
    remediation: 'Fix the suppressed finding before the date, or renew the acceptance with a later expires= date in the annotation.',
    docsUrl: 'https://kubernetes.io/docs/concepts/overview/working-with-objects/annotations/',
  },
  {
    id: LIST_CARRIER_RULE_ID,
    title: 'Only List kinds carry items',
    severity: 'error',
    profiles: [],
    description: 'Reported by the reader for a document whose kind is not a List but which has a top-level items field. kubectl '
      + "(apimachinery's unstructured decoder) reads every object with items as a list: it applies the items and never the "
      + 'object itself, so a reviewer sees a ConfigMap or a custom resource while the cluster receives what its items hold. '
      + 'Every item is judged as the object it is.',
    remediation: 'Move the items into documents of their own (or into a kind: List), and remove the items field from the object.',
    docsUrl: 'https://kubernetes.io/docs/reference/using-api/api-concepts/#collections',
  },
  {
    id: READING_DIFFERS_RULE_ID,
    title: 'kubectl and kustomize read a value alike',
    severity: 'error',
    profiles: [],
    description: 'Reported by the reader where kubectl apply -f (YAML 1.1, gopkg.in/yaml.v2) and kustomize (kubectl apply -k, '
      + 'Argo CD and Flux kustomizations; YAML 1.2, yaml.v3) read the same bytes as different values: a plain yes, on or n '
      + 'is a boolean to one and a string to the other, 0o17 a number to one and a string to the other, and a merge key '
      + 'overrides an explicit key for one but not the other. Which object runs then depends on the tool that applies '
      + 'the file; both readings are judged.',
    remediation: 'Quote the value ("yes", "0o17") or write it as the type it is meant to be (true, 15), and spell out the keys a merge key (<<) would set.',
    docsUrl: 'https://kubernetes.io/docs/concepts/overview/working-with-objects/object-management/',
  },
  {
    id: OWNER_DIFFERS_RULE_ID,
    title: 'An owned object runs its owner\'s pod template',
    severity: 'info',
    profiles: [],
    description: 'Reported by audit for a Pod, ReplicaSet or Job whose controller it also reads, when the object\'s pod template '
      + 'differs from the controller\'s in what the rules judge: containers, init and ephemeral containers (added, removed, '
      + 'their image, securityContext, ports, mounts, env), host namespaces, the pod securityContext, the ServiceAccount, '
      + 'volumes, AppArmor annotations. A sidecar a mutating webhook injected, a kubectl debug container or an old '
      + 'ReplicaSet of a Deployment runs what the controller does not say, so the object is judged itself (otherwise owned '
      + 'objects are judged through their controller, once). Resources, commands, probes and what the API server adds to '
      + 'every Pod (tolerations, the ServiceAccount token volume) are not compared.',
    remediation: 'Find what changed the object (a mutating webhook, kubectl debug, a rollout still under way, an old ReplicaSet) and fix the findings of the object itself.',
    docsUrl: 'https://kubernetes.io/docs/concepts/overview/working-with-objects/owners-dependents/',
  },
];

/** The areas of the catalogue, in display order: an id prefix and a heading. */
const AREAS: ReadonlyArray<{ readonly prefix: string; readonly name: string }> = [
  { prefix: 'schema', name: 'Schema' },
  { prefix: 'pss-baseline-', name: 'Pod Security Standards: baseline' },
  { prefix: 'pss-restricted-', name: 'Pod Security Standards: restricted' },
  { prefix: 'pss-', name: 'Pod Security Standards' },
  { prefix: 'workload-', name: 'Workloads' },
  { prefix: 'rbac-', name: 'RBAC' },
  { prefix: 'network-', name: 'Network' },
  { prefix: 'namespace-', name: 'Namespaces' },
  { prefix: 'service-', name: 'Services' },
  { prefix: 'api-', name: 'API versions and Secrets' },
  { prefix: 'dockerfile-', name: 'Dockerfiles' },
  { prefix: 'docker-daemon-', name: 'Docker daemon' },
  { prefix: 'docker-container-', name: 'Running containers' },
  { prefix: 'image-', name: 'Images across files: users and scans' },
];

/** The area a rule belongs to, from its id (`pss-baseline-privileged` is Pod Security, baseline). */
export function ruleArea(rule: Pick<RuleInfo, 'id'>): string {
  const known = AREAS.find((a) => rule.id === a.prefix || rule.id.startsWith(a.prefix));
  if (known) {
    return known.name;
  }
  if (ENGINE_RULES.some((r) => r.id === rule.id)) {
    return 'Engine';
  }
  const head = rule.id.split('-')[0];
  return head.charAt(0).toUpperCase() + head.slice(1);
}

/** Rules grouped by area: areas in display order (unknown areas after, by name), rules in catalogue order. */
export function rulesByArea<R extends RuleInfo>(rules: readonly R[]): Array<{ area: string; rules: R[] }> {
  const groups = new Map<string, R[]>();
  for (const rule of rules) {
    const area = ruleArea(rule);
    appendTo(groups, area, rule);
  }
  const rank = (area: string) => {
    const i = AREAS.findIndex((a) => a.name === area);
    return i >= 0 ? i : area === 'Engine' ? AREAS.length + 1 : AREAS.length;
  };
  return [...groups.entries()]
    .sort(([a], [b]) => rank(a) - rank(b) || (a < b ? -1 : a > b ? 1 : 0))
    .map(([area, list]) => ({ area, rules: list }));
}

function pad(s: string, width: number): string {
  return s.length >= width ? `${s} ` : s + ' '.repeat(width - s.length);
}

/** `cdk8s-hardened rules`: id, severity and title of each rule, grouped by area, then a hint line. */
export function formatRuleList(rules: readonly RuleInfo[], heading: string): string {
  const width = Math.max(0, ...rules.map((r) => r.id.length)) + 2;
  const lines: string[] = [heading, ''];
  for (const group of rulesByArea(rules)) {
    lines.push(`${group.area}:`);
    for (const rule of group.rules) {
      lines.push(`  ${pad(rule.id, width)}${pad(rule.severity, 9)}${rule.title}`);
    }
    lines.push('');
  }
  lines.push(`${rules.length} rule${rules.length === 1 ? '' : 's'}. Explain one with: cdk8s-hardened rules <rule-id>`);
  return `${lines.join('\n')}\n`;
}

/** Wraps a paragraph at `width` columns, each line after the first indented by `indent`. */
function wrap(text: string, width: number, indent: string): string {
  const words = text.split(/\s+/).filter(Boolean);
  const lines: string[] = [];
  let line = '';
  for (const word of words) {
    if (line && line.length + 1 + word.length > width) {
      lines.push(line);
      line = word;
    } else {
      line = line ? `${line} ${word}` : word;
    }
  }
  if (line) {
    lines.push(line);
  }
  return lines.join(`\n${indent}`);
}

/** `cdk8s-hardened rules <id>`: everything about one rule. */
export function formatRuleExplanation(rule: RuleInfo): string {
  const lines = [
    `${rule.id}: ${rule.title}`,
    '',
    `  severity:  ${rule.severity}`,
    `  area:      ${ruleArea(rule)}`,
    `  profiles:  ${rule.profiles.length ? rule.profiles.join(', ') : '(reported by the engine in every profile)'}`,
    ...(rule.overrides?.length ? [`  replaces:  ${rule.overrides.join(', ')}`] : []),
    '',
    `  ${wrap(rule.description, 96, '  ')}`,
    '',
    `  fix:  ${wrap(rule.remediation, 90, '        ')}`,
    `  docs: ${rule.docsUrl}`,
  ];
  return `${lines.join('\n')}\n`;
}

/** Levenshtein distance, for "did you mean". */
function distance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      current[j] = Math.min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1));
    }
    previous = current;
  }
  return previous[b.length];
}

/**
 * Up to `max` rule ids close to `id`: ids holding every word of it (`pss-privileged` finds
 * `pss-baseline-privileged`), ids containing it, then the nearest by edit distance.
 */
export function suggestRuleIds(id: string, rules: readonly Pick<RuleInfo, 'id'>[], max = 3): string[] {
  const wanted = id.toLowerCase().slice(0, 200);
  const words = wanted.split(/[^a-z0-9]+/).filter(Boolean);
  const limit = Math.max(2, Math.floor(wanted.length / 3));
  const scored = rules.map((r) => {
    const candidate = r.id.toLowerCase();
    const parts = candidate.split('-');
    const wordMatch = words.length > 0 && words.every((w) => parts.some((p) => p === w || (w.length >= 3 && p.startsWith(w)) || distance(w, p) <= (w.length > 4 ? 1 : 0)));
    const contains = wanted.length >= 3 && candidate.includes(wanted);
    const d = distance(wanted, candidate);
    return { id: r.id, rank: wordMatch || contains ? 0 : d <= limit ? 1 : 2, d };
  });
  return scored
    .filter((s) => s.rank < 2)
    .sort((a, b) => a.rank - b.rank || a.d - b.d || (a.id < b.id ? -1 : 1))
    .slice(0, max)
    .map((s) => s.id);
}

function mdCell(text: string): string {
  return text.replace(/\|/g, '\\|').replace(/\n/g, ' ');
}

function anchor(id: string): string {
  return id.toLowerCase().replace(/[^a-z0-9-]/g, '');
}

/** The command that regenerates docs/rules.md (also printed in the file). */
export const RULES_DOC_COMMAND = 'cdk8s-hardened rules --format markdown --output docs/rules.md';

/**
 * docs/rules.md: the catalogue as Markdown, generated from the rules' own metadata (so it cannot drift):
 * a table of packs, then one table per area and one section per rule with its description, fix and reference.
 */
export function formatRulesMarkdown(rules: readonly RuleInfo[]): string {
  const out: string[] = [
    '# Rules',
    '',
    `<!-- Generated from the rule catalogue; do not edit. Regenerate with: ${RULES_DOC_COMMAND} -->`,
    '',
    `Every rule that \`cdk8s-hardened check\` and \`synth\` apply, for Kubernetes ${KUBERNETES_VERSION}. A rule of severity \`error\` `
      + 'fails the run; `warning` and `info` are reported (`--fail-on warning` fails on warnings too). Suppress a finding with the '
      + `annotation \`${SUPPRESSION_ANNOTATION_PREFIX}<rule-id>: "<reason>"\` (a reason of at least ${MIN_REASON_LENGTH} characters); `
      + `in a Dockerfile, write it as a comment (\`# ${SUPPRESSION_ANNOTATION_PREFIX}<rule-id>: <reason>\`). The Dockerfile, Docker daemon and `
      + 'running-container rules (profile `container`) judge Dockerfiles, daemon.json and docker inspect output, and nothing else.',
    '',
    '## Profiles',
    '',
    '| Profile | Rules |',
    '| --- | --- |',
  ];
  for (const profile of PROFILES) {
    const members = rules.filter((r) => r.profiles.includes(profile));
    const replaced = new Set(members.flatMap((r) => r.overrides ?? []));
    const effective = members.filter((r) => !replaced.has(r.id));
    out.push(`| \`${profile}\` | ${effective.length} |`);
  }
  out.push('');
  out.push('A rule that replaces another (as a restricted Pod Security check replaces its baseline counterpart) drops the replaced rule '
    + 'from every profile that holds both.');
  for (const group of rulesByArea(rules)) {
    out.push('', `## ${group.area}`, '', '| Rule | Severity | Profiles | Title |', '| --- | --- | --- | --- |');
    for (const rule of group.rules) {
      out.push(`| [\`${rule.id}\`](#${anchor(rule.id)}) | ${rule.severity} | ${rule.profiles.join(', ')} | ${mdCell(rule.title)} |`);
    }
    for (const rule of group.rules) {
      out.push(
        '',
        `### ${rule.id}`,
        '',
        `**${rule.title}** (severity: \`${rule.severity}\`; profiles: ${rule.profiles.map((p) => `\`${p}\``).join(', ') || 'none'}`
          + `${rule.overrides?.length ? `; replaces ${rule.overrides.map((o) => `\`${o}\``).join(', ')}` : ''})`,
        '',
        rule.description.trim(),
        '',
        `**Fix:** ${rule.remediation.trim()}`,
        '',
        `**Reference:** <${rule.docsUrl}>`,
      );
    }
  }
  out.push('', '## Engine findings', '', 'The engine reports these in every profile; they are not rules of a pack.');
  for (const rule of ENGINE_RULES) {
    out.push('', `### ${rule.id}`, '', `**${rule.title}** (severity: \`${rule.severity}\`)`, '', rule.description, '',
      `**Fix:** ${rule.remediation}`, '', `**Reference:** <${rule.docsUrl}>`);
  }
  return `${out.join('\n')}\n`;
}
