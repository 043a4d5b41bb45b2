import { describe, expect, it } from 'vitest';
import { parseJsonBody } from './strict-body.js';

describe('parseJsonBody', () => {
  it('parses JSON', () => {
    expect(parseJsonBody('{"symbol":"ETHUSDT","n":[1,2]}')).toEqual({ symbol: 'ETHUSDT', n: [1, 2] });
  });

  it('refuses __proto__ and constructor.prototype keys with a 400 naming the key', () => {
    expect(() => parseJsonBody('{"a":{"__proto__":{"x":1}}}')).toThrow(/^body\/__proto__ is not accepted/);
    expect(() => parseJsonBody('{"constructor":{"prototype":{"x":1}}}')).toThrow(
      /^body\/constructor\/prototype is not accepted/,
    );
    // a key named constructor alone is data like any other
    expect(parseJsonBody('{"constructor":"x"}')).toEqual({ constructor: 'x' });
  });

  it('says what is wrong with a body that is not JSON or empty', () => {
    expect(() => parseJsonBody('{"a":')).toThrow(/^body is not valid JSON: /);
    expect(() => parseJsonBody('')).toThrow(/^body is empty/);
  });
});
