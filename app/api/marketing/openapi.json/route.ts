import { apiRoute, otherMethods } from "@/lib/http/api-route";
import { getOpenApiDocument } from "@/lib/http/openapi/document";

/** GET /api/marketing/openapi.json: the OpenAPI 3.1 description of this API, generated from its zod schemas. */
export const GET = apiRoute({}, async () => getOpenApiDocument());

// the methods this path does not serve: 405 METHOD_NOT_ALLOWED with Allow (see otherMethods)
export const { POST, PUT, PATCH, DELETE, OPTIONS } = otherMethods(["GET"]);
