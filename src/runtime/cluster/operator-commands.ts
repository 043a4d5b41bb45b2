import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import {
  type CommandSender,
  CommandTimeoutError,
  CommandUnavailableError,
} from '../../adapters/bus/command-transport.js';
import { TIMEFRAMES, type Timeframe } from '../../core/candles/timeframe.js';
import {
  type Evaluation,
  EvaluationError,
  type EvaluationErrorCode,
  type SignalControlResult,
} from '../../core/pipeline/evaluation.js';
import type { RuntimeView } from '../live/runtime-view.js';
import { shardOf } from './shard.js';

/**
 * Operator actions a gateway relays to the worker that runs the symbol (through a
 * CommandSender), and how that worker runs them: through the shard's runtime, as a process of
 * `--role all` does, so the audit record (with the operator as actor) is the runtime's own.
 */

const actor = z.string().min(1).max(200);
const symbol = z.string().min(1).max(64);
const control = { symbol, id: z.string().min(1).max(200), reason: z.string().max(500), actor };
const OperatorCommand = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('close'), ...control }),
  z.object({ kind: z.literal('cancel'), ...control }),
  z.object({
    kind: z.literal('evaluate'),
    symbol,
    timeframe: z.enum(TIMEFRAMES),
    publish: z.boolean(),
    actor,
  }),
]);
export type OperatorCommand = z.infer<typeof OperatorCommand>;

/** A worker's answer: what the runtime returned, or the EvaluationError it gave. */
export type OperatorAnswer =
  | { readonly kind: 'control'; readonly result: SignalControlResult }
  | { readonly kind: 'evaluation'; readonly result: Evaluation }
  | { readonly kind: 'evaluation_error'; readonly code: EvaluationErrorCode; readonly message: string };

/** A relayed action that no worker answered in time, or could not be sent (HTTP 503). */
export class WorkerUnavailableError extends Error {
  readonly statusCode = 503;
  constructor(message: string) {
    super(message);
    this.name = 'WorkerUnavailableError';
  }
}

/**
 * The worker's side: runs a command through the runtime that follows its symbol (`runtimeOf`,
 * null when none of this worker's started runtimes does).
 */
export function operatorCommandHandler(
  runtimeOf: (symbol: string) => RuntimeView | null,
): (body: unknown) => Promise<OperatorAnswer> {
  return async (body) => {
    const parsed = OperatorCommand.safeParse(body);
    if (!parsed.success) throw new Error(`not an operator command: ${parsed.error.message}`);
    const c = parsed.data;
    const runtime = runtimeOf(c.symbol);
    if (c.kind === 'evaluate') {
      try {
        if (!runtime) {
          throw new EvaluationError(
            'unknown_symbol',
            `${c.symbol} is not watched by the worker of its shard`,
          );
        }
        return {
          kind: 'evaluation',
          result: await runtime.evaluate(c.symbol, c.timeframe, c.publish, c.actor),
        };
      } catch (e) {
        if (e instanceof EvaluationError)
          return { kind: 'evaluation_error', code: e.code, message: e.message };
        throw e;
      }
    }
    if (!runtime) return { kind: 'control', result: { ok: false, code: 'not_live' } };
    const result =
      c.kind === 'close'
        ? await runtime.closeSignal(c.id, c.reason, c.actor)
        : await runtime.cancelSignal(c.id, c.reason, c.actor);
    return { kind: 'control', result };
  };
}

/**
 * The gateway's side: sends a command to the shard of its symbol (FNV-1a of the symbol modulo
 * the shard count the workers announced, as the workers split them) under a fresh command id,
 * and turns the answer back into what the runtime of `--role all` returns or throws.
 */
export class OperatorCommands {
  constructor(
    private readonly sender: CommandSender,
    private readonly timeoutMs: number,
    private readonly newId: () => string = randomUUID,
  ) {}

  async control(
    kind: 'close' | 'cancel',
    symbol: string,
    id: string,
    reason: string,
    actor: string,
  ): Promise<SignalControlResult> {
    const a = await this.send({ kind, symbol, id, reason, actor });
    if (a.kind !== 'control') throw new Error(`the worker answered a ${kind} with ${a.kind}`);
    return a.result;
  }

  async evaluate(symbol: string, timeframe: Timeframe, publish: boolean, actor: string): Promise<Evaluation> {
    const a = await this.send({ kind: 'evaluate', symbol, timeframe, publish, actor });
    if (a.kind === 'evaluation_error') throw new EvaluationError(a.code, a.message);
    if (a.kind !== 'evaluation') throw new Error(`the worker answered an evaluation with ${a.kind}`);
    return a.result;
  }

  private async send(command: OperatorCommand): Promise<OperatorAnswer> {
    const what =
      command.kind === 'evaluate' ? `evaluating ${command.symbol}` : `${command.kind} of ${command.id}`;
    try {
      const count = await this.sender.shardCount();
      if (count === null) {
        throw new WorkerUnavailableError(
          `${what}: no worker has announced itself in Redis; is any worker (serve --role worker) running?`,
        );
      }
      return (await this.sender.send(
        shardOf(command.symbol, count),
        count,
        this.newId(),
        command,
        this.timeoutMs,
      )) as OperatorAnswer;
    } catch (e) {
      if (e instanceof WorkerUnavailableError) throw e;
      if (e instanceof CommandTimeoutError) {
        throw new WorkerUnavailableError(
          `${what}: ${e.message}${e.taken ? ' (look at the signal and GET /api/v1/audit before trying again)' : '; try again once the worker runs'}`,
        );
      }
      if (e instanceof CommandUnavailableError) {
        throw new WorkerUnavailableError(`${what}: cannot reach the workers: ${e.message}`);
      }
      throw e;
    }
  }
}
