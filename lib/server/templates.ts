/**
 * Server-only adapter: the template library's source for this process, from lib/env.ts —
 * Meta's API (WHATSAPP_ACCESS_TOKEN + WHATSAPP_BUSINESS_ACCOUNT_ID), the sandbox's demo library (no access
 * token), or null (not configured: campaigns are accepted unverified). Cached on globalThis like the
 * WhatsApp client (tests put their own there).
 */
import "server-only";
import { getEnv, whatsappAccessToken } from "@/lib/env";
import { createTemplatesApi } from "@/lib/whatsapp/templates/create-templates-api";
import type { TemplatesApi } from "@/lib/whatsapp/templates/templates-api";

const globalForTemplates = globalThis as unknown as { __templatesApi?: TemplatesApi | null };

export function getTemplatesApi(): TemplatesApi | null {
  if (globalForTemplates.__templatesApi === undefined) {
    const env = getEnv();
    globalForTemplates.__templatesApi = createTemplatesApi({
      apiUrl: env.WHATSAPP_API_URL,
      apiVersion: env.WHATSAPP_API_VERSION,
      accessToken: whatsappAccessToken(env),
      businessAccountId: env.WHATSAPP_BUSINESS_ACCOUNT_ID,
      timeoutMs: env.WHATSAPP_REQUEST_TIMEOUT_MS,
    });
  }
  return globalForTemplates.__templatesApi;
}
