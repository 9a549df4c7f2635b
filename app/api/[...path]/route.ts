import { AppError } from "@/lib/marketing/errors";
import { apiRoute } from "@/lib/http/api-route";

export const dynamic = "force-dynamic";

/**
 * Any /api path no route serves: a JSON 404 with X-Request-Id like every other API answer (without it, Next
 * answers the dashboard's HTML "not found" page). More specific routes always win over this catch-all. It
 * authenticates like every route (401 without credentials; a viewer's POST is a 403), so it tells nobody
 * signed out which paths exist.
 */
const notFound = async ({ req }: { req: Request }): Promise<never> => {
  throw new AppError("NOT_FOUND", `No API route ${new URL(req.url).pathname}: see /api/marketing/openapi.json for the routes.`);
};

type Params = { path: string[] };
export const GET = apiRoute<Params>({}, notFound);
export const POST = apiRoute<Params>({ mutation: true }, notFound);
export const PUT = apiRoute<Params>({ mutation: true }, notFound);
export const PATCH = apiRoute<Params>({ mutation: true }, notFound);
export const DELETE = apiRoute<Params>({ mutation: true }, notFound);
