/**
 * Server-only adapter: the template library's source for this process, from lib/env.ts —
 * Meta's API (WHATSAPP_ACCESS_TOKEN + WHATSAPP_BUSINESS_ACCOUNT_ID), the sandbox's demo library (no access
 * token), or null (not configured: campaigns are accepted unverified). Cached on globalThis like the
 * WhatsApp client (tests put their own there). getTemplateSubmissionApi() is where templates are
 * submitted for review, from the same configuration.
 */
import "server-only";
import { getDb } from "@/lib/db";
import { getEnv, whatsappAccessToken } from "@/lib/env";
import { listSubmittedTemplates } from "@/lib/marketing/templates/list-submitted-templates";
import { SANDBOX_WABA_ID } from "@/lib/whatsapp/sandbox";
import { createTemplatesApi } from "@/lib/whatsapp/templates/create-templates-api";
import { createCloudTemplateSubmissionApi, createSandboxTemplateSubmissionApi, type TemplateSubmissionApi } from "@/lib/whatsapp/templates/template-submission-api";
import type { TemplatesApi } from "@/lib/whatsapp/templates/templates-api";
import { getWhatsAppClient } from "./whatsapp";

const globalForTemplates = globalThis as unknown as { __templatesApi?: TemplatesApi | null; __templateSubmissionApi?: TemplateSubmissionApi | null };

export function getTemplatesApi(): TemplatesApi | null {
  if (globalForTemplates.__templatesApi === undefined) {
    const env = getEnv();
    globalForTemplates.__templatesApi = createTemplatesApi({
      apiUrl: env.WHATSAPP_API_URL,
      apiVersion: env.WHATSAPP_API_VERSION,
      accessToken: whatsappAccessToken(env),
      businessAccountId: env.WHATSAPP_BUSINESS_ACCOUNT_ID,
      timeoutMs: env.WHATSAPP_REQUEST_TIMEOUT_MS,
      submitted: () => listSubmittedTemplates(getDb()),
    });
  }
  return globalForTemplates.__templatesApi;
}

export function getTemplateSubmissionApi(): TemplateSubmissionApi | null {
  if (globalForTemplates.__templateSubmissionApi === undefined) {
    const env = getEnv();
    const accessToken = whatsappAccessToken(env);
    globalForTemplates.__templateSubmissionApi = !accessToken
      ? createSandboxTemplateSubmissionApi({ db: getDb(), now: () => new Date(), wabaId: SANDBOX_WABA_ID })
      : env.WHATSAPP_BUSINESS_ACCOUNT_ID
        ? createCloudTemplateSubmissionApi({ apiUrl: env.WHATSAPP_API_URL, apiVersion: env.WHATSAPP_API_VERSION, businessAccountId: env.WHATSAPP_BUSINESS_ACCOUNT_ID, accessToken, timeoutMs: env.WHATSAPP_REQUEST_TIMEOUT_MS })
        : null;
  }
  // the sandbox's review answers by webhook: its pump (started with the client) delivers it
  if (globalForTemplates.__templateSubmissionApi?.mode === "sandbox") getWhatsAppClient();
  return globalForTemplates.__templateSubmissionApi;
}
