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

/** the statuses a template in the library can have (Meta's template statuses) */
export const TEMPLATE_STATUSES = ["APPROVED", "PENDING", "REJECTED", "PAUSED", "DISABLED", "IN_APPEAL", "PENDING_DELETION", "DELETED", "LIMIT_EXCEEDED", "ARCHIVED"] as const;
export const TEMPLATE_CATEGORIES = ["MARKETING", "UTILITY", "AUTHENTICATION"] as const;

/** ALL, or one or more of `known` separated by commas (any case): a typo is refused, not answered with nothing */
const oneOrMoreOf = (known: readonly string[]) =>
  z.string().trim().max(300)
    .transform((s) => s.toUpperCase().split(",").map((x) => x.trim()).filter(Boolean))
    .refine((xs) => xs.length > 0 && (xs.join() === "ALL" || xs.every((x) => known.includes(x))), {
      message: `must be ALL or one or more of ${known.join(", ")}, separated by commas`,
    });

export const ZListTemplatesQuery = z
  .object({
    /** one or more statuses separated by commas, or ALL (default: every status) */
    status: oneOrMoreOf(TEMPLATE_STATUSES).optional(),
    /** one or more categories separated by commas, or ALL */
    category: oneOrMoreOf(TEMPLATE_CATEGORIES).optional(),
    /** a language code: en_US is that locale, en every locale of English (en, en_US, en_GB, …); any case */
    language: z.string().trim().regex(/^[A-Za-z]{2,3}(_[A-Za-z0-9]{2,4})?$/, "must be a language code like en or en_US").optional(),
    search: z.string().trim().max(200).optional(),
  })
  .strict();
/** the parsed query (parse the request's with ZListTemplatesQuery first) */
export type TListTemplatesQuery = z.output<typeof ZListTemplatesQuery>;

export async function listTemplates({ db, api, query: q }: { db: Db; api: TemplatesApi | null; query: TListTemplatesQuery }) {
  const where: Prisma.WhatsappTemplateWhereInput = { deleted: false };
  if (q.status && q.status.join() !== "ALL") where.status = { in: q.status };
  if (q.category && q.category.join() !== "ALL") where.category = { in: q.category };
  if (q.language) {
    where.OR = q.language.includes("_")
      ? [{ language: { equals: q.language, mode: "insensitive" } }]
      : [{ language: { equals: q.language, mode: "insensitive" } }, { language: { startsWith: escapeLike(`${q.language}_`), mode: "insensitive" } }];
  }
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
