import { spawnSync } from 'child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'fs';
import { tmpdir } from 'os';
import { join } from 'path';

/** A fresh scratch folder per test; `cleanup()` removes them all. */
export function scratch(): { dir(): string; cleanup(): void } {
  const made: string[] = [];
  return {
    dir() {
      const d = mkdtempSync(join(tmpdir(), 'cdk8s-hardened-output-test-'));
      made.push(d);
      return d;
    },
    cleanup() {
      for (const d of made.splice(0)) {
        rmSync(d, { recursive: true, force: true });
      }
    },
  };
}

/** Every file under `dir` (relative, `/`-separated, sorted) with its bytes. */
export function readTree(dir: string, prefix = ''): Map<string, Buffer> {
  const out = new Map<string, Buffer>();
  for (const name of readdirSync(dir).sort()) {
    const full = join(dir, name);
    const rel = prefix ? `${prefix}/${name}` : name;
    if (statSync(full).isDirectory()) {
      for (const [k, v] of readTree(full, rel)) {
        out.set(k, v);
      }
    } else {
      out.set(rel, readFileSync(full));
    }
  }
  return out;
}

/** The kubectl binary, if one is installed. */
export const KUBECTL: string | undefined = (() => {
  const found = spawnSync('which', ['kubectl'], { encoding: 'utf8' });
  return found.status === 0 ? found.stdout.trim() || undefined : undefined;
})();

/** `test` when kubectl is installed, else `test.skip` after printing why. */
export function withKubectl(): jest.It {
  if (!KUBECTL) {
    // eslint-disable-next-line no-console
    console.log('kubectl is not installed: skipping the `kubectl kustomize` checks');
    return test.skip;
  }
  return test;
}

/** `kubectl kustomize <dir>`: the built YAML stream. */
export function kustomize(dir: string): string {
  const result = spawnSync(KUBECTL!, ['kustomize', dir], { encoding: 'utf8' });
  if (result.status !== 0) {
    throw new Error(`kubectl kustomize ${dir} failed: ${result.stderr}`);
  }
  return result.stdout;
}
