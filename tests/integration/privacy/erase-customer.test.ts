/**
 * Customer data: DELETE /api/marketing/customers/{id} erases the customer's phone and name
 * from recipients, messages and buffered events — no table keeps them — while every campaign's totals,
 * schedule and analytics stay right, nothing is ever sent to them again, and the messaging-limit count of
 * unique users reached does not drop.
 */
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";

vi.mock("server-only", () => ({}));
vi.mock("next-auth", async (importOriginal) => (await import("../support/routes")).sessionAwareNextAuth(importOriginal));

import { SECRETS } from "../support/secrets-env";
import { checkConsistency, cloudClient, setupEngineTest, type EngineTest } from "../engine/support";
import { callRoute, loadRoutes, type RouteFile } from "../support/routes";
import { Prisma } from "@/lib/marketing/db";
import { createCampaign } from "@/lib/marketing/campaigns/create-campaign";
import { addRecipients } from "@/lib/marketing/recipients/add-recipients";
import { activateCampaign } from "@/lib/marketing/campaigns/activate-campaign";
import { runDailyProcessing } from "@/lib/marketing/processing/run-daily-processing";
import { handleWebhookPayload } from "@/lib/marketing/delivery/handle-webhook-payload";
import type { EngineConfig } from "@/lib/marketing/engine-config";

let e: EngineTest;
let route: RouteFile;
const config: EngineConfig = { timezone: "UTC", messagingLimit: null, timeBudgetMs: 50_000, staleClaimMs: 600_000 };
const PHONE = "15557770001";
const NAME = "Zoë Erasable-Person";

beforeAll(async () => {
  e = await setupEngineTest();
  route = (await loadRoutes()).find((r) => r.file === "app/api/marketing/customers/[customerId]/route.ts")!;
});
afterAll(async () => e?.stop());

const del = (id: string, headers: Record<string, string> = { authorization: `Bearer ${SECRETS.MARKETING_API_TOKEN}` }) =>
  callRoute(route, { method: "DELETE", params: { customerId: id }, headers });

async function rowsMentioning(text: string) {
  const tables = await e.db.$queryRaw<Array<{ t: string }>>`SELECT tablename AS t FROM pg_tables WHERE schemaname = 'public' AND tablename <> '_prisma_migrations'`;
  const hits: string[] = [];
  for (const { t } of tables) {
    const [row] = await e.db.$queryRawUnsafe<Array<{ n: bigint }>>(`SELECT count(*) AS n FROM "${t}" x WHERE row_to_json(x)::text ILIKE '%' || $1 || '%'`, text);
    if (Number(row.n) > 0) hits.push(`${t}: ${row.n}`);
  }
  return hits;
}

