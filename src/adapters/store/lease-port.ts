/**
 * Ownership of shards between worker processes: at most one holder per shard at a time, and a
 * holder that dies loses its shards without anyone's help (its session ends, or its lease is
 * not renewed), so another worker can take them within a bounded time.
 */
export interface ShardLeases {
  /** Takes shard `index` when nobody holds it; true when this process holds it now. */
  tryAcquire(index: number): Promise<boolean>;
  release(index: number): Promise<void>;
  held(): readonly number[];
  /** Told when held leases were lost (the connection behind them broke): stop running those shards. */
  onLost(listener: (indexes: readonly number[]) => void): void;
  /** For /ready: where the leases live and whether they can be taken now. */
  describe(): { readonly ok: boolean; readonly detail: string };
  close(): Promise<void>;
}
