import { requireRedis } from '../../src/runtime/research/queue-runner.js';

/** Whether a Redis answers PING at `url` within a second (tests skip or fail on the answer). */
export async function redisReachable(url: string): Promise<boolean> {
  return requireRedis(url, 1000).then(
    () => true,
    () => false,
  );
}
