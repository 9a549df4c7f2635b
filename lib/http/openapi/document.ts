/**
 * The OpenAPI 3.1 document, generated from OPERATIONS (zod 4's JSON Schema output; OpenAPI 3.1 schemas are
 * JSON Schema draft 2020-12). Named schemas (.meta({ id })) become components; everything else is inlined.
 */
import { z } from "@/lib/zod";
import { EVENT_TYPES, TEST_EVENT_TYPE } from "@/lib/marketing/events/event-types";
import { OPERATIONS, type Operation } from "./operations";
import { OUTBOUND_EVENT_DATA, ZErrorResponse, ZOutboundEvent } from "./responses";

type JsonSchema = Record<string, unknown>;

export const OPENAPI_INFO = {
  title: "WhatsApp Campaigns API",
  version: "1.0.0",
  description: [
    "Create WhatsApp marketing campaigns, add recipients, activate, and read their statistics.",
    "",
    "Authenticate with `Authorization: Bearer <token>` (an API token from Settings). Every answer carries `X-Request-Id`;",
    "answers to a token made in Settings carry `X-RateLimit-Limit`, `X-RateLimit-Remaining` and `X-RateLimit-Reset` (429 RATE_LIMITED with `Retry-After` past the limit).",
    "A viewer's token reads everything (phone numbers masked) and may change nothing (403 FORBIDDEN).",
    "Errors are `{ \"error\": { \"code\", \"message\", \"details\" } }`; a method a path does not serve is a 405 METHOD_NOT_ALLOWED with `Allow`.",
    "Every POST accepts an `Idempotency-Key` header: a retry with the same key and request within 24 hours returns the first answer",
    "(with `Idempotent-Replayed: true`) without doing the work again.",
  ].join("\n"),
};

