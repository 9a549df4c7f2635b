/** Campaigns, recipients and Meta-shaped webhook payloads for the WhatsApp tests. */
import { campaignCounters, liveAnalytics } from "@/lib/marketing/stats/live-counters";
import { randomUUID } from "node:crypto";
import { Prisma, type Db } from "@/lib/marketing/db";

/** each message of createCampaignWithRecipients → its recipient's number (a status's default recipient_id) */
const numberOfMessage = new Map<string, string>();

export async function createCampaignWithRecipients(db: Db, count: number, options: {
  status?: string; sentOn?: string; withWamid?: boolean; phonePrefix?: number; customers?: boolean;
} = {}) {
  const campaign = await db.marketingCampaign.create({ data: { name: `C ${randomUUID().slice(0, 6)}`, templateName: "promo", status: "active" } });
  const status = options.status ?? "queued";
  const prefix = options.phonePrefix ?? 15550000000 + Math.floor(Math.random() * 1_000_000) * 1000;
  if (options.customers !== false) {
    await db.$executeRaw`
      INSERT INTO user_profiles (id, whatsapp_phone, name, updated_at)
      SELECT gen_random_uuid(), (${prefix}::bigint + g)::text, 'Customer ' || g, now() FROM generate_series(1, ${count}) g
      ON CONFLICT (whatsapp_phone) DO NOTHING`;
  }
  await db.$executeRaw`
    INSERT INTO campaign_recipients (id, campaign_id, phone_number, customer_id, status, scheduled_send_date, sent_on,
      whatsapp_message_id, claim_id, claimed_at, sent_at, updated_at)
    SELECT gen_random_uuid(), ${campaign.id}::uuid, (${prefix}::bigint + g)::text,
      (SELECT id FROM user_profiles WHERE whatsapp_phone = (${prefix}::bigint + g)::text),
      ${status}, ${options.sentOn ?? "2026-03-02"}::date,
      CASE WHEN ${status} = 'pending' THEN NULL ELSE ${options.sentOn ?? "2026-03-02"}::date END,
      CASE WHEN ${options.withWamid !== false} AND ${status} NOT IN ('pending', 'sending', 'unknown') THEN 'wamid.T' || ${campaign.id} || '.' || g END,
      CASE WHEN ${status} = 'sending' THEN gen_random_uuid() END,
      CASE WHEN ${status} = 'sending' THEN now() END,
      CASE WHEN ${status} IN ('queued') THEN timestamptz '2026-03-02 10:00:00Z' END,
      now()
    FROM generate_series(1, ${count}) g`;
  const recipients = await db.campaignRecipient.findMany({ where: { campaignId: campaign.id }, orderBy: { phoneNumber: "asc" } });
  for (const r of recipients) if (r.whatsappMessageId) numberOfMessage.set(r.whatsappMessageId, r.phoneNumber);
  return { campaign, recipients };
}

export const ts = (iso: string) => String(Math.floor(Date.parse(iso) / 1000));

export function envelope(changes: Array<{ field: string; value: Record<string, unknown> }>, entries = 1) {
  const per = Math.ceil(changes.length / entries);
  return {
    object: "whatsapp_business_account",
    entry: Array.from({ length: entries }, (_, e) => ({
      id: "102290129340398",
      changes: changes.slice(e * per, (e + 1) * per).map((c) => ({
        field: c.field,
        value: { messaging_product: "whatsapp", metadata: { display_phone_number: "15550783881", phone_number_id: "106540352242922" }, ...c.value },
      })),
    })).filter((e) => e.changes.length > 0),
  };
}

export type StatusInput = {
  id: string; status: string; at: string; recipient_id?: string; biz?: string;
  error?: { code: number; title: string }; pricing?: boolean;
};

