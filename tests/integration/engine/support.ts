/**
 * Engine test harness: a fresh database, the fake Graph API over HTTP, the app's env pointing at both,
 * and a way to call route handlers directly (NextRequest in, status + JSON out).
 */
import { campaignCounters, liveSchedule } from "@/lib/marketing/stats/live-counters";
import { NextRequest } from "next/server";
import { afterAll, beforeAll, beforeEach, vi } from "vitest";
import { createTestDb, type TestDb } from "../../support/db";
import { startFakeGraphApi, type FakeGraphApi, type FakeTemplate } from "../../support/fake-graph-api";
import { TEST_TEMPLATES } from "../../support/test-templates";
import { Prisma, type Db } from "@/lib/marketing/db";
import { createCloudWhatsAppClient } from "@/lib/whatsapp/cloud-client";
import type { WhatsAppClient } from "@/lib/whatsapp/types";

export const TOKEN = "test-marketing-token-0123456789";
export const CRON = "test-cron-secret-0123456789";

// lib/env.ts parses process.env once, on first use (lib/auth reads it at import): set the static part
// before any route module is imported (import this file first).
Object.assign(process.env, {
  MARKETING_API_TOKEN: TOKEN,
  CRON_SECRET: CRON,
  CAMPAIGN_TIMEZONE: process.env.TEST_CAMPAIGN_TIMEZONE ?? "UTC",
  WHATSAPP_ACCESS_TOKEN: "fake-access-token",
  WHATSAPP_PHONE_NUMBER_ID: "1098765432",
  WHATSAPP_MAX_MPS: "1000",
  WHATSAPP_REQUEST_TIMEOUT_MS: "2000",
  PROCESSOR_TIME_BUDGET_MS: "50000",
});

export type EngineTest = { t: TestDb; db: Db; graph: FakeGraphApi; stop: () => Promise<void> };

/** A well-formed id that no row has (for the 404 paths). */
export const MISSING_ID = "00000000-0000-4000-8000-000000000000";

/** The file's engine, started before its tests (the clock at `clock` when given) and handed to `use`, stopped after them. */
export function withEngineTest(options: { clock?: string; poolMax?: number }, use: (e: EngineTest) => void) {
  let e: EngineTest | undefined;
  beforeAll(async () => {
    e = await setupEngineTest({ poolMax: options.poolMax });
    if (options.clock) setClock(options.clock);
    use(e);
  });
  afterAll(async () => e?.stop());
}

/** `templates`: approved templates the suite sends besides TEST_TEMPLATES (the fake refuses unknown ones) */
export async function setupEngineTest(options: { poolMax?: number; templates?: FakeTemplate[] } = {}): Promise<EngineTest> {
  const t = await createTestDb({ poolMax: options.poolMax ?? 12 });
  const graph = await startFakeGraphApi({ templates: [...TEST_TEMPLATES, ...(options.templates ?? [])] });
  process.env.DATABASE_URL = t.url;
  // the app's getDb() and getWhatsAppClient() (lib/server/whatsapp.ts) return these: this test database,
  // and the real Cloud API client pointed at the fake Graph API
  const g = globalThis as unknown as { __db?: Db; __whatsappClient?: WhatsAppClient };
  g.__db = t.db;
  g.__whatsappClient = cloudClient(graph);
  return {
    t, db: t.db, graph,
    stop: async () => {
      vi.useRealTimers();
      await graph.stop();
      await t.drop();
    },
  };
}

/**
 * The usual suite of one file: its engine test (started when the file loads, stopped after its last test),
 * the fake Graph API reset before each test and then `reset` (the file's own clean-up), and a Cloud API
 * client on the fake. `noTemplateLibrary`: the app sees no template library (WABA not configured).
 */
export async function engineSuite(options: {
  poolMax?: number; noTemplateLibrary?: boolean; reset?: (e: EngineTest) => Promise<unknown>;
  /** the client's request timeout (default 5 s) */
  clientTimeoutMs?: number;
} = {}): Promise<{ e: EngineTest; wa: WhatsAppClient }> {
  const e = await setupEngineTest({ poolMax: options.poolMax });
  if (options.noTemplateLibrary) (globalThis as unknown as { __templatesApi?: null }).__templatesApi = null;
  afterAll(() => e.stop());
  beforeEach(async () => {
    e.graph.reset();
    await options.reset?.(e);
  });
  return { e, wa: cloudClient(e.graph, { timeoutMs: options.clientTimeoutMs ?? 5000 }) };
}

/** A real Cloud API client against the fake Graph API (what production uses, pointed at loopback). */
export function cloudClient(graph: FakeGraphApi, options: { maxMps?: number; timeoutMs?: number } = {}): WhatsAppClient {
  return createCloudWhatsAppClient({
    apiUrl: graph.url, apiVersion: "v23.0", phoneNumberId: "1098765432", accessToken: "fake-access-token",
    maxMps: options.maxMps ?? 1000, timeoutMs: options.timeoutMs ?? 2000,
  });
}

/** Sets the clock route handlers see (new Date()). */
export function setClock(iso: string) {
  vi.setSystemTime(new Date(iso));
}

type Handler = (req: NextRequest, ctx: { params: Promise<Record<string, string>> }) => Promise<Response>;

