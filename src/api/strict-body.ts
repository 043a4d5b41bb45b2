import type { FastifySchemaCompiler, FastifySchemaValidationError } from 'fastify';
import { z } from 'zod';
import { ApiError } from './errors.js';
import type { JsonSchema } from './schemas/common.js';

/**
 * Request bodies are validated with zod rather than the app's Ajv, whose type coercion (needed
 * for query strings, where everything arrives as text) would turn `{"symbol": 42}` into "42"
 * and accept it. The route's JSON schema for the docs is generated from the same zod schema.
 * Errors come out shaped like Ajv's, so the error handler words them the same way.
 */
export interface StrictBody {
  /** For `schema.body`: what the OpenAPI document shows. */
  readonly json: JsonSchema;
  /** For the route's `validatorCompiler`. */
  readonly validatorCompiler: FastifySchemaCompiler<unknown>;
}

type AjvLikeError = FastifySchemaValidationError & {
  readonly data?: unknown;
  readonly parentSchema?: { readonly properties?: Readonly<Record<string, unknown>> };
};

function pointer(path: readonly PropertyKey[]): string {
  return path.map((p) => `/${String(p)}`).join('');
}

function propertiesAt(json: JsonSchema, path: readonly PropertyKey[]): Readonly<Record<string, unknown>> {
  let node: unknown = json;
  for (const p of path) {
    const props = (node as { properties?: Record<string, unknown> }).properties;
    node = props?.[String(p)];
    if (node === undefined) return {};
  }
  return (node as { properties?: Record<string, unknown> }).properties ?? {};
}

function toAjvLike(issue: z.core.$ZodIssue, json: JsonSchema): AjvLikeError {
  const path = issue.path;
  const base = { instancePath: pointer(path), schemaPath: '' };
  const input = (issue as { input?: unknown }).input;
  switch (issue.code) {
    case 'unrecognized_keys':
      return {
        ...base,
        keyword: 'additionalProperties',
        params: { additionalProperty: issue.keys[0] },
        parentSchema: { properties: propertiesAt(json, path) },
      };
    case 'invalid_type':
      // JSON has no undefined: an undefined input is a property that is not there
      if (input === undefined && path.length > 0) {
        return {
          ...base,
          instancePath: pointer(path.slice(0, -1)),
          keyword: 'required',
          params: { missingProperty: String(path[path.length - 1]) },
        };
      }
      return { ...base, keyword: 'type', params: {}, message: `must be ${issue.expected}`, data: input };
    case 'invalid_format':
      if (issue.format === 'regex' && typeof issue.pattern === 'string') {
        const source = issue.pattern.slice(1, issue.pattern.lastIndexOf('/'));
        return {
          ...base,
          keyword: 'pattern',
          params: {},
          message: `must match pattern "${source}"`,
          data: input,
        };
      }
      return { ...base, keyword: 'format', params: {}, message: `must be ${issue.format}`, data: input };
    default:
      return { ...base, keyword: issue.code, params: {}, message: issue.message, data: input };
  }
}

export function strictBody(schema: z.ZodType): StrictBody {
  const { $schema: _drop, ...json } = z.toJSONSchema(schema, { target: 'draft-7' }) as Record<
    string,
    unknown
  >;
  const validate = (data: unknown) => {
    const r = schema.safeParse(data, { reportInput: true });
    return r.success
      ? { value: r.data }
      : { error: r.error.issues.slice(0, 1).map((i) => toAjvLike(i, json)) };
  };
  return {
    json,
    validatorCompiler: ({ httpPart, url }) => {
      // a route using this has a body only; anything else would go unchecked, so refuse it
      if (httpPart !== 'body')
        throw new Error(`strictBody validates bodies only; ${url} also has ${httpPart}`);
      return validate;
    },
  };
}

/**
 * Request bodies as JSON, refusing the keys that could reach an object's prototype
 * (`__proto__`, `constructor.prototype`) with a 400 that names the key. Fastify's own parser
 * refuses them too, but its answer ("Body is not valid JSON") says nothing of why.
 */
export function parseJsonBody(text: string): unknown {
  if (text.length === 0)
    throw new ApiError(400, 'body is empty but Content-Type is application/json; send a JSON object');
  let value: unknown;
  try {
    value = JSON.parse(text, (key, v: unknown) => {
      if (key === '__proto__') throw new ForbiddenKey('body/__proto__');
      if (key === 'constructor' && typeof v === 'object' && v !== null && 'prototype' in v)
        throw new ForbiddenKey('body/constructor/prototype');
      return v;
    });
  } catch (e) {
    if (e instanceof ForbiddenKey)
      throw new ApiError(
        400,
        `${e.message} is not accepted: a "__proto__" or "constructor.prototype" key could change the prototype of every object; remove it`,
      );
    throw new ApiError(
      400,
      `body is not valid JSON: ${(e instanceof Error ? e.message : String(e)).slice(0, 200)}`,
    );
  }
  return value;
}

class ForbiddenKey extends Error {}
