/**
 * The port of a transport that carries commands to the process holding a shard and brings its
 * answer back (e.g. the Redis lists of ./redis-command-queue.ts). It carries JSON values and
 * knows nothing of what they mean: the runtime supplies the commands and reads the answers.
 */

/** Sends a command to whoever holds shard `shard` and waits for the answer. */
export interface CommandSender {
  /**
   * The shard count the holders announced (all of them agree), or null while none has: the
   * sender routes by it.
   */
  shardCount(): Promise<number | null>;
  /**
   * Sends `body` under the command id `id` to the holder of shard `shard` of `count`; resolves
   * with its answer,
   * rejects with a CommandTimeoutError when none came within `timeoutMs`, or with a
   * CommandUnavailableError when the transport cannot take the command now.
   */
  send(shard: number, count: number, id: string, body: unknown, timeoutMs: number): Promise<unknown>;
}

/** Takes the commands of the shards a process holds and answers them. */
export interface CommandReceiver {
  /** Announces the shard count, then answers the commands of `shards()` (asked anew each wait). */
  start(shards: () => readonly number[], handle: (body: unknown) => Promise<unknown>): Promise<void>;
  close(): Promise<void>;
}

/** No answer within the bound. `taken`: a holder took the command (it may have run). */
export class CommandTimeoutError extends Error {
  constructor(
    readonly taken: boolean,
    message: string,
  ) {
    super(message);
    this.name = 'CommandTimeoutError';
  }
}

/** The transport cannot carry a command now (unreachable, or no holder announced itself). */
export class CommandUnavailableError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'CommandUnavailableError';
  }
}
