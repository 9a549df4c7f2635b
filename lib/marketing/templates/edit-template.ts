/**
 * Edits a template and puts it back into Meta's review (POST /{template_id}), following Meta's rules:
 *  - only APPROVED, REJECTED or PAUSED templates can be edited; name and language never change;
 *  - an APPROVED template keeps its category, and can be edited once in 24 hours and 10 times in 30 days
 *    (counted from this app's submissions); REJECTED and PAUSED ones without limit;
 *  - after the edit the template is PENDING again until the status webhook brings Meta's decision.
 * This app's own rule: an approved template that an active campaign is sending is not edited (the
 * campaign would stop on a template in review): pause the campaign first.
 * The template row is locked for the whole edit, so concurrent edits are counted one after the other.
 */
import type { TemplateSubmissionApi } from "@/lib/whatsapp/templates/template-submission-api";
import { audit } from "../audit";
import { Prisma, type Db } from "../db";
import { AppError, issuesToDetails } from "../errors";
import { submissionError, submittedStatusAt } from "./submit-template";
import { createRequestOf, ZTemplateDraft } from "./template-draft";
import { templateJson } from "./template-json";

export const EDITABLE_STATUSES = ["APPROVED", "REJECTED", "PAUSED"] as const;
export const APPROVED_EDITS_PER_DAY = 1;
export const APPROVED_EDITS_PER_30_DAYS = 10;
const DAY_MS = 24 * 3600_000;

export async function editTemplate({ db, now, api, templateId, input, actor }: {
  db: Db; now: Date; api: TemplateSubmissionApi | null; templateId: string; input: unknown; actor: string;
}) {
  const parsed = ZTemplateDraft.safeParse(input);
  if (!parsed.success) throw new AppError("VALIDATION_FAILED", "The template is not complete.", issuesToDetails(parsed.error.issues));
  const draft = parsed.data;
  if (!api) throw new AppError("SERVICE_UNAVAILABLE", "Templates cannot be submitted: set WHATSAPP_BUSINESS_ACCOUNT_ID (with WHATSAPP_ACCESS_TOKEN).");

  const row = await db.$transaction(
    async (tx) => {
      const locked = await tx.$queryRaw<Array<{ id: string }>>(Prisma.sql`SELECT id::text AS id FROM whatsapp_templates WHERE id = ${templateId}::uuid AND NOT deleted FOR UPDATE`);
      if (locked.length === 0) throw new AppError("NOT_FOUND", "Template not found.");
      const t = await tx.whatsappTemplate.findUniqueOrThrow({ where: { id: templateId } });
      if (!t.metaId) throw new AppError("CONFLICT", `${t.name} (${t.language}) is not known to Meta yet: sync the library first.`);
      if (!(EDITABLE_STATUSES as readonly string[]).includes(t.status)) {
        throw new AppError("INVALID_TRANSITION", `Meta only allows editing approved, rejected or paused templates; ${t.name} is ${t.status}.`, { status: t.status });
      }
      if (draft.name !== t.name || draft.language !== t.language) {
        throw new AppError("VALIDATION_FAILED", "A template's name and language cannot change: submit a new template instead.", [
          ...(draft.name !== t.name ? [{ path: "name", message: `stays ${t.name}` }] : []),
          ...(draft.language !== t.language ? [{ path: "language", message: `stays ${t.language}` }] : []),
        ]);
      }
      if (t.status === "APPROVED") {
        if (draft.category !== t.category) {
          throw new AppError("VALIDATION_FAILED", `The category of an approved template cannot change (it is ${t.category}).`, [{ path: "category", message: `stays ${t.category}` }]);
        }
        const edits = await tx.templateSubmission.findMany({
          where: { templateId, kind: "edit", previousStatus: "APPROVED", submittedAt: { gt: new Date(now.getTime() - 30 * DAY_MS) } },
          select: { submittedAt: true }, orderBy: { submittedAt: "desc" },
        });
        const lastDay = edits.filter((x) => x.submittedAt.getTime() > now.getTime() - DAY_MS);
        if (lastDay.length >= APPROVED_EDITS_PER_DAY) {
          const next = new Date(lastDay[lastDay.length - 1].submittedAt.getTime() + DAY_MS);
          throw new AppError("RATE_LIMITED", `Meta allows one edit a day of an approved template: the next edit of ${t.name} is possible from ${whenUtc(next)}.`, { next_edit_at: next.toISOString() });
        }
        if (edits.length >= APPROVED_EDITS_PER_30_DAYS) {
          const next = new Date(edits[edits.length - 1].submittedAt.getTime() + 30 * DAY_MS);
          throw new AppError("RATE_LIMITED", `Meta allows 10 edits of an approved template in 30 days: the next edit of ${t.name} is possible from ${whenUtc(next)}.`, { next_edit_at: next.toISOString() });
        }
        const active = await tx.marketingCampaign.findMany({ where: { templateName: t.name, languageCode: t.language, status: "active" }, select: { name: true }, take: 5 });
        if (active.length > 0) {
          throw new AppError("CONFLICT", `${t.name} is being sent by active campaigns (${active.map((c) => c.name).join(", ")}): pause them before editing the template.`);
        }
      }
      const request = createRequestOf(draft);
      const editRequest = { components: request.components, ...(draft.category !== t.category ? { category: draft.category } : {}) };
      try {
        await api.edit({ id: t.metaId, name: t.name, language: t.language }, editRequest);
      } catch (error) {
        throw submissionError(error);
      }
      const updated = await tx.whatsappTemplate.update({
        where: { id: templateId },
        data: { components: request.components as object[], category: draft.category, status: "PENDING", reason: null, parameterFormat: "POSITIONAL", statusEventAt: submittedStatusAt(now), updatedAt: now },
      });
      await tx.templateSubmission.create({ data: { templateId, kind: "edit", previousStatus: t.status, request: editRequest as object, submittedBy: actor, submittedAt: now } });
      await audit(tx, { actor, action: "template.edit", entityType: "template", entityId: templateId, details: { name: t.name, language: t.language, previous_status: t.status }, now });
      return updated;
    },
    { timeout: 30_000, maxWait: 10_000 },
  );
  return templateJson(row);
}

/** An instant as people read it in a message ("Dec 7, 2026, 8:01 AM UTC"); details keep the ISO form for machines. */
function whenUtc(at: Date): string {
  return `${new Intl.DateTimeFormat("en-US", { timeZone: "UTC", dateStyle: "medium", timeStyle: "short" }).format(at)} UTC`;
}
