import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { createLogger } from './logger.js';

function sink(): { stream: Writable; text: () => string } {
  const chunks: string[] = [];
  return {
    stream: new Writable({
      write(chunk: Buffer, _enc, done) {
        chunks.push(chunk.toString());
        done();
      },
    }),
    text: () => chunks.join(''),
  };
}

describe('createLogger', () => {
  it('writes JSON lines by default', () => {
    const out = sink();
    createLogger({ level: 'info', pretty: false }, out.stream).info({ port: 8000 }, 'serving');
    const rec = JSON.parse(out.text().trim()) as Record<string, unknown>;
    expect(rec).toMatchObject({ level: 30, msg: 'serving', port: 8000 });
  });

  it('writes readable lines with log.pretty (pino-pretty), not JSON', () => {
    const out = sink();
    const log = createLogger({ level: 'info', pretty: true }, out.stream);
    log.info({ port: 8000 }, 'serving');
    log.debug('below the level');
    const text = out.text();
    expect(text).toMatch(/INFO.*: serving/);
    expect(text).toMatch(/port: 8000/);
    expect(text).not.toMatch(/^\{/);
    expect(text).not.toContain('below the level');
  });
});
