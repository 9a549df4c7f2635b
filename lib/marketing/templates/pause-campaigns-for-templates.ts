/**
 * A template that stopped being approved (PAUSED, DISABLED, REJECTED, …) or disappeared pauses every
 * active campaign using it, in one set-based statement, with the reason shown to the marketer
 * (paused_by 'template'), an audit row and an alert per campaign (campaigns/pause-campaign.ts). Nothing else is sent for them, so a
 * template problem never turns into a storm of failed sends.
 */
import { pauseCampaigns } from "../campaigns/pause-campaign";
import { Prisma, type Tx } from "../db";

export type PausedForTemplate = { campaign_id: string; name: string; pause_reason: string };

/** Pauses active campaigns of every library template that is not approved (or only of `templateIds`). */
export async function pauseCampaignsForTemplates(db: Tx, { now, templateIds, actor = "system" }: {
  now: Date;
  /** whatsapp_templates ids to consider; every template of the library when omitted */
  templateIds?: string[];
  actor?: string;
}): Promise<PausedForTemplate[]> {
  const filter = templateIds ? Prisma.sql`AND w.id = ANY(${templateIds}::uuid[])` : Prisma.empty;
  return pauseFrom(db, now, actor, Prisma.sql`
    SELECT w.name, w.language, CASE WHEN w.deleted THEN 'DELETED' ELSE w.status END AS status, w.reason
    FROM whatsapp_templates w WHERE (w.status <> 'APPROVED' OR w.deleted) ${filter}`);
}

/** The same for a template the library does not hold (a webhook about a template not synced yet). */
export async function pauseCampaignsForTemplateName(db: Tx, { now, name, language, status, reason, actor = "webhook" }: {
  now: Date; name: string; language: string; status: string; reason: string | null; actor?: string;
}): Promise<PausedForTemplate[]> {
  if (status === "APPROVED") return [];
  return pauseFrom(db, now, actor, Prisma.sql`SELECT ${name}::text AS name, ${language}::text AS language, ${status}::text AS status, ${reason}::text AS reason`);
}

async function pauseFrom(db: Tx, now: Date, actor: string, source: Prisma.Sql): Promise<PausedForTemplate[]> {
  // the active campaigns sending one of these templates, each with the reason shown to the marketer
  // (locked in id order, as every pause takes them)
  const hit = await db.$queryRaw<Array<{ id: string; reason: string }>>(Prisma.sql`
    WITH t AS (${source})
    SELECT c.id::text AS id,
           'Template ' || t.name || ' (' || t.language || ') is ' || t.status
             || CASE WHEN t.reason IS NOT NULL AND t.reason NOT IN ('', 'NONE') THEN ': ' || t.reason ELSE '' END
             || '. Resume the campaign once the template is approved again.' AS reason
    FROM marketing_campaigns c JOIN t ON t.name = c.template_name AND t.language = c.language_code
    WHERE c.status = 'active'
    ORDER BY c.id
    FOR UPDATE OF c`);
  const paused = await pauseCampaigns(db, { by: "template", now, actor, pauses: hit.map((h) => ({ campaignId: h.id, reason: h.reason })) });
  return paused.map((p) => ({ campaign_id: p.campaign_id, name: p.name, pause_reason: p.pause_reason ?? "" }));
}
