/**
 * The send schedule every process sending from one WhatsApp number shares (whatsapp_send_pacing): the
 * next free start instant of the number. One statement leases `slots` instants `intervalMs` apart,
 * starting at that instant or now, whichever is later, and moves it past them; it answers how long
 * from now the first leased instant is, so clocks of different machines never need to agree (the
 * database's clock is the only one read). The row lock is held only for the statement: a process that
 * dies after leasing leaves nothing behind but instants that pass unused.
 */
import { Prisma, type Db } from "../db";

export function sendSlotLeaser(db: Db, phoneNumberId: string) {
  return async function leaseSendSlots(slots: number, intervalMs: number): Promise<number> {
    const span = Prisma.sql`make_interval(secs => ${slots * intervalMs}::float8 / 1000)`;
    const [row] = await db.$queryRaw<Array<{ delay_ms: number }>>(Prisma.sql`
      INSERT INTO whatsapp_send_pacing AS p (phone_number_id, next_slot_at)
      VALUES (${phoneNumberId}, clock_timestamp() + ${span})
      ON CONFLICT (phone_number_id) DO UPDATE SET next_slot_at = greatest(p.next_slot_at, clock_timestamp()) + ${span}
      RETURNING (extract(epoch FROM (p.next_slot_at - ${span} - clock_timestamp())) * 1000)::float8 AS delay_ms`);
    return Math.max(0, row.delay_ms);
  };
}
