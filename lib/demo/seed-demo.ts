/**
 * The demo workspace `npm run dev` starts with: users for each role, 8,000 customers, campaigns in every
 * state with weeks of history (the counter triggers derive campaign totals, send schedules and
 * campaign_analytics from the recipient rows written here), so the dashboard shows real numbers. The
 * history's delivered messages are then priced as WhatsApp prices them: the `delivered` status with its
 * pricing, as the sandbox sends it, through the delivery applier (the spend is the rate card's, per day).
 */
import { SPEC_EXAMPLES } from "@/lib/http/openapi/operations";
import type { Db } from "@/lib/marketing/db";
import { hashPassword } from "@/lib/marketing/auth/passwords";
import { seedSandboxTemplates } from "@/lib/marketing/templates/seed-sandbox-templates";
import type { CampaignStatus } from "@/lib/marketing/campaigns/campaign-status";
import { addDays, dayInZone } from "@/lib/marketing/time";
import { UNDELIVERABLE_AFTER_DEFAULT } from "@/lib/marketing/customers/undeliverable";
import { handleWebhookPayload } from "@/lib/marketing/delivery/handle-webhook-payload";
import { statusPayload } from "@/lib/whatsapp/sandbox";
import { insertCustomers } from "./factories";

export const DEMO_PASSWORD = "campaigns-demo";
export const DEMO_USERS = [
  { email: "admin@example.com", name: "Alex Admin", role: "admin" },
  { email: "marketer@example.com", name: "Maya Marketer", role: "marketer" },
  { email: "viewer@example.com", name: "Victor Viewer", role: "viewer" },
] as const;

type DemoCampaign = {
  name: string;
  description: string;
  templateName: string;
  /** the template's values (default PROMO_COMPONENTS: image header, first name, discount) */
  components?: object[];
  status: CampaignStatus;
  dailySendLimit: number;
  priority: number;
  audience: { customer_tier?: string; city?: string; tags?: string[] };
  /** recipients to add (taken from the matching subscribed customers) */
  recipients: number;
  /** first send day relative to today (negative = in the past); null = never activated */
  startOffset: number | null;
  /** for active/paused: days already sent; the rest stays pending from today on */
  daysSent?: number;
  pauseReason?: string;
};

const PROMO_COMPONENTS = [
  { type: "header", parameters: [{ type: "image", image: { link: "https://example.com/banners/sale.jpg" } }] },
  {
    type: "body",
    parameters: [
      { type: "text", variable: { field: "first_name", fallback: "there" } },
      { type: "text", text: "30%" },
    ],
  },
];

/** The spec's example createCampaign request (the API document's example): the demo fits it as it is. */
const { target_audience: specAudience, template_components: SUMMER_COMPONENTS } = SPEC_EXAMPLES.createRequest;
/** its target_audience, as customer fields */
const SPEC_EXAMPLE_AUDIENCE = { customerTier: specAudience.customer_tier, city: specAudience.city, tags: specAudience.tags };

const CAMPAIGNS: DemoCampaign[] = [
  { name: "Back to School 2026", description: "Backpacks and shoes for the new term", templateName: "back_to_school", status: "completed", dailySendLimit: 250, priority: 5, audience: { tags: ["shoes"] }, recipients: 1500, startOffset: -70 },
  { name: "Spring Collection Launch", description: "New arrivals for premium customers", templateName: "spring_collection", status: "completed", dailySendLimit: 250, priority: 6, audience: { customer_tier: "premium" }, recipients: 2000, startOffset: -40 },
  { name: "Summer Sale 2026", description: "30% off everything, all subscribed customers", templateName: "summer_sale_promo", components: SUMMER_COMPONENTS, status: "active", dailySendLimit: 250, priority: 5, audience: {}, recipients: 7000, startOffset: -14, daysSent: 14 },
  { name: "VIP Early Access", description: "48 hours early access for VIPs", templateName: "vip_early_access", status: "active", dailySendLimit: 100, priority: 9, audience: { customer_tier: "vip" }, recipients: 700, startOffset: -3, daysSent: 3 },
  { name: "Weekend Flash Sale", description: "Fashion and accessories in New York", templateName: "flash_sale", status: "paused", dailySendLimit: 150, priority: 7, audience: { tags: ["fashion"] }, recipients: 1200, startOffset: -6, daysSent: 4, pauseReason: "Paused by Maya Marketer: waiting for new stock" },
  { name: "Loyalty Points Reminder", description: "Remind customers of their points", templateName: "loyalty_points", status: "draft", dailySendLimit: 250, priority: 4, audience: { city: "Chicago" }, recipients: 900, startOffset: null },
  { name: "Black Friday Preview", description: "Sneak peek of Black Friday deals", templateName: "black_friday_preview", status: "draft", dailySendLimit: 500, priority: 8, audience: { customer_tier: "premium", tags: ["electronics"] }, recipients: 0, startOffset: null },
  { name: "Holiday Newsletter (old)", description: "Replaced by a new template", templateName: "holiday_newsletter", status: "cancelled", dailySendLimit: 250, priority: 3, audience: { city: "Miami" }, recipients: 600, startOffset: -20, daysSent: 1 },
];

