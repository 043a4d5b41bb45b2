import { warmMask } from '../features/snapshot.js';
import { breakout } from './breakout.js';
import type { ParamSpecs, ParamValues, StrategyDefinition, StrategyRule } from './definition.js';
import { meanReversion } from './mean-reversion.js';
import { momentum } from './momentum.js';
import { scalping } from './scalping.js';

/**
 * The strategy families AlphaPulse ships, in the order their candidates are considered. Adding a
 * family is writing its file and adding it here; nothing else in the engine names a family.
 */
export const BUILTIN_STRATEGIES: readonly StrategyDefinition[] = [
  momentum,
  breakout,
  meanReversion,
  scalping,
];

/** A strategy's configuration section: `enabled` and its parameters. */
export type StrategySection = { readonly enabled: boolean } & Readonly<Record<string, number | boolean>>;
export type StrategiesSections = Readonly<Record<string, StrategySection>>;

/** One enabled strategy of a pipeline: its definition, its rule, and the warm mask of its needs. */
export interface ActiveStrategy {
  readonly definition: StrategyDefinition;
  readonly rule: StrategyRule;
  readonly needMask: number;
}

const NAME = /^[a-z][a-z0-9_]*$/;

/**
 * The strategy families one engine knows: the built-in ones and any a user loaded. Names are
 * unique; the order is the order candidates of one close are considered in.
 */
export class StrategyRegistry {
  private readonly byName = new Map<string, StrategyDefinition>();

  constructor(readonly definitions: readonly StrategyDefinition[] = BUILTIN_STRATEGIES) {
    for (const d of definitions) {
      if (!NAME.test(d.name)) {
        throw new RangeError(`strategy name '${d.name}' must be lower case letters, digits and underscores`);
      }
      if (this.byName.has(d.name)) throw new RangeError(`strategy '${d.name}' is registered twice`);
      this.byName.set(d.name, d);
    }
  }

  get names(): readonly string[] {
    return this.definitions.map((d) => d.name);
  }

  get(name: string): StrategyDefinition | undefined {
    return this.byName.get(name);
  }

  /** This registry with `extra` families after the built-in ones. */
  with(extra: readonly StrategyDefinition[]): StrategyRegistry {
    return new StrategyRegistry([...this.definitions, ...extra]);
  }

  /**
   * Fresh rules for the enabled families, in registry order. A family the sections do not
   * mention runs with its defaults when it is enabled by default.
   */
  create(sections: StrategiesSections = {}): ActiveStrategy[] {
    const out: ActiveStrategy[] = [];
    for (const definition of this.definitions) {
      const section = sections[definition.name];
      const enabled = section ? section.enabled : definition.enabledByDefault !== false;
      if (enabled) out.push(activate(definition, section));
    }
    return out;
  }
}

/** A fresh rule of `definition` with the parameters of `section` (defaults where it says nothing). */
export function activate(definition: StrategyDefinition, section?: StrategySection): ActiveStrategy {
  return {
    definition,
    rule: definition.create(paramsOf(definition.params, section)),
    needMask: warmMask(definition.needs),
  };
}

/** The section's value of every declared parameter, its default where the section has none. */
function paramsOf<S extends ParamSpecs>(specs: S, section: StrategySection | undefined): ParamValues<S> {
  const out: Record<string, number | boolean> = {};
  for (const [key, spec] of Object.entries(specs)) out[key] = section?.[key] ?? spec.default;
  return out as ParamValues<S>;
}

export const BUILTIN_REGISTRY = new StrategyRegistry();
