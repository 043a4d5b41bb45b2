import type { FastifyPluginAsync } from 'fastify';
import { z } from 'zod';
import { TIMEFRAMES, type Timeframe } from '../../core/candles/timeframe.js';
import { type Evaluation, EvaluationError } from '../../core/pipeline/evaluation.js';
import type { RuntimeView } from '../../runtime/live/runtime-view.js';
import { ApiError } from '../errors.js';
import { plainJson } from '../plain-json.js';
import { adminErrors, relayErrors, symbolPattern } from '../schemas/common.js';
import { EvaluationSchema } from '../schemas/operator.js';
import { strictBody } from '../strict-body.js';

const evaluateBody = strictBody(
  z
    .object({
      symbol: z.string().regex(new RegExp(symbolPattern)).describe('A watched symbol, e.g. BTCUSDT'),
      timeframe: z.enum(TIMEFRAMES).describe('One of the configured signal timeframes'),
      publish: z
        .boolean()
        .optional()
        .describe(
          'Make the candidates that pass every filter now into signals, stored and published like any (default false)',
        ),
    })
    .strict(),
);

const STATUS: Readonly<Record<EvaluationError['code'], number>> = {
  not_signal_timeframe: 400,
  unknown_symbol: 404,
  no_closed_candle: 409,
  stale: 409,
};

function view(run: Evaluation, publish: boolean) {
  return plainJson({
    symbol: run.symbol,
    timeframe: run.timeframe,
    candle: run.candle,
    asOf: run.asOf,
    fresh: run.fresh,
    publish,
    candidates: run.candidates.map((k) => {
      const { analysis: _inSignal, ...plan } = k.plan ?? { analysis: null };
      return {
        id: k.id,
        strategy: k.strategy,
        direction: k.direction,
        baseConfidence: k.candidate.baseConfidence,
        reasons: k.candidate.reasons,
        confirmations: k.candidate.confirmations,
        verdict: k.verdict,
        rejection: k.rejection,
        liveStatus: k.liveStatus,
        plan: k.plan ? plan : null,
        signal: k.signal,
        filters: k.filters,
      };
    }),
    created: run.created.map((s) => s.id),
  });
}

/**
 * On-demand evaluation (admin): the strategies of one signal timeframe on the latest closed
 * candle of a watched symbol, now, with everything the engine decided about each candidate.
 */
export const evaluateRoutes: FastifyPluginAsync<{ runtime: RuntimeView }> = async (app, { runtime }) => {
  app.post<{ Body: { symbol: string; timeframe: Timeframe; publish?: boolean } }>(
    '/evaluate',
    {
      onRequest: app.requireAdmin,
      validatorCompiler: evaluateBody.validatorCompiler,
      schema: {
        tags: ['operators'],
        summary: 'Evaluate a symbol and signal timeframe on its latest closed candle now (admin)',
        description:
          'Every candidate of every strategy on that candle with its votes and scores (signal.breakdown, health), risk plan, entry analysis and the verdict of every filter, judged against the state now. Stores and publishes nothing unless publish is true: then the candidates that pass become signals by the normal rules (dedup included), stored and announced like any. Publishing needs a fresh candle (no base candle after it; 409 otherwise). Audited.',
        security: [{ adminKey: [] }],
        body: evaluateBody.json,
        response: { 200: EvaluationSchema, ...adminErrors, ...relayErrors },
      },
    },
    async (request) => {
      const { symbol, timeframe, publish = false } = request.body;
      try {
        const run = await runtime.evaluate(symbol, timeframe, publish, request.adminActor ?? 'unknown');
        request.audited = true;
        return view(run, publish);
      } catch (e) {
        if (e instanceof EvaluationError) throw new ApiError(STATUS[e.code], e.message);
        throw e;
      }
    },
  );
};
