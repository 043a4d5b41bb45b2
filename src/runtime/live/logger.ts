import pino, { type DestinationStream, type Logger } from 'pino';
import pretty from 'pino-pretty';
import type { Config } from '../../config/schema.js';

/**
 * The service's logger from `log`: JSON lines (pino) on stdout, or, with `log.pretty`, the same
 * records made readable by pino-pretty in this process (a worker-thread transport would need the
 * package resolvable from pino's folder and loses lines on a hard exit). `dest` replaces stdout
 * (tests).
 */
export function createLogger(log: Config['log'], dest?: DestinationStream | NodeJS.WritableStream): Logger {
  const options = { level: log.level };
  if (log.pretty) {
    const target = dest ?? process.stdout;
    return pino(
      options,
      pretty({
        destination: target,
        colorize: dest === undefined && process.stdout.isTTY === true,
        translateTime: 'SYS:yyyy-mm-dd HH:MM:ss.l',
        ignore: 'pid,hostname',
        sync: true,
      }),
    );
  }
  return pino(options, dest ?? pino.destination({ dest: 1, sync: false }));
}
