import { describe, expect, it } from 'vitest';
import { ApiError } from '../errors.js';
import { ConnectionBudget } from './connection-budget.js';

describe('ConnectionBudget', () => {
  it('refuses an address past its share with 429 and the server past its cap with 503, naming the setting', () => {
    const b = new ConnectionBudget({ maxConnections: 3, maxConnectionsPerIp: 2 });
    const a1 = b.take('10.0.0.1');
    b.take('10.0.0.1');
    expect(() => b.take('10.0.0.1')).toThrow(
      /at most 2 open WebSocket connections from one address \(api.websocket.maxConnectionsPerIp\)/,
    );
    try {
      b.take('10.0.0.1');
    } catch (e) {
      expect(e).toBeInstanceOf(ApiError);
      expect((e as ApiError).statusCode).toBe(429);
    }
    b.take('10.0.0.2');
    expect(() => b.take('10.0.0.3')).toThrow(
      /maximum of 3 WebSocket connections \(api.websocket.maxConnections\)/,
    );
    expect(b.open()).toBe(3);
    // giving a slot back twice gives it back once
    a1();
    a1();
    expect(b.open()).toBe(2);
    expect(b.open('10.0.0.1')).toBe(1);
    b.take('10.0.0.3');
    expect(b.open('10.0.0.3')).toBe(1);
  });

  it('rejects limits below one', () => {
    expect(() => new ConnectionBudget({ maxConnections: 0, maxConnectionsPerIp: 1 })).toThrow(
      /maxConnections/,
    );
  });
});
