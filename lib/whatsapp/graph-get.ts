/**
 * One authenticated GET to the Graph API, for the read-only calls (template library, phone number):
 * the answer's JSON when Meta accepts, otherwise `fail` builds the caller's error with Meta's error code
 * and the HTTP status. An unreachable API, an error answer and a body that is not JSON each fail clearly.
 */
import { z } from "@/lib/zod";

const ZErrorBody = z.object({ error: z.looseObject({ message: z.string().optional(), code: z.number().optional() }) });

export type GraphGetFailure = (message: string, code: number | null, httpStatus: number | null) => Error;

export async function graphGet(url: URL | string, options: {
  accessToken: string;
  timeoutMs?: number;
  fetch?: typeof fetch;
  /** what is asked for, in messages: "template", "phone number" */
  what: string;
  fail: GraphGetFailure;
}): Promise<unknown> {
  const doFetch = options.fetch ?? fetch;
  let res: Response;
  try {
    res = await doFetch(url, { headers: { Authorization: `Bearer ${options.accessToken}`, Accept: "application/json" }, signal: AbortSignal.timeout(options.timeoutMs ?? 15_000) });
  } catch (error) {
    throw options.fail(`Meta's ${options.what} API could not be reached (${error instanceof Error ? error.name : "error"})`, null, null);
  }
  const text = await res.text();
  let body: unknown;
  try {
    body = text ? JSON.parse(text) : undefined;
  } catch {
    body = undefined;
  }
  if (!res.ok) {
    const err = ZErrorBody.safeParse(body);
    const detail = err.success ? `${err.data.error.code ?? ""} ${err.data.error.message ?? ""}`.trim() : `HTTP ${res.status}`;
    throw options.fail(`Meta refused the ${options.what} request: ${detail}`, err.success ? (err.data.error.code ?? null) : null, res.status);
  }
  return body;
}
