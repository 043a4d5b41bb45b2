import { describe, expect, it } from 'vitest';
import { ApiError, calendarProblem, parseTimeParam } from './errors.js';

describe('parseTimeParam', () => {
  it('refuses a date the calendar does not have instead of rolling it over', () => {
    expect(calendarProblem('2025-02-30')).toBe('2025-02 has 28 days, so day 30 does not exist');
    expect(calendarProblem('2024-02-29')).toBeNull();
    expect(calendarProblem('2025-00-10')).toBe('month 00 does not exist');
    expect(calendarProblem('2025-06-01T23:60')).toBe('minute 60 does not exist (00 to 59)');
    expect(() => parseTimeParam('2025-02-30', 'querystring/since')).toThrow(
      'querystring/since "2025-02-30" is not a real time: 2025-02 has 28 days, so day 30 does not exist',
    );
    expect(() => parseTimeParam('2025-02-30', 'querystring/since')).toThrow(ApiError);
  });

  it('still reads real dates, zoned or not, and Unix milliseconds', () => {
    expect(parseTimeParam('2024-02-29', 'x')).toBe(Date.UTC(2024, 1, 29));
    expect(parseTimeParam('2025-05-20T12:00:00', 'x')).toBe(Date.UTC(2025, 4, 20, 12));
    expect(parseTimeParam('2025-05-20T12:00:00+02:00', 'x')).toBe(Date.UTC(2025, 4, 20, 10));
    expect(parseTimeParam('1700000000000', 'x')).toBe(1_700_000_000_000);
  });
});
