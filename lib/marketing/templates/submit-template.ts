/**
 * Submits a new template written in the dashboard for Meta's review (POST /{waba_id}/message_templates)
 * and keeps it in the library with the status Meta answered (PENDING while in review); the outcome then
 * arrives by the message_template_status_update webhook (APPROVED, or REJECTED with Meta's reason).
 * A name and language the library already holds is refused: that template is edited instead.
 */
import type { TemplateSubmissionApi } from "@/lib/whatsapp/templates/template-submission-api";
import { TemplatesApiError } from "@/lib/whatsapp/templates/templates-api";
import { audit } from "../audit";
import type { Db } from "../db";
import { AppError, issuesToDetails } from "../errors";
import { createRequestOf, ZTemplateDraft } from "./template-draft";
import { templateJson } from "./template-json";

/**
 * The status time a submission leaves: just before the second it was submitted in. Meta dates its
 * webhooks in whole seconds, so a review decided within that second still applies, while an older event
 * (a late decision about the version before) does not.
 */
export function submittedStatusAt(now: Date): Date {
  return new Date(Math.floor(now.getTime() / 1000) * 1000 - 1);
}

/** Meta's refusal of a submission (its form checks) is the marketer's to fix; anything else is Meta being unavailable. */
export function submissionError(error: unknown): unknown {
  if (!(error instanceof TemplatesApiError)) return error;
  if (error.httpStatus !== null && error.httpStatus >= 400 && error.httpStatus < 500 && error.httpStatus !== 401 && error.httpStatus !== 429) {
    return new AppError("VALIDATION_FAILED", error.message, [{ path: "", message: error.message }]);
  }
  return new AppError("SERVICE_UNAVAILABLE", `Could not submit the template: ${error.message}`);
}

export async function submitTemplate({ db, now, api, input, actor }: {
  db: Db; now: Date; api: TemplateSubmissionApi | null; input: unknown; actor: string;
}) {
  const parsed = ZTemplateDraft.safeParse(input);
  if (!parsed.success) throw new AppError("VALIDATION_FAILED", "The template is not complete.", issuesToDetails(parsed.error.issues));
  const draft = parsed.data;
  if (!api) throw new AppError("SERVICE_UNAVAILABLE", "Templates cannot be submitted: set WHATSAPP_BUSINESS_ACCOUNT_ID (with WHATSAPP_ACCESS_TOKEN).");
  const existing = await db.whatsappTemplate.findUnique({ where: { name_language: { name: draft.name, language: draft.language } } });
  if (existing && !existing.deleted) {
    throw new AppError("CONFLICT", `The library already has ${draft.name} (${draft.language}): edit that template instead.`, [{ path: "name", message: "this name and language are taken" }]);
  }
  const request = createRequestOf(draft);
  let created;
  try {
    created = await api.create(request);
  } catch (error) {
    throw submissionError(error);
  }
  const row = await db.$transaction(async (tx) => {
    const data = {
      metaId: created.id, category: created.category, status: created.status, parameterFormat: "POSITIONAL", components: request.components as object[],
      reason: null, deleted: false, qualityScore: null, statusEventAt: submittedStatusAt(now), updatedAt: now,
    };
    const t = await tx.whatsappTemplate.upsert({
      where: { name_language: { name: draft.name, language: draft.language } },
      create: { name: draft.name, language: draft.language, ...data, createdAt: now },
      update: data,
    });
    await tx.templateSubmission.create({ data: { templateId: t.id, kind: "create", request: request as object, submittedBy: actor, submittedAt: now } });
    await audit(tx, { actor, action: "template.submit", entityType: "template", entityId: t.id, details: { name: t.name, language: t.language, category: t.category, meta_id: created.id, status: t.status }, now });
    return t;
  });
  return templateJson(row);
}
