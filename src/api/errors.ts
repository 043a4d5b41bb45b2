import { STATUS_CODES } from 'node:http';

/**
 * An error meant for the API client: its message is sent as is, so it must name the problem
 * (the field, the id) and never carry internals. Anything else thrown in a handler becomes a
 * generic 500 with the details only in the log.
 */
export class ApiError extends Error {
  constructor(
    readonly statusCode: number,
    message: string,
  ) {
    super(message);
    this.name = 'ApiError';
  }
}

export const badRequest = (message: string) => new ApiError(400, message);
export const notFound = (message: string) => new ApiError(404, message);

export interface ErrorBody {
  readonly error: string;
  readonly message: string;
  readonly statusCode: number;
}

export function errorBody(statusCode: number, message: string): ErrorBody {
  return { error: STATUS_CODES[statusCode] ?? 'Error', message, statusCode };
}

/**
 * A time given in a query string as ISO-8601 or Unix milliseconds. A date-time without a zone
 * is read as UTC, so the answer does not depend on the server's time zone.
 */
export function parseTimeParam(value: string | undefined, field: string): number | undefined {
  if (value === undefined) return undefined;
  let t: number;
  if (/^\d+$/.test(value)) t = Number(value);
  else {
    const wrong = calendarProblem(value);
    if (wrong) throw badRequest(`${field} "${value}" is not a real time: ${wrong}`);
    const zoned =
      /T|\s/.test(value) && !/(Z|[+-]\d{2}:?\d{2})$/.test(value) ? `${value.replace(' ', 'T')}Z` : value;
    t = Date.parse(zoned);
  }
  if (!Number.isSafeInteger(t)) {
    throw badRequest(
      `${field} "${value}" is not a time; use ISO-8601 like 2025-05-20T12:00:00Z or Unix milliseconds`,
    );
  }
  return t;
}

/**
 * Date.parse rolls an impossible date over (2025-02-30 becomes 2 March): the parts of an
 * ISO-8601 date-time are checked against the calendar first. Null when they are fine.
 */
export function calendarProblem(value: string): string | null {
  const m = /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2}))?)?/.exec(value);
  if (!m) return null;
  const [year, month, day] = [Number(m[1]), Number(m[2]), Number(m[3])];
  if (month < 1 || month > 12) return `month ${m[2]} does not exist`;
  const days = new Date(Date.UTC(year, month, 0)).getUTCDate();
  if (day < 1 || day > days) return `${m[1]}-${m[2]} has ${days} days, so day ${m[3]} does not exist`;
  if (m[4] !== undefined && Number(m[4]) > 23) return `hour ${m[4]} does not exist (00 to 23)`;
  if (m[5] !== undefined && Number(m[5]) > 59) return `minute ${m[5]} does not exist (00 to 59)`;
  if (m[6] !== undefined && Number(m[6]) > 59) return `second ${m[6]} does not exist (00 to 59)`;
  return null;
}

/** since < until when both are given. */
export function checkRange(
  since: number | undefined,
  until: number | undefined,
  names: readonly [string, string],
): void {
  if (since !== undefined && until !== undefined && until <= since) {
    throw badRequest(`${names[1]} must be after ${names[0]}`);
  }
}
