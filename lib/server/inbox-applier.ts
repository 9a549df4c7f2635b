/**
 * One inbox applier at a time in this process. Every webhook answer asks for the inbox to be
 * applied; while a run is going, further asks only make it run once more when it ends (it then picks up
 * what arrived meanwhile). Concurrent appliers of one process would only queue on the same rows and
 * compete for the same CPU as the answers; other instances still apply in parallel (SKIP LOCKED chunks).
 */

const state = globalThis as unknown as { __inboxApply?: { running: Promise<void> | null; again: boolean } };

export function applyInboxSoon(run: () => Promise<void>): Promise<void> {
  const s = (state.__inboxApply ??= { running: null, again: false });
  if (s.running) {
    s.again = true;
    return s.running;
  }
  s.running = (async () => {
    try {
      do {
        s.again = false;
        await run();
      } while (s.again);
    } finally {
      s.running = null;
    }
  })();
  return s.running;
}
