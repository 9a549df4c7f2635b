/**
 * The webhook's store, with group commit: the deliveries that arrive while this process's inbox inserts
 * are busy are stored together, in one statement and one commit, as soon as one of them ends. A delivery
 * that arrives when none is busy goes at once, alone (no timer: nothing waits at low load). Each caller
 * still answers only after the statement that holds its rows committed: store first, then answer, as
 * before. When a statement of several deliveries fails, each is stored again by itself, so a delivery the
 * database refuses fails only itself (it answers 5xx, and Meta retries it), never the ones beside it.
 *
 * Why: under load every delivery was its own statement and commit, on its own connection. Eight at once
 * kept eight database backends busy with the inbox, and the CPU they took was the applier's (its lanes
 * are two backends), so at more statuses a second than the cores store and apply together, the applier
 * fell behind and the lag grew for as long as the stream lasted. Batched, the store needs fewer statements
 * and commits for the same statuses, and at most INBOX_STORE_MAX_IN_FLIGHT backends.
 */
import type { Db } from "@/lib/marketing/db";
import { storeInboxDeliveries, type InboxRow, type StoreSummary } from "@/lib/marketing/delivery/store-webhook-delivery";
import { plainReadOf } from "@/lib/db";

/** Statements of one process storing at once (two: one commits while the next is written). */
export const INBOX_STORE_MAX_IN_FLIGHT = 2;
/** Rows of one statement at most (its one JSON parameter ~0.5 KB a row): a bigger delivery goes alone. */
export const INBOX_STORE_MAX_ROWS = 2_000;

type Waiting = { rows: InboxRow[]; resolve: (s: StoreSummary) => void; reject: (e: unknown) => void };
export type InboxStore = (rows: InboxRow[]) => Promise<StoreSummary>;

/**
 * A store for `db`'s deliveries (one per process: see inboxStoreOf). `now` is read when each statement
 * starts (the rows' received_at).
 */
export function batchedInboxStore(db: Db, { maxInFlight = INBOX_STORE_MAX_IN_FLIGHT, maxRows = INBOX_STORE_MAX_ROWS, clock = () => new Date() }: {
  maxInFlight?: number; maxRows?: number; clock?: () => Date;
} = {}): InboxStore {
  const query = plainReadOf(db);
  const queue: Waiting[] = [];
  let inFlight = 0;

  /** one statement for the batch; if it fails, each of its deliveries alone (one that cannot be stored fails only itself) */
  const store = async (batch: Waiting[]) => {
    try {
      const summaries = await storeInboxDeliveries(db, batch.map((w) => w.rows), clock(), query);
      batch.forEach((w, i) => w.resolve(summaries[i]));
    } catch (error) {
      if (batch.length === 1) return batch[0].reject(error);
      for (const w of batch) {
        await storeInboxDeliveries(db, [w.rows], clock(), query).then(([s]) => w.resolve(s), w.reject);
      }
    }
  };

  const flush = () => {
    while (inFlight < maxInFlight && queue.length > 0) {
      // the queue's first deliveries, up to maxRows in all (the first one always, whatever its size)
      let rows = queue[0].rows.length;
      let n = 1;
      while (n < queue.length && rows + queue[n].rows.length <= maxRows) rows += queue[n++].rows.length;
      const batch = queue.splice(0, n);
      inFlight++;
      void store(batch).finally(() => {
        inFlight--;
        flush();
      });
    }
  };

  // (a delivery without rows runs no statement: storeInboxDeliveries answers its zeros without one)
  return (rows) => new Promise<StoreSummary>((resolve, reject) => {
    queue.push({ rows, resolve, reject });
    flush();
  });
}

const stores = globalThis as unknown as { __inboxStores?: WeakMap<Db, InboxStore> };

/** The process's store for `db` (the route's client is one per process). */
export function inboxStoreOf(db: Db): InboxStore {
  const map = (stores.__inboxStores ??= new WeakMap());
  let store = map.get(db);
  if (!store) map.set(db, (store = batchedInboxStore(db)));
  return store;
}
