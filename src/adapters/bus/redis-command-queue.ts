import type { RedisConnection } from '../redis/redis-connection.js';
import {
  type CommandReceiver,
  type CommandSender,
  CommandTimeoutError,
  CommandUnavailableError,
} from './command-transport.js';

export interface RedisCommandQueueOptions {
  /** The deployment's key prefix (`redis.keyPrefix`). */
  readonly prefix: string;
  /** How long a command's answer is kept to answer the same command id again (s). */
  readonly doneTtlS?: number;
  readonly now?: () => number;
  readonly log?: (level: 'info' | 'warn', msg: string) => void;
}

/** What a command list entry holds. */
interface Envelope {
  readonly id: string;
  /** Wall-clock time after which the sender no longer waits: the command is dropped unrun. */
  readonly expiresAt: number;
  readonly body: unknown;
}

type Answer = { readonly ok: true; readonly value: unknown } | { readonly ok: false; readonly error: string };

const RUNNING = '"running"';

/** Redis keys of the command queues, under the deployment's prefix. */
export const commandKeys = (prefix: string) => ({
  /** The shard count the workers announce. */
  shards: `${prefix}:cmd:shards`,
  /** The list of commands to the holder of shard `index` of `count`. */
  queue: (count: number, index: number) => `${prefix}:cmd:${count}:${index}`,
  /** The list the answer to command `id` is pushed to. */
  reply: (id: string) => `${prefix}:cmd:reply:${id}`,
  /** The answer kept for command `id` (or RUNNING while it runs). */
  done: (id: string) => `${prefix}:cmd:done:${id}`,
});

function envelopeOf(raw: string): Envelope | null {
  try {
    const v: unknown = JSON.parse(raw);
    if (typeof v !== 'object' || v === null) return null;
    const { id, expiresAt, body } = v as Record<string, unknown>;
    if (typeof id !== 'string' || id.length === 0 || id.length > 200 || typeof expiresAt !== 'number')
      return null;
    return { id, expiresAt, body };
  } catch {
    return null;
  }
}

/**
 * The sending side, on the connection for commands: LPUSH of the command to the shard's list,
 * then BLPOP of its reply list on a connection of its own (a blocking read holds its
 * connection) for at most the bound. When none came, the command is taken back (LREM): if it was
 * still there it never runs; if not, a holder took it and may have run it.
 */
export class RedisCommandSender implements CommandSender {
  private readonly keys: ReturnType<typeof commandKeys>;
  private readonly now: () => number;

  constructor(
    private readonly conn: RedisConnection,
    opts: RedisCommandQueueOptions,
  ) {
    this.keys = commandKeys(opts.prefix);
    this.now = opts.now ?? Date.now;
  }

  async shardCount(): Promise<number | null> {
    this.mustBeUp();
    const v = Number(await this.conn.client.get(this.keys.shards));
    return Number.isInteger(v) && v >= 1 ? v : null;
  }

  async send(shard: number, count: number, id: string, body: unknown, timeoutMs: number): Promise<unknown> {
    this.mustBeUp();
    const queue = this.keys.queue(count, shard);
    const entry = JSON.stringify({ id, expiresAt: this.now() + timeoutMs, body } satisfies Envelope);
    const waiting = this.conn.client.duplicate();
    let pushed = false;
    let got: [string, string] | null;
    try {
      if (waiting.status !== 'ready') await waiting.connect();
      await this.conn.client.lpush(queue, entry);
      pushed = true;
      got = await waiting.blpop(this.keys.reply(id), timeoutMs / 1000);
      if (got === null) {
        const removed = await this.conn.client.lrem(queue, 1, entry);
        throw new CommandTimeoutError(
          removed === 0,
          removed === 0
            ? `the worker of shard ${shard}/${count} took the command but gave no answer within ${timeoutMs} ms: it may have run`
            : `no worker took the command of shard ${shard}/${count} within ${timeoutMs} ms: it was not run`,
        );
      }
    } catch (e) {
      if (e instanceof CommandTimeoutError) throw e;
      // Redis failed under the command: say whether it may be in a list a worker reads
      throw new CommandUnavailableError(
        `Redis failed ${pushed ? 'after the command was queued (it may still run)' : 'before the command was queued (it was not run)'}: ${(e as Error).message}`,
      );
    } finally {
      waiting.disconnect();
    }
    const answer = JSON.parse(got[1]) as Answer;
    if (!answer.ok) throw new Error(`the worker of shard ${shard}/${count} failed: ${answer.error}`);
    return answer.value;
  }

