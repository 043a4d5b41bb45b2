import { describe, expect, it } from 'vitest';
import { LIMIT_MARGIN, SendLimiter } from './telegram-limits.js';

const LIMITS = { globalPerSecond: 30, perChatPerSecond: 1, perGroupPerMinute: 20 };

/** Books `chats` in turn at a frozen clock and returns the slot times (ms after now). */
function book(chats: readonly (string | number)[]): number[] {
  const limiter = new SendLimiter(LIMITS, () => 0);
  return chats.map((c) => limiter.book(c));
}

describe('SendLimiter', () => {
  it('spaces all sends by 1/30 s (5 % wider), so no second holds more than 30', () => {
    const slots = book(Array.from({ length: 100 }, (_, i) => i + 1));
    const gap = Math.ceil((1000 * LIMIT_MARGIN) / 30);
    expect(slots.slice(0, 4)).toEqual([0, gap, 2 * gap, 3 * gap]);
    for (let i = 30; i < slots.length; i++) expect(slots[i] - slots[i - 30]).toBeGreaterThanOrEqual(1000);
  });

  it('keeps a private chat to one a second and a group (negative id) to 20 a minute, filling the gaps with other chats', () => {
    const slots = book([7, 7, 7, -100, -100, 8]);
    expect(slots[1] - slots[0]).toBe(Math.ceil(1000 * LIMIT_MARGIN));
    expect(slots[2] - slots[1]).toBe(Math.ceil(1000 * LIMIT_MARGIN));
    expect(slots[4] - slots[3]).toBe(Math.ceil((60_000 * LIMIT_MARGIN) / 20));
    // chat 8 is free: it takes the first open slot, before the second group message
    expect(slots[5]).toBeLessThan(slots[4]);
  });

  it('holds a send back by when the last ones really left', () => {
    let now = 0;
    const limiter = new SendLimiter(LIMITS, () => now);
    for (let i = 0; i < 30; i++) limiter.sent(i);
    expect(limiter.holdback(99)).toBe(Math.ceil(1000 * LIMIT_MARGIN));
    expect(limiter.holdback(5)).toBe(Math.ceil(1000 * LIMIT_MARGIN));
    now = 2000;
    expect(limiter.holdback(5)).toBeLessThanOrEqual(0);
  });
});
