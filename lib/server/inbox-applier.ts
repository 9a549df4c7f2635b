/**
 * One inbox applier at a time in this process. Every webhook answer asks for the inbox to be
 * applied; while a run is going, further asks only make it run once more when it ends (it then picks up
 * what arrived meanwhile). Concurrent appliers of one process would only queue on the same rows and
 * compete for the same CPU as the answers; other instances still apply in parallel (SKIP LOCKED chunks).
 * Each run starts a short moment after the ask that caused it, so under load one run takes the
 * statuses of many answers in one chunk (fewer statements and commits per status, less CPU taken from
 * the answers) for a lag of that moment.
 */

/** How long a run waits for more answers to arrive before it applies. */
export const INBOX_APPLY_GATHER_MS = 100;

const state = globalThis as unknown as { __inboxApply?: { running: Promise<void> | null; again: boolean } };

export function applyInboxSoon(run: () => Promise<void>, { gatherMs = INBOX_APPLY_GATHER_MS }: { gatherMs?: number } = {}): Promise<void> {
  const s = (state.__inboxApply ??= { running: null, again: false });
  if (s.running) {
    s.again = true;
    return s.running;
  }
  s.running = (async () => {
    try {
      do {
        if (gatherMs > 0) await new Promise((r) => setTimeout(r, gatherMs));
        s.again = false;
        await run();
      } while (s.again);
    } finally {
      s.running = null;
    }
  })();
  return s.running;
}