export function status(s: StatusInput): Record<string, unknown> {
  return {
    id: s.id,
    status: s.status,
    timestamp: ts(s.at),
    // as Meta sends it: the customer's own WhatsApp id (their number), never one shared by several customers
    // (a wa_id learnt by one customer's profile would then match the others' opt-outs)
    recipient_id: s.recipient_id ?? numberOfMessage.get(s.id) ?? "16505551234",
    ...(s.biz ? { biz_opaque_callback_data: s.biz } : {}),
    ...(s.pricing
      ? {
          conversation: { id: "6ceb9d929c5e4a36a7c5d4b7e2f8e5f2", expiration_timestamp: ts("2026-03-03T10:00:00Z"), origin: { type: "marketing" } },
          pricing: { billable: true, pricing_model: "PMP", category: "marketing", type: "regular" },
        }
      : {}),
    ...(s.error ? { errors: [{ code: s.error.code, title: s.error.title, message: s.error.title, error_data: { details: s.error.title } }] } : {}),
  };
}

export function statusesPayload(statuses: StatusInput[], options: { changes?: number; entries?: number } = {}) {
  const n = options.changes ?? 1;
  const per = Math.ceil(statuses.length / n);
  const changes = Array.from({ length: n }, (_, i) => ({ field: "messages", value: { statuses: statuses.slice(i * per, (i + 1) * per).map(status) } }));
  return envelope(changes, options.entries ?? 1);
}

export async function recipientRows(db: Db, campaignId: string) {
  return db.$queryRaw<Array<Record<string, unknown>>>(Prisma.sql`SELECT * FROM campaign_recipients WHERE campaign_id = ${campaignId}::uuid ORDER BY phone_number`);
}

/** counters, schedule and analytics agree with a recount of the recipients */
export async function consistency(db: Db, campaignId: string) {
  // read as the readers do: the counter rows plus the unfolded deltas (nothing folded here)
  const [row] = await db.$queryRaw<Array<Record<string, bigint>>>`
    SELECT count(*) FILTER (WHERE status IN ('queued','sent','delivered','read')) AS sent,
      count(*) FILTER (WHERE status IN ('delivered','read')) AS delivered,
      count(*) FILTER (WHERE status = 'read') AS read, count(*) FILTER (WHERE status = 'failed') AS failed,
      count(*) FILTER (WHERE status IN ('pending','sending')) AS pending
    FROM campaign_recipients WHERE campaign_id = ${campaignId}::uuid`;
  const c = (await campaignCounters(db, [campaignId])).get(campaignId)!;
  const truth = await db.$queryRaw<Array<{ d: Date; sent: bigint; delivered: bigint; read: bigint; failed: bigint }>>`
    SELECT sent_on AS d,
      count(*) FILTER (WHERE status IN ('queued','sent','delivered','read')) AS sent,
      count(*) FILTER (WHERE status IN ('delivered','read')) AS delivered,
      count(*) FILTER (WHERE status = 'read') AS read, count(*) FILTER (WHERE status = 'failed') AS failed
    FROM campaign_recipients WHERE campaign_id = ${campaignId}::uuid AND sent_on IS NOT NULL GROUP BY 1`;
  const live = await liveAnalytics(db, { campaignId });
  const key = (d: Date) => d.toISOString().slice(0, 10);
  const days = new Set([...truth.map((t) => key(t.d)), ...live.map((a) => key(a.date))]);
  const analytics = [...days].filter((d) => {
    const t = truth.find((x) => key(x.d) === d);
    const a = live.find((x) => key(x.date) === d);
    return (["sent", "delivered", "read", "failed"] as const).some((k) => Number(t?.[k] ?? 0) !== (a?.[k] ?? 0));
  });
  return {
    recount: Object.fromEntries(Object.entries(row).map(([k, v]) => [k, Number(v)])),
    counters: { sent: c.messagesSent, delivered: c.messagesDelivered, read: c.messagesRead, failed: c.messagesFailed, pending: c.messagesPending },
    analyticsMismatches: analytics.length,
  };
}

/** A small seeded random source (mulberry32), so a sandbox run is the same every time. */
export function seeded(seed: number) {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let x = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    x = (x + Math.imul(x ^ (x >>> 7), 61 | x)) ^ x;
    return ((x ^ (x >>> 14)) >>> 0) / 4294967296;
  };
}
