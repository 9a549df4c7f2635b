/**
 * GET /api/marketing/templates?status=&category=&language=&search= — the library, each template with the
 * parameters it needs. A pure read (pages render it): the sandbox's library is filled at server start
 * (fillEmptySandboxLibrary).
 */
import { escapeLike } from "../sql-like";
import { z } from "@/lib/zod";
import type { Prisma } from "@/lib/generated/prisma/client";
import type { TemplatesApi } from "@/lib/whatsapp/templates/templates-api";
import type { Db } from "../db";
import { templateJson } from "./template-json";

const upper = z.string().trim().max(50).transform((s) => s.toUpperCase());
export const ZListTemplatesQuery = z
  .object({
    /** APPROVED (default: every status), or ALL */
    status: upper.optional(),
    category: upper.optional(),
    language: z.string().trim().max(20).optional(),
    search: z.string().trim().max(200).optional(),
  })
  .strict();
export type TListTemplatesQuery = z.input<typeof ZListTemplatesQuery>;

export async function listTemplates({ db, api, query }: { db: Db; api: TemplatesApi | null; query: TListTemplatesQuery }) {
  const q = ZListTemplatesQuery.parse(query);
  const where: Prisma.WhatsappTemplateWhereInput = { deleted: false };
  if (q.status && q.status !== "ALL") where.status = { in: q.status.split(",").map((s) => s.trim()) };
  if (q.category && q.category !== "ALL") where.category = q.category;
  if (q.language) where.language = q.language;
  // template names have `_` for spaces; the text is escaped for the LIKE pattern Prisma makes of it
  if (q.search) where.name = { contains: escapeLike(q.search.replace(/\s+/g, "_")), mode: "insensitive" };
  const [rows, settings] = await Promise.all([
    db.whatsappTemplate.findMany({ where, orderBy: [{ name: "asc" }, { language: "asc" }], take: 1000 }),
    db.setting.findUnique({ where: { id: 1 }, select: { lastTemplateSyncAt: true } }),
  ]);
  return {
    templates: rows.map(templateJson),
    library: {
      available: api !== null,
      source: api?.mode ?? null,
      last_synced_at: settings?.lastTemplateSyncAt?.toISOString() ?? null,
    },
  };
}
