/**
 * Syncs the library from Meta (or the sandbox): every template upserted in one transaction with a
 * set-based statement; templates that disappeared are marked deleted, never removed (campaigns refer to
 * them); active campaigns whose template is no longer approved are paused. maybeSyncTemplates() is the
 * cron's entry point: at most once an hour (settings.last_template_sync_at).
 */
import type { TMetaTemplate } from "@/lib/whatsapp/templates/meta-template";
import type { TemplatesApi } from "@/lib/whatsapp/templates/templates-api";
import { TemplatesApiError } from "@/lib/whatsapp/templates/templates-api";
import { audit } from "../audit";
import { Prisma, type Db, type DbOrTx } from "../db";
import { AppError } from "../errors";
import { pauseCampaignsForTemplates, type PausedForTemplate } from "./pause-campaigns-for-templates";

export const TEMPLATE_SYNC_INTERVAL_MS = 3600_000;

/** Upserts templates (set-based). Returns the ids of the rows written. */
export async function upsertTemplates(db: DbOrTx, templates: TMetaTemplate[], now: Date): Promise<string[]> {
  if (templates.length === 0) return [];
  // the last occurrence of a (name, language) wins: one statement cannot update a row twice
  const unique = new Map(templates.map((t) => [`${t.name}\u0000${t.language}`, t]));
  const rows = [...unique.values()].map((t) => ({
    meta_id: t.id ?? null,
    name: t.name,
    language: t.language,
    category: t.category,
    status: t.status,
    quality_score: t.quality_score ?? null,
    parameter_format: t.parameter_format ?? "POSITIONAL",
    components: t.components,
    reason: t.rejected_reason && t.rejected_reason !== "NONE" ? t.rejected_reason : null,
  }));
  const written = await db.$queryRaw<Array<{ id: string }>>(Prisma.sql`
    INSERT INTO whatsapp_templates AS w (id, meta_id, name, language, category, status, quality_score, parameter_format, components,
      reason, deleted, synced_at, status_event_at, created_at, updated_at)
    SELECT gen_random_uuid(), r.meta_id, r.name, r.language, r.category, r.status, r.quality_score, r.parameter_format, r.components,
      r.reason, false, ${now}, ${now}, ${now}, ${now}
    FROM jsonb_to_recordset(${JSON.stringify(rows)}::jsonb) AS r(meta_id text, name text, language text, category text, status text,
      quality_score text, parameter_format text, components jsonb, reason text)
    ON CONFLICT (name, language) DO UPDATE SET
      meta_id = coalesce(EXCLUDED.meta_id, w.meta_id),
      -- a category the sync finds changed is recorded like Meta's template_category_update
      previous_category = CASE WHEN w.category <> EXCLUDED.category THEN w.category ELSE w.previous_category END,
      category_changed_at = CASE WHEN w.category <> EXCLUDED.category THEN ${now} ELSE w.category_changed_at END,
      upcoming_category = CASE WHEN EXCLUDED.category = w.upcoming_category OR w.category <> EXCLUDED.category THEN NULL ELSE w.upcoming_category END,
      upcoming_category_at = CASE WHEN EXCLUDED.category = w.upcoming_category OR w.category <> EXCLUDED.category THEN NULL ELSE w.upcoming_category_at END,
      category = EXCLUDED.category,
      parameter_format = EXCLUDED.parameter_format,
      components = EXCLUDED.components,
      quality_score = coalesce(EXCLUDED.quality_score, w.quality_score),
      -- a webhook newer than what this sync observed keeps its status
      status = CASE WHEN w.status_event_at IS NULL OR w.status_event_at <= ${now} THEN EXCLUDED.status ELSE w.status END,
      reason = CASE WHEN w.status_event_at IS NULL OR w.status_event_at <= ${now}
                    THEN coalesce(EXCLUDED.reason, CASE WHEN EXCLUDED.status = w.status THEN w.reason END) ELSE w.reason END,
      status_event_at = greatest(w.status_event_at, ${now}),
      deleted = false,
      synced_at = ${now},
      updated_at = ${now}
    RETURNING w.id::text AS id`);
  return written.map((r) => r.id);
}

