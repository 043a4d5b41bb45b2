import type { FastifyInstance, FastifyRequest, FastifySchemaValidationError } from 'fastify';
import { WorkerUnavailableError } from '../../runtime/cluster/operator-commands.js';
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
  // a gateway relayed an operator action and no worker answered: 503, saying what happened
  if (err instanceof WorkerUnavailableError) return { statusCode: 503, message: err.message };
  const e = (typeof err === 'object' && err !== null ? err : {}) as ErrorLike;
  const first = e.validation?.[0];
  if (first) return { statusCode: 400, message: validationMessage(e.validationContext ?? 'request', first) };
  if (e.code === 'FST_ERR_CTP_BODY_TOO_LARGE') {
    return { statusCode: 413, message: `request body is larger than the limit of ${bodyLimit} bytes` };
  }
  if (e.code === 'FST_ERR_CTP_INVALID_MEDIA_TYPE') {
    return {
      statusCode: 415,
      message: 'request body must be JSON: send it with Content-Type: application/json',
    };
  }
  const status = typeof e.statusCode === 'number' ? e.statusCode : 500;
  if (status >= 400 && status < 500 && typeof e.message === 'string') {
    return { statusCode: status, message: e.message };
  }
  return { statusCode: 500, message: '' };
}

/** Fastify's own refusals before routing (frameworkErrors), in the API's words and shape. */
export function frameworkError(err: unknown): { statusCode: number; message: string } {
  const e = (typeof err === 'object' && err !== null ? err : {}) as ErrorLike;
  if (e.code === 'FST_ERR_MAX_PARAM_LENGTH')
    return {
      statusCode: 414,
      message: 'a path parameter (such as a signal id) is longer than 200 characters; no id is that long',
    };
  if (e.code === 'FST_ERR_BAD_URL')
    return { statusCode: 400, message: 'the URL path is not valid: a part of it is badly percent-encoded' };
  const status =
    typeof e.statusCode === 'number' && e.statusCode >= 400 && e.statusCode < 500 ? e.statusCode : 400;
  return { statusCode: status, message: typeof e.message === 'string' ? e.message : 'bad request' };
}

/** What a log line says of a request: never its query string (a subscriber key may ride there) nor its headers. */
function requestFacts(request: FastifyRequest): { method: string; path: string; ip: string } {
  const path = request.url.split('?')[0] ?? '';
  return {
    method: request.method,
    path: path.length > 200 ? `${path.slice(0, 200)}...` : path,
    ip: request.ip,
  };
}

/**
 * Every error leaves as JSON `{ error, message, statusCode }`. Client errors name the problem;
 * server errors say nothing about internals: the request id in the message finds the details
 * in the log.
 */
export function registerErrorHandling(app: FastifyInstance, opts: { readonly bodyLimit: number }): void {
  app.setErrorHandler((err, request, reply) => {
    const { statusCode, message } = classifyError(err, opts.bodyLimit);
    // an ApiError of 5xx (503: full) says what it means; anything else is an internal failure
    if (statusCode >= 500 && !(err instanceof ApiError || err instanceof WorkerUnavailableError)) {
      request.log.error({ ...requestFacts(request), statusCode, err }, 'request failed');
      return reply
        .status(statusCode)
        .send(
          errorBody(statusCode, `internal error (request ${request.id}); the details are in the server log`),
        );
    }
    // refused credentials matter to an operator; other client errors (and 429 floods) only when debugging
    if (statusCode === 401 || statusCode === 403)
      request.log.warn(
        { ...requestFacts(request), statusCode, reason: message },
        'request refused: credentials',
      );
    else request.log.debug({ ...requestFacts(request), statusCode, reason: message }, 'request refused');
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
