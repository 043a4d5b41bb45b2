import { afterEach, describe, expect, it } from 'vitest';
import { CommandTimeoutError } from '../src/adapters/bus/command-transport.js';
import { RedisCommandReceiver, RedisCommandSender } from '../src/adapters/bus/redis-command-queue.js';
import { hasRedis, redisTestKit } from './support/redis.js';

/** Operator commands from gateways to the holder of a shard, on the shared Redis (a prefix per test). */
describe.skipIf(!hasRedis)('Redis command queue', () => {
  const { connect, prefix: newPrefix, cleanUp } = redisTestKit();
  const receivers: RedisCommandReceiver[] = [];
  afterEach(async () => {
    for (const r of receivers.splice(0)) await r.close();
    await cleanUp();
  });

  /** A `slow` command's handler waits until the test calls `release` (no race against a clock). */
  let release: () => void = () => {};
  const setUp = async () => {
    const prefix = newPrefix();
    const sender = new RedisCommandSender(await connect(), { prefix });
    const receiver = async (count: number, shards: () => readonly number[], seen: unknown[]) => {
      const r = new RedisCommandReceiver(await connect(), count, { prefix });
      receivers.push(r);
      await r.start(shards, async (body) => {
        seen.push(body);
        if ((body as { fail?: boolean }).fail) throw new Error('the handler failed');
        if ((body as { slow?: boolean }).slow)
          await new Promise<void>((r) => {
            release = r;
          });
        return { echo: body, by: shards() };
      });
      return r;
    };
    return { sender, receiver };
  };

  it('delivers a command to the holder of its shard only and returns its answer', async () => {
    const { sender, receiver } = await setUp();
    const a: unknown[] = [];
    const b: unknown[] = [];
    await receiver(2, () => [0], a);
    await receiver(2, () => [1], b);
    expect(await sender.shardCount()).toBe(2);
    expect(await sender.send(1, 2, 'c1', { n: 1 }, 5000)).toEqual({ echo: { n: 1 }, by: [1] });
    expect(await sender.send(0, 2, 'c2', { n: 2 }, 5000)).toEqual({ echo: { n: 2 }, by: [0] });
    expect(a).toEqual([{ n: 2 }]);
    expect(b).toEqual([{ n: 1 }]);
  });

  it('answers a command id seen before from its first answer, without running it again', async () => {
    const { sender, receiver } = await setUp();
    const seen: unknown[] = [];
    await receiver(1, () => [0], seen);
    const first = await sender.send(0, 1, 'same', { n: 1 }, 5000);
    const again = await sender.send(0, 1, 'same', { n: 2 }, 5000);
    expect(again).toEqual(first);
    expect(seen).toEqual([{ n: 1 }]);
  });

  it('fails with a clear error when no holder takes the command, and the command never runs later', async () => {
    const { sender, receiver } = await setUp();
    const seen: unknown[] = [];
    let held: readonly number[] = [];
    await receiver(2, () => held, seen);
    const t0 = Date.now();
    const e = await sender.send(1, 2, 'late', { n: 1 }, 400).catch((x: unknown) => x);
    // bounded (a generous margin for a loaded machine): the sender gives up instead of waiting on
    expect(Date.now() - t0).toBeLessThan(10_000);
    expect(e).toBeInstanceOf(CommandTimeoutError);
    expect((e as CommandTimeoutError).taken).toBe(false);
    expect((e as Error).message).toMatch(
      /no worker took the command of shard 1\/2 within 400 ms: it was not run/,
    );
    // a worker taking the shard over now reads its list: the command taken back is not there
    held = [1];
    expect(await sender.send(1, 2, 'next', { n: 2 }, 5000)).toEqual({ echo: { n: 2 }, by: [1] });
    expect(seen).toEqual([{ n: 2 }]);
  });

  it('says when a holder took the command but did not answer in time; the same id asked again gets the first answer', async () => {
    const { sender, receiver } = await setUp();
    const seen: unknown[] = [];
    await receiver(1, () => [0], seen);
    // 1.5 s for the worker to take it (at once on an idle machine); it then waits for `release`
    const e = await sender.send(0, 1, 'slow', { slow: true }, 1500).catch((x: unknown) => x);
    expect(e).toBeInstanceOf(CommandTimeoutError);
    expect((e as CommandTimeoutError).taken).toBe(true);
    expect((e as Error).message).toMatch(
      /took the command but gave no answer within 1500 ms: it may have run/,
    );
    release();
    expect(await sender.send(0, 1, 'slow', { slow: true }, 5000)).toEqual({ echo: { slow: true }, by: [0] });
    expect(seen).toHaveLength(1);
  });

  it('reports a handler that failed, and no holder announced', async () => {
    const { sender, receiver } = await setUp();
    const lone = new RedisCommandSender(await connect(), { prefix: newPrefix() });
    expect(await lone.shardCount()).toBeNull();
    await receiver(1, () => [0], []);
    await expect(sender.send(0, 1, 'f', { fail: true }, 5000)).rejects.toThrow(/failed: the handler failed/);
  });
});
