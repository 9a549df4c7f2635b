/**
 * Reading the template library from Meta's Graph API:
 *   GET {apiUrl}/{apiVersion}/{businessAccountId}/message_templates
 *       ?fields=id,name,language,status,category,components,parameter_format,quality_score&limit=…[&name=…]
 * following paging.next to the end. Plain TypeScript: configuration and fetch are passed in.
 */
import { z } from "@/lib/zod";
import { graphGet } from "../graph-get";
import { ZMetaTemplate, type TMetaTemplate } from "./meta-template";

export const TEMPLATE_FIELDS = "id,name,language,status,category,components,parameter_format,quality_score";

/** The library's source: Meta's API, or the sandbox's demo templates. */
export interface TemplatesApi {
  readonly mode: "cloud" | "sandbox";
  /** every template of the business account */
  list(): Promise<TMetaTemplate[]>;
  /** the templates with this exact name (every language) */
  lookup(name: string): Promise<TMetaTemplate[]>;
}

/** Meta could not be reached or refused: the library is unavailable for now. */
export class TemplatesApiError extends Error {
  readonly code: number | null;
  readonly httpStatus: number | null;
  constructor(message: string, code: number | null = null, httpStatus: number | null = null) {
    super(message);
    this.name = "TemplatesApiError";
    this.code = code;
    this.httpStatus = httpStatus;
  }
}

const ZPage = z.object({
  data: z.array(z.unknown()).default([]),
  paging: z.object({ next: z.string().url().optional() }).passthrough().optional(),
});
export type FetchTemplatesOptions = {
  apiUrl: string;
  apiVersion: string;
  businessAccountId: string;
  accessToken: string;
  fetch?: typeof fetch;
  /** page size (Meta's maximum is 1000 for this edge; 100 keeps responses small) */
  limit?: number;
  /** only templates with this name */
  name?: string;
  timeoutMs?: number;
  /** a safety bound on the number of pages followed */
  maxPages?: number;
};

/** Fetches every page. Templates Meta returns in a shape we cannot read are skipped (and counted). */
export async function fetchTemplates(options: FetchTemplatesOptions): Promise<{ templates: TMetaTemplate[]; skipped: number; pages: number }> {
  const first = new URL(`${options.apiUrl.replace(/\/+$/, "")}/${options.apiVersion}/${encodeURIComponent(options.businessAccountId)}/message_templates`);
  first.searchParams.set("fields", TEMPLATE_FIELDS);
  first.searchParams.set("limit", String(options.limit ?? 100));
  if (options.name) first.searchParams.set("name", options.name);
  const origin = first.origin;

  const templates: TMetaTemplate[] = [];
  let skipped = 0;
  let pages = 0;
  let next: string | undefined = first.toString();
  const seen = new Set<string>();
  while (next) {
    if (seen.has(next) || pages >= (options.maxPages ?? 200)) break;
    seen.add(next);
    // paging.next is absolute; never send the token to another host
    if (new URL(next).origin !== origin) throw new TemplatesApiError("Meta's paging.next points to another host");
    const body = await graphGet(next, { ...options, what: "template", fail: (message, code, status) => new TemplatesApiError(message, code, status) });
    const page = ZPage.safeParse(body);
    if (!page.success) throw new TemplatesApiError("Meta answered the template request with an unexpected shape");
    pages++;
    for (const item of page.data.data) {
      const t = ZMetaTemplate.safeParse(item);
      if (t.success) templates.push(t.data);
      else skipped++;
    }
    next = page.data.paging?.next;
  }
  return { templates, skipped, pages };
}

export function createCloudTemplatesApi(options: Omit<FetchTemplatesOptions, "name">): TemplatesApi {
  return {
    mode: "cloud",
    list: async () => (await fetchTemplates(options)).templates,
    lookup: async (name) => (await fetchTemplates({ ...options, name })).templates.filter((t) => t.name === name),
  };
}
