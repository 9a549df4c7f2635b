/**
 * A template that stopped being approved (PAUSED, DISABLED, REJECTED, …) or disappeared pauses every
 * active campaign using it, in one set-based statement, with the reason shown to the marketer
 * (paused_by 'template'), an audit row and an alert per campaign. Nothing else is sent for them, so a
 * template problem never turns into a storm of failed sends.
 */
import { templatePauseAlertText } from "../campaigns/pause-campaign";
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
  const paused = await db.$queryRaw<PausedForTemplate[]>(Prisma.sql`
    WITH t AS (${source}), paused AS (
      UPDATE marketing_campaigns c
      SET status = 'paused', paused_by = 'template', paused_at = ${now}, updated_at = ${now},
          pause_reason = 'Template ' || t.name || ' (' || t.language || ') is ' || t.status
            || CASE WHEN t.reason IS NOT NULL AND t.reason NOT IN ('', 'NONE') THEN ': ' || t.reason ELSE '' END
            || '. Resume the campaign once the template is approved again.'
      FROM t
      WHERE c.status = 'active' AND t.name = c.template_name AND t.language = c.language_code
      RETURNING c.id AS campaign_id, c.name, c.pause_reason
    ), audited AS (
      INSERT INTO audit_log (id, actor, action, entity_type, entity_id, details, created_at)
      SELECT gen_random_uuid(), ${actor}, 'campaign.pause', 'campaign', p.campaign_id::text,
             jsonb_build_object('paused_by', 'template', 'reason', p.pause_reason), ${now}
      FROM paused p
    )
    SELECT campaign_id::text AS campaign_id, name, pause_reason FROM paused`);
  if (paused.length === 0) return paused;
  // one alert per paused campaign, in the same transaction, with the text every template pause uses
  await db.$executeRaw(Prisma.sql`
    INSERT INTO alerts (id, severity, kind, campaign_id, text, details, dedupe_key, created_at)
    SELECT gen_random_uuid(), 'warning', 'campaign_paused_template', x.id, x.text, '{}'::jsonb,
           'campaign_paused_template:' || x.id || ':' || ${now.toISOString()}, ${now}
    FROM unnest(${paused.map((p) => p.campaign_id)}::uuid[], ${paused.map((p) => templatePauseAlertText(p.name, p.pause_reason))}::text[]) AS x(id, text)
    ON CONFLICT (dedupe_key) DO NOTHING`);
  return paused;
}
