import { AppError } from "@/lib/marketing/errors";
import { plainRoute } from "@/lib/http/api-route";

export const dynamic = "force-dynamic";

/**
 * Any /api path no route serves: a JSON 404 with X-Request-Id like every other API answer (without it, Next
 * answers the dashboard's HTML "not found" page). More specific routes always win over this catch-all.
 */
const notFound = plainRoute(async (req) => {
  throw new AppError("NOT_FOUND", `No API route ${req.nextUrl.pathname}: see /api/marketing/openapi.json for the routes.`);
});

export const GET = notFound;
export const POST = notFound;
export const PUT = notFound;
export const PATCH = notFound;
export const DELETE = notFound;
