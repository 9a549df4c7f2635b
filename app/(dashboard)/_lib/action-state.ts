/**
 * The result of a dashboard server action, for useActionState: field errors beside their fields and one
 * message. Errors from use-cases (AppError) become messages; anything else is logged and hidden.
 */
import "server-only";
import { z } from "@/lib/zod";
import { isUnstorableTextError } from "@/lib/marketing/db";
import { AppError } from "@/lib/marketing/errors";
import { findUnstorableText, UNSTORABLE_TEXT_MESSAGE, UNSTORED_TEXT_MESSAGE } from "@/lib/marketing/text";
import { ActionDenied } from "./session";

export type { ActionState } from "@/components/forms/action-state";
import type { ActionState } from "@/components/forms/action-state";
import { describeErrorForLog } from "@/lib/redact-secrets";

export function fieldErrors(error: z.ZodError): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  for (const issue of error.issues) {
    const key = issue.path.map(String).join(".") || "_form";
    (out[key] ??= []).push(issue.message);
  }
  return out;
}

export function invalid(error: z.ZodError, message = "Check the highlighted fields."): ActionState<never> {
  return { ok: false, errors: fieldErrors(error), message };
}

/** Per-field messages from an error's details ([{ path, message }]), each path under `prefix`; others are skipped. */
export function fieldErrorsOf(details: unknown, prefix = ""): Record<string, string[]> {
  const errors: Record<string, string[]> = {};
  if (!Array.isArray(details)) return errors;
  for (const d of details as Array<{ path?: unknown; message?: unknown }>) {
    if (typeof d?.path === "string" && d.path && typeof d.message === "string" && d.message) (errors[prefix + d.path] ??= []).push(d.message);
  }
  return errors;
}

export function actionError(error: unknown): ActionState<never> {
  if (error instanceof ActionDenied) return { ok: false, message: error.message };
  if (error instanceof AppError) {
    const errors = error.code === "VALIDATION_FAILED" ? fieldErrorsOf(error.details) : {};
    return { ok: false, message: error.message, code: error.code, details: error.details, errors: Object.keys(errors).length ? errors : undefined };
  }
  if (isUnstorableTextError(error)) return { ok: false, message: UNSTORED_TEXT_MESSAGE };
  console.error("[action] unexpected error:", describeErrorForLog(error));
  return { ok: false, message: "Something went wrong on our side. Try again." };
}

/**
 * The JSON a client form posts in its "payload" field; unreadable JSON is an empty object, which the schema
 * then rejects. Text the database cannot store (a pasted NUL character) is refused beside its field.
 */
export function readPayload(formData: FormData): unknown {
  let payload: unknown;
  try {
    payload = JSON.parse(String(formData.get("payload") ?? "{}"));
  } catch {
    return {};
  }
  const bad = findUnstorableText(payload);
  if (bad) throw new AppError("VALIDATION_FAILED", "Check the highlighted fields.", [{ path: bad.path, message: UNSTORABLE_TEXT_MESSAGE }]);
  return payload;
}
