/**
 * Meta's template webhooks:
 *  - message_template_status_update: Meta's events are APPROVED, REJECTED, PENDING, PAUSED, DISABLED,
 *    ARCHIVED, UNARCHIVED, DELETED, PENDING_DELETION, FLAGGED, IN_APPEAL, LIMIT_EXCEEDED, LOCKED,
 *    UNLOCKED and REINSTATED. Only the events after which a template cannot be sent
 *    (DISABLING_TEMPLATE_EVENTS) change its library status away from APPROVED and pause every active
 *    campaign using it at once, with the reason shown. APPROVED and REINSTATED make it approved again.
 *    Every other event (a warning, a review, a lock on editing, …) records its reason and pauses nothing.
 *  - message_template_quality_update: updates the quality score.
 *  - template_category_update: Meta changed a template's category (previous_category → new_category),
 *    or announces it will (correct_category from category_update_timestamp on): recorded on the
 *    template and shown in the library, with an info alert.
 * Idempotent and safe out of order: each change carries its webhook entry's time (entry.time), and an
 * event older than (or as old as) the one the template already reflects changes nothing.
 *
 * The handlers plug into lib/whatsapp/webhook (WEBHOOK_HANDLERS), which parses each change value with
 * `schema` and calls `apply` inside the payload's transaction. The dispatcher adds the entry's `time` to
 * each value as `entry_time`; without it the event is dated `now`.
 */
import { z } from "@/lib/zod";
import { Prisma, type Tx } from "../db";
import { createAlert } from "../alerts/create-alert";
import { pauseCampaignsForTemplateName, pauseCampaignsForTemplates, type PausedForTemplate } from "./pause-campaigns-for-templates";

const ZUnixTime = z.union([z.string().regex(/^\d{1,12}$/), z.number().int().nonnegative().max(1e12)]).transform((v) => new Date(Number(v) * 1000));
const ZTemplateRef = {
  message_template_id: z.union([z.number(), z.string().max(100)]).transform(String),
  message_template_name: z.string().min(1).max(512),
  message_template_language: z.string().min(1).max(20),
  entry_time: ZUnixTime.optional(),
};

export const ZTemplateStatusValue = z.looseObject({
  ...ZTemplateRef,
  event: z.string().min(1).max(100).transform((e) => e.toUpperCase()),
  reason: z.string().max(2000).nullish(),
  other_info: z.looseObject({ title: z.string().max(500).optional(), description: z.string().max(2000).optional() }).optional(),
});
export type TTemplateStatusValue = z.infer<typeof ZTemplateStatusValue>;

export const ZTemplateQualityValue = z.looseObject({
  ...ZTemplateRef,
  new_quality_score: z.string().min(1).max(50).transform((s) => s.toUpperCase()),
  previous_quality_score: z.string().max(50).optional(),
});
export type TTemplateQualityValue = z.infer<typeof ZTemplateQualityValue>;

/** Events after which the template cannot be sent: the library takes the event as status, campaigns pause. */
export const DISABLING_TEMPLATE_EVENTS: ReadonlySet<string> = new Set(["PAUSED", "DISABLED", "REJECTED", "ARCHIVED", "PENDING_DELETION", "DELETED"]);
/** Events that make the template sendable again. */
const APPROVING_TEMPLATE_EVENTS: ReadonlySet<string> = new Set(["APPROVED", "REINSTATED", "UNPAUSED"]);

/**
 * The library status an event leaves the template in; null = the status does not change (FLAGGED: Meta
 * warns before pausing; LOCKED / UNLOCKED: editing only; IN_APPEAL, PENDING, UNARCHIVED, LIMIT_EXCEEDED
 * and any event Meta adds later: not a decision that stops sends — the hourly sync brings the status).
 */
export function statusOfEvent(event: string): string | null {
  if (APPROVING_TEMPLATE_EVENTS.has(event)) return "APPROVED";
  if (DISABLING_TEMPLATE_EVENTS.has(event)) return event;
  return null;
}

function reasonOf(v: TTemplateStatusValue): string | null {
  const parts = [v.reason && v.reason !== "NONE" ? v.reason : null, v.other_info?.title, v.other_info?.description].filter((x): x is string => !!x);
  return parts.length ? [...new Set(parts)].join(" — ") : null;
}

