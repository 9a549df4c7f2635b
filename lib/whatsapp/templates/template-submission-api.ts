/**
 * Submitting templates for Meta's review:
 *   create: POST {apiUrl}/{apiVersion}/{waba_id}/message_templates  { name, language, category, components }
 *           → { id, status: "PENDING" | "APPROVED" | "REJECTED", category }
 *   edit:   POST {apiUrl}/{apiVersion}/{template_id}  { components[, category] }  → { success: true }
 * The review's outcome arrives later by the message_template_status_update webhook.
 * The sandbox accepts every submission and schedules Meta's APPROVED webhook for it in sandbox_events
 * (delivered by the sandbox pump like its status events).
 */
import { randomInt } from "node:crypto";
import { z } from "@/lib/zod";
import { Prisma, type PrismaClient } from "@/lib/generated/prisma/client";
import { templateStatusPayload } from "./sandbox-templates";
import { TemplatesApiError } from "./templates-api";

/** Meta's creation request, components as Meta documents them (HEADER, BODY, FOOTER, BUTTONS). */
export type TemplateCreateRequest = {
  name: string;
  language: string;
  category: string;
  components: Array<Record<string, unknown>>;
};
export type TemplateEditRequest = { components: Array<Record<string, unknown>>; category?: string };
export type TemplateCreated = { id: string; status: string; category: string };

export interface TemplateSubmissionApi {
  readonly mode: "cloud" | "sandbox";
  create(request: TemplateCreateRequest): Promise<TemplateCreated>;
  /** the template by its Meta id (name and language name it in the sandbox's webhook) */
  edit(template: { id: string; name: string; language: string }, request: TemplateEditRequest): Promise<void>;
}

const ZCreated = z.object({
  id: z.union([z.string(), z.number()]).transform(String),
  status: z.string().transform((s) => s.toUpperCase()).default("PENDING"),
  category: z.string().transform((s) => s.toUpperCase()).optional(),
});
const ZErrorBody = z.object({
  error: z.looseObject({ message: z.string().optional(), code: z.number().optional(), error_user_title: z.string().optional(), error_user_msg: z.string().optional() }),
});

async function graphPost(url: string, body: unknown, options: { accessToken: string; timeoutMs?: number; fetch?: typeof fetch }): Promise<unknown> {
  const doFetch = options.fetch ?? fetch;
  let res: Response;
  try {
    res = await doFetch(url, {
      method: "POST",
      headers: { Authorization: `Bearer ${options.accessToken}`, "Content-Type": "application/json", Accept: "application/json" },
      body: JSON.stringify(body),
      signal: AbortSignal.timeout(options.timeoutMs ?? 15_000),
    });
  } catch (error) {
    throw new TemplatesApiError(`Meta's template API could not be reached (${error instanceof Error ? error.name : "error"})`);
  }
  const text = await res.text();
  let parsed: unknown;
  try {
    parsed = text ? JSON.parse(text) : undefined;
  } catch {
    parsed = undefined;
  }
  if (!res.ok) {
    const err = ZErrorBody.safeParse(parsed);
    // Meta's error_user_msg says what to change in the template ("The body has too many variables…")
    const detail = err.success ? [err.data.error.error_user_title, err.data.error.error_user_msg ?? err.data.error.message].filter(Boolean).join(": ") : `HTTP ${res.status}`;
    throw new TemplatesApiError(`Meta refused the template: ${detail}`, err.success ? (err.data.error.code ?? null) : null, res.status);
  }
  return parsed;
}

export function createCloudTemplateSubmissionApi(options: {
  apiUrl: string; apiVersion: string; businessAccountId: string; accessToken: string; timeoutMs?: number; fetch?: typeof fetch;
}): TemplateSubmissionApi {
  const base = `${options.apiUrl.replace(/\/+$/, "")}/${options.apiVersion}`;
  return {
    mode: "cloud",
    async create(request) {
      const body = await graphPost(`${base}/${encodeURIComponent(options.businessAccountId)}/message_templates`, request, options);
      const created = ZCreated.safeParse(body);
      if (!created.success) throw new TemplatesApiError("Meta answered the template creation with an unexpected shape");
      return { id: created.data.id, status: created.data.status, category: created.data.category ?? request.category };
    },
    async edit(template, request) {
      await graphPost(`${base}/${encodeURIComponent(template.id)}`, request, options);
    },
  };
}

/** How long the sandbox's review takes (scaled by `speed`; tests use 0). */
export const SANDBOX_REVIEW_MS = 8_000;

export function createSandboxTemplateSubmissionApi(options: {
  db: Pick<PrismaClient, "$executeRaw">; now: () => Date; wabaId: string; speed?: number;
}): TemplateSubmissionApi {
  async function approveLater(id: string, name: string, language: string) {
    const at = new Date(options.now().getTime() + SANDBOX_REVIEW_MS * (options.speed ?? 1));
    const payload = templateStatusPayload({ wabaId: options.wabaId, at, event: "APPROVED", templateId: id, name, language });
    await options.db.$executeRaw(Prisma.sql`INSERT INTO sandbox_events (id, due_at, payload) VALUES (gen_random_uuid(), ${at}, ${JSON.stringify(payload)}::jsonb)`);
  }
  return {
    mode: "sandbox",
    async create(request) {
      const id = `91${String(randomInt(1e9)).padStart(9, "0")}${String(randomInt(1e4)).padStart(4, "0")}`;
      await approveLater(id, request.name, request.language);
      return { id, status: "PENDING", category: request.category.toUpperCase() };
    },
    async edit(template) {
      await approveLater(template.id, template.name, template.language);
    },
  };
}
