/**
 * One inbox applier at a time in this process. Every webhook answer asks for the inbox to be
 * applied; while a run is going, further asks only make it run once more when it ends (it then picks up
 * what arrived meanwhile). Concurrent appliers of one process would only queue on the same rows and
 * compete for the same CPU as the answers; other instances still apply in parallel (SKIP LOCKED chunks).
 * Each run starts a short moment after the ask that caused it, so under load one run takes the
 * statuses of many answers in one chunk (fewer statements and commits per status, less CPU taken from
 * the answers) for a lag of that moment.
 *
 * What an ask returns settles when the pass that applies its rows has ended: the first ask's is the whole
 * run (it keeps a serverless instance alive while the run goes on), a later ask's is the next pass only.
 * The route hands it to after(), which keeps the answer's request alive until it settles: under a steady
 * stream the run never ends, and with every ask waiting for the whole run the server held every answered
 * request (~40 KB each) for as long as the stream lasted.
 */

/** How long a run waits for more answers to arrive before it applies. */
export const INBOX_APPLY_GATHER_MS = 100;

type Pass = { done: Promise<void>; end: () => void };
/** `next`: the pass asked for while one runs (null: none asked, the run ends after the current pass) */
type State = { running: Promise<void> | null; next: Pass | null };

const state = globalThis as unknown as { __inboxApply?: State };

function pass(): Pass {
  let end!: () => void;
  const done = new Promise<void>((resolve) => { end = resolve; });
  return { done, end };
}

export function applyInboxSoon(run: () => Promise<void>, { gatherMs = INBOX_APPLY_GATHER_MS }: { gatherMs?: number } = {}): Promise<void> {
  const s = (state.__inboxApply ??= { running: null, next: null });
  if (s.running) {
    // settled by the pass that starts after this ask (it reads what this answer stored)
    return (s.next ??= pass()).done;
  }
  s.running = (async () => {
    try {
      do {
        if (gatherMs > 0) await new Promise((r) => setTimeout(r, gatherMs));
        // the asks made before this pass starts are applied by it
        const current = s.next;
        s.next = null;
        try {
          await run();
        } finally {
          current?.end();
        }
      } while (s.next);
    } finally {
      // a run that threw leaves its later asks to the next ask's run: they are not kept waiting
      s.next?.end();
      s.next = null;
      s.running = null;
    }
  })();
  return s.running;
}
