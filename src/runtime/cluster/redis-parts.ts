import type { FastifyRateLimitStoreCtor } from '@fastify/rate-limit';
import { RedisCommandReceiver, RedisCommandSender } from '../../adapters/bus/redis-command-queue.js';
import { RedisStreamConsumer } from '../../adapters/bus/redis-stream-consumer.js';
import { eventStreamKey, RedisStreamPublisher } from '../../adapters/bus/redis-stream-publisher.js';
import { redisRateLimitStore } from '../../adapters/cache/rate-limit-store.js';
import { RedisConnection } from '../../adapters/redis/redis-connection.js';
import type { Config } from '../../config/schema.js';
import type { BusEvent } from '../bus/event-bus.js';
import { BUS_EVENTS } from '../bus/event-transport.js';
import { OperatorCommands } from './operator-commands.js';

type Log = (level: 'info' | 'warn', msg: string) => void;

/** The connection for commands (cache, rate limits, publishing), connected (or retrying in the background). */
export async function connectRedis(config: Config, name: string, log: Log): Promise<RedisConnection | null> {
  const url = config.redis.url;
  if (!url) return null;
  const conn = new RedisConnection(url, { name, log });
  await conn.connect();
  return conn;
}

export function rateLimitStoreOf(
  conn: RedisConnection | null,
  config: Config,
): FastifyRateLimitStoreCtor | undefined {
  return conn ? redisRateLimitStore(conn, `${config.redis.keyPrefix}:ratelimit:`) : undefined;
}

export function streamPublisher(conn: RedisConnection, config: Config): RedisStreamPublisher<BusEvent> {
  return new RedisStreamPublisher(conn, {
    events: BUS_EVENTS,
    stream: eventStreamKey(config.redis.keyPrefix),
    dedupPrefix: `${config.redis.keyPrefix}:dedup:`,
    dedupTtlS: config.redis.dedupTtlS,
    maxLen: config.redis.streamMaxLen,
  });
}

/**
 * A consumer of the event stream on a connection of its own (its reads block), in the consumer
 * group `name`: one group per gateway, so each gets every event, and a gateway restarted under
 * the same name resumes where it stopped.
 */
export async function streamConsumer(
  config: Config,
  name: string,
  log: Log,
): Promise<RedisStreamConsumer<BusEvent>> {
  const url = config.redis.url;
  if (!url) throw new Error('the event stream needs redis.url (REDIS_URL)');
  const conn = new RedisConnection(url, { name: 'event stream (reading)', log });
  await conn.connect();
  return new RedisStreamConsumer<BusEvent>(conn, {
    stream: eventStreamKey(config.redis.keyPrefix),
    group: `gateway:${name}`,
    consumer: name,
    claimIdleMs: config.redis.claimIdleMs,
    log,
  });
}

/** A gateway's relay of operator actions to the workers, on its command connection. */
export function operatorCommands(conn: RedisConnection, config: Config): OperatorCommands {
  return new OperatorCommands(
    new RedisCommandSender(conn, { prefix: config.redis.keyPrefix }),
    config.cluster.commandTimeoutMs,
  );
}

/**
 * A worker's receiver of the operator actions sent to the shards of `count` it holds, on a
 * connection of its own (its reads block; closing the receiver closes it).
 */
export async function commandReceiver(
  config: Config,
  count: number,
  log: Log,
): Promise<RedisCommandReceiver> {
  const url = config.redis.url;
  if (!url) throw new Error('operator commands need redis.url (REDIS_URL)');
  const conn = new RedisConnection(url, { name: 'operator commands (reading)', log });
  await conn.connect();
  return new RedisCommandReceiver(conn, count, { prefix: config.redis.keyPrefix, log });
}
