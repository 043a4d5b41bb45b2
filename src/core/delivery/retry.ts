/**
 * When a failed delivery is tried again: about 10 s, 1 min, 5 min, 30 min, 2 h, 6 h after the
 * failures in turn, then every 6 h, each delay spread by ±`jitter` so that receivers that come
 * back do not get every retry at once; a retry that would fall after the window (counted from
 * the delivery's creation) is not made and the delivery is dead-lettered.
 */
export const RETRY_SCHEDULE_MS: readonly number[] = [
  10_000, 60_000, 300_000, 1_800_000, 7_200_000, 21_600_000,
];

export const DEFAULT_JITTER = 0.2;

/** The delay after the `failures`-th failure (1 = the first); `random` in [0, 1). */
export function retryDelayMs(failures: number, random: number, jitter = DEFAULT_JITTER): number {
  if (!(failures >= 1)) throw new RangeError(`failures must be >= 1, got ${failures}`);
  const base = RETRY_SCHEDULE_MS[Math.min(failures, RETRY_SCHEDULE_MS.length) - 1];
  return Math.round(base * (1 - jitter + 2 * jitter * random));
}

/**
 * The next attempt after a failure at `now`, or null when it would fall after
 * `createdAt + windowMs`: the delivery is then dead.
 */
export function nextAttemptAt(
  createdAt: number,
  failures: number,
  now: number,
  random: number,
  windowMs: number,
  jitter = DEFAULT_JITTER,
): number | null {
  const at = now + retryDelayMs(failures, random, jitter);
  return at <= createdAt + windowMs ? at : null;
}
