import { dirname, relative, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { cycles, type ImportEdge, importGraph, sourceFiles } from './support/import-graph.js';

/**
 * The import rules of docs/ARCHITECTURE.md, checked on every production file under src/ (tests
 * excluded: they reach into test/support). Every form of import counts: `import`, `import type`,
 * `export ... from`, `import('...')`. A failure names the file, the line and the import.
 */

const SRC = resolve(dirname(fileURLToPath(import.meta.url)), '..', 'src');
const edges = importGraph(SRC);
const local = edges.filter((e): e is ImportEdge & { readonly to: string } => e.to !== null);

/**
 * The unit of the folder rules: `core/<x>`, `runtime/<x>` and `adapters/<x>` are one folder each
 * (with their subfolders, e.g. runtime/backtest/html is part of runtime/backtest); api, cli,
 * config, web and types are one folder each, since their subfolders (routes, commands...) are
 * the parts one app factory or one program assembles. Files directly in core/ or runtime/ form
 * the folder `core` or `runtime`.
 */
function moduleOf(file: string): string {
  const parts = file.split('/');
  const top = parts[0] ?? '';
  if ((top === 'core' || top === 'runtime' || top === 'adapters') && parts.length > 2)
    return `${top}/${parts[1]}`;
  return top;
}

const at = (e: ImportEdge): string =>
  `src/${e.from}:${e.line} imports '${e.specifier}'${e.typeOnly ? ' (type)' : ''}`;

/** Packages the pure core may use: computation only, no I/O. */
const CORE_PACKAGES = new Set(['zod', 'ml-logistic-regression', 'ml-matrix']);

interface Rule {
  readonly name: string;
  readonly applies: (from: string) => boolean;
  readonly forbids: (e: ImportEdge) => boolean;
}

/** The layers, lowest first: a file imports only its own layer and those below it. */
const LAYERS = ['types', 'core', 'config', 'adapters', 'runtime', 'web', 'api', 'service', 'cli'];
const layerOf = (file: string): number => LAYERS.indexOf(file.split('/')[0] ?? '');

const RULES: readonly Rule[] = [
  {
    name: `imports go down the layers (${LAYERS.join(' < ')})`,
    applies: (f) => layerOf(f) >= 0,
    forbids: (e) => e.to !== null && layerOf(e.to) > layerOf(e.from),
  },
  {
    name: 'core imports only core/, types/ and pure packages',
    applies: (f) => f.startsWith('core/'),
    forbids: (e) =>
      e.to === null
        ? !CORE_PACKAGES.has(e.specifier)
        : !(e.to.startsWith('core/') || e.to.startsWith('types/')),
  },
  {
    name: 'nothing outside the CLI imports the CLI (the API in particular)',
    applies: (f) => !f.startsWith('cli/'),
    forbids: (e) => e.to?.startsWith('cli/') === true,
  },
  {
    name: 'adapters do not import the runtime, the API or the CLI',
    applies: (f) => f.startsWith('adapters/'),
    forbids: (e) => e.to !== null && /^(runtime|api|cli)\//.test(e.to),
  },
  {
    name: 'runtime and API use store ports, not concrete stores (open-stores.ts chooses one)',
    applies: (f) => f.startsWith('runtime/') || f.startsWith('api/'),
    forbids: (e) => e.to !== null && /^adapters\/store\/(sqlite|postgres)-/.test(e.to),
  },
];

/**
 * Allowed breaks of a rule, by importing file and imported file, each with its reason. None now:
 * a new one needs its reason here and in docs/ARCHITECTURE.md.
 */
const RULE_EXCEPTIONS: ReadonlyArray<{
  readonly from: string;
  readonly to: string;
  readonly reason: string;
}> = [];

/**
 * Allowed circles, each the exact set of files (or folders) it joins, with its reason: a registry
 * that lists its implementations (which share the registry's contract type). A circle that grows
 * or changes fails again.
 */
const CYCLE_EXCEPTIONS: ReadonlyArray<{ readonly members: readonly string[]; readonly reason: string }> = [
  {
    members: [
      'core/patterns/candlesticks-many.ts',
      'core/patterns/candlesticks-one.ts',
      'core/patterns/candlesticks-three.ts',
      'core/patterns/candlesticks-two.ts',
      'core/patterns/candlesticks.ts',
    ],
    reason: 'candlesticks.ts is the registry of the pattern groups, which implement its CandlePattern type',
  },
];

const excused = (component: readonly string[]): boolean =>
  CYCLE_EXCEPTIONS.some(
    (x) => x.members.length === component.length && component.every((m) => x.members.includes(m)),
  );

describe('architecture: imports follow the flow (docs/ARCHITECTURE.md)', () => {
  it('knows the layer of every folder (a new top-level folder needs its place in LAYERS)', () => {
    const unplaced = sourceFiles(SRC)
      .map((f) => relative(SRC, f).split(sep).join('/'))
      .filter((f) => layerOf(f) < 0);
    expect(unplaced, unplaced.join('\n')).toEqual([]);
  });

  it('finds the imports (the scan itself works)', () => {
    expect(edges.length).toBeGreaterThan(500);
    expect(local.some((e) => e.from === 'core/pipeline/signal-pipeline.ts')).toBe(true);
    // `import type` is seen (and marked), so type-only circles are caught too
    expect(
      local.some(
        (e) =>
          e.from === 'core/pipeline/report-types.ts' &&
          e.to === 'core/pipeline/engine-settings.ts' &&
          e.typeOnly,
      ),
    ).toBe(true);
    expect(
      cycles([
        ['a', 'b'],
        ['b', 'c'],
        ['c', 'a'],
        ['c', 'd'],
        ['e', 'e'],
      ]),
    ).toEqual([['a', 'b', 'c'], ['e']]);
  });

  it.each(RULES.map((r) => [r.name, r] as const))('%s', (_name, rule) => {
    const offending = edges
      .filter((e) => rule.applies(e.from) && rule.forbids(e))
      .filter((e) => !RULE_EXCEPTIONS.some((x) => x.from === e.from && x.to === (e.to ?? e.specifier)))
      .map(at);
    expect(offending, offending.join('\n')).toEqual([]);
  });

  it('has no import circle between files (type-only imports included)', () => {
    const found = cycles(local.map((e) => [e.from, e.to] as const)).filter((c) => !excused(c));
    const report = found.map((c) => {
      const inside = local.filter((e) => c.includes(e.from) && c.includes(e.to)).map(at);
      return `circle of ${c.length} files:\n  ${inside.join('\n  ')}`;
    });
    expect(report, report.join('\n')).toEqual([]);
  });

  it('has no import circle between folders (type-only imports included)', () => {
    const crossing = local.filter((e) => moduleOf(e.from) !== moduleOf(e.to));
    const found = cycles(crossing.map((e) => [moduleOf(e.from), moduleOf(e.to)] as const)).filter(
      (c) => !excused(c),
    );
    const report = found.map((c) => {
      const inside = crossing
        .filter((e) => c.includes(moduleOf(e.from)) && c.includes(moduleOf(e.to)))
        .map((e) => `${moduleOf(e.from)} -> ${moduleOf(e.to)}: ${at(e)}`);
      return `circle of folders ${c.join(', ')}:\n  ${inside.join('\n  ')}`;
    });
    expect(report, report.join('\n')).toEqual([]);
  });

  it('lists no exception that is no longer needed', () => {
    const fileCycles = [
      ...cycles(local.map((e) => [e.from, e.to] as const)),
      ...cycles(
        local
          .filter((e) => moduleOf(e.from) !== moduleOf(e.to))
          .map((e) => [moduleOf(e.from), moduleOf(e.to)] as const),
      ),
    ];
    const stale = [
      ...CYCLE_EXCEPTIONS.filter(
        (x) =>
          !fileCycles.some((c) => c.length === x.members.length && c.every((m) => x.members.includes(m))),
      ).map((x) => `cycle exception ${x.members.join(', ')}`),
      ...RULE_EXCEPTIONS.filter(
        (x) => !edges.some((e) => e.from === x.from && (e.to ?? e.specifier) === x.to),
      ).map((x) => `rule exception ${x.from} -> ${x.to}`),
    ];
    expect(stale, stale.join('\n')).toEqual([]);
  });
});
