/**
 * A tiny state store: one immutable state object, `update(fn)` returns the next state, and
 * listeners run once per animation frame however many updates came in between (a replay at full
 * speed sends hundreds of events a second; the page repaints at most once a frame).
 */
export function createStore(initial) {
  let state = initial;
  let previous = initial;
  let scheduled = false;
  const listeners = new Set();

  function flush() {
    scheduled = false;
    const before = previous;
    previous = state;
    for (const listener of listeners) listener(state, before);
  }

  function schedule() {
    if (scheduled) return;
    scheduled = true;
    // hidden tabs get no animation frames; a timeout keeps the state flowing to the views there
    if (document.hidden) setTimeout(flush, 250);
    else requestAnimationFrame(flush);
  }

  return {
    get: () => state,
    /** `fn(state)` returns the next state (or the same object for no change). */
    update(fn) {
      const next = fn(state);
      if (next === state) return;
      state = next;
      schedule();
    },
    subscribe(listener) {
      listeners.add(listener);
      listener(state, undefined);
      return () => listeners.delete(listener);
    },
  };
}

/** Whether any of the named slices changed between two states (slices are replaced, never mutated). */
export function changed(state, before, ...keys) {
  if (before === undefined) return true;
  return keys.some((key) => state[key] !== before[key]);
}
