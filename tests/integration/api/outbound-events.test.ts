/**
 * Outbound events: emitted by triggers whichever code path writes, delivered from the outbox to a real HTTP
 * receiver on 127.0.0.1, signed, once each, in order, after the receiver failed twice; private URLs refused.
 */
import http from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";

vi.mock("server-only", () => ({}));
import { seedCustomers, setupEngineTest, type EngineTest } from "../engine/support";
import { request } from "./support";
import * as endpoints from "@/app/api/marketing/webhook-endpoints/route";
import * as endpointRoute from "@/app/api/marketing/webhook-endpoints/[endpointId]/route";
import * as deliveries from "@/app/api/marketing/webhook-endpoints/[endpointId]/deliveries/route";
import * as retry from "@/app/api/marketing/webhook-endpoints/[endpointId]/deliveries/[deliveryId]/retry/route";
import * as testEvent from "@/app/api/marketing/webhook-endpoints/[endpointId]/test/route";
import * as campaigns from "@/app/api/marketing/campaigns/route";
import * as recipients from "@/app/api/marketing/campaigns/[campaignId]/recipients/route";
import * as activate from "@/app/api/marketing/campaigns/[campaignId]/activate/route";
import * as pause from "@/app/api/marketing/campaigns/[campaignId]/pause/route";
import * as cancel from "@/app/api/marketing/campaigns/[campaignId]/cancel/route";
import { Prisma } from "@/lib/marketing/db";
import { deliverEvents } from "@/lib/marketing/events/deliver-events";
import { EVENT_TYPES } from "@/lib/marketing/events/event-types";
import { OUTBOUND_EVENT_DATA } from "@/lib/http/openapi/responses";
import { verifySignatureHeader } from "@/lib/marketing/events/sign-payload";

type Received = { body: string; signature: string | null; eventId: string | null; answered: number };