describe("erasing a customer", () => {
  it("removes phone and name everywhere, keeps totals, never sends to them again", async () => {
    const now = new Date("2025-04-01T12:00:00Z");
    await e.db.userProfile.createMany({ data: [
      { whatsappPhone: PHONE, name: NAME, city: "Lyon", tags: ["vip"] },
      { whatsappPhone: "15557770002", name: "Other Person" },
      { whatsappPhone: "15557770003", name: "Third Person" },
    ] });
    const customer = await e.db.userProfile.findUniqueOrThrow({ where: { whatsappPhone: PHONE } });
    const components = [{ type: "body" as const, parameters: [{ type: "text" as const, variable: { field: "name" as const, fallback: "there" } }] }];
    // campaign 1: sent yesterday (and delivered, then the customer replied); campaign 2: still pending for them
    const c1 = await createCampaign({ db: e.db, now, input: { name: "one", template_name: "promo_hello", daily_send_limit: 10, template_components: components } as never });
    const c2 = await createCampaign({ db: e.db, now, input: { name: "two", template_name: "promo", daily_send_limit: 1 } });
    for (const c of [c1, c2]) await addRecipients({ db: e.db, now, timezone: "UTC", campaignId: c.id, phoneNumbers: [PHONE, "15557770002", "15557770003"] });
    await activateCampaign({ db: e.db, now, timezone: "UTC", campaignId: c1.id, startDate: "2025-04-02" });
    const c2Order = await e.db.campaignRecipient.findMany({ where: { campaignId: c2.id }, orderBy: { phoneNumber: "asc" } });
    expect(c2Order[0].phoneNumber).toBe(PHONE);
    await activateCampaign({ db: e.db, now, timezone: "UTC", campaignId: c2.id, startDate: "2025-04-02" });
    // day 1 sends c1 to all three, c2 to one (limit 1)
    const wa = cloudClient(e.graph);
    await runDailyProcessing({ db: e.db, now: new Date("2025-04-02T10:00:00Z"), whatsapp: wa, config });
    // the customer is in both: whichever campaign goes second waits 6 s for them (Meta's pair rate) and is sent
    // by this run, a minute later (10 s later could flake: the gap counts from where the first run's clock really
    // was, `now` plus the time it took, so a first run slower than ~4 s would leave them pending)
    await runDailyProcessing({ db: e.db, now: new Date("2025-04-02T10:01:00Z"), whatsapp: wa, config });
    const mine = await e.db.campaignRecipient.findFirstOrThrow({ where: { campaignId: c1.id, phoneNumber: PHONE } });
    await handleWebhookPayload({ db: e.db, now: new Date("2025-04-02T10:05:00Z"), timezone: "UTC", log: console, payload: {
      object: "whatsapp_business_account",
      entry: [{ id: "1", changes: [{ field: "messages", value: { messaging_product: "whatsapp", metadata: { display_phone_number: "1", phone_number_id: "1098765432" },
        contacts: [{ wa_id: PHONE, profile: { name: NAME } }],
        statuses: [{ id: mine.whatsappMessageId, status: "delivered", timestamp: "1743588300", recipient_id: PHONE }],
        messages: [{ from: PHONE, id: "wamid.IN1", timestamp: "1743588310", type: "text", text: { body: `Hi, it's ${NAME}` } }] } }] }],
    } });
    // and a third campaign, still to start: our customer is pending there
    const c3 = await createCampaign({ db: e.db, now, input: { name: "three", template_name: "promo", daily_send_limit: 5 } });
    await addRecipients({ db: e.db, now, timezone: "UTC", campaignId: c3.id, phoneNumbers: [PHONE, "15557770002"] });
    await activateCampaign({ db: e.db, now: new Date("2025-04-02T11:00:00Z"), timezone: "UTC", campaignId: c3.id, startDate: "2025-04-03" });

    const minePending = new Map((await e.db.campaignRecipient.findMany({ where: { phoneNumber: PHONE, status: "pending" } })).map((r) => [r.campaignId, 1]));
    expect(minePending.get(c3.id)).toBe(1);
    const before = await e.db.marketingCampaign.findMany({ where: { id: { in: [c1.id, c2.id, c3.id] } }, orderBy: { name: "asc" } });
    const [reachedBefore] = await e.db.$queryRaw<Array<{ n: bigint }>>`SELECT count(DISTINCT phone_number) AS n FROM whatsapp_messages WHERE direction = 'outbound'`;
    expect(await rowsMentioning(PHONE)).not.toEqual([]);

    const res = await del(customer.id);
    expect(res.status, res.text).toBe(200);
    expect(res.json).toMatchObject({ erased: true, recipients_erased: 3, recipients_skipped: minePending.size });

    // no table keeps the phone number or the name
    expect(await rowsMentioning(PHONE)).toEqual([]);
    expect(await rowsMentioning("Erasable")).toEqual([]);
    // totals: unchanged, except that the customer's pending recipients became skipped; all recounts agree
    const after = await e.db.marketingCampaign.findMany({ where: { id: { in: [c1.id, c2.id, c3.id] } }, orderBy: { name: "asc" } });
    const pick = (c: (typeof after)[number]) => ({ total: c.totalTargetCustomers, sent: c.messagesSent, delivered: c.messagesDelivered, pending: c.messagesPending, skipped: c.messagesSkipped });
    for (let i = 0; i < 3; i++) {
      const d = minePending.get(before[i].id) ?? 0;
      expect(pick(after[i])).toEqual({ ...pick(before[i]), pending: pick(before[i]).pending - d, skipped: pick(before[i]).skipped + d });
    }
    for (const c of [c1, c2, c3]) {
      const s = await checkConsistency(e.db, c.id);
      expect(s.counters).toEqual(s.recount);
      expect(s.scheduleMismatches).toBe(0);
    }
    const [reachedAfter] = await e.db.$queryRaw<Array<{ n: bigint }>>`SELECT count(DISTINCT phone_number) AS n FROM whatsapp_messages WHERE direction = 'outbound'`;
    expect(reachedAfter.n).toBe(reachedBefore.n);
    // the raw analytics rows: one per day, so their sum (not whichever row comes first)
    const [analytics] = await e.db.$queryRaw<Array<{ delivered: number }>>(Prisma.sql`SELECT coalesce(sum(messages_delivered), 0)::int AS delivered FROM campaign_analytics WHERE campaign_id = ${c1.id}::uuid`);
    expect(analytics.delivered).toBe(1);

    // nothing is sent to them again
    e.graph.reset();
    await runDailyProcessing({ db: e.db, now: new Date("2025-04-03T10:00:00Z"), whatsapp: wa, config });
    await runDailyProcessing({ db: e.db, now: new Date("2025-04-04T10:00:00Z"), whatsapp: wa, config });
    expect(e.graph.sends.map((s) => s.to)).not.toContain(PHONE);
    expect(e.graph.sends.some((s) => String(s.to).startsWith("erased"))).toBe(false);
    expect(e.graph.sends.length).toBeGreaterThan(0);

    // the audit log says who erased which id — not the number
    const entry = await e.db.auditLog.findFirstOrThrow({ where: { action: "customer.erase", entityId: customer.id } });
    expect(entry.actor).toBe("env-token");
    expect(JSON.stringify(entry)).not.toContain(PHONE);

    // again → 404; malformed ids → 404; a viewer → 403
    expect((await del(customer.id)).status).toBe(404);
    for (const bad of ["nope", "' OR 1=1 --", "00000000-0000-4000-8000-000000000000"]) expect((await del(bad)).status).toBe(404);
    const { token } = await (await import("@/lib/marketing/auth/api-tokens")).createApiToken({ db: e.db, name: "v", role: "viewer", createdById: null, now });
    const other = await e.db.userProfile.findUniqueOrThrow({ where: { whatsappPhone: "15557770002" } });
    expect((await del(other.id, { authorization: `Bearer ${token}` })).status).toBe(403);
  });
});
