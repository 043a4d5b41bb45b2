/** Shard i of n (0 <= i < n), as `--shard i/n` names it. */
export interface ShardSpec {
  readonly index: number;
  readonly count: number;
}

/** Parses `i/n`; throws naming the value when it is not one. */
export function parseShard(text: string): ShardSpec {
  const m = /^(\d{1,4})\/(\d{1,4})$/.exec(text.trim());
  const index = m ? Number(m[1]) : Number.NaN;
  const count = m ? Number(m[2]) : Number.NaN;
  if (!(count >= 1 && index >= 0 && index < count)) {
    throw new RangeError(`--shard "${text}" is not i/n with 0 <= i < n (e.g. 0/2 and 1/2 for two workers)`);
  }
  return { index, count };
}

/**
 * The shard a symbol belongs to among `count`: FNV-1a of its name, so every process, in every
 * language and run, puts a symbol in the same shard without asking anyone.
 */
export function shardOf(symbol: string, count: number): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < symbol.length; i++) {
    h ^= symbol.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h % count;
}

/** The symbols of `symbols` that shard `index` of `count` owns, in their order. */
export function symbolsOfShard(symbols: readonly string[], index: number, count: number): string[] {
  return symbols.filter((s) => shardOf(s, count) === index);
}
