/**
 * "Test, then send the winner": once decide_after_hours have passed since the test's first message, the
 * variant with the best metric wins (ties: the earlier variant), the decision is recorded on the campaign
 * with its numbers, and every recipient not yet sent (pending, with or without a variant) is given the
 * winner. Runs under the campaign's row lock and only while no decision exists, so concurrent processors
 * record it once. The winner is compared with the runner-up by a two-proportion z-test: |z| < 1.96 means the
 * difference is within noise for these sample sizes, and the decision says so.
 */
import { audit } from "../audit";
import { lockCampaign } from "../campaigns/lock-campaign";
import { round1 } from "../stats/counter-figures";
import { Prisma, withRetry, type Db } from "../db";
import { countByVariant } from "./variant-stats";
import { twoProportionZ, Z_95 } from "./z-test";
import { AB_METRIC_DEFINITIONS, readAbDecision, readAbTest, readVariants, type AbDecision } from "./variants";

export async function decideAbWinner({ db, now, campaignId }: { db: Db; now: Date; campaignId: string }): Promise<AbDecision | null> {
  return withRetry(() => db.$transaction(async (tx) => {
    const c = await lockCampaign(tx, campaignId);
    const variants = readVariants(c.variants);
    const test = readAbTest(c.abTest);
    if (c.status !== "active" || !variants || !test || readAbDecision(c.abDecision)) return null;
    const [{ first }] = await tx.$queryRaw<Array<{ first: Date | null }>>(Prisma.sql`
      SELECT min(sent_at) AS first FROM campaign_recipients WHERE campaign_id = ${c.id}::uuid AND variant IS NOT NULL AND sent_at IS NOT NULL`);
    if (!first || now.getTime() < first.getTime() + test.decide_after_hours * 3600_000) return null;
    const definition = AB_METRIC_DEFINITIONS[test.metric];
    if (!definition) return null;
    const counts = await countByVariant(tx, c.id);
    const measured = variants.map((v, i) => {
      const k = counts.get(i);
      const count = k ? k[definition.count] : 0;
      const of = k ? k[definition.of] : 0;
      return { variant: i, name: v.name, count, of, rate: of > 0 ? round1((100 * count) / of) : 0, exact: of > 0 ? count / of : 0 };
    });
    const ranked = [...measured].sort((a, b) => b.exact - a.exact || a.variant - b.variant);
    const [best, second] = ranked;
    const z = twoProportionZ(best.count, best.of, second.count, second.of);
    const withinNoise = Math.abs(z) < Z_95;
    const note = withinNoise
      ? `'${best.name}' (${best.rate}%) and '${second.name}' (${second.rate}%) differ by less than chance would at these sample sizes (${best.of} and ${second.of} sent, |z| = ${Math.abs(z).toFixed(2)} < ${Z_95}): '${best.name}' was chosen as the higher, but the test does not show it is better.`
      : `'${best.name}' (${best.rate}%) beat '${second.name}' (${second.rate}%) beyond chance (${best.of} and ${second.of} sent, z = ${z.toFixed(2)}).`;
    const assigned = await tx.$executeRaw(Prisma.sql`
      UPDATE campaign_recipients SET variant = ${best.variant}::smallint, updated_at = ${now}::timestamptz
      WHERE campaign_id = ${c.id}::uuid AND stage = 'pending' AND variant IS DISTINCT FROM ${best.variant}::smallint`);
    const decision: AbDecision = {
      winner: best.variant,
      winner_name: best.name,
      metric: test.metric,
      decided_at: now.toISOString(),
      variants: measured.map(({ variant, name, count, of, rate }) => ({ variant, name, count, of, rate })),
      z: Math.round(z * 100) / 100,
      within_noise: withinNoise,
      note,
      assigned,
    };
    await tx.marketingCampaign.update({ where: { id: c.id }, data: { abDecision: decision, updatedAt: now } });
    await audit(tx, { actor: "system", action: "campaign.ab_winner", entityType: "campaign", entityId: c.id, details: { winner: best.name, metric: test.metric, z: decision.z, within_noise: withinNoise, assigned }, now });
    return decision;
  }, { timeout: 120_000, maxWait: 30_000 }));
}
