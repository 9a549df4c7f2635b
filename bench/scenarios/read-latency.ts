/**
 * Scenario 6: read latency at scale, over HTTP to the production server, one request at a time after a
 * warm-up: GET /api/marketing/campaigns/{id}/stats of the audience campaign (scenario 2's recipients),
 * GET /api/marketing/campaigns (first page), and the dashboard's campaign detail page /campaigns/{id}
 * with a signed-in session (a next-auth JWT minted with the server's AUTH_SECRET for an admin user), also
 * as its recipients table's Previous page from the middle of the campaign.
 */
import { encode } from "next-auth/jwt";
import { API_TOKEN, AUTH_SECRET, type Context } from "../support/context";
import { sampleGets } from "../support/http";
import { watchMemory } from "../support/memory";
import type { BenchResult } from "../support/report";
import { latencySummary } from "../support/stats";

async function sessionCookie(ctx: Context): Promise<string> {
  const user = await ctx.db.user.upsert({
    where: { email: "bench@example.com" },
    create: { email: "bench@example.com", name: "Bench", passwordHash: "not-a-password-hash", role: "admin" },
    update: {},
  });
  const jwt = await encode({ token: { sub: user.id, uid: user.id, role: user.role, email: user.email, name: user.name }, secret: AUTH_SECRET });
  // NODE_ENV=production without INSECURE_COOKIES: next-auth uses the __Secure- cookie name
  return `__Secure-next-auth.session-token=${jwt}`;
}

export async function readLatency(ctx: Context): Promise<BenchResult[]> {
  const { server, opts } = ctx;
  if (!server) throw new Error("scenario 6 needs the production server");
  const id = ctx.state.audienceCampaignId;
  if (!id) throw new Error("scenario 6 needs scenario 2");
  const c = await ctx.db.marketingCampaign.findUniqueOrThrow({ where: { id }, select: { totalTargetCustomers: true } });
  const campaigns = await ctx.db.marketingCampaign.count();
  const size = `${c.totalTargetCustomers.toLocaleString("en-US")} recipients`;
  const bearer = { authorization: `Bearer ${API_TOKEN}` };
  const results: BenchResult[] = [];

  const measure = async (rid: string, name: string, url: string, headers: Record<string, string>, target: string | undefined, limitMs: number | undefined, n: number, sizeText = size) => {
    const mem = watchMemory({ server: server.pid });
    const r = await sampleGets(url, headers, n);
    const peak = mem.stop();
    if (r.latencies.length === 0) {
      ctx.log(`${name}: HTTP ${r.status}, not measured`);
      results.push({ id: rid, scenario: name, size: sizeText, wallMs: NaN, peakRssMb: peak, target, notes: [`HTTP ${r.status}: not measured`] });
      return;
    }
    const l = latencySummary(r.latencies);
    ctx.log(`${name}: p50 ${l.p50.toFixed(1)} ms, p99 ${l.p99.toFixed(1)} ms`);
    results.push({
      id: rid, scenario: name, size: sizeText, wallMs: r.wallMs ?? 0, rate: { value: n / ((r.wallMs ?? 1) / 1000), unit: "req/s" },
      p50Ms: l.p50, p99Ms: l.p99, peakRssMb: peak, target, met: limitMs === undefined ? undefined : l.p99 < limitMs, extra: { requests: n },
    });
  };

  await measure("6a", "GET /campaigns/{id}/stats", `${server.url}/api/marketing/campaigns/${id}/stats`, bearer, "p99 < 20 ms", 20, opts.samples);
  await measure("6b", "GET /campaigns (50 newest)", `${server.url}/api/marketing/campaigns`, bearer, "p99 < 100 ms", 100, opts.samples,
    `${campaigns} campaigns, ${size}`);
  const cookie = await sessionCookie(ctx);
  await measure("6c", "page /campaigns/{id} (signed in)", `${server.url}/campaigns/${id}`, { cookie }, undefined, undefined, Math.max(20, Math.round(opts.samples / 5)));
  // the recipients table's Previous page from the middle of the campaign: the index read backwards from a cursor
  const [mid] = await ctx.db.$queryRaw<Array<{ id: string }>>`
    SELECT id::text FROM campaign_recipients WHERE campaign_id = ${id}::uuid ORDER BY phone_number OFFSET ${Math.floor(c.totalTargetCustomers / 2)} LIMIT 1`;
  if (mid) {
    await measure("6e", "page /campaigns/{id}?before= (Previous, mid-campaign)", `${server.url}/campaigns/${id}?before=${mid.id}`, { cookie }, undefined, undefined, Math.max(20, Math.round(opts.samples / 5)));
  }
  await measure("6d", "page /campaigns (signed in)", `${server.url}/campaigns`, { cookie }, undefined, undefined, Math.max(20, Math.round(opts.samples / 5)),
    `${campaigns} campaigns`);
  return results;
}