  private mustBeUp(): void {
    if (!this.conn.up) throw new CommandUnavailableError(`Redis is ${this.conn.state()}`);
  }
}

/**
 * The receiving side, on a connection of its own (its reads block): announces the shard count,
 * then BRPOP over the lists of the shards held now (one second at a time, so a shard taken over
 * is read from the next wait on), one command at a time. A command id seen before is answered
 * from its kept answer, not run again; a command past its sender's bound is dropped unrun.
 */
export class RedisCommandReceiver implements CommandReceiver {
  private readonly keys: ReturnType<typeof commandKeys>;
  private readonly now: () => number;
  private readonly doneTtlS: number;
  private closed = false;
  private loop: Promise<void> | null = null;

  constructor(
    private readonly conn: RedisConnection,
    private readonly count: number,
    private readonly opts: RedisCommandQueueOptions,
  ) {
    this.keys = commandKeys(opts.prefix);
    this.now = opts.now ?? Date.now;
    this.doneTtlS = opts.doneTtlS ?? 86_400;
  }

  async start(shards: () => readonly number[], handle: (body: unknown) => Promise<unknown>): Promise<void> {
    if (this.loop) throw new Error('the receiver is already started');
    if (this.conn.up) await this.announce().catch(() => {});
    this.loop = this.run(shards, handle);
  }

  async close(): Promise<void> {
    this.closed = true;
    await this.conn.close();
    await this.loop;
  }

  private announce(): Promise<unknown> {
    return this.conn.client.set(this.keys.shards, String(this.count));
  }

  private async run(
    shards: () => readonly number[],
    handle: (body: unknown) => Promise<unknown>,
  ): Promise<void> {
    let announced = this.conn.up;
    while (!this.closed) {
      try {
        if (!this.conn.up) {
          announced = false;
          await Promise.race([this.conn.whenUp(), sleep(1000)]);
          continue;
        }
        if (!announced) {
          await this.announce();
          announced = true;
        }
        const keys = shards().map((i) => this.keys.queue(this.count, i));
        if (keys.length === 0) {
          await sleep(200);
          continue;
        }
        const got = await this.conn.client.brpop(...keys, 1);
        if (got) await this.answer(got[1], handle);
      } catch (e) {
        if (this.closed) return;
        this.opts.log?.('warn', `operator commands: ${(e as Error).message}`);
        await sleep(200);
      }
    }
  }

  private async answer(raw: string, handle: (body: unknown) => Promise<unknown>): Promise<void> {
    const c = this.conn.client;
    const env = envelopeOf(raw);
    if (!env) {
      this.opts.log?.(
        'warn',
        `operator commands: dropped an entry that is not a command: ${raw.slice(0, 200)}`,
      );
      return;
    }
    if (this.now() > env.expiresAt) {
      this.opts.log?.('warn', `operator commands: dropped command ${env.id}: its sender stopped waiting`);
      return;
    }
    const done = this.keys.done(env.id);
    if ((await c.set(done, RUNNING, 'EX', this.doneTtlS, 'NX')) === null) {
      const kept = await c.get(done);
      if (kept !== null && kept !== RUNNING) await this.reply(env.id, kept);
      return;
    }
    let answer: Answer;
    try {
      answer = { ok: true, value: await handle(env.body) };
    } catch (e) {
      answer = { ok: false, error: (e as Error).message };
    }
    const text = JSON.stringify(answer);
    await c.set(done, text, 'EX', this.doneTtlS);
    await this.reply(env.id, text);
  }

  private async reply(id: string, text: string): Promise<void> {
    const key = this.keys.reply(id);
    await this.conn.client.multi().lpush(key, text).expire(key, 60).exec();
  }
}

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));
