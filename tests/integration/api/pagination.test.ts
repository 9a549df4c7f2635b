/**
 * Cursor pagination on every list: walking next_cursor visits every row once, in the list's order, also
 * while rows are added; a bad cursor is 422. The offset still works as before.
 */
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";

vi.mock("server-only", () => ({}));
import { seedCustomers, setupEngineTest, type EngineTest } from "../engine/support";
import { request } from "./support";
import * as campaigns from "@/app/api/marketing/campaigns/route";
import * as recipients from "@/app/api/marketing/campaigns/[campaignId]/recipients/route";
import * as activate from "@/app/api/marketing/campaigns/[campaignId]/activate/route";
import * as customers from "@/app/api/marketing/customers/route";
import * as alerts from "@/app/api/marketing/alerts/route";
import { Prisma } from "@/lib/marketing/db";

let e: EngineTest;
beforeAll(async () => {
  e = await setupEngineTest();
});
afterAll(async () => e?.stop());

/** Follows the cursors from the first page; `read` gives the page's ids and next cursor. */
async function walk(fetchPage: (cursor?: string) => Promise<{ ids: string[]; next: string | null }>) {
  const all: string[] = [];
  let cursor: string | undefined;
  for (let i = 0; i < 100; i++) {
    const page = await fetchPage(cursor);
    all.push(...page.ids);
    if (!page.next) return all;
    cursor = page.next;
  }
  throw new Error("too many pages");
}

describe("cursor pagination", () => {
  it("customers: every row once, newest first, with same-instant rows; offset unchanged", async () => {
    await seedCustomers(e.db, 7, { base: 15550002000 });
    await e.db.$executeRaw(Prisma.sql`UPDATE user_profiles SET created_at = '2025-01-01T00:00:00Z' WHERE whatsapp_phone IN ('15550002003', '15550002004', '15550002005')`);
    const offsetIds = (await request(customers.GET, { query: { limit: "200" } })).body.customers.map((c: { id: string }) => c.id);
    const ids = await walk(async (cursor) => {
      const r = await request(customers.GET, { query: { limit: "2", ...(cursor ? { cursor } : {}) } });
      expect(r.status).toBe(200);
      return { ids: r.body.customers.map((c: { id: string }) => c.id), next: r.body.next_cursor };
    });
    expect(ids).toEqual(offsetIds);
    expect(ids.length).toBe(7);
    const bad = await request(customers.GET, { query: { cursor: "not-a-cursor" } });
    expect(bad.status).toBe(422);
    expect(bad.body.error.code).toBe("VALIDATION_FAILED");
  });

  it("recipients: schedule order, unscheduled last", async () => {
    const c = await request(campaigns.POST, { body: { name: "Paged", template_name: "summer_sale_promo", daily_send_limit: 2 } });
    const params = { campaignId: c.body.id as string };
    await request(recipients.POST, { params, body: { phone_numbers: Array.from({ length: 5 }, (_, i) => `1555000200${i + 1}`) } });
    await request(activate.POST, { params, method: "POST", query: { start_date: "2099-01-01" } });
    await request(recipients.POST, { params, body: { phone_numbers: ["15550002006", "15550002007"] } });
    await e.db.$executeRaw(Prisma.sql`UPDATE campaign_recipients SET scheduled_send_date = NULL WHERE phone_number IN ('15550002006', '15550002007')`);
    const offsetIds = (await request(recipients.GET, { params, query: { limit: "200" } })).body.recipients.map((r: { id: string }) => r.id);
    const ids = await walk(async (cursor) => {
      const r = await request(recipients.GET, { params, query: { limit: "2", ...(cursor ? { cursor } : {}) } });
      return { ids: r.body.recipients.map((x: { id: string }) => x.id), next: r.body.next_cursor };
    });
    expect(ids.length).toBe(7);
    expect(ids).toEqual(offsetIds);
  });

  it("campaigns (a bare array: X-Next-Cursor header) and alerts; rows added meanwhile do not shift the walk", async () => {
    for (let i = 0; i < 4; i++) await request(campaigns.POST, { body: { name: `List ${i}`, template_name: "summer_sale_promo" } });
    const before = (await request(campaigns.GET, { query: { limit: "200" } })).body.map((c: { id: string }) => c.id);
    let added = false;
    const ids = await walk(async (cursor) => {
      const r = await request(campaigns.GET, { query: { limit: "2", ...(cursor ? { cursor } : {}) } });
      if (!added) {
        added = true;
        await request(campaigns.POST, { body: { name: "Added meanwhile", template_name: "summer_sale_promo" } });
      }
      return { ids: r.body.map((x: { id: string }) => x.id), next: r.headers.get("x-next-cursor") };
    });
    expect(ids).toEqual(before);

    await e.db.$executeRaw(Prisma.sql`
      INSERT INTO alerts (id, severity, kind, text, details, created_at)
      SELECT gen_random_uuid(), 'info', 'test', 'Alert ' || g, '{}'::jsonb, now() - g * interval '1 minute' FROM generate_series(1, 5) g`);
    const alertIds = await walk(async (cursor) => {
      const r = await request(alerts.GET, { query: { limit: "2", ...(cursor ? { cursor } : {}) } });
      return { ids: r.body.alerts.map((x: { id: string }) => x.id), next: r.body.next_cursor };
    });
    expect(alertIds.length).toBe(5);
    expect(new Set(alertIds).size).toBe(5);
  });
});
