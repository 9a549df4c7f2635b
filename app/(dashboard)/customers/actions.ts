"use server";

import Papa from "papaparse";
import { revalidatePath } from "next/cache";
import { z } from "zod";
import { getDb } from "@/lib/db";
import { upsertCustomers } from "@/lib/marketing/customers/upsert-customers";
import { importCustomersCsv, type ImportCustomersResult } from "@/lib/marketing/dashboard/import-customers-csv";
import { actionError, type ActionState } from "../_lib/action-state";
import { requireActionUser } from "../_lib/session";

const MAX_FILE_BYTES = 5 * 1024 * 1024;

/** Imports a customers CSV: all rows or none (see importCustomersCsv). */
export async function importCustomersAction(formData: FormData): Promise<ActionState<ImportCustomersResult>> {
  try {
    const { principal } = await requireActionUser("change");
    const file = formData.get("file");
    if (!(file instanceof File) || file.size === 0) return { ok: false, message: "Choose a CSV file to import." };
    if (file.size > MAX_FILE_BYTES) return { ok: false, message: "The file is larger than 5 MB: split it into smaller files." };
    const parsed = Papa.parse<string[]>(await file.text(), { skipEmptyLines: "greedy" });
    if (parsed.errors.some((e) => e.type === "Quotes")) {
      const e = parsed.errors.find((x) => x.type === "Quotes");
      return { ok: false, message: `The file is not valid CSV (line ${(e?.row ?? 0) + 1}: ${e?.message ?? "bad quotes"}).` };
    }
    const result = await importCustomersCsv({ db: getDb(), now: new Date(), principal, records: parsed.data });
    if (!result.ok) {
      return { ok: false, message: `${result.errorCount.toLocaleString("en-US")} problem${result.errorCount === 1 ? "" : "s"} found: nothing was imported.`, data: result };
    }
    revalidatePath("/customers");
    return { ok: true, message: `Imported ${result.total.toLocaleString("en-US")} customers (${result.created.toLocaleString("en-US")} new, ${result.updated.toLocaleString("en-US")} updated).`, data: result };
  } catch (error) {
    return actionError(error);
  }
}

const ZSubscription = z.enum(["subscribed", "unsubscribed"]);

export async function setSubscriptionAction(phone: string, subscription: string): Promise<ActionState> {
  try {
    const { principal } = await requireActionUser("change");
    const parsed = ZSubscription.safeParse(subscription);
    if (!parsed.success) return { ok: false, message: "Choose subscribed or unsubscribed." };
    await upsertCustomers({ db: getDb(), now: new Date(), rows: [{ phone, subscription: parsed.data }], principal, source: "dashboard" });
    revalidatePath("/customers", "layout");
    return { ok: true, message: parsed.data === "subscribed" ? "Subscribed again: they can receive campaigns." : "Unsubscribed: they will receive no campaign messages." };
  } catch (error) {
    return actionError(error);
  }
}
