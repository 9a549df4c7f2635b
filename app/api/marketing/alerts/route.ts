import { z } from "@/lib/zod";
import { apiRoute, parseInput, queryObject, otherMethods } from "@/lib/http/api-route";
import { findAlerts } from "@/lib/marketing/alerts/find-alerts";
import { ZCursor } from "@/lib/marketing/pagination";

const ZQuery = z.object({ limit: z.coerce.number().int().min(1).max(200).optional(), unread: z.enum(["true", "false"]).optional(), cursor: ZCursor.optional() }).strict();

export const GET = apiRoute({}, async ({ db, query }) => {
  const q = parseInput(ZQuery, queryObject(query));
  return findAlerts({ db, limit: q.limit ?? 50, unreadOnly: q.unread === "true", cursor: q.cursor });
});

// the methods this path does not serve: 405 METHOD_NOT_ALLOWED with Allow (see otherMethods)
export const { POST, PUT, PATCH, DELETE, OPTIONS } = otherMethods(["GET"]);
