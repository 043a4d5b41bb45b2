/**
 * The WebSocket to `/ws`, kept open: when it drops it is opened again after a growing, jittered
 * delay (0.5 s doubling to 15 s), and every (re)connection subscribes afresh so the server sends
 * a new snapshot. Channels added while connected are subscribed at once and remembered for the
 * next connection.
 */

const MIN_DELAY_MS = 500;
const MAX_DELAY_MS = 15_000;

export function socketUrl(location) {
  return `${location.protocol === 'https:' ? 'wss' : 'ws'}://${location.host}/ws`;
}

/**
 * `onMessage(message)` gets each parsed server message; `onState({ state, attempt, retryInMs })`
 * sees connecting / open / closed.
 */
export function createSocket({ url, channels, onMessage, onState }) {
  const wanted = new Set(channels);
  let socket = null;
  let attempt = 0;
  let timer = null;
  let stopped = false;

  function send(message) {
    if (socket && socket.readyState === WebSocket.OPEN) socket.send(JSON.stringify(message));
  }

  function connect() {
    timer = null;
    onState({ state: 'connecting', attempt });
    const ws = new WebSocket(url);
    socket = ws;
    ws.addEventListener('open', () => {
      attempt = 0;
      onState({ state: 'open', attempt });
      send({ op: 'subscribe', channels: [...wanted] });
    });
    ws.addEventListener('message', (event) => {
      let message;
      try {
        message = JSON.parse(event.data);
      } catch {
        return;
      }
      onMessage(message);
    });
    ws.addEventListener('close', () => {
      if (socket !== ws) return;
      socket = null;
      if (stopped) return;
      const retryInMs = backoff(attempt);
      attempt += 1;
      onState({ state: 'closed', attempt, retryInMs });
      timer = setTimeout(connect, retryInMs);
    });
  }

  connect();

  return {
    subscribe(channel) {
      if (wanted.has(channel)) return;
      wanted.add(channel);
      send({ op: 'subscribe', channels: [channel] });
    },
    unsubscribe(channel) {
      if (!wanted.delete(channel)) return;
      send({ op: 'unsubscribe', channels: [channel] });
    },
    /** Drops the connection now (for testing the reconnect); it comes back by itself. */
    drop() {
      socket?.close();
    },
    stop() {
      stopped = true;
      if (timer !== null) clearTimeout(timer);
      socket?.close();
    },
  };
}

/** 0.5 s, 1 s, 2 s … up to 15 s, each with up to 30 % jitter so many pages do not return in step. */
export function backoff(attempt) {
  const base = Math.min(MAX_DELAY_MS, MIN_DELAY_MS * 2 ** attempt);
  return Math.round(base * (1 + Math.random() * 0.3));
}
