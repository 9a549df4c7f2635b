"use server";

import { revalidatePath } from "next/cache";
import { redirect } from "next/navigation";
import { getDb } from "@/lib/db";
import { appUrl } from "@/lib/env";
import { createFollowUp, ZCreateFollowUp } from "@/lib/marketing/engagement/follow-ups";
import { getTemplatesApi } from "@/lib/server/templates";
import { actionError, invalid, type ActionState } from "../_lib/action-state";
import { requireActionUser } from "../_lib/session";

/** Creates a follow-up draft of a campaign (the same schema and use-case as POST …/follow-up). */
export async function createFollowUpAction(_prev: ActionState, formData: FormData): Promise<ActionState> {
  let id: string;
  try {
    const { principal } = await requireActionUser("change");
    const campaignId = String(formData.get("campaignId") ?? "");
    let components: unknown = [];
    const raw = String(formData.get("template_components") ?? "").trim();
    if (raw) {
      try {
        components = JSON.parse(raw);
      } catch {
        return { ok: false, message: "Check the highlighted fields.", errors: { template_components: ["must be JSON: a list of components"] } };
      }
    }
    const parsed = ZCreateFollowUp.safeParse({
      outcome: formData.get("outcome"),
      name: formData.get("name"),
      template_name: formData.get("template_name"),
      language_code: formData.get("language_code") || undefined,
      template_components: components,
    });
    if (!parsed.success) return invalid(parsed.error);
    id = (await createFollowUp({ db: getDb(), now: new Date(), campaignId, input: parsed.data, principal, templates: getTemplatesApi(), appUrl: appUrl() })).id;
    revalidatePath("/campaigns");
    revalidatePath(`/campaigns/${campaignId}`);
  } catch (error) {
    return actionError(error);
  }
  redirect(`/campaigns/${id}?saved=1`);
}
