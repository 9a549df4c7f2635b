/**
 * The sandbox simulates what customers do after a message (so `npm run dev` shows it moving): a tap on
 * the tracked button — counted once, the link preview WhatsApp fetched before it not at all — and a
 * reply, attributed to the campaign by the same applier as Meta's webhooks.
 */
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";

vi.mock("server-only", () => ({}));
import { call, CRON, seedCustomers, setClock, setupEngineTest, type EngineTest } from "../engine/support";
import * as campaigns from "@/app/api/marketing/campaigns/route";
import * as recipients from "@/app/api/marketing/campaigns/[campaignId]/recipients/route";
import * as activate from "@/app/api/marketing/campaigns/[campaignId]/activate/route";
import * as stats from "@/app/api/marketing/campaigns/[campaignId]/stats/route";
import * as processDaily from "@/app/api/marketing/process-daily/route";
import { flushSandbox } from "@/lib/marketing/delivery/flush-sandbox";
import { createSandboxWhatsAppClient } from "@/lib/whatsapp/sandbox";
import { createSandboxTemplatesApi } from "@/lib/whatsapp/templates/sandbox-templates";
import type { TemplatesApi } from "@/lib/whatsapp/templates/templates-api";
import type { WhatsAppClient } from "@/lib/whatsapp/types";

let e: EngineTest;
beforeAll(async () => {
  e = await setupEngineTest();
  setClock("2025-03-03T09:00:00Z");
  const g = globalThis as unknown as { __whatsappClient?: WhatsAppClient; __templatesApi?: TemplatesApi | null };
  g.__templatesApi = createSandboxTemplatesApi();
  g.__whatsappClient = createSandboxWhatsAppClient({
    db: e.db, now: () => new Date(), speed: 0,
    odds: { failed: 0, delivered: 1, read: 1, readWithoutDelivered: 0, stop: 0, stopButton: 0, preferenceStop: 0, username: 0, usernameOnlyContact: 0 },
    engagement: { click: 1, preview: 1, reply: 1, random: () => 0.5 },
  });
});
afterAll(async () => e?.stop());

describe("sandbox engagement", () => {
  it("taps on the tracked button count once per customer (previews not at all) and replies are attributed", async () => {
    const c = await call(campaigns.POST, { body: {
      name: "Weekend", template_name: "weekend_sale_tracked",
      template_components: [
        { type: "body", parameters: [{ type: "text", variable: { field: "first_name", fallback: "there" } }, { type: "text", text: "25%" }] },
        { type: "button", sub_type: "url", index: 0, parameters: [{ type: "text", tracked_link: "https://shop.example.com/weekend" }] },
      ],
    } });
    expect(c.status, JSON.stringify(c.body)).toBe(201);
    await seedCustomers(e.db, 3, { base: 15552000000 });
    await call(recipients.POST, { params: { campaignId: c.body.id }, body: { phone_numbers: ["15552000001", "15552000002", "15552000003"] } });
    expect((await call(activate.POST, { params: { campaignId: c.body.id }, query: { start_date: "2025-03-03" } })).status).toBe(200);
    expect((await call(processDaily.GET, { token: CRON, method: "GET" })).body.messages_sent).toBe(3);
    // every event is due at once (speed 0): sent, delivered, read, a preview fetch, a tap and a reply per customer
    const flushed = await flushSandbox({ db: e.db, now: new Date(), log: { warn: () => {} } });
    expect(flushed.delivered).toBe(3 * 6);
    const rows = await e.db.campaignRecipient.findMany({ where: { campaignId: c.body.id } });
    for (const r of rows) expect(r).toMatchObject({ status: "read", clickCount: 1, replyCount: 1 });
    const st = await call(stats.GET, { params: { campaignId: c.body.id } });
    expect(st.body).toMatchObject({ delivered: 3, clicked: 3, clicks: 3, click_rate: 100, replied: 3, reply_rate: 100, opted_out: 0 });
  });
});
