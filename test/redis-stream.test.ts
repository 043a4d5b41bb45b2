import { afterEach, describe, expect, it } from 'vitest';
import { RedisStreamConsumer } from '../src/adapters/bus/redis-stream-consumer.js';
import { eventStreamKey, RedisStreamPublisher } from '../src/adapters/bus/redis-stream-publisher.js';
import type { BusEvent } from '../src/runtime/bus/event-bus.js';
import { BUS_EVENTS } from '../src/runtime/bus/event-transport.js';
import { hasRedis, redisTestKit } from './support/redis.js';

/** The event stream on the shared Redis (a key prefix of its own per test). */

function candle(symbol: string, i: number): BusEvent {
  const openTime = Date.UTC(2026, 0, 1) + i * 60_000;
  return {
    type: 'candle.closed',
    symbol,
    timeframe: '1m',
    candle: { openTime, open: 1, high: 2, low: 0.5, close: 1.5, volume: 10 },
  };
}

const openTimes = (events: readonly BusEvent[]) =>
  events.map((e) => (e.type === 'candle.closed' ? e.candle.openTime : -1));

describe.skipIf(!hasRedis)('Redis stream bus', () => {
  const { connect, prefix: newPrefix, cleanUp } = redisTestKit();
  afterEach(cleanUp);

  const setUp = async () => {
    const prefix = newPrefix();
    const stream = eventStreamKey(prefix);
    const publisher = new RedisStreamPublisher(await connect(), {
      events: BUS_EVENTS,
      stream,
      dedupPrefix: `${prefix}:dedup:`,
      dedupTtlS: 600,
      maxLen: 10_000,
    });
    const consumer = async (name: string, claimIdleMs = 60_000) =>
      new RedisStreamConsumer<BusEvent>(await connect(), {
        stream,
        group: `gateway:${name}`,
        consumer: name,
        claimIdleMs,
      });
    return { prefix, stream, publisher, consumer };
  };

  /** Starts `c` (its group exists once this resolves); `done` resolves with the first `n` events. */
  const listen = async (
    c: RedisStreamConsumer<BusEvent>,
    n: number,
  ): Promise<{ done: Promise<BusEvent[]> }> => {
    const into: BusEvent[] = [];
    let finish: (events: BusEvent[]) => void = () => {};
    const done = new Promise<BusEvent[]>((resolve) => {
      finish = resolve;
    });
    await c.start((e) => {
      into.push(e);
      if (into.length === n) finish(into);
    });
    return { done };
  };

  it('holds an event offered twice once (dedup key set in the same script as the XADD)', async () => {
    const { publisher, consumer } = await setUp();
    const c = await consumer('g0');
    const got = (await listen(c, 3)).done;
    for (const i of [0, 1, 1, 2, 0]) publisher.publish(candle('BTCUSDT', i));
    await publisher.drained();
    expect(openTimes(await got)).toEqual(
      openTimes([candle('BTCUSDT', 0), candle('BTCUSDT', 1), candle('BTCUSDT', 2)]),
    );
    expect(publisher.health()).toMatchObject({ events: 3, duplicates: 2, pending: 0 });
    await c.close();
  });

  it('every group gets every event; a restarted consumer resumes where it stopped', async () => {
    const { publisher, consumer } = await setUp();
    const a = await consumer('a');
    const b = await consumer('b');
    const gotA = (await listen(a, 5)).done;
    const gotB = (await listen(b, 5)).done;
    for (let i = 0; i < 5; i++) publisher.publish(candle('ETHUSDT', i));
    await publisher.drained();
    expect(openTimes(await gotA)).toEqual(openTimes(await gotB));
    await a.close();
    // published while `a` is away
    for (let i = 5; i < 8; i++) publisher.publish(candle('ETHUSDT', i));
    await publisher.drained();
    const again = await consumer('a');
    const resumed = await (await listen(again, 3)).done;
    expect(openTimes(resumed)).toEqual(openTimes([5, 6, 7].map((i) => candle('ETHUSDT', i))));
    await again.close();
    await b.close();
  });

  it('claims entries another consumer of the group read and never acknowledged, after claimIdleMs', async () => {
    const { stream, publisher, consumer } = await setUp();
    const first = await consumer('g', 60_000);
    await first.start(() => {});
    await first.close();
    for (let i = 0; i < 4; i++) publisher.publish(candle('SOLUSDT', i));
    await publisher.drained();
    // a consumer of the same group reads them and dies before acknowledging
    const raw = await connect();
    await raw.client.xreadgroup('GROUP', 'gateway:g', 'dead', 'COUNT', 10, 'STREAMS', stream, '>');
    const pending = (await raw.client.xpending(stream, 'gateway:g')) as [number, ...unknown[]];
    expect(pending[0]).toBe(4);
    const heir = await consumer('g', 200);
    const claimed = await (await listen(heir, 4)).done;
    expect(openTimes(claimed)).toEqual(openTimes([0, 1, 2, 3].map((i) => candle('SOLUSDT', i))));
    await heir.close();
  });
});
