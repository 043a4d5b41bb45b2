/**
 * Building blocks of the API's JSON schemas. Schemas are plain JSON Schema (draft-07, as Ajv
 * and fast-json-stringify read them); the OpenAPI document is generated from the same objects.
 */

export type JsonSchema = Readonly<Record<string, unknown>>;

/** Exhaustive list of a string union's values: the Record type fails to compile when one is missing. */
export function keysOf<K extends string>(record: Readonly<Record<K, true>>): K[] {
  return Object.keys(record) as K[];
}

export const int: JsonSchema = { type: 'integer' };
export const num: JsonSchema = { type: 'number' };
export const str: JsonSchema = { type: 'string' };
export const bool: JsonSchema = { type: 'boolean' };
export const nullableNum: JsonSchema = { type: ['number', 'null'] };
export const nullableInt: JsonSchema = { type: ['integer', 'null'] };
export const nullableStr: JsonSchema = { type: ['string', 'null'] };
/** Unix milliseconds, UTC. */
export const time: JsonSchema = { type: 'integer', description: 'Unix time in milliseconds (UTC)' };
export const nullableTime: JsonSchema = {
  type: ['integer', 'null'],
  description: 'Unix time in milliseconds (UTC), or null',
};

export function enumOf(values: readonly (string | number)[], description?: string): JsonSchema {
  return description === undefined ? { enum: [...values] } : { enum: [...values], description };
}

export function arrayOf(items: JsonSchema, extra: JsonSchema = {}): JsonSchema {
  return { type: 'array', items, ...extra };
}

/** An object whose listed properties are all required and nothing else is written. */
export function object(properties: Readonly<Record<string, JsonSchema>>, extra: JsonSchema = {}): JsonSchema {
  return {
    type: 'object',
    properties,
    required: Object.keys(properties),
    additionalProperties: false,
    ...extra,
  };
}

/** A string-keyed map of one value schema (e.g. performance per strategy). */
export function mapOf(values: JsonSchema, description?: string): JsonSchema {
  return { type: 'object', additionalProperties: values, ...(description ? { description } : {}) };
}

export function ref(id: string): JsonSchema {
  return { $ref: `${id}#` };
}

export function nullableRef(id: string): JsonSchema {
  return { anyOf: [ref(id), { type: 'null' }] };
}

/** Every error the API answers: `{ error, message, statusCode }`. */
export const ErrorSchema: JsonSchema = {
  $id: 'Error',
  ...object({
    error: { type: 'string', description: 'HTTP reason phrase, e.g. "Bad Request"' },
    message: { type: 'string', description: 'What went wrong, naming the field or resource' },
    statusCode: int,
  }),
};

/** Error responses a public route can give. */
export const publicErrors: Readonly<Record<string, JsonSchema>> = {
  400: ref('Error'),
  404: ref('Error'),
  429: ref('Error'),
  500: ref('Error'),
};

/** Error responses an admin route can give in addition. */
export const adminErrors: Readonly<Record<string, JsonSchema>> = {
  ...publicErrors,
  401: ref('Error'),
  403: ref('Error'),
  409: ref('Error'),
  413: ref('Error'),
  415: ref('Error'),
};

/** An operator action a gateway relays to a worker: 503 when no worker answered in time. */
export const relayErrors: Readonly<Record<string, JsonSchema>> = { 503: ref('Error') };

/** ISO-8601 time or Unix milliseconds in a query string; checked for a real date after the pattern. */
export const timeParam = (what: string): JsonSchema => ({
  type: 'string',
  minLength: 1,
  maxLength: 40,
  pattern:
    '^(\\d{1,16}|\\d{4}-\\d{2}-\\d{2}([T ]\\d{2}:\\d{2}(:\\d{2}(\\.\\d{1,9})?)?)?(Z|[+-]\\d{2}:?\\d{2})?)$',
  description: `${what}: ISO-8601 (2025-05-20, 2025-05-20T12:00:00Z) or Unix milliseconds`,
});

export const symbolPattern = '^[A-Z0-9]{2,20}$';
export const symbolSchema: JsonSchema = {
  type: 'string',
  pattern: symbolPattern,
  description: 'Symbol, upper-case letters and digits, e.g. BTCUSDT',
};