export async function isDatabaseEmpty(db: Db): Promise<boolean> {
  const [users, campaigns, customers] = await Promise.all([db.user.count(), db.marketingCampaign.count(), db.userProfile.count()]);
  return users + campaigns + customers === 0;
}

/** Forces the demo seed where it is refused: `--force-demo` on the command line or SEED_DEMO_FORCE=1. */
export const FORCE_DEMO_FLAG = "--force-demo";

export type DemoSeedGuard = { env: Record<string, string | undefined>; argv: readonly string[] };

/**
 * Why the demo workspace must not be loaded (null = it may): its accounts share a published password and
 * its active campaigns would really send once WhatsApp credentials are set, so it is refused in production
 * and with a real access token (not SANDBOX=1) unless forced on purpose.
 */
export function demoSeedRefusal({ env, argv }: DemoSeedGuard): string | null {
  if (argv.includes(FORCE_DEMO_FLAG) || env.SEED_DEMO_FORCE === "1") return null;
  const realToken = Boolean(env.WHATSAPP_ACCESS_TOKEN?.trim()) && env.SANDBOX !== "1";
  if (env.NODE_ENV === "production" || realToken) {
    const why = env.NODE_ENV === "production" ? "NODE_ENV=production" : "a real WHATSAPP_ACCESS_TOKEN is set";
    return `The demo workspace is not loaded because ${why}: its accounts use the public password "${DEMO_PASSWORD}" and its active campaigns would really send. Pass ${FORCE_DEMO_FLAG} (or set SEED_DEMO_FORCE=1) to load it anyway.`;
  }
  return null;
}

export class DemoSeedRefused extends Error {
  override name = "DemoSeedRefused";
}

