/** Reading a folder's import graph from its sources, for the tests that pin the structure of a folder. */
/**
 * The modules of the same folder (file names without `.ts`) that `source` imports, in any form: `import` and
 * `export ... from` (type-only too), side-effect imports, `require()` and `import()`. Comments are skipped.
 */
export function siblingImports(source: string): string[] {
  const code = source.replace(/\/\*[\s\S]*?\*\//g, '').replace(/^\s*\/\/.*$/gm, '');
  const specifiers = [
    ...code.matchAll(/\b(?:import|export)\s+(?:type\s+)?[^;'"]*?\bfrom\s+['"]([^'"]+)['"]/g),
    ...code.matchAll(/\bimport\s+['"]([^'"]+)['"]/g),
    ...code.matchAll(/\b(?:require|import)\(\s*['"]([^'"]+)['"]\s*\)/g),
  ].map((m) => m[1]);
  return [...new Set(specifiers.filter((s) => /^\.\/[^/]+$/.test(s)).map((s) => s.slice(2).replace(/\.(js|ts)$/, '')))].sort();
}

/** A cycle in `graph` as the list of its modules (first repeated at the end), or undefined. */
export function findCycle(graph: ReadonlyMap<string, readonly string[]>): string[] | undefined {
  const state = new Map<string, 'open' | 'done'>();
  const stack: string[] = [];
  const visit = (node: string): string[] | undefined => {
    if (state.get(node) === 'done') {
      return undefined;
    }
    if (state.get(node) === 'open') {
      return [...stack.slice(stack.indexOf(node)), node];
    }
    state.set(node, 'open');
    stack.push(node);
    for (const next of graph.get(node) ?? []) {
      const cycle = visit(next);
      if (cycle) {
        return cycle;
      }
    }
    stack.pop();
    state.set(node, 'done');
    return undefined;
  };
  for (const node of [...graph.keys()].sort()) {
    const cycle = visit(node);
    if (cycle) {
      return cycle;
    }
  }
  return undefined;
}
