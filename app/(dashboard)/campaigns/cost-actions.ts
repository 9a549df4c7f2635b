"use server";

import { revalidatePath } from "next/cache";
import { getDb } from "@/lib/db";
import { getEnv } from "@/lib/env";
import { updateCampaign, ZUpdateCampaign } from "@/lib/marketing/campaigns/update-campaign";
import { actionError, invalid, type ActionState } from "../_lib/action-state";
import { requireActionUser } from "../_lib/session";

/** Sets or removes the budget of a draft, active or paused campaign (the API's schema: a number ≥ 0 or null). */
export async function saveCampaignBudgetAction(campaignId: string, budget: unknown): Promise<ActionState> {
  try {
    const { principal } = await requireActionUser("change");
    const parsed = ZUpdateCampaign.pick({ budget: true }).safeParse({ budget });
    if (!parsed.success) return invalid(parsed.error);
    await updateCampaign({ db: getDb(), now: new Date(), campaignId, input: parsed.data, principal, timezone: getEnv().CAMPAIGN_TIMEZONE });
    revalidatePath(`/campaigns/${campaignId}`);
    revalidatePath("/campaigns");
    return { ok: true, message: parsed.data.budget === null ? "Budget removed." : "Budget saved." };
  } catch (error) {
    return actionError(error);
  }
}
