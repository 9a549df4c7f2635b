/**
 * The template library's source for a configuration: Meta's API when an access token and a business
 * account id are configured, the sandbox's demo library when there is no access token, otherwise null
 * (the library is not available: campaigns are accepted unverified).
 */
import type { TMetaTemplate } from "./meta-template";
import { createSandboxTemplatesApi } from "./sandbox-templates";
import { createCloudTemplatesApi, type TemplatesApi } from "./templates-api";

export type TemplatesApiConfig = {
  apiUrl: string;
  apiVersion: string;
  accessToken?: string;
  businessAccountId?: string;
  timeoutMs?: number;
  fetch?: typeof fetch;
  /** sandbox: the templates submitted to it, served with its demo library */
  submitted?: () => Promise<TMetaTemplate[]>;
};

export function createTemplatesApi(config: TemplatesApiConfig): TemplatesApi | null {
  if (!config.accessToken) return createSandboxTemplatesApi(config.submitted);
  if (!config.businessAccountId) return null;
  return createCloudTemplatesApi({
    apiUrl: config.apiUrl,
    apiVersion: config.apiVersion,
    businessAccountId: config.businessAccountId,
    accessToken: config.accessToken,
    timeoutMs: config.timeoutMs,
    fetch: config.fetch,
  });
}
