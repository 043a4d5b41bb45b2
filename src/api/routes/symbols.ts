import type { FastifyPluginAsync } from 'fastify';
import { z } from 'zod';
import { SymbolUnavailableError } from '../../runtime/live/live-runtime.js';
import type { RuntimeView } from '../../runtime/live/runtime-view.js';
import { ApiError, notFound } from '../errors.js';
import { adminErrors, publicErrors, symbolPattern, symbolSchema } from '../schemas/common.js';
import { SymbolChangeSchema, SymbolsSchema } from '../schemas/status.js';
import { strictBody } from '../strict-body.js';

const addSymbolBody = strictBody(
  z
    .object({
      symbol: z
        .string()
        .regex(new RegExp(symbolPattern))
        .describe('Symbol, upper-case letters and digits, e.g. SOLUSDT'),
    })
    .strict(),
);

/**
 * The symbols the service watches. Reading is public; adding and removing are admin actions
 * (Bearer key): adding one warms it up from history before it is followed.
 */
export const symbolRoutes: FastifyPluginAsync<{ runtime: RuntimeView }> = async (app, { runtime }) => {
  const admin = [{ adminKey: [] }];

  app.get(
    '/symbols',
    {
      schema: {
        tags: ['symbols'],
        summary: 'Symbols the service watches',
        querystring: { type: 'object', additionalProperties: false, properties: {} },
        response: { 200: SymbolsSchema, ...publicErrors },
      },
    },
    async () => ({ symbols: [...runtime.symbols()] }),
  );

  app.post<{ Body: { symbol: string } }>(
    '/symbols',
    {
      onRequest: app.requireAdmin,
      validatorCompiler: addSymbolBody.validatorCompiler,
      schema: {
        tags: ['symbols'],
        summary: 'Watch one more symbol (admin)',
        security: admin,
        body: addSymbolBody.json,
        response: { 201: SymbolChangeSchema, ...adminErrors },
      },
    },
    async (request, reply) => {
      const { symbol } = request.body;
      if (runtime.symbols().includes(symbol)) throw new ApiError(409, `${symbol} is already watched`);
      try {
        await runtime.addSymbol(symbol, request.adminActor ?? 'unknown');
        request.audited = true;
      } catch (e) {
        // the source cannot provide it (unknown market, not in the replay): the client's problem, named
        if (e instanceof SymbolUnavailableError) throw new ApiError(422, e.message);
        throw e;
      }
      request.log.info({ symbol }, 'symbol added');
      return reply.status(201).send({ symbol, symbols: [...runtime.symbols()] });
    },
  );

  app.delete<{ Params: { symbol: string } }>(
    '/symbols/:symbol',
    {
      onRequest: app.requireAdmin,
      schema: {
        tags: ['symbols'],
        summary: 'Stop watching a symbol (admin); its stored candles and signals stay',
        security: admin,
        params: {
          type: 'object',
          additionalProperties: false,
          required: ['symbol'],
          properties: { symbol: symbolSchema },
        },
        response: { 200: SymbolChangeSchema, ...adminErrors },
      },
    },
    async (request) => {
      const { symbol } = request.params;
      if (!runtime.symbols().includes(symbol)) throw notFound(`${symbol} is not watched`);
      await runtime.removeSymbol(symbol, request.adminActor ?? 'unknown');
      request.audited = true;
      request.log.info({ symbol }, 'symbol removed');
      return { symbol, symbols: [...runtime.symbols()] };
    },
  );
};
