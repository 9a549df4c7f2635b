/**
 * packSchedule against a real database: recipients deferred by Meta's per-user cap or a retry backoff take
 * the send slots after the ready ones, each on the first day with room on or after its eligible day, so no
 * day is planned above the daily limit (QA saw "Dec 7 0/151": a deferred recipient put on a full day), with
 * and without a send window, and after the day's own attempts.
 */
import { describe, expect, it, vi } from "vitest";

vi.mock("server-only", () => ({}));
import { withEngineTest, type EngineTest } from "../engine/support";
import { createCampaign } from "@/lib/marketing/campaigns/create-campaign";
import { Prisma } from "@/lib/marketing/db";
import { addRecipients } from "@/lib/marketing/recipients/add-recipients";
import { packSchedule } from "@/lib/marketing/recipients/pack-schedule";
import type { TSendWindow } from "@/lib/marketing/sending/send-window";

let e: EngineTest;
withEngineTest({}, (engine) => {
  e = engine;
});

// Monday 2026-03-02, 10:00 UTC
const now = new Date("2026-03-02T10:00:00Z");
let base = 14150000000;

/** A draft of `ready` recipients plus `deferred` ones whose next attempt is at the given instants. */
async function campaignWith(ready: number, deferredUntil: string[]) {
  const c = await createCampaign({ db: e.db, now, input: { name: `Pack ${base}`, template_name: "promo", daily_send_limit: 3 } });
  const phones = Array.from({ length: ready + deferredUntil.length }, (_, i) => String(base + i));
  base += 1000;
  await addRecipients({ db: e.db, now, timezone: "UTC", campaignId: c.id, phoneNumbers: phones });
  const deferred = phones.slice(ready);
  for (const [i, phone] of deferred.entries()) {
    await e.db.$executeRaw`UPDATE campaign_recipients SET next_attempt_at = ${new Date(deferredUntil[i])} WHERE campaign_id = ${c.id}::uuid AND phone_number = ${phone}`;
  }
  return { id: c.id, deferred };
}

async function pack(campaignId: string, window: TSendWindow | null = null) {
  await e.db.$transaction((tx) => packSchedule(tx, { campaignId, fromDay: "2026-03-02", dailyLimit: 3, now, timezone: "UTC", window }));
  const rows = await e.db.$queryRaw<Array<{ phone_number: string; d: string }>>(Prisma.sql`
    SELECT phone_number, scheduled_send_date::text AS d FROM campaign_recipients WHERE campaign_id = ${campaignId}::uuid AND status = 'pending'`);
  const perDay: Record<string, number> = {};
  for (const r of rows) perDay[r.d] = (perDay[r.d] ?? 0) + 1;
  return { perDay, dayOf: new Map(rows.map((r) => [r.phone_number, r.d])) };
}

describe("packSchedule with deferred recipients", () => {
  it("never plans a day above the limit: deferred recipients take the slots after the ready ones, on or after their day", async () => {
    // 7 ready at 3 a day fill Mon 3, Tue 3, Wed 1; two deferred until Tuesday join Wednesday, not a full Tuesday
    const c = await campaignWith(7, ["2026-03-03T08:00:00Z", "2026-03-03T09:00:00Z"]);
    const { perDay, dayOf } = await pack(c.id);
    expect(perDay).toEqual({ "2026-03-02": 3, "2026-03-03": 3, "2026-03-04": 3 });
    for (const p of c.deferred) expect(dayOf.get(p)).toBe("2026-03-04");
    // packing again moves nothing
    expect(await e.db.$transaction((tx) => packSchedule(tx, { campaignId: c.id, fromDay: "2026-03-02", dailyLimit: 3, now, timezone: "UTC" }))).toEqual({ moved: 0 });
  });

  it("a recipient deferred past the ready ones goes to its own day; several on one day spill to the next", async () => {
    const c = await campaignWith(2, ["2026-03-05T12:00:00Z", "2026-03-05T12:00:00Z", "2026-03-05T12:00:00Z", "2026-03-05T12:00:00Z", "2026-03-09T00:00:00Z"]);
    const { perDay, dayOf } = await pack(c.id);
    expect(perDay).toEqual({ "2026-03-02": 2, "2026-03-05": 3, "2026-03-06": 1, "2026-03-09": 1 });
    expect(dayOf.get(c.deferred[4])).toBe("2026-03-09");
  });

  it("counts the day's own attempts and keeps to the send window's days", async () => {
    // weekdays only; one attempt already made today (Monday): Mon 2 ready, Tue 3, Wed 1 ready + 2 deferred;
    // a recipient deferred to Saturday goes to the Monday after, the first allowed day with room
    const weekdays: TSendWindow = { days: ["mon", "tue", "wed", "thu", "fri"], start: "09:00", end: "18:00" };
    const c = await campaignWith(7, ["2026-03-03T08:00:00Z", "2026-03-03T08:00:00Z", "2026-03-07T10:00:00Z"]);
    await e.db.$executeRaw`UPDATE campaign_recipients SET status = 'sent', sent_on = '2026-03-02', sent_at = ${now}, scheduled_send_date = '2026-03-02'
      WHERE campaign_id = ${c.id}::uuid AND phone_number = (SELECT min(phone_number) FROM campaign_recipients WHERE campaign_id = ${c.id}::uuid)`;
    const { perDay, dayOf } = await pack(c.id, weekdays);
    expect(perDay).toEqual({ "2026-03-02": 2, "2026-03-03": 3, "2026-03-04": 3, "2026-03-09": 1 });
    expect(dayOf.get(c.deferred[2])).toBe("2026-03-09");
  });
});