export async function seedDemo({ db, now, timezone, customers = 8000, guard = { env: process.env, argv: process.argv } }: { db: Db; now: Date; timezone: string; customers?: number; guard?: DemoSeedGuard }) {
  const refusal = demoSeedRefusal(guard);
  if (refusal) throw new DemoSeedRefused(refusal);
  const passwordHash = await hashPassword(DEMO_PASSWORD);
  for (const u of DEMO_USERS) {
    await db.user.upsert({ where: { email: u.email }, update: {}, create: { email: u.email, name: u.name, role: u.role, passwordHash } });
  }
  await insertCustomers(db, { count: customers, firstPhone: 12025550000n });
  // the spec's example audience (premium, New York, fashion and accessories) finds customers too: following
  // the guide's create / add-by-audience / activate steps against the demo adds them instead of nobody
  await insertCustomers(db, { count: 60, firstPhone: 12125557000n, unsubscribedShare: 0, fixed: SPEC_EXAMPLE_AUDIENCE });
  // the sandbox's approved-template library (the demo campaigns use its templates); the PENDING one is
  // approved a couple of minutes later by a sandbox status webhook
  await seedSandboxTemplates({ db, now, approvePendingAfterMs: 2 * 60_000 });
  const today = dayInZone(now, timezone);

  for (const c of CAMPAIGNS) {
    const startDate = c.startOffset === null ? null : addDays(today, c.startOffset);
    const campaign = await db.marketingCampaign.create({
      data: {
        name: c.name,
        description: c.description,
        templateName: c.templateName,
        languageCode: "en_US",
        status: c.status,
        dailySendLimit: c.dailySendLimit,
        priority: c.priority,
        targetAudience: c.audience,
        templateComponents: c.components ?? PROMO_COMPONENTS,
        startDate: startDate ? new Date(`${startDate}T00:00:00Z`) : null,
        startedAt: startDate ? new Date(`${startDate}T08:00:00Z`) : null,
        pausedAt: c.status === "paused" ? now : null,
        pauseReason: c.pauseReason ?? null,
        pausedBy: c.status === "paused" ? "user" : null,
        cancelledAt: c.status === "cancelled" ? now : null,
        createdAt: startDate ? new Date(new Date(`${startDate}T00:00:00Z`).getTime() - 2 * 86_400_000) : now,
      },
    });
    if (c.recipients === 0) continue;
    const tier = c.audience.customer_tier ?? null;
    const city = c.audience.city ?? null;
    const tags = c.audience.tags ?? null;
    const daysSent = c.status === "completed" ? 10_000 : (c.daysSent ?? 0);
    // recipients: the first N matching subscribed customers, day k gets rows k*limit+1 .. (k+1)*limit.
    // Days already sent get realistic outcomes: ~62% read, 28% delivered, 5% sent, 3% failed, 2% skipped.
    await db.$executeRaw`
      WITH picked AS (
        SELECT p.id AS customer_id, p.whatsapp_phone, row_number() OVER (ORDER BY p.whatsapp_phone) - 1 AS rn
        FROM user_profiles p
        WHERE p.subscription = 'subscribed' AND p.is_active
          AND (${tier}::text IS NULL OR p.customer_tier = ${tier})
          AND (${city}::text IS NULL OR lower(p.city) = lower(${city}))
          AND (${tags}::text[] IS NULL OR p.tags @> ${tags}::text[])
        ORDER BY p.whatsapp_phone
        LIMIT ${c.recipients}
      ), planned AS (
        SELECT *, (rn / ${c.dailySendLimit})::int AS day_index, abs(hashtext(whatsapp_phone)) % 100 AS h
        FROM picked
      ), shaped AS (
        SELECT *,
          CASE WHEN ${startDate}::date IS NULL THEN NULL
               WHEN day_index < ${daysSent} THEN ${startDate}::date + day_index
               ELSE greatest(${today}::date, ${startDate}::date + day_index) END AS sched,
          (${startDate}::date IS NOT NULL AND day_index < ${daysSent} AND ${startDate}::date + day_index < ${today}::date) AS done
        FROM planned
      )
      INSERT INTO campaign_recipients (id, campaign_id, phone_number, customer_id, status, scheduled_send_date, sent_on,
        whatsapp_message_id, wa_id, sent_at, delivered_at, read_at, failed_at, failure_reason, error_code, created_at, updated_at)
      SELECT uuidv7(), ${campaign.id}::uuid, whatsapp_phone, customer_id,
        CASE WHEN NOT done THEN 'pending' WHEN h < 2 THEN 'skipped' WHEN h < 5 THEN 'failed' WHEN h < 10 THEN 'sent'
             WHEN h < 38 THEN 'delivered' ELSE 'read' END,
        sched,
        CASE WHEN done THEN sched END,
        CASE WHEN done AND h >= 5 THEN 'wamid.DEMO' || md5(${campaign.id} || whatsapp_phone) END,
        CASE WHEN done AND h >= 5 THEN whatsapp_phone END,
        CASE WHEN done AND h >= 5 THEN sched + time '09:00' + (h || ' seconds')::interval END,
        CASE WHEN done AND h >= 10 THEN sched + time '09:02' + (h || ' seconds')::interval END,
        CASE WHEN done AND h >= 38 THEN sched + time '11:00' + (h || ' minutes')::interval END,
        CASE WHEN done AND h >= 2 AND h < 5 THEN sched + time '09:00' END,
        CASE WHEN done AND h < 2 THEN 'User unsubscribed' WHEN done AND h < 5 THEN '131026 Message undeliverable' END,
        CASE WHEN done AND h >= 2 AND h < 5 THEN 131026 END,
        ${campaign.createdAt}, now()
      FROM shaped`;
    await db.$executeRaw`
      INSERT INTO whatsapp_messages (id, direction, campaign_id, recipient_id, phone_number, wa_id, whatsapp_message_id, status,
        template_name, language_code, sent_at, delivered_at, read_at, created_at, updated_at)
      SELECT uuidv7(), 'outbound', campaign_id, id, phone_number, wa_id, whatsapp_message_id, status,
        ${c.templateName}, 'en_US', sent_at, delivered_at, read_at, sent_at, now()
      FROM campaign_recipients WHERE campaign_id = ${campaign.id}::uuid AND whatsapp_message_id IS NOT NULL`;
    if (c.status === "completed") {
      await db.$executeRaw`
        UPDATE marketing_campaigns SET completed_at = (SELECT max(sent_at) FROM campaign_recipients WHERE campaign_id = ${campaign.id}::uuid)
        WHERE id = ${campaign.id}::uuid`;
    }
    if (c.status === "cancelled") {
      await db.$executeRaw`UPDATE campaign_send_schedule SET status = 'cancelled' WHERE campaign_id = ${campaign.id}::uuid AND messages_remaining > 0`;
    }
  }
  await priceHistory(db, now, timezone);
  // the history's undeliverable failures (131026) counted on their customers, as the webhook would have:
  // those who failed in enough campaigns in a row are marked not reachable (customers/undeliverable.ts)
  await db.$executeRaw`
    UPDATE user_profiles p SET undeliverable_count = x.n, undeliverable_last_at = x.last_at,
      undeliverable_since = CASE WHEN x.n >= ${UNDELIVERABLE_AFTER_DEFAULT}::int THEN x.last_at END
    FROM (
      SELECT r.customer_id, count(*)::int AS n, max(r.failed_at) AS last_at FROM campaign_recipients r
      WHERE r.status = 'failed' AND r.error_code = 131026 AND r.customer_id IS NOT NULL
        AND NOT EXISTS (SELECT 1 FROM campaign_recipients d WHERE d.customer_id = r.customer_id AND d.delivered_at > r.failed_at)
      GROUP BY r.customer_id
    ) x
    WHERE p.id = x.customer_id`;
  await db.auditLog.create({ data: { actor: "system", action: "demo.seeded", entityType: "workspace", details: { customers } } });
  return { users: DEMO_USERS.map((u) => u.email), password: DEMO_PASSWORD };
}