function rewriteRefs(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(rewriteRefs);
  if (value === null || typeof value !== "object") return value;
  const out: JsonSchema = {};
  for (const [k, v] of Object.entries(value)) {
    if (k === "$ref" && typeof v === "string") out[k] = v.replace(/^#\/\$defs\//, "#/components/schemas/");
    else if (k !== "$schema") out[k] = rewriteRefs(v);
  }
  return out;
}

function converter(components: Record<string, JsonSchema>) {
  return (schema: z.ZodType, io: "input" | "output"): JsonSchema => {
    const json = z.toJSONSchema(schema, { target: "draft-2020-12", io, unrepresentable: "any" }) as JsonSchema;
    const { $defs, ...rest } = json as JsonSchema & { $defs?: Record<string, JsonSchema> };
    for (const [name, def] of Object.entries($defs ?? {})) components[name] ??= rewriteRefs(def) as JsonSchema;
    // a named schema comes back as { $ref } to its definition, which is now a component
    return rewriteRefs(rest) as JsonSchema;
  };
}

function queryParameters(op: Operation, convert: ReturnType<typeof converter>) {
  if (!op.query) return [];
  return Object.entries(op.query.shape).map(([name, field]) => {
    const schema = convert(field as z.ZodType, "input");
    const { description, ...rest } = schema;
    const optional = (field as z.ZodType).safeParse(undefined).success;
    return { name, in: "query", required: !optional, ...(description ? { description } : {}), schema: rest };
  });
}

function pathParameters(path: string) {
  return [...path.matchAll(/\{(\w+)\}/g)].map(([, name]) => ({ name, in: "path", required: true, schema: name === "deliveryId" ? { type: "string", pattern: "^[0-9]+$" } : { type: "string", format: "uuid" } }));
}

const IDEMPOTENCY_PARAMETER = {
  name: "Idempotency-Key",
  in: "header",
  required: false,
  description: "Any unique string (a UUID): a retry with the same key and request within 24 hours returns the first answer without doing the work again.",
  schema: { type: "string", minLength: 1, maxLength: 255 },
};

const RATE_HEADERS = {
  "X-RateLimit-Limit": "Requests a token may make in a minute (API tokens made in Settings).",
  "X-RateLimit-Remaining": "Requests left in this minute.",
  "X-RateLimit-Reset": "When the minute ends (Unix seconds).",
};

/**
 * What every operation may answer besides its own documented statuses: authentication (an expired token
 * too), the per-token rate limit, and for a body its JSON and size. An operation's own entry for a status wins.
 */
function commonResponses(op: Operation): Record<string, { description: string; headers?: Record<string, string> }> {
  return {
    ...(op.body ? {
      400: { description: "The body is not valid JSON, or not valid Unicode (INVALID_JSON)." },
      413: { description: "The body is larger than this operation accepts (PAYLOAD_TOO_LARGE)." },
    } : {}),
    401: { description: "No valid bearer token or session (UNAUTHENTICATED), or the token has expired (TOKEN_EXPIRED)." },
    ...(op.mutation || op.adminOnly ? { 403: { description: op.adminOnly ? "Only an admin may do this; other roles' tokens get FORBIDDEN." : "A viewer's token or session may read but not change anything (FORBIDDEN)." } } : {}),
    // every POST takes an Idempotency-Key (an operation's own 409 / 422 name these codes beside its others)
    ...(op.method === "post" ? {
      409: { description: "The Idempotency-Key is still in use by the first request (IDEMPOTENCY_KEY_IN_PROGRESS): retry shortly." },
      422: { description: "The Idempotency-Key was used with another request (IDEMPOTENCY_KEY_REUSED)." },
    } : {}),
    429: { description: "This API token used its requests for the minute (RATE_LIMITED): retry after Retry-After seconds.", headers: { "Retry-After": "Seconds until the next request is accepted." } },
  };
}

export function buildOpenApiDocument(operations: readonly Operation[] = OPERATIONS) {
  const components: Record<string, JsonSchema> = {};
  const convert = converter(components);
  const paths: Record<string, Record<string, unknown>> = {};
  for (const op of operations) {
    const responses: Record<string, unknown> = {};
    for (const [status, r] of Object.entries(op.responses)) {
      responses[status] = {
        description: r.description,
        headers: {
          "X-Request-Id": { $ref: "#/components/headers/RequestId" },
          ...Object.fromEntries(Object.entries({ ...RATE_HEADERS, ...r.headers }).map(([name, description]) => [name, { description, schema: { type: "string" } }])),
        },
        content: { "application/json": { schema: convert(r.schema, "output"), ...(r.example === undefined ? {} : { example: r.example }) } },
      };
    }
    for (const [status, r] of Object.entries(commonResponses(op))) {
      if (responses[status]) continue;
      responses[status] = {
        description: r.description,
        headers: {
          "X-Request-Id": { $ref: "#/components/headers/RequestId" },
          ...Object.fromEntries(Object.entries({ ...RATE_HEADERS, ...r.headers }).map(([name, description]) => [name, { description, schema: { type: "string" } }])),
        },
        content: { "application/json": { schema: convert(ZErrorResponse, "output") } },
      };
    }
    const notes = [op.description, op.adminOnly ? "Admins only." : op.mutation ? "Viewer tokens get 403." : null, op.cron ? "Also accepts the CRON_SECRET as bearer token." : null].filter(Boolean);
    paths[op.path] ??= {};
    paths[op.path][op.method] = {
      operationId: op.operationId,
      summary: op.summary,
      ...(notes.length ? { description: notes.join(" ") } : {}),
      tags: [op.tag],
      parameters: [...pathParameters(op.path), ...queryParameters(op, convert), ...(op.method === "post" ? [IDEMPOTENCY_PARAMETER] : [])],
      ...(op.body
        ? {
            requestBody: {
              required: op.body.required,
              content: { "application/json": { schema: convert(op.body.schema, "input"), ...(op.body.example === undefined ? {} : { example: op.body.example }) } },
            },
          }
        : {}),
      responses,
    };
  }
  // what we POST to registered endpoints (OpenAPI 3.1 webhooks)
  const webhooks = Object.fromEntries([...EVENT_TYPES, TEST_EVENT_TYPE].map((type) => [type, {
    post: {
      operationId: `event:${type}`,
      summary: `The ${type} event`,
      description: "Signed: X-WAC-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256 of \"<t>.<raw body>\" with the endpoint's secret>. Delivered in order per endpoint; retried with backoff for a day.",
      parameters: [
        { name: "X-WAC-Signature", in: "header", required: true, schema: { type: "string" } },
        { name: "X-WAC-Event-Id", in: "header", required: true, schema: { type: "string" } },
        { name: "X-WAC-Event-Type", in: "header", required: true, schema: { type: "string", const: type } },
      ],
      requestBody: { required: true, content: { "application/json": { schema: convert(ZOutboundEvent.extend({ type: z.literal(type), data: OUTBOUND_EVENT_DATA[type] }), "output") } } },
      responses: { "2XX": { description: "Any 2xx answer within 5 seconds acknowledges the event." } },
    },
  }]));
  return {
    openapi: "3.1.0",
    info: OPENAPI_INFO,
    servers: [{ url: "/" }],
    security: [{ bearer: [] }],
    paths,
    webhooks,
    components: {
      schemas: components,
      headers: { RequestId: { description: "This request's id (quote it when you report a problem).", schema: { type: "string" } } },
      securitySchemes: { bearer: { type: "http", scheme: "bearer", description: "An API token (wac_…) or the MARKETING_API_TOKEN." } },
    },
  };
}

export type OpenApiDocument = ReturnType<typeof buildOpenApiDocument>;

let cached: OpenApiDocument | undefined;

/** The document for this build (generated once per process). */
export function getOpenApiDocument(): OpenApiDocument {
  cached ??= buildOpenApiDocument();
  return cached;
}