type Ctx = { tx: Tx; now: Date };
const byTime = <T extends { entry_time?: Date }>(values: T[], now: Date) =>
  [...values].sort((a, b) => (a.entry_time ?? now).getTime() - (b.entry_time ?? now).getTime());

const templateMatch = (v: { message_template_id: string; message_template_name: string; message_template_language: string }) => Prisma.sql`
  SELECT id FROM whatsapp_templates
  WHERE meta_id = ${v.message_template_id}
     OR (name = ${v.message_template_name} AND language = ${v.message_template_language})
  ORDER BY (meta_id = ${v.message_template_id}) DESC NULLS LAST LIMIT 1`;

export async function applyTemplateStatusUpdates({ tx, now }: Ctx, values: TTemplateStatusValue[]) {
  let applied = 0;
  let informational = 0;
  let stale = 0;
  let unknown = 0;
  const paused: PausedForTemplate[] = [];
  for (const v of byTime(values, now)) {
    const at = v.entry_time ?? now;
    const status = statusOfEvent(v.event);
    const reason = reasonOf(v);
    // an event that decides no status only notes its reason: it never moves status_event_at, so a
    // disabling event older than it that arrives late still applies
    const rows = status
      ? await tx.$queryRaw<Array<{ id: string }>>(Prisma.sql`
          UPDATE whatsapp_templates SET
            status = ${status}, reason = ${reason}::text,
            deleted = CASE WHEN ${v.event} = 'DELETED' THEN true ELSE deleted END,
            meta_id = coalesce(meta_id, ${v.message_template_id}),
            status_event_at = ${at}, updated_at = ${now}
          WHERE id = (${templateMatch(v)})
          AND (status_event_at IS NULL OR status_event_at < ${at})
          RETURNING id::text AS id`)
      : await tx.$queryRaw<Array<{ id: string }>>(Prisma.sql`
          UPDATE whatsapp_templates SET
            reason = coalesce(${reason}::text, reason),
            meta_id = coalesce(meta_id, ${v.message_template_id}), updated_at = ${now}
          WHERE id = (${templateMatch(v)})
          AND (status_event_at IS NULL OR status_event_at < ${at})
          RETURNING id::text AS id`);
    if (rows.length > 0) {
      if (!status) {
        informational++;
        continue;
      }
      applied++;
      if (DISABLING_TEMPLATE_EVENTS.has(v.event)) {
        paused.push(...(await pauseCampaignsForTemplates(tx, { now, templateIds: rows.map((r) => r.id), actor: "webhook" })));
      }
      continue;
    }
    const known = await tx.$queryRaw<unknown[]>(templateMatch(v));
    if (known.length > 0) {
      stale++;
      continue;
    }
    // not in the library yet (the next sync brings it): still protect campaigns that use it
    unknown++;
    if (status && DISABLING_TEMPLATE_EVENTS.has(v.event)) {
      paused.push(...(await pauseCampaignsForTemplateName(tx, { now, name: v.message_template_name, language: v.message_template_language, status, reason })));
    }
  }
  return {
    template_status_received: values.length, template_status_applied: applied, template_status_informational: informational,
    template_status_stale: stale, template_status_unknown: unknown, campaigns_paused: paused.length,
  };
}

export async function applyTemplateQualityUpdates({ tx, now }: Ctx, values: TTemplateQualityValue[]) {
  let applied = 0;
  for (const v of byTime(values, now)) {
    const at = v.entry_time ?? now;
    applied += await tx.$executeRaw(Prisma.sql`
      UPDATE whatsapp_templates SET quality_score = ${v.new_quality_score}, quality_event_at = ${at},
        meta_id = coalesce(meta_id, ${v.message_template_id}), updated_at = ${now}
      WHERE id = (${templateMatch(v)})
      AND (quality_event_at IS NULL OR quality_event_at < ${at})`);
  }
  return { template_quality_received: values.length, template_quality_applied: applied };
}

