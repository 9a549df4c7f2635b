"use server";

import { revalidatePath } from "next/cache";
import { getDb } from "@/lib/db";
import { importRateCard, ZImportRateCard } from "@/lib/marketing/cost/rate-card";
import { actionError, invalid, type ActionState } from "../_lib/action-state";
import { requireActionUser } from "../_lib/session";

const listed = (names: string[]) => names.length > 6 ? `${names.slice(0, 6).join(", ")} and ${names.length - 6} more` : names.join(", ");

/** Admins: a new rate card from Meta's CSV (every row checked first; a bad row stores nothing and is named by line). */
export async function importRateCardAction(input: { csv: string; effective_from: string; source: string }): Promise<ActionState> {
  try {
    const { principal } = await requireActionUser("manage");
    const parsed = ZImportRateCard.safeParse(input);
    if (!parsed.success) return invalid(parsed.error);
    const card = await importRateCard({ db: getDb(), now: new Date(), input: parsed.data, principal });
    revalidatePath("/settings");
    revalidatePath("/overview");
    return {
      ok: true,
      message: `Rate card stored: ${card.markets} markets in ${card.currency}, in force from ${card.effective_from}.`
        + (card.unknown_markets.length ? ` Markets no number maps to yet: ${card.unknown_markets.slice(0, 5).join(", ")}.` : "")
        + (card.missing_markets.length
          ? ` Not on this card, so their numbers' messages count as not covered (not at the "Other" rate): ${listed(card.missing_markets)}.`
          : ""),
    };
  } catch (error) {
    return actionError(error);
  }
}
