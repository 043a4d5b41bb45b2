import { existsSync } from 'node:fs';
import { extname, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { z } from 'zod';
import { WARM_FIELDS } from '../core/features/snapshot.js';
import { REGIME_BANDS, STRATEGY_KINDS, type StrategyDefinition } from '../core/strategies/definition.js';

/** A strategy module that cannot be used: the message names the file and what is wrong. */
export class StrategyModuleError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'StrategyModuleError';
  }
}

const range = z.object({ min: z.number(), max: z.number(), step: z.number().positive().optional() }).strict();

const Param = z.discriminatedUnion('type', [
  z
    .object({
      type: z.literal('number'),
      default: z.number(),
      min: z.number().optional(),
      max: z.number().optional(),
      positive: z.boolean().optional(),
      description: z.string().min(1),
      search: range.optional(),
    })
    .strict(),
  z
    .object({
      type: z.literal('int'),
      default: z.number().int(),
      min: z.number().optional(),
      max: z.number().optional(),
      description: z.string().min(1),
      search: range.optional(),
    })
    .strict(),
  z.object({ type: z.literal('boolean'), default: z.boolean(), description: z.string().min(1) }).strict(),
]);

/** The declared shape every strategy module exports (see StrategyDefinition). */
const Definition = z
  .object({
    name: z
      .string()
      .regex(/^[a-z][a-z0-9_]*$/, 'lower case letters, digits and underscores, like my_breakout'),
    description: z.string().min(1),
    kind: z.enum(STRATEGY_KINDS as [string, ...string[]]),
    regime: z.enum(REGIME_BANDS as [string, ...string[]]),
    needs: z.array(
      z.string().refine((f) => (WARM_FIELDS as readonly string[]).includes(f), {
        message: `not a numeric snapshot field; known: ${WARM_FIELDS.join(', ')}`,
      }),
    ),
    warmup: z.number().int().min(0),
    timeframes: z.enum(['all', 'lowest']),
    enabledByDefault: z.boolean().optional(),
    params: z.record(z.string().regex(/^[a-zA-Z][a-zA-Z0-9]*$/, 'a camelCase parameter name'), Param),
    create: z.custom<StrategyDefinition['create']>((v) => typeof v === 'function', {
      message: 'must be a function (params) => ({ evaluate(ctx) { ... } })',
    }),
  })
  .passthrough();

/**
 * Loads a user's strategy files (`.js`, `.mjs` or `.ts`), each exporting one StrategyDefinition
 * as its default export or as `strategy`. Every definition is checked against the declared
 * shape; a wrong one fails with the file and the field named. TypeScript files are compiled on
 * the fly by tsx, so a quant needs no build step.
 */
export async function loadStrategyModules(
  paths: readonly string[],
  cwd = process.cwd(),
): Promise<StrategyDefinition[]> {
  const out: StrategyDefinition[] = [];
  for (const p of paths) out.push(await loadOne(resolve(cwd, p)));
  return out;
}

async function loadOne(file: string): Promise<StrategyDefinition> {
  if (!existsSync(file)) throw new StrategyModuleError(`strategy file ${file} does not exist`);
  const ext = extname(file);
  let mod: Record<string, unknown>;
  try {
    if (ext === '.ts' || ext === '.mts') {
      const { tsImport } = await import('tsx/esm/api');
      mod = (await tsImport(pathToFileURL(file).href, import.meta.url)) as Record<string, unknown>;
    } else if (ext === '.js' || ext === '.mjs') {
      mod = (await import(pathToFileURL(file).href)) as Record<string, unknown>;
    } else {
      throw new StrategyModuleError(`strategy file ${file} must be a .js, .mjs or .ts module, not '${ext}'`);
    }
  } catch (e) {
    if (e instanceof StrategyModuleError) throw e;
    throw new StrategyModuleError(`strategy file ${file} could not be loaded: ${(e as Error).message}`);
  }
  const exported = mod.default ?? mod.strategy;
  if (exported === undefined) {
    throw new StrategyModuleError(
      `strategy file ${file} exports no strategy: export it as default or as \`strategy\``,
    );
  }
  const parsed = Definition.safeParse(exported);
  if (!parsed.success) {
    const issues = parsed.error.issues
      .map((i) => `${i.path.length ? i.path.join('.') : '(the export)'}: ${i.message}`)
      .join('; ');
    throw new StrategyModuleError(`strategy file ${file} does not declare a valid strategy: ${issues}`);
  }
  for (const [key, spec] of Object.entries(parsed.data.params)) {
    if (spec.type !== 'boolean' && spec.min !== undefined && spec.max !== undefined && spec.min > spec.max) {
      throw new StrategyModuleError(
        `strategy file ${file}: params.${key} has min ${spec.min} > max ${spec.max}`,
      );
    }
  }
  return exported as StrategyDefinition;
}
