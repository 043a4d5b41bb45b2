import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';
import ts from 'typescript';

/** One import of one file: what it names, where that resolves to, and whether it is type-only. */
export interface ImportEdge {
  /** importing file, relative to the scanned root with forward slashes (e.g. `core/pipeline/events.ts`) */
  readonly from: string;
  /** the module specifier as written */
  readonly specifier: string;
  /** resolved file relative to the root when the specifier is relative, null for packages */
  readonly to: string | null;
  readonly typeOnly: boolean;
  readonly line: number;
}

const toPosix = (p: string): string => p.split(sep).join('/');

/** Every `.ts` file under `root`, production code only (tests and declaration files excluded). */
export function sourceFiles(root: string): string[] {
  const out: string[] = [];
  const walk = (dir: string): void => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const full = join(dir, entry.name);
      if (entry.isDirectory()) walk(full);
      else if (
        entry.name.endsWith('.ts') &&
        !entry.name.endsWith('.test.ts') &&
        !entry.name.endsWith('.d.ts')
      )
        out.push(full);
    }
  };
  walk(root);
  return out.sort();
}

function resolveRelative(root: string, fromFile: string, specifier: string): string {
  const base = resolve(dirname(fromFile), specifier);
  const candidates = [
    base.replace(/\.js$/, '.ts'),
    base.replace(/\.js$/, '.d.ts'),
    `${base}.ts`,
    join(base, 'index.ts'),
    base,
  ];
  const hit = candidates.find((c) => existsSync(c)) ?? base;
  return toPosix(relative(root, hit));
}

/**
 * The imports of one file: `import` / `import type`, `export ... from`, `import x = require()`,
 * `import('x')` calls with a literal and `import('x').T` type references. An import whose every
 * name is `type` counts as type-only; for the rules here that changes nothing (type-only circles
 * are circles too) but the report says so.
 */
export function importsOf(root: string, file: string): ImportEdge[] {
  const text = readFileSync(file, 'utf8');
  const source = ts.createSourceFile(file, text, ts.ScriptTarget.ES2022, true, ts.ScriptKind.TS);
  const from = toPosix(relative(root, file));
  const edges: ImportEdge[] = [];
  const add = (specifier: string, typeOnly: boolean, node: ts.Node): void => {
    const to = specifier.startsWith('.') ? resolveRelative(root, file, specifier) : null;
    const line = source.getLineAndCharacterOfPosition(node.getStart(source)).line + 1;
    edges.push({ from, specifier, to, typeOnly, line });
  };
  const visit = (node: ts.Node): void => {
    if (ts.isImportDeclaration(node) && ts.isStringLiteral(node.moduleSpecifier)) {
      const clause = node.importClause;
      const named = clause?.namedBindings;
      const allTypeNames =
        named !== undefined &&
        ts.isNamedImports(named) &&
        named.elements.length > 0 &&
        named.elements.every((e) => e.isTypeOnly) &&
        clause?.name === undefined;
      add(node.moduleSpecifier.text, clause?.isTypeOnly === true || allTypeNames, node);
    } else if (
      ts.isExportDeclaration(node) &&
      node.moduleSpecifier !== undefined &&
      ts.isStringLiteral(node.moduleSpecifier)
    ) {
      add(node.moduleSpecifier.text, node.isTypeOnly, node);
    } else if (
      ts.isImportEqualsDeclaration(node) &&
      ts.isExternalModuleReference(node.moduleReference) &&
      ts.isStringLiteral(node.moduleReference.expression)
    ) {
      add(node.moduleReference.expression.text, node.isTypeOnly, node);
    } else if (
      ts.isCallExpression(node) &&
      node.expression.kind === ts.SyntaxKind.ImportKeyword &&
      node.arguments.length > 0 &&
      ts.isStringLiteral(node.arguments[0] as ts.Expression)
    ) {
      add((node.arguments[0] as ts.StringLiteral).text, false, node);
    } else if (
      ts.isImportTypeNode(node) &&
      ts.isLiteralTypeNode(node.argument) &&
      ts.isStringLiteral(node.argument.literal)
    ) {
      add(node.argument.literal.text, true, node);
    }
    ts.forEachChild(node, visit);
  };
  visit(source);
  return edges;
}

/** All imports of all production files under `root`. */
export function importGraph(root: string): ImportEdge[] {
  return sourceFiles(root).flatMap((f) => importsOf(root, f));
}

/** The folder a file sits in, relative to the root (`core/patterns/swings.ts` -> `core/patterns`). */
export const folderOf = (file: string): string => {
  const i = file.lastIndexOf('/');
  return i < 0 ? '.' : file.slice(0, i);
};

/**
 * Strongly connected components with more than one member (or a member importing itself): each
 * is an import circle. Tarjan's algorithm, iterative over a sorted adjacency list so the report
 * is stable.
 */
export function cycles(edges: ReadonlyArray<readonly [string, string]>): string[][] {
  const adj = new Map<string, string[]>();
  const selfLoops = new Set<string>();
  for (const [a, b] of edges) {
    if (a === b) selfLoops.add(a);
    const list = adj.get(a) ?? [];
    if (!list.includes(b)) list.push(b);
    adj.set(a, list);
    if (!adj.has(b)) adj.set(b, []);
  }
  for (const list of adj.values()) list.sort();
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const onStack = new Set<string>();
  const stack: string[] = [];
  const out: string[][] = [];
  let counter = 0;
  const strong = (v: string): void => {
    index.set(v, counter);
    low.set(v, counter);
    counter++;
    stack.push(v);
    onStack.add(v);
    for (const w of adj.get(v) ?? []) {
      if (!index.has(w)) {
        strong(w);
        low.set(v, Math.min(low.get(v) ?? 0, low.get(w) ?? 0));
      } else if (onStack.has(w)) {
        low.set(v, Math.min(low.get(v) ?? 0, index.get(w) ?? 0));
      }
    }
    if (low.get(v) === index.get(v)) {
      const component: string[] = [];
      for (;;) {
        const w = stack.pop();
        if (w === undefined) break;
        onStack.delete(w);
        component.push(w);
        if (w === v) break;
      }
      if (component.length > 1 || selfLoops.has(v)) out.push(component.sort());
    }
  };
  for (const v of [...adj.keys()].sort()) if (!index.has(v)) strong(v);
  return out.sort((a, b) => (a[0] ?? '').localeCompare(b[0] ?? ''));
}
