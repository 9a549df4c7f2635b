import { z } from "@/lib/zod";
import { apiRoute, parseInput, queryObject, otherMethods } from "@/lib/http/api-route";
import { findDeliveries } from "@/lib/marketing/events/deliver-events";

const ZDeliveriesQuery = z.object({ limit: z.coerce.number().int().min(1).max(200).optional(), cursor: z.string().max(40).optional() }).strict();

/** The endpoint's delivery log, newest first (cursor pagination: pass next_cursor back as ?cursor=). */
export const GET = apiRoute<{ endpointId: string }>({}, async ({ db, principal, params, query }) => {
  const q = parseInput(ZDeliveriesQuery, queryObject(query));
  return findDeliveries({ db, principal, endpointId: params.endpointId, limit: q.limit, cursor: q.cursor });
});

// the methods this path does not serve: 405 METHOD_NOT_ALLOWED with Allow (see otherMethods)
export const { POST, PUT, PATCH, DELETE, OPTIONS } = otherMethods(["GET"]);
