import { createServer, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/** One sendMessage the fake Bot API accepted (or refused). */
export interface SentMessage {
  readonly at: number;
  readonly chatId: string;
  readonly text: string;
  readonly messageId: number;
  readonly replyTo: number | null;
  readonly payload: Record<string, unknown>;
  readonly status: number;
}

export interface FakeCall {
  readonly at: number;
  readonly method: string;
  readonly payload: Record<string, unknown>;
}

/**
 * A small Bot API server for tests: getMe, deleteWebhook, setWebhook, setMyCommands,
 * getUpdates (long polling over a queue the test fills), sendMessage, editMessageText,
 * answerCallbackQuery. Chats can be scripted to answer 429 (with retry_after) or 403.
 * Times are `Date.now()`, so under fake timers they are fake times.
 */
export class FakeTelegram {
  readonly token = '123456:TEST-token';
  readonly calls: FakeCall[] = [];
  readonly sent: SentMessage[] = [];
  /** Chats that blocked the bot: 403 on every send. */
  readonly blocked = new Set<string>();
  /** Chat -> retry_after seconds: the next send to it answers 429 once. */
  readonly rateLimitOnce = new Map<string, number>();
  private server: Server | null = null;
  private updates: Record<string, unknown>[] = [];
  private waiting: ((u: Record<string, unknown>[]) => void) | null = null;
  private updateId = 1;
  private messageId = 100;
  apiRoot = '';

  async start(): Promise<this> {
    this.server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        const method = (req.url ?? '').split('/').pop() ?? '';
        const text = Buffer.concat(chunks).toString('utf8');
        const payload = (text ? JSON.parse(text) : {}) as Record<string, unknown>;
        this.handle(method, payload, res);
      });
    });
    await new Promise<void>((resolve) => this.server?.listen(0, '127.0.0.1', resolve));
    const { port } = this.server.address() as AddressInfo;
    this.apiRoot = `http://127.0.0.1:${port}`;
    return this;
  }

  async stop(): Promise<void> {
    this.waiting?.([]);
    await new Promise<void>((resolve) => {
      this.server?.closeAllConnections();
      this.server?.close(() => resolve());
    });
  }

  /** A text message from `chatId` (a private chat with a user of the same id). */
  say(chatId: number, text: string, replyTo?: number): void {
    const entities = text.startsWith('/')
      ? [{ type: 'bot_command', offset: 0, length: text.split(/\s/)[0].length }]
      : [];
    this.push({
      message: {
        message_id: this.messageId++,
        date: Math.floor(Date.now() / 1000),
        chat: { id: chatId, type: 'private', username: `user${chatId}` },
        from: { id: chatId, is_bot: false, first_name: `User ${chatId}`, username: `user${chatId}` },
        text,
        entities,
        ...(replyTo === undefined
          ? {}
          : {
              reply_to_message: {
                message_id: replyTo,
                date: 0,
                chat: { id: chatId, type: 'private' },
                text: '',
              },
            }),
      },
    });
  }

  /** A press of an inline button under message `messageId`. */
  press(chatId: number, messageId: number, data: string): void {
    this.push({
      callback_query: {
        id: String(this.updateId * 7),
        from: { id: chatId, is_bot: false, first_name: `User ${chatId}` },
        chat_instance: 'ci',
        data,
        message: { message_id: messageId, date: 0, chat: { id: chatId, type: 'private' }, text: '' },
      },
    });
  }

  private push(update: Record<string, unknown>): void {
    this.updates.push({ update_id: this.updateId++, ...update });
    if (this.waiting) {
      const w = this.waiting;
      this.waiting = null;
      w(this.updates.splice(0));
    }
  }

  /** Answers; returns null so that `handle` can answer and leave in one statement. */
  private ok(res: ServerResponse, result: unknown): null {
    res.setHeader('content-type', 'application/json');
    res.end(JSON.stringify({ ok: true, result }));
    return null;
  }

  private fail(res: ServerResponse, code: number, description: string, parameters?: object): null {
    res.statusCode = code;
    res.setHeader('content-type', 'application/json');
    res.end(
      JSON.stringify({ ok: false, error_code: code, description, ...(parameters ? { parameters } : {}) }),
    );
    return null;
  }

  private handle(method: string, payload: Record<string, unknown>, res: ServerResponse): null {
    const at = Date.now();
    this.calls.push({ at, method, payload });
    switch (method) {
      case 'getMe':
        return this.ok(res, {
          id: 42,
          is_bot: true,
          first_name: 'AlphaPulse',
          username: 'alphapulse_test_bot',
        });
      case 'deleteWebhook':
      case 'setWebhook':
      case 'setMyCommands':
      case 'answerCallbackQuery':
        return this.ok(res, true);
      case 'getUpdates': {
        const offset = Number(payload.offset ?? 0);
        this.updates = this.updates.filter((u) => Number(u.update_id) >= offset);
        if (this.updates.length > 0) return this.ok(res, this.updates.splice(0));
        // long polling: held until an update comes or `timeout` seconds pass (0: answer at once)
        const seconds = Number(payload.timeout ?? 0);
        if (seconds <= 0) return this.ok(res, []);
        const timer = setTimeout(() => {
          if (this.waiting === answer) this.waiting = null;
          this.ok(res, []);
        }, seconds * 1000);
        const answer = (u: Record<string, unknown>[]) => {
          clearTimeout(timer);
          this.ok(res, u);
        };
        this.waiting = answer;
        return null;
      }
      case 'sendMessage':
      case 'editMessageText': {
        const chatId = String(payload.chat_id);
        const replyParams = payload.reply_parameters as { message_id?: number } | undefined;
        const replyTo =
          replyParams?.message_id ?? (payload.reply_to_message_id as number | undefined) ?? null;
        const record = (status: number, messageId: number) =>
          this.sent.push({ at, chatId, text: String(payload.text), messageId, replyTo, payload, status });
        if (this.blocked.has(chatId)) {
          record(403, 0);
          return this.fail(res, 403, 'Forbidden: bot was blocked by the user');
        }
        const wait = this.rateLimitOnce.get(chatId);
        if (wait !== undefined) {
          this.rateLimitOnce.delete(chatId);
          record(429, 0);
          return this.fail(res, 429, `Too Many Requests: retry after ${wait}`, { retry_after: wait });
        }
        const messageId = method === 'editMessageText' ? Number(payload.message_id) : this.messageId++;
        record(200, messageId);
        return this.ok(res, {
          message_id: messageId,
          date: Math.floor(at / 1000),
          chat: { id: Number(chatId), type: Number(chatId) < 0 ? 'group' : 'private' },
          text: payload.text,
        });
      }
      default:
        return this.fail(res, 404, `Not Found: method ${method}`);
    }
  }
}
