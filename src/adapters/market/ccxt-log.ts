/** What the exchange source tells people: levels, and the texts its log lines are built from. */

export type LogLevel = 'debug' | 'info' | 'warn' | 'error';

export type LogFn = (level: LogLevel, msg: string) => void;

export function defaultLog(level: LogLevel, msg: string): void {
  if (level === 'warn' || level === 'error') process.stderr.write(`[${level}] ${msg}\n`);
}

/** One line for logs: ccxt errors sometimes carry a whole response body. */
export function errorLine(e: unknown): string {
  const msg = e instanceof Error ? e.message : String(e);
  const line = msg.split('\n')[0].trim();
  return line.length > 300 ? `${line.slice(0, 297)}...` : line;
}

export function iso(t: number): string {
  const d = new Date(t);
  return Number.isNaN(d.getTime()) ? String(t) : d.toISOString();
}

export function seconds(ms: number): string {
  return ms % 1000 === 0 ? `${ms / 1000} s` : `${ms} ms`;
}
