/** The API report of an entry point: every exported name with its kind, from the TypeScript compiler's view. */
import * as ts from 'typescript';

export type ExportKind = 'class' | 'interface' | 'type' | 'function' | 'const' | 'enum' | 'namespace';

function kindOf(symbol: ts.Symbol): ExportKind {
  const f = symbol.flags;
  if (f & ts.SymbolFlags.Class) return 'class';
  if (f & ts.SymbolFlags.Enum) return 'enum';
  if (f & ts.SymbolFlags.Function) return 'function';
  if (f & ts.SymbolFlags.Variable) return 'const';
  if (f & ts.SymbolFlags.Interface) return 'interface';
  if (f & ts.SymbolFlags.TypeAlias) return 'type';
  if (f & ts.SymbolFlags.Module) return 'namespace';
  throw new Error(`unexpected export kind for ${symbol.name}: flags ${f}`);
}

/** `name: kind` lines, sorted, for each entry file. */
export function apiReport(files: readonly string[]): Record<string, string[]> {
  const program = ts.createProgram([...files], {
    target: ts.ScriptTarget.ES2020, module: ts.ModuleKind.CommonJS, strict: true, skipLibCheck: true, noEmit: true,
    resolveJsonModule: true, esModuleInterop: true, experimentalDecorators: true, types: ['node'],
  });
  const checker = program.getTypeChecker();
  const out: Record<string, string[]> = {};
  for (const file of files) {
    const source = program.getSourceFile(file);
    const symbol = source && checker.getSymbolAtLocation(source);
    if (!symbol) throw new Error(`${file}: not a module`);
    out[file] = checker.getExportsOfModule(symbol).map((s) => {
      const target = s.flags & ts.SymbolFlags.Alias ? checker.getAliasedSymbol(s) : s;
      return `${s.name}: ${kindOf(target)}`;
    }).sort();
  }
  return out;
}