export type SyncResult = { synced: number; deleted: number; paused_campaigns: PausedForTemplate[]; synced_at: string; source: "cloud" | "sandbox" };

export async function syncTemplates({ db, now, api, actor = "system" }: { db: Db; now: Date; api: TemplatesApi | null; actor?: string }): Promise<SyncResult> {
  if (!api) {
    throw new AppError("SERVICE_UNAVAILABLE", "The template library is not configured: set WHATSAPP_BUSINESS_ACCOUNT_ID (with WHATSAPP_ACCESS_TOKEN).");
  }
  let templates: TMetaTemplate[];
  try {
    templates = await api.list();
  } catch (error) {
    if (error instanceof TemplatesApiError) throw new AppError("SERVICE_UNAVAILABLE", `Could not sync templates: ${error.message}`);
    throw error;
  }
  return db.$transaction(
    async (tx) => {
      const ids = await upsertTemplates(tx, templates, now);
      const deleted = await tx.$executeRaw(Prisma.sql`
        UPDATE whatsapp_templates SET deleted = true, synced_at = ${now}, updated_at = ${now}
        WHERE NOT deleted AND NOT (id = ANY(${ids}::uuid[]))`);
      const paused = await pauseCampaignsForTemplates(tx, { now, actor });
      await tx.setting.upsert({ where: { id: 1 }, update: { lastTemplateSyncAt: now }, create: { id: 1, lastTemplateSyncAt: now } });
      await audit(tx, { actor, action: "templates.sync", entityType: "templates", details: { synced: ids.length, deleted, paused: paused.length, source: api.mode }, now });
      return { synced: ids.length, deleted, paused_campaigns: paused, synced_at: now.toISOString(), source: api.mode };
    },
    { timeout: 60_000, maxWait: 10_000 },
  );
}

/**
 * A sandbox library starts empty: the server fills it once when it starts (reads never write). Returns
 * whether it synced. A real library is only ever filled by a sync (the cron's or Sync now).
 */
export async function fillEmptySandboxLibrary({ db, now, api }: { db: Db; now: Date; api: TemplatesApi | null }): Promise<boolean> {
  if (api?.mode !== "sandbox" || (await db.whatsappTemplate.count()) > 0) return false;
  await syncTemplates({ db, now, api });
  return true;
}

/** The cron's call: syncs when the last sync is older than an hour. Never throws for Meta being down. */
export async function maybeSyncTemplates({ db, now, api, intervalMs = TEMPLATE_SYNC_INTERVAL_MS }: {
  db: Db; now: Date; api: TemplatesApi | null; intervalMs?: number;
}): Promise<{ ran: false; reason: string } | ({ ran: true } & SyncResult)> {
  if (!api) return { ran: false, reason: "library not configured" };
  const settings = await db.setting.findUnique({ where: { id: 1 }, select: { lastTemplateSyncAt: true } });
  const last = settings?.lastTemplateSyncAt;
  if (last && now.getTime() - last.getTime() < intervalMs) return { ran: false, reason: "synced recently" };
  // claim the slot first so concurrent cron runs do not all sync
  const claimed = await db.$executeRaw(Prisma.sql`
    UPDATE settings SET last_template_sync_at = ${now}
    WHERE id = 1 AND (last_template_sync_at IS NULL OR last_template_sync_at <= ${new Date(now.getTime() - intervalMs)})`);
  if (claimed === 0 && settings) return { ran: false, reason: "synced recently" };
  try {
    return { ran: true, ...(await syncTemplates({ db, now, api, actor: "cron" })) };
  } catch (error) {
    if (error instanceof AppError && error.code === "SERVICE_UNAVAILABLE") return { ran: false, reason: error.message };
    throw error;
  }
}
