/**
 * The shape of src/cli: no import cycle among its files, the shared plumbing (common.ts, render.ts) and the other
 * helpers (synth's parts, inputs, parallel, ...) import no command, and no command imports program.ts. Every kind of
 * import counts: `import` and `export ... from` (type-only ones too: a type-only circle is still two files that cannot
 * be read one without the other), `require()` and `import()` (the commands loaded on demand).
 */
import { readdirSync, readFileSync } from 'fs';
import { join } from 'path';
import { findCycle, siblingImports } from '../support/imports';

const CLI = join(__dirname, '..', '..', 'src', 'cli');

/** The command modules: each runs one command of the CLI. */
const COMMANDS = ['admission', 'audit', 'check', 'ci', 'migrate-psp', 'rules', 'synth'];
/** The entry points: they assemble the commands, and nothing under src/cli imports them but each other. */
const ENTRIES = ['main', 'program'];
/** The plumbing every command may use; it, like every module that is neither a command nor an entry point, imports none of them. */
const PLUMBING = ['common', 'render'];

const modules = readdirSync(CLI).filter((f) => f.endsWith('.ts')).map((f) => f.replace(/\.ts$/, '')).sort();
const graph = new Map(modules.map((m) => [m, siblingImports(readFileSync(join(CLI, `${m}.ts`), 'utf8'))]));

describe('the import parser', () => {
  test('sees every form of import, and only src/cli modules', () => {
    expect(siblingImports([
      "import { a } from './alpha';",
      "import type { B } from './beta';",
      "import {\n  c,\n  d,\n} from './gamma';",
      "export { e } from './delta';",
      "export * from './epsilon.js';",
      "import './zeta';",
      "const { f } = require('./eta') as typeof import('./eta');",
      "const { g } = await import('./theta');",
      "import { h } from '../policy/rule';",
      "import { i } from 'commander';",
      "// import { j } from './commented';",
      "/* import { k } from './blocked'; */",
    ].join('\n'))).toEqual(['alpha', 'beta', 'delta', 'epsilon', 'eta', 'gamma', 'theta', 'zeta']);
  });

  test('finds a cycle, and none in a tree', () => {
    expect(findCycle(new Map([['a', ['b']], ['b', ['c']], ['c', ['a']]]))).toEqual(['a', 'b', 'c', 'a']);
    expect(findCycle(new Map([['a', ['b', 'c']], ['b', ['c']], ['c', []]]))).toBeUndefined();
  });
});

describe('src/cli', () => {
  test('holds the modules this test knows', () => {
    for (const m of [...COMMANDS, ...ENTRIES, ...PLUMBING]) {
      expect(modules).toContain(m);
    }
    // The parser reads the real files: program.ts assembles every command.
    expect(graph.get('program')).toEqual(expect.arrayContaining(COMMANDS));
  });

  test('has no import cycle', () => {
    expect(findCycle(graph)).toBeUndefined();
  });

  test('only the entry points import program.ts or main.ts', () => {
    const importers = modules.filter((m) => !ENTRIES.includes(m) && (graph.get(m) ?? []).some((i) => ENTRIES.includes(i)));
    expect(importers).toEqual([]);
  });

  test('the plumbing, and every other module that is not a command, imports no command and no entry point', () => {
    const helpers = modules.filter((m) => !COMMANDS.includes(m) && !ENTRIES.includes(m));
    expect(helpers).toEqual(expect.arrayContaining(PLUMBING));
    for (const m of helpers) {
      expect({ module: m, imports: (graph.get(m) ?? []).filter((i) => COMMANDS.includes(i) || ENTRIES.includes(i)) }).toEqual({ module: m, imports: [] });
    }
  });

  test('a command imports another command only for that command\'s own work (not for plumbing)', () => {
    const between = modules.filter((m) => COMMANDS.includes(m))
      .flatMap((m) => (graph.get(m) ?? []).filter((i) => COMMANDS.includes(i)).map((i) => `${m} -> ${i}`));
    expect(between).toEqual([
      'audit -> check', // audit judges the live objects as check judges files (judgeInputs)
      'check -> migrate-psp', // --psp reads PodSecurityPolicies as migrate-psp does (migrationsOf, loaded on demand)
    ]);
  });
});
