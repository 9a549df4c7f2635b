"use server";

import Papa from "papaparse";
import { revalidatePath } from "next/cache";
import { redirect } from "next/navigation";
import { fileNotCsvReason, readCsvText } from "@/lib/csv-encoding";
import { getDb } from "@/lib/db";
import { setCustomerSubscription } from "@/lib/marketing/customers/set-customer-subscription";
import { clearUndeliverable } from "@/lib/marketing/customers/undeliverable";
import { eraseCustomer } from "@/lib/marketing/customers/erase-customer";
import { createCustomer, type ExistingCustomerDetails } from "@/lib/marketing/customers/create-customer";
import { updateCustomer } from "@/lib/marketing/customers/update-customer";
import { AppError } from "@/lib/marketing/errors";
import { jobView, type JobView } from "@/lib/marketing/jobs/job";
import { startImportCustomersJob, type ImportCustomersInvalid } from "@/lib/marketing/jobs/import-customers-job";
import { startExportCustomersJob } from "@/lib/marketing/jobs/export-customers-job";
import { ZCustomerListFilters } from "@/lib/marketing/customers/search-customers";
import { FILE_TOO_LARGE_MESSAGE, MAX_IMPORT_FILE_BYTES } from "@/lib/marketing/customers/customer-csv";
import { continueJobAfterResponse } from "@/lib/server/jobs";
import { actionError, readPayload, type ActionState } from "../_lib/action-state";
import { requireActionUser } from "../_lib/session";

/** the customers page's maxDuration: the import works this long after the answer, then the page's polls resume it */
const MAX_DURATION_SECONDS = 300;

export type ImportCustomersStart = { ok: true; job: JobView } | ImportCustomersInvalid;

/**
 * Starts importing a customers CSV: the whole file is checked first (a bad row anywhere: its errors by
 * line, nothing written, no job); a clean file becomes an import job written in resumable chunks, whose
 * progress the page polls (see startImportCustomersJob).
 */
export async function importCustomersAction(formData: FormData): Promise<ActionState<ImportCustomersStart>> {
  try {
    const { principal } = await requireActionUser("change");
    const file = formData.get("file");
    if (!(file instanceof File) || file.size === 0) return { ok: false, message: "Choose a CSV file to import." };
    if (file.size > MAX_IMPORT_FILE_BYTES) return { ok: false, message: FILE_TOO_LARGE_MESSAGE };
    const notCsv = await fileNotCsvReason(file);
    if (notCsv) return { ok: false, message: notCsv };
    const parsed = Papa.parse<string[]>(await readCsvText(file), { skipEmptyLines: "greedy" });
    if (parsed.errors.some((e) => e.type === "Quotes")) {
      const e = parsed.errors.find((x) => x.type === "Quotes");
      return { ok: false, message: `The file is not valid CSV (line ${(e?.row ?? 0) + 1}: ${e?.message ?? "bad quotes"}).` };
    }
    const now = new Date();
    const result = await startImportCustomersJob({ db: getDb(), now, principal, records: parsed.data });
    if (!result.ok) {
      return { ok: false, message: `${result.errorCount.toLocaleString("en-US")} problem${result.errorCount === 1 ? "" : "s"} found: nothing was imported.`, data: result };
    }
    continueJobAfterResponse(result.job.id, { maxDurationSeconds: MAX_DURATION_SECONDS });
    return { ok: true, message: "Import started.", data: { ok: true, job: jobView(result.job, now) } };
  } catch (error) {
    return actionError(error);
  }
}

/**
 * Starts exporting the customers the table's filters choose (a viewer's file is masked), or answers the
 * user's customers export under way; the page polls its progress and then offers the file.
 */
export async function startExportCustomersJobAction(filters: unknown): Promise<ActionState<JobView>> {
  try {
    const { principal } = await requireActionUser("view");
    const parsed = ZCustomerListFilters.safeParse(filters);
    if (!parsed.success) return { ok: false, message: "The filters could not be read: reload the page." };
    const now = new Date();
    const { job } = await startExportCustomersJob({ db: getDb(), now, principal, filters: parsed.data });
    continueJobAfterResponse(job.id, { maxDurationSeconds: MAX_DURATION_SECONDS });
    return { ok: true, data: jobView(job, now) };
  } catch (error) {
    return actionError(error);
  }
}

