/**
 * Checks answers against the OpenAPI document: ajv (draft 2020-12) compiled from the documented response
 * schema of the operation and status. An undocumented status fails.
 */
import { Ajv2020, type ValidateFunction } from "ajv/dist/2020.js";
import addFormats from "ajv-formats";
import { buildOpenApiDocument } from "@/lib/http/openapi/document";

const doc = buildOpenApiDocument();
const ajv = new Ajv2020({ strict: false, allErrors: true });
addFormats.default(ajv);
const compiled = new Map<string, ValidateFunction>();

type ResponseDoc = { content: { "application/json": { schema: object } } };

/** Documented operations ("post /api/marketing/campaigns"), to check that a test exercised each. */
export const DOCUMENTED = Object.entries(doc.paths).flatMap(([p, ops]) => Object.keys(ops).map((m) => `${m} ${p}`));

/** Errors (empty when the body matches what the document says `method path` answers with `status`). */
export function contractErrors(method: string, path: string, status: number, body: unknown): string[] {
  const op = (doc.paths as Record<string, Record<string, { responses: Record<string, ResponseDoc> }>>)[path]?.[method];
  if (!op) return [`${method} ${path} is not documented`];
  const response = op.responses[String(status)];
  if (!response) return [`${method} ${path} does not document status ${status}`];
  const key = `${method} ${path} ${status}`;
  let validate = compiled.get(key);
  if (!validate) {
    validate = ajv.compile({ ...response.content["application/json"].schema, components: doc.components });
    compiled.set(key, validate);
  }
  return validate(body) ? [] : (validate.errors ?? []).map((e) => `${e.instancePath} ${e.message}`);
}
