import type { FastifyInstance, FastifySchemaValidationError } from 'fastify';
import { ApiError, errorBody } from '../errors.js';

/** What Ajv adds to each error with `verbose: true`: the value and the schema it failed. */
interface VerboseDetails {
  readonly data?: unknown;
  readonly parentSchema?: { readonly properties?: Readonly<Record<string, unknown>> };
}

function shown(value: unknown): string {
  if (value === undefined || (typeof value === 'object' && value !== null)) return '';
  const text = JSON.stringify(value) ?? String(value);
  return ` (got ${text.length > 60 ? `${text.slice(0, 57)}...` : text})`;
}

/**
 * Ajv's first error as one sentence naming the field: "querystring/limit must be <= 500 (got
 * 1000)", "querystring/foo is not a known parameter; known: ...", "body/symbol is required".
 */
export function validationMessage(context: string, e: FastifySchemaValidationError): string {
  const path = `${context}${e.instancePath}`;
  const details = e as FastifySchemaValidationError & VerboseDetails;
  switch (e.keyword) {
    case 'additionalProperties': {
      const known = Object.keys(details.parentSchema?.properties ?? {});
      const what = context === 'querystring' ? 'parameter' : 'field';
      return `${path}/${String(e.params.additionalProperty)} is not a known ${what}${known.length ? `; known: ${known.join(', ')}` : ''}`;
    }
    case 'required':
      return `${path}/${String(e.params.missingProperty)} is required`;
    case 'enum': {
      const allowed = Array.isArray(e.params.allowedValues) ? e.params.allowedValues.map(String) : [];
      return `${path} must be one of ${allowed.join(', ')}${shown(details.data)}`;
    }
    default:
      return `${path} ${e.message ?? 'is not valid'}${shown(details.data)}`;
  }
}

interface ErrorLike {
  readonly statusCode?: unknown;
  readonly code?: unknown;
  readonly message?: unknown;
  readonly validation?: readonly FastifySchemaValidationError[];
  readonly validationContext?: string;
}

/** The status and client-facing message of anything thrown while handling a request. */
export function classifyError(err: unknown, bodyLimit: number): { statusCode: number; message: string } {
  if (err instanceof ApiError) return { statusCode: err.statusCode, message: err.message };
  const e = (typeof err === 'object' && err !== null ? err : {}) as ErrorLike;
  const first = e.validation?.[0];
  if (first) return { statusCode: 400, message: validationMessage(e.validationContext ?? 'request', first) };
  if (e.code === 'FST_ERR_CTP_BODY_TOO_LARGE') {
    return { statusCode: 413, message: `request body is larger than the limit of ${bodyLimit} bytes` };
  }
  const status = typeof e.statusCode === 'number' ? e.statusCode : 500;
  if (status >= 400 && status < 500 && typeof e.message === 'string') {
    return { statusCode: status, message: e.message };
  }
  return { statusCode: 500, message: '' };
}

/**
 * Every error leaves as JSON `{ error, message, statusCode }`. Client errors name the problem;
 * server errors say nothing about internals: the request id in the message finds the details
 * in the log.
 */
export function registerErrorHandling(app: FastifyInstance, opts: { readonly bodyLimit: number }): void {
  app.setErrorHandler((err, request, reply) => {
    const { statusCode, message } = classifyError(err, opts.bodyLimit);
    if (statusCode >= 500) {
      request.log.error({ err }, 'request failed');
      return reply
        .status(statusCode)
        .send(
          errorBody(statusCode, `internal error (request ${request.id}); the details are in the server log`),
        );
    }
    // refused credentials matter to an operator; other client errors (and 429 floods) only when debugging
    if (statusCode === 401 || statusCode === 403)
      request.log.warn({ statusCode, reason: message }, 'admin request refused');
    else request.log.debug({ statusCode, reason: message }, 'request refused');
    return reply.status(statusCode).send(errorBody(statusCode, message));
  });

  app.setNotFoundHandler((request, reply) => {
    const path = request.url.split('?')[0] ?? '';
    reply
      .status(404)
      .send(
        errorBody(404, `no route ${request.method} ${path.length > 200 ? `${path.slice(0, 200)}...` : path}`),
      );
  });
}