/** A receiver that answers 500 to its first `failFirst` requests, then 200. */
async function startReceiver(failFirst: number) {
  const received: Received[] = [];
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      const answered = received.length < failFirst ? 500 : 200;
      received.push({ body: Buffer.concat(chunks).toString("utf8"), signature: req.headers["x-wac-signature"] as string ?? null, eventId: req.headers["x-wac-event-id"] as string ?? null, answered });
      res.writeHead(answered).end();
    });
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/hooks`, received, stop: () => new Promise<void>((r) => server.close(() => r())) };
}

let e: EngineTest;
let receiver: Awaited<ReturnType<typeof startReceiver>>;
beforeAll(async () => {
  e = await setupEngineTest();
  receiver = await startReceiver(2);
});
afterAll(async () => {
  await receiver?.stop();
  await e?.stop();
});

const countEvents = async () => Number((await e.db.$queryRaw<Array<{ n: bigint }>>(Prisma.sql`SELECT count(*) AS n FROM outbound_events`))[0].n);

describe("outbound events", () => {
  it("refuses URLs that point at loopback, link-local or private addresses unless allowed (422)", async () => {
    for (const url of [receiver.url, "http://localhost:9/x", "http://10.1.2.3/x", "http://169.254.169.254/latest/meta-data", "http://[::1]:9/x", "http://192.168.1.10/x", "ftp://example.com/x"]) {
      const r = await request(endpoints.POST, { body: { url, event_types: ["campaign.paused"] } });
      expect(r.status, url).toBe(422);
      expect(r.body.error.code).toBe("VALIDATION_FAILED");
    }
    expect(await e.db.webhookEndpoint.count()).toBe(0);
  });

  it("writes no event while no endpoint subscribes", async () => {
    await e.db.$executeRaw(Prisma.sql`UPDATE user_profiles SET subscription = 'unsubscribed'`);
    expect(await countEvents()).toBe(0);
  });

  it("delivers each event once, signed, in order, after the receiver failed twice", async () => {
    const made = await request(endpoints.POST, { body: { url: receiver.url, event_types: [...EVENT_TYPES], allow_private_network: true, description: "test receiver" } });
    expect(made.status).toBe(201);
    const endpoint = made.body as { id: string; secret: string };
    expect(endpoint.secret).toMatch(/^whsec_/);

    // the changes, through the API and through plain SQL (the triggers emit whichever path writes)
    await seedCustomers(e.db, 3, { base: 15550001000 });
    const c = await request(campaigns.POST, { body: { name: "Evented", template_name: "summer_sale_promo" } });
    const params = { campaignId: c.body.id as string };
    await request(recipients.POST, { params, body: { phone_numbers: ["15550001001", "15550001002"] } });
    expect((await request(activate.POST, { params, method: "POST" })).status).toBe(200);
    expect((await request(pause.POST, { params, method: "POST" })).status).toBe(200);
    await e.db.$executeRaw(Prisma.sql`
      UPDATE user_profiles SET subscription = 'unsubscribed', subscription_source = 'reply_stop', subscription_changed_at = now() WHERE whatsapp_phone = '15550001003'`);
    await e.db.$executeRaw(Prisma.sql`
      UPDATE campaign_recipients SET status = 'failed', error_code = 131026, failure_reason = 'Message undeliverable', failed_at = now()
      WHERE campaign_id = ${params.campaignId}::uuid AND phone_number = '15550001001'`);
    await e.db.$executeRaw(Prisma.sql`
      INSERT INTO whatsapp_messages (id, direction, phone_number, wa_id, whatsapp_message_id, status, message_type, body, received_at, created_at, updated_at)
      VALUES (gen_random_uuid(), 'inbound', '15550001002', '15550001002', 'wamid.inbound-1', 'received', 'text', 'Is the sale still on?', now(), now(), now())`);
    await e.db.$executeRaw(Prisma.sql`UPDATE marketing_campaigns SET status = 'completed', completed_at = now() WHERE id = ${params.campaignId}::uuid`);
    const dropped = await request(campaigns.POST, { body: { name: "Dropped", template_name: "summer_sale_promo" } });
    expect((await request(cancel.POST, { params: { campaignId: dropped.body.id }, method: "POST" })).status).toBe(200);

    const expected = ["campaign.activated", "campaign.paused", "customer.unsubscribed", "message.failed", "reply.received", "campaign.completed", "campaign.cancelled"];
    expect(await countEvents()).toBe(expected.length);

    const t0 = Date.now();
    const run = (offsetMs: number) => deliverEvents({ db: e.db, now: new Date(t0 + offsetMs) });
    expect(await run(0)).toEqual({ delivered: 0, retrying: 1, failed: 0 });
    expect(await run(1_000)).toEqual({ delivered: 0, retrying: 0, failed: 0 }); // backing off: nothing is sent, not even later events
    expect(await run(31_000)).toEqual({ delivered: 0, retrying: 1, failed: 0 });
    expect(await run(92_000)).toEqual({ delivered: expected.length, retrying: 0, failed: 0 });
    expect(await run(200_000)).toEqual({ delivered: 0, retrying: 0, failed: 0 });

    const ok = receiver.received.filter((r) => r.answered === 200);
    expect(receiver.received.length).toBe(expected.length + 2);
    expect(receiver.received.slice(0, 3).map((r) => r.eventId)).toEqual([ok[0].eventId, ok[0].eventId, ok[0].eventId]);
    const events = ok.map((r) => JSON.parse(r.body) as { id: string; type: string; data: Record<string, unknown> });
    expect(events.map((ev) => ev.type)).toEqual(expected);
    expect(new Set(events.map((ev) => ev.id)).size).toBe(expected.length);
    const ids = events.map((ev) => Number(ev.id.replace("evt_", "")));
    expect([...ids].sort((a, b) => a - b)).toEqual(ids);
    for (const r of receiver.received) {
      const t = Number(/t=(\d+)/.exec(r.signature ?? "")?.[1]);
      expect(verifySignatureHeader({ secret: endpoint.secret, header: r.signature, body: r.body, nowSeconds: t })).toBe(true);
      expect(verifySignatureHeader({ secret: "whsec_wrong", header: r.signature, body: r.body, nowSeconds: t })).toBe(false);
      expect(verifySignatureHeader({ secret: endpoint.secret, header: r.signature, body: r.body + " ", nowSeconds: t })).toBe(false);
    }
    // a user's pause names who paused (here the environment's API token)
    expect(events[1].data).toMatchObject({ campaign_id: params.campaignId, status: "paused", paused_by: "user", paused_by_actor: "env-token" });
    expect(events[2].data).toMatchObject({ phone: "15550001003", source: "reply_stop" });
    expect(events[3].data).toMatchObject({ error_code: 131026, class: expect.any(String), phone_number: "15550001001" });
    expect(events[4].data).toMatchObject({ body: "Is the sale still on?", phone_number: "15550001002" });
    expect(events[6].data).toMatchObject({ campaign_id: dropped.body.id, status: "cancelled", previous_status: "draft", cancelled_by_actor: "env-token" });
    // each event's data is what the API document says it is
    for (const ev of events) expect(OUTBOUND_EVENT_DATA[ev.type].safeParse(ev.data).error?.issues ?? [], ev.type).toEqual([]);

    // the delivery log, and "send again"
    const log = await request(deliveries.GET, { params: { endpointId: endpoint.id }, query: { limit: "4" } });
    expect(log.status).toBe(200);
    expect(log.body.deliveries.length).toBe(4);
    expect(log.body.deliveries.every((d: { status: string }) => d.status === "delivered")).toBe(true);
    const next = await request(deliveries.GET, { params: { endpointId: endpoint.id }, query: { limit: "4", cursor: log.body.next_cursor } });
    expect(next.body.deliveries.length).toBe(3);
    expect(next.body.next_cursor).toBeNull();
    const first = next.body.deliveries[2] as { id: string; attempts: number };
    expect(first.attempts).toBe(3);
    const again = await request(retry.POST, { method: "POST", params: { endpointId: endpoint.id, deliveryId: first.id } });
    expect(again.status).toBe(200);
    expect(again.body).toMatchObject({ status: "delivered", attempts: 4 });
    expect(receiver.received.length).toBe(expected.length + 3);
  });

  it("sends a test event to one endpoint; a delivery failing for a day is given up and the next one goes", async () => {
    const [endpoint] = (await request(endpoints.GET)).body.endpoints as Array<{ id: string }>;
    const before = receiver.received.length;
    const t = await request(testEvent.POST, { method: "POST", params: { endpointId: endpoint.id } });
    expect(t.status).toBe(200);
    expect(t.body).toMatchObject({ event_type: "endpoint.test", status: "delivered" });
    expect(receiver.received.length).toBe(before + 1);
    // a disabled endpoint is sent nothing: its test is refused with why, not left pending
    await e.db.webhookEndpoint.update({ where: { id: endpoint.id }, data: { enabled: false } });
    const disabled = await request(testEvent.POST, { method: "POST", params: { endpointId: endpoint.id } });
    expect(disabled.status).toBe(409);
    expect(disabled.body.error).toMatchObject({ code: "CONFLICT", message: "This endpoint is disabled: enable it to send a test event." });
    await e.db.webhookEndpoint.update({ where: { id: endpoint.id }, data: { enabled: true } });

    const dead = await startReceiver(Number.MAX_SAFE_INTEGER);
    const made = await request(endpoints.POST, { body: { url: dead.url, event_types: ["campaign.paused", "campaign.activated"], allow_private_network: true } });
    const deadId = made.body.id as string;
    await e.db.$executeRaw(Prisma.sql`UPDATE marketing_campaigns SET status = 'active' WHERE status = 'completed'`);
    await e.db.$executeRaw(Prisma.sql`UPDATE marketing_campaigns SET status = 'paused', paused_by = 'failure_guard', pause_reason = 'too many failures' WHERE status = 'active'`);
    const t0 = Date.now();
    await deliverEvents({ db: e.db, now: new Date(t0), endpointId: deadId });
    await e.db.$executeRaw(Prisma.sql`UPDATE webhook_deliveries SET first_attempt_at = first_attempt_at - interval '25 hours', next_attempt_at = now() WHERE endpoint_id = ${deadId}::uuid AND status = 'pending' AND attempts > 0`);
    const r = await deliverEvents({ db: e.db, now: new Date(t0 + 1000), endpointId: deadId });
    expect(r).toEqual({ delivered: 0, retrying: 1, failed: 1 });
    const log = await request(deliveries.GET, { params: { endpointId: deadId } });
    expect(log.body.deliveries.map((d: { event_type: string; status: string }) => `${d.event_type}:${d.status}`)).toEqual(["campaign.paused:pending", "campaign.activated:failed"]);
    expect(dead.received.map((x) => JSON.parse(x.body).type)).toEqual(["campaign.activated", "campaign.activated", "campaign.paused"]);
    expect(JSON.parse(dead.received[2].body).data).toMatchObject({ paused_by: "failure_guard", paused_by_actor: null, pause_reason: "too many failures" });
    await dead.stop();

    expect((await request(endpointRoute.DELETE, { method: "DELETE", params: { endpointId: deadId } })).status).toBe(200);
    expect(await e.db.webhookDelivery.count({ where: { endpointId: deadId } })).toBe(0);
  });
});