/** The pricing WhatsApp sent with each historical delivery (its `delivered` status), applied as a webhook is. */
async function priceHistory(db: Db, now: Date, timezone: string) {
  const sends = await db.$queryRaw<Array<{ wamid: string; phone: string; delivered_at: Date }>>`
    SELECT whatsapp_message_id AS wamid, phone_number AS phone, delivered_at FROM whatsapp_messages
    WHERE direction = 'outbound' AND campaign_id IS NOT NULL AND delivered_at IS NOT NULL AND cost_set_at IS NULL
    ORDER BY delivered_at, id`;
  for (let i = 0; i < sends.length; i += 1000) {
    const statuses = sends.slice(i, i + 1000).map((m) => {
      const one = statusPayload({ wamid: m.wamid, status: "delivered", at: m.delivered_at, recipientId: m.phone }) as {
        entry: Array<{ changes: Array<{ value: { statuses: unknown[] } }> }>;
      };
      return { envelope: one, status: one.entry[0].changes[0].value.statuses[0] };
    });
    // one delivery of many statuses, as WhatsApp batches them
    const payload = statuses[0].envelope;
    payload.entry[0].changes[0].value.statuses = statuses.map((x) => x.status);
    await handleWebhookPayload({ db, now, payload, timezone, log: { warn: () => {}, info: () => {} } });
  }
}
