import { z } from 'zod';
import type { ParamSpec, StrategyDefinition } from './definition.js';
import type { StrategiesSections, StrategyRegistry, StrategySection } from './registry.js';

/**
 * The engine settings' `strategies` section, built from the families' declarations: each family
 * has `enabled` and its declared parameters (bounds, integer, default, meaning). The composed
 * engine schema (core/pipeline/engine-settings.ts) plugs it in and checks the slices' parameters
 * with `strategySectionSchema`.
 */

/** A strategy parameter's schema, from its declaration (bounds, integer, default, meaning). */
function paramSchema(spec: ParamSpec): z.ZodType<number | boolean> {
  if (spec.type === 'boolean') return z.boolean().default(spec.default).describe(spec.description);
  let n = z.number();
  if (spec.type === 'int') n = n.int();
  if (spec.type === 'number' && spec.positive) n = n.positive();
  if (spec.min !== undefined) n = n.min(spec.min);
  if (spec.max !== undefined) n = n.max(spec.max);
  return n.default(spec.default).describe(spec.description);
}

/** One strategy's section: `enabled` (described by the strategy) and its declared parameters. */
export function strategySectionSchema(def: StrategyDefinition) {
  const shape: Record<string, z.ZodType> = {
    enabled: z
      .boolean()
      .default(def.enabledByDefault !== false)
      .describe(`${def.description} (${def.kind}, fits a ${def.regime} market).`),
  };
  for (const [key, spec] of Object.entries(def.params)) shape[key] = paramSchema(spec);
  // the shape is built from the declaration at run time, so its static type is the section's
  const section = z.object(shape).strict() as unknown as z.ZodType<StrategySection, Record<string, unknown>>;
  return section.prefault({});
}

/** The `strategies` section for the families of `registry`: one sub-section each, nothing else. */
export function strategiesSchema(registry: StrategyRegistry) {
  const shape: Record<string, z.ZodType> = {};
  for (const def of registry.definitions) shape[def.name] = strategySectionSchema(def);
  const sections = z.object(shape).strict() as unknown as z.ZodType<
    StrategiesSections,
    Record<string, Record<string, unknown>>
  >;
  return sections.prefault({});
}