export async function call(handler: unknown, opts: {
  method?: string; path?: string; params?: Record<string, string>; body?: unknown; rawBody?: string; token?: string | null; query?: Record<string, string | undefined>;
} = {}): Promise<{ status: number; body: any }> { // eslint-disable-line @typescript-eslint/no-explicit-any
  const url = new URL(`http://localhost${opts.path ?? "/api/marketing/x"}`);
  for (const [k, v] of Object.entries(opts.query ?? {})) if (v !== undefined) url.searchParams.set(k, v);
  const headers: Record<string, string> = { "content-type": "application/json" };
  const token = opts.token === undefined ? TOKEN : opts.token;
  if (token) headers.authorization = `Bearer ${token}`;
  const body = opts.rawBody ?? (opts.body === undefined ? undefined : JSON.stringify(opts.body));
  const req = new NextRequest(url, { method: opts.method ?? (body ? "POST" : "GET"), headers, body });
  const res = await (handler as Handler)(req, { params: Promise.resolve(opts.params ?? {}) });
  const text = await res.text();
  return { status: res.status, body: text ? JSON.parse(text) : undefined };
}

/** n subscribed customers 1555000xxxx with the given fields, one set-based insert. */
export async function seedCustomers(db: Db, n: number, fields: { tier?: string; city?: string; tags?: string[]; base?: number } = {}) {
  const base = fields.base ?? 15550000000;
  await db.$executeRaw(Prisma.sql`
    INSERT INTO user_profiles (id, whatsapp_phone, name, customer_tier, city, tags, subscription, is_active, created_at, updated_at)
    SELECT gen_random_uuid(), (${base}::bigint + g)::text, 'Customer ' || g, ${fields.tier ?? null}, ${fields.city ?? null},
           ${fields.tags ?? []}::text[], 'subscribed', true, now() + g * interval '1 microsecond', now()
    FROM generate_series(1, ${n}::int) g
    ON CONFLICT (whatsapp_phone) DO NOTHING`);
}

/** Counters vs a recount, and the send schedule vs the recipients: both must agree. */
export async function checkConsistency(db: Db, campaignId: string) {
  // read as the readers do: the counter rows plus the unfolded deltas (nothing folded here)
  const [r] = await db.$queryRaw<Array<Record<string, bigint>>>(Prisma.sql`
    SELECT count(*) AS total,
      count(*) FILTER (WHERE status IN ('pending','sending')) AS pending,
      count(*) FILTER (WHERE status IN ('queued','sent','delivered','read')) AS sent,
      count(*) FILTER (WHERE status IN ('delivered','read')) AS delivered,
      count(*) FILTER (WHERE status = 'read') AS read,
      count(*) FILTER (WHERE status = 'failed') AS failed,
      count(*) FILTER (WHERE status = 'skipped') AS skipped,
      count(*) FILTER (WHERE status = 'unknown') AS unknown
    FROM campaign_recipients WHERE campaign_id = ${campaignId}::uuid`);
  const c = (await campaignCounters(db, [campaignId])).get(campaignId)!;
  const recount = Object.fromEntries(Object.entries(r).map(([k, v]) => [k, Number(v)]));
  const counters = {
    total: c.totalTargetCustomers, pending: c.messagesPending, sent: c.messagesSent, delivered: c.messagesDelivered,
    read: c.messagesRead, failed: c.messagesFailed, skipped: c.messagesSkipped, unknown: c.messagesUnknown,
  };
  const truth = await db.$queryRaw<Array<{ d: Date; batch: bigint; sent: bigint; remaining: bigint }>>(Prisma.sql`
    SELECT scheduled_send_date AS d, count(*) AS batch,
      count(*) FILTER (WHERE status IN ('queued','sent','delivered','read')) AS sent,
      count(*) FILTER (WHERE status IN ('pending','sending')) AS remaining
    FROM campaign_recipients WHERE campaign_id = ${campaignId}::uuid AND scheduled_send_date IS NOT NULL GROUP BY 1`);
  const live = await liveSchedule(db, campaignId, { take: 100_000 });
  const key = (d: Date) => d.toISOString().slice(0, 10);
  const days = new Set([...truth.map((t) => key(t.d)), ...live.map((s) => key(s.sendDate))]);
  const schedule = [...days].filter((d) => {
    const t = truth.find((x) => key(x.d) === d);
    const s = live.find((x) => key(x.sendDate) === d);
    return Number(t?.batch ?? 0) !== (s?.batchSize ?? 0) || Number(t?.sent ?? 0) !== (s?.messagesSent ?? 0) || Number(t?.remaining ?? 0) !== (s?.messagesRemaining ?? 0);
  });
  return { counters, recount, scheduleMismatches: schedule.length };
}

/** Pending recipients of active campaigns scheduled before `day` (or not at all): must be none. */
export async function strandedCount(db: Db, day: string): Promise<number> {
  const [row] = await db.$queryRaw<Array<{ n: bigint }>>(Prisma.sql`
    SELECT count(*) AS n FROM campaign_recipients r JOIN marketing_campaigns c ON c.id = r.campaign_id
    WHERE c.status = 'active' AND r.status = 'pending' AND (r.scheduled_send_date IS NULL OR r.scheduled_send_date < ${day}::date)`);
  return Number(row.n);
}

/** The most attempts any campaign made on one calendar day (by sent_on). */
export async function maxAttemptsPerDay(db: Db, campaignId: string): Promise<number> {
  const [row] = await db.$queryRaw<Array<{ n: bigint | null }>>(Prisma.sql`
    SELECT max(n) AS n FROM (SELECT count(*) AS n FROM campaign_recipients
      WHERE campaign_id = ${campaignId}::uuid AND sent_on IS NOT NULL AND status IN ('sending','queued','sent','delivered','read','failed','unknown')
      GROUP BY sent_on) x`);
  return Number(row.n ?? 0);
}