export const ZTemplateCategoryValue = z.looseObject({
  ...ZTemplateRef,
  /** the category now (a completed change), or still now (an announced change) */
  new_category: z.string().min(1).max(50).transform((s) => s.toUpperCase()),
  /** completed changes only */
  previous_category: z.string().max(50).transform((s) => s.toUpperCase()).nullish(),
  /** announced changes only: the category Meta will set, and when */
  correct_category: z.string().max(50).transform((s) => s.toUpperCase()).nullish(),
  category_update_timestamp: ZUnixTime.nullish(),
});
export type TTemplateCategoryValue = z.infer<typeof ZTemplateCategoryValue>;

/**
 * A completed change sets the category and keeps the one before (previous_category) with its time; an
 * announced change (correct_category) is kept as the upcoming category. Neither pauses anything: the
 * template stays sendable, only its pricing category changes. Each raises one info alert.
 */
export async function applyTemplateCategoryUpdates({ tx, now }: Ctx, values: TTemplateCategoryValue[]) {
  let changed = 0;
  let announced = 0;
  let stale = 0;
  for (const v of byTime(values, now)) {
    const at = v.entry_time ?? now;
    const upcoming = v.correct_category && v.correct_category !== v.new_category ? v.correct_category : null;
    const rows = upcoming
      ? await tx.$queryRaw<Array<{ name: string; language: string; category: string; previous: string | null }>>(Prisma.sql`
          UPDATE whatsapp_templates SET upcoming_category = ${upcoming}, upcoming_category_at = ${v.category_update_timestamp ?? null}::timestamptz,
            meta_id = coalesce(meta_id, ${v.message_template_id}), updated_at = ${now}
          WHERE id = (${templateMatch(v)})
          AND (category_changed_at IS NULL OR category_changed_at < ${at})
          RETURNING name, language, category, previous_category AS previous`)
      : await tx.$queryRaw<Array<{ name: string; language: string; category: string; previous: string | null }>>(Prisma.sql`
          UPDATE whatsapp_templates w SET
            previous_category = coalesce(${v.previous_category ?? null}::text, CASE WHEN w.category <> ${v.new_category} THEN w.category END, w.previous_category),
            category = ${v.new_category}, category_changed_at = ${at},
            upcoming_category = NULL, upcoming_category_at = NULL,
            meta_id = coalesce(meta_id, ${v.message_template_id}), updated_at = ${now}
          WHERE id = (${templateMatch(v)})
          AND (category_changed_at IS NULL OR category_changed_at < ${at})
          RETURNING name, language, category, previous_category AS previous`);
    if (rows.length === 0) {
      stale++;
      continue;
    }
    const t = rows[0];
    if (upcoming) announced++;
    else changed++;
    const when = v.category_update_timestamp ? ` on ${v.category_update_timestamp.toISOString().slice(0, 10)}` : "";
    await createAlert(tx, {
      severity: "info", kind: "template_category", dedupeKey: `template_category:${v.message_template_id}:${at.toISOString()}`,
      details: { template: t.name, language: t.language, previous_category: t.previous, new_category: upcoming ?? t.category },
      text: upcoming
        ? `WhatsApp will change the category of template ${t.name} (${t.language}) from ${t.category} to ${upcoming}${when}.`
        : `WhatsApp changed the category of template ${t.name} (${t.language})${t.previous ? ` from ${t.previous}` : ""} to ${t.category}.`,
    }, now);
  }
  return { template_category_received: values.length, template_category_changed: changed, template_category_announced: announced, template_category_ignored: stale };
}

/** Shaped like lib/whatsapp/webhook's WebhookChangeHandler: registered in its WEBHOOK_HANDLERS. */
export const templateStatusWebhookHandler = {
  field: "message_template_status_update",
  schema: ZTemplateStatusValue,
  apply: applyTemplateStatusUpdates,
  withEntryTime: true,
};
export const templateQualityWebhookHandler = {
  field: "message_template_quality_update",
  schema: ZTemplateQualityValue,
  apply: applyTemplateQualityUpdates,
  withEntryTime: true,
};
export const templateCategoryWebhookHandler = {
  field: "template_category_update",
  schema: ZTemplateCategoryValue,
  apply: applyTemplateCategoryUpdates,
  withEntryTime: true,
};
