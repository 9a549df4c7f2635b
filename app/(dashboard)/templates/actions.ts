"use server";

import { revalidatePath } from "next/cache";
import { redirect } from "next/navigation";
import { getDb } from "@/lib/db";
import { editTemplate } from "@/lib/marketing/templates/edit-template";
import { submitTemplate } from "@/lib/marketing/templates/submit-template";
import { getTemplateSubmissionApi } from "@/lib/server/templates";
import { actionError, readPayload, type ActionState } from "../_lib/action-state";
import { requireActionUser } from "../_lib/session";

/** Submits a new template for review (templateId empty) or an edit of one. */
export async function submitTemplateAction(_prev: ActionState, formData: FormData): Promise<ActionState> {
  let name: string;
  try {
    const { principal } = await requireActionUser("change");
    const templateId = String(formData.get("templateId") ?? "");
    const args = { db: getDb(), now: new Date(), api: getTemplateSubmissionApi(), input: readPayload(formData), actor: principal.actor };
    name = (templateId ? await editTemplate({ ...args, templateId }) : await submitTemplate(args)).name;
    revalidatePath("/templates");
  } catch (error) {
    return actionError(error);
  }
  redirect(`/templates?submitted=${encodeURIComponent(name)}`);
}
