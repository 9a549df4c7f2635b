/**
 * The send schedule every process sending from one WhatsApp number shares (whatsapp_send_pacing): the
 * next free start instant of the number. One statement leases `slots` instants `intervalMs` apart,
 * starting at that instant or now, whichever is later, and moves it past them; it answers the first
 * leased instant and its own now, both on the database's clock (the pacer relates that clock to its own
 * from the round trips, so clocks of different machines never need to agree). The row lock is held only
 * for the statement: a process that dies after leasing leaves nothing behind but instants that pass unused.
 */
import { Prisma, readRows, type Db, type PlainRead } from "../db";
import type { Lease } from "@/lib/whatsapp/shared-pacer";

/** `read`: a plain pg query on the client's pool (the adapter's), without the ORM's per-query work */
export function sendSlotLeaser(db: Db, phoneNumberId: string, read?: PlainRead) {
  return async function leaseSendSlots(slots: number, intervalMs: number): Promise<Lease> {
    const span = Prisma.sql`make_interval(secs => ${slots * intervalMs}::float8 / 1000)`;
    const [row] = await readRows<{ first_at: number; now: number }>(db, Prisma.sql`
      INSERT INTO whatsapp_send_pacing AS p (phone_number_id, next_slot_at)
      VALUES (${phoneNumberId}, clock_timestamp() + ${span})
      ON CONFLICT (phone_number_id) DO UPDATE SET next_slot_at = greatest(p.next_slot_at, clock_timestamp()) + ${span}
      RETURNING (extract(epoch FROM (p.next_slot_at - ${span})) * 1000)::float8 AS first_at, (extract(epoch FROM clock_timestamp()) * 1000)::float8 AS now`, read);
    return { firstAt: row.first_at, now: row.now };
  };
}