/**
 * One customer's subscription from the customer page. Subscribing again a customer who opted out on
 * WhatsApp (or whose number was erased) is an admin's decision with a reason (see setCustomerSubscription).
 */
export async function setSubscriptionAction(customerId: string, subscription: string, reason?: string): Promise<ActionState> {
  try {
    const { principal } = await requireActionUser("change");
    const r = await setCustomerSubscription({ db: getDb(), now: new Date(), principal, customerId, input: { subscription, reason: reason || undefined } });
    revalidatePath("/customers", "layout");
    if (!r.changed) return { ok: true, message: "Nothing to change." };
    return { ok: true, message: r.subscription === "subscribed" ? "Subscribed again: they can receive campaigns." : "Unsubscribed: they will receive no campaign messages." };
  } catch (error) {
    return actionError(error);
  }
}

/**
 * A user's decision that a customer marked not reachable on WhatsApp is reachable after all (for example
 * they confirmed their number): clears the mark and the count (see clearUndeliverable).
 */
export async function markReachableAction(customerId: string): Promise<ActionState> {
  try {
    const { principal } = await requireActionUser("change");
    const r = await clearUndeliverable({ db: getDb(), now: new Date(), principal, customerId });
    revalidatePath("/customers", "layout");
    if (!r.changed) return { ok: true, message: "Nothing to change." };
    return { ok: true, message: "Marked reachable: target audiences include them again, and their recipients still waiting will be sent." };
  } catch (error) {
    return actionError(error);
  }
}

/** The right to erasure from the customer page: the same erasure as DELETE /api/marketing/customers/{id}. */
export async function eraseCustomerAction(customerId: string): Promise<ActionState> {
  try {
    const { principal } = await requireActionUser("change");
    const r = await eraseCustomer({ db: getDb(), now: new Date(), principal, customerId });
    revalidatePath("/customers", "layout");
    revalidatePath("/campaigns", "layout");
    const skipped = r.recipients_skipped > 0 ? ` ${r.recipients_skipped.toLocaleString("en-US")} waiting campaign message${r.recipients_skipped === 1 ? " was" : "s were"} skipped.` : "";
    return { ok: true, message: `Customer erased: their number, name and messages are gone everywhere; campaign totals stay.${skipped}` };
  } catch (error) {
    return actionError(error);
  }
}

/** What the customer form learns of a number that already belongs to a customer: whom, to link to them. */
export type CustomerFormData = { existingCustomerId: string | null };

/** Adds one customer from the dashboard's form (see createCustomer), then opens their page. */
export async function addCustomerAction(_prev: ActionState<CustomerFormData>, formData: FormData): Promise<ActionState<CustomerFormData>> {
  let id: string;
  try {
    const { principal } = await requireActionUser("change");
    id = (await createCustomer({ db: getDb(), now: new Date(), principal, input: readPayload(formData) })).id;
    revalidatePath("/customers", "layout");
  } catch (error) {
    return existingCustomer(error) ?? actionError(error);
  }
  redirect(`/customers/${id}?added=1`);
}

/** Saves the corrections of one customer's profile (see updateCustomer), then opens their page. */
export async function updateCustomerAction(_prev: ActionState<CustomerFormData>, formData: FormData): Promise<ActionState<CustomerFormData>> {
  let id: string;
  try {
    const { principal } = await requireActionUser("change");
    id = (await updateCustomer({ db: getDb(), now: new Date(), principal, customerId: String(formData.get("customerId") ?? ""), input: readPayload(formData) })).id;
    revalidatePath("/customers", "layout");
  } catch (error) {
    return actionError(error);
  }
  redirect(`/customers/${id}?saved=1`);
}

/** A number that already belongs to a customer, beside the phone field, with that customer's id for a link. */
function existingCustomer(error: unknown): ActionState<CustomerFormData> | null {
  if (!(error instanceof AppError) || error.code !== "CONFLICT" || !Array.isArray(error.details)) return null;
  const [d] = error.details as ExistingCustomerDetails;
  if (d?.path !== "phone") return null;
  return { ok: false, code: error.code, message: "Check the highlighted fields.", errors: { phone: [d.message] }, data: { existingCustomerId: d.customer_id } };
}
