import type { RedisConnection } from '../redis/redis-connection.js';
import type { EventConsumer, TransportHealth } from './event-transport.js';

export interface RedisStreamConsumerOptions {
  readonly stream: string;
  /** The consumer group: one per gateway, so every gateway gets every event. */
  readonly group: string;
  /** This consumer's name in its group (stable across restarts, so it resumes its own pending entries). */
  readonly consumer: string;
  /** Entries pending this long at another consumer of the group are claimed. */
  readonly claimIdleMs: number;
  /** Event keys remembered to drop an event that arrives twice. */
  readonly rememberKeys?: number;
  readonly log?: (level: 'info' | 'warn', msg: string) => void;
}

type Entry = readonly [id: string, fields: readonly string[]];

/** The entries of the one stream in an XREADGROUP reply (null: none). */
function entriesOf(reply: unknown): Entry[] {
  if (!Array.isArray(reply) || reply.length === 0) return [];
  const first: unknown = reply[0];
  if (!Array.isArray(first) || !Array.isArray(first[1])) return [];
  return entryList(first[1]);
}

function entryList(list: readonly unknown[]): Entry[] {
  const out: Entry[] = [];
  for (const e of list) {
    // XAUTOCLAIM lists deleted entries as null
    if (!Array.isArray(e) || typeof e[0] !== 'string' || !Array.isArray(e[1])) continue;
    out.push([e[0], e[1].map(String)]);
  }
  return out;
}

function field(fields: readonly string[], name: string): string | undefined {
  for (let i = 0; i + 1 < fields.length; i += 2) if (fields[i] === name) return fields[i + 1];
  return undefined;
}

/**
 * Reads the event stream through a consumer group: a restarted consumer first takes back its
 * own pending entries (read, not acknowledged), entries another consumer of the group left
 * pending past `claimIdleMs` are claimed (XAUTOCLAIM), then new entries follow (XREADGROUP
 * BLOCK). An entry is acknowledged after its event was handed on. Keys already handed on are
 * remembered, so an event that comes twice (claimed, or published again) is handed on once.
 * When Redis goes away the loop waits for it; when it comes back without the group (a Redis
 * that lost its data), the group is made again from the start of what the stream holds now.
 * The events are the JSON a `RedisStreamPublisher<E>` of the same stream wrote.
 */
export class RedisStreamConsumer<E> implements EventConsumer<E> {
  private onEvent: ((event: E) => void) | null = null;
  private closed = false;
  private grouped = false;
  /** Where a group made after a loss starts: everything the (new) stream holds. */
  private createFrom = '$';
  private lastClaim = 0;
  private delivered = 0;
  private duplicates = 0;
  private lastError: string | null = null;
  private readonly seen = new Set<string>();
  private readonly remember: number;
  private loop: Promise<void> | null = null;

  constructor(
    private readonly conn: RedisConnection,
    private readonly opts: RedisStreamConsumerOptions,
  ) {
    this.remember = opts.rememberKeys ?? 200_000;
  }

  async start(onEvent: (event: E) => void): Promise<void> {
    if (this.loop) throw new Error('the consumer is already started');
    this.onEvent = onEvent;
    // the first group is made before start resolves, so nothing published after it is missed
    if (this.conn.up) await this.ensureGroup().catch(() => {});
    this.loop = this.run();
  }

  health(): TransportHealth {
    const ok = this.conn.up && this.grouped && this.lastError === null;
    return {
      kind: 'redis-stream',
      ok,
      detail: ok
        ? `reading ${this.opts.stream} as ${this.opts.group}/${this.opts.consumer}`
        : `Redis stream not readable (${this.lastError ?? this.conn.health().lastError ?? this.conn.state()}); resumes where it stopped when Redis is back`,
      pending: 0,
      events: this.delivered,
      duplicates: this.duplicates,
    };
  }

  async close(): Promise<void> {
    this.closed = true;
    await this.conn.close();
    await this.loop?.catch(() => {});
  }

  private async run(): Promise<void> {
    while (!this.closed) {
      try {
        if (!this.conn.up) {
          await this.conn.whenUp();
          continue;
        }
        if (!this.grouped) await this.ensureGroup();
        const now = Date.now();
        if (now - this.lastClaim >= this.opts.claimIdleMs / 2) {
          this.lastClaim = now;
          await this.claim();
        }
        const reply = await this.conn.client.xreadgroup(
          'GROUP',
          this.opts.group,
          this.opts.consumer,
          'COUNT',
          500,
          'BLOCK',
          1000,
          'STREAMS',
          this.opts.stream,
          '>',
        );
        await this.handle(entriesOf(reply));
        this.lastError = null;
      } catch (e) {
        if (this.closed) return;
        const msg = (e as Error).message;
        if (/NOGROUP/.test(msg)) {
          this.opts.log?.(
            'warn',
            `the consumer group ${this.opts.group} is gone (Redis lost its data?); made again`,
          );
          this.grouped = false;
          this.createFrom = '0';
          continue;
        }
        this.lastError = msg;
        await new Promise((r) => setTimeout(r, 200));
      }
    }
  }

  /** Makes the group when missing, then hands on this consumer's own pending entries. */
  private async ensureGroup(): Promise<void> {
    try {
      await this.conn.client.xgroup('CREATE', this.opts.stream, this.opts.group, this.createFrom, 'MKSTREAM');
    } catch (e) {
      if (!/BUSYGROUP/.test((e as Error).message)) throw e;
    }
    this.grouped = true;
    for (;;) {
      const reply = await this.conn.client.xreadgroup(
        'GROUP',
        this.opts.group,
        this.opts.consumer,
        'COUNT',
        500,
        'STREAMS',
        this.opts.stream,
        '0',
      );
      const entries = entriesOf(reply);
      if (entries.length === 0) return;
      await this.handle(entries);
    }
  }

  /** Claims what other consumers of the group read and did not acknowledge in time. */
  private async claim(): Promise<void> {
    let cursor = '0-0';
    do {
      const reply: unknown = await this.conn.client.xautoclaim(
        this.opts.stream,
        this.opts.group,
        this.opts.consumer,
        this.opts.claimIdleMs,
        cursor,
        'COUNT',
        500,
      );
      if (!Array.isArray(reply) || typeof reply[0] !== 'string' || !Array.isArray(reply[1])) return;
      cursor = reply[0];
      const entries = entryList(reply[1]);
      if (entries.length > 0) {
        this.opts.log?.('info', `claimed ${entries.length} entries left pending by another consumer`);
        await this.handle(entries);
      }
    } while (cursor !== '0-0');
  }

  private async handle(entries: readonly Entry[]): Promise<void> {
    if (entries.length === 0) return;
    for (const [, fields] of entries) {
      const key = field(fields, 'k');
      const json = field(fields, 'e');
      if (key === undefined || json === undefined) continue;
      if (this.seen.has(key)) {
        this.duplicates++;
        continue;
      }
      this.rememberKey(key);
      this.delivered++;
      this.onEvent?.(JSON.parse(json) as E);
    }
    await this.conn.client.xack(this.opts.stream, this.opts.group, ...entries.map(([id]) => id));
  }

  private rememberKey(key: string): void {
    this.seen.add(key);
    if (this.seen.size > this.remember) {
      const oldest = this.seen.values().next();
      if (!oldest.done) this.seen.delete(oldest.value);
    }
  }
}
