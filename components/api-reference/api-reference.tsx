/**
 * Renders the OpenAPI document as plain React (server component, no external assets): operations grouped
 * by tag with their parameters, request body, responses and examples, then the named schemas.
 */
import type { ReactNode } from "react";
import { Badge, type Tone } from "@/components/ui/badge";
import { Card, CardBody, CardHeader } from "@/components/ui/card";

type Schema = { [key: string]: unknown };
type Parameter = { name: string; in: string; required?: boolean; description?: string; schema?: Schema };
type Media = { schema?: Schema; example?: unknown };
type OperationDoc = {
  operationId: string;
  summary?: string;
  description?: string;
  tags?: string[];
  parameters?: Parameter[];
  requestBody?: { required?: boolean; content: Record<string, Media> };
  responses: Record<string, { description: string; content?: Record<string, Media>; headers?: Record<string, { description?: string }> }>;
};
export type ReferenceDocument = {
  info: { title: string; version: string; description?: string };
  paths: Record<string, Record<string, OperationDoc>>;
  /** what the API POSTs to registered endpoints */
  webhooks?: Record<string, { post: OperationDoc }>;
  components: { schemas: Record<string, Schema> };
};

const METHOD_TONES: Record<string, Tone> = { get: "blue", post: "green", patch: "amber", put: "amber", delete: "red" };
const CONSTRAINTS = ["format", "pattern", "minimum", "maximum", "minLength", "maxLength", "minItems", "maxItems", "default", "const"] as const;

const refName = (ref: string) => ref.replace("#/components/schemas/", "");

/** A one-line type: "string (uuid)", "Campaign", "array of string", "integer | null". */
function typeLabel(s: Schema | undefined): ReactNode {
  if (!s || Object.keys(s).length === 0) return "any";
  if (typeof s.$ref === "string") {
    const name = refName(s.$ref);
    return <a href={`#schema-${name}`} className="text-brand-700 underline">{name}</a>;
  }
  const union = (s.anyOf ?? s.oneOf) as Schema[] | undefined;
  if (union) return union.map((u, i) => <span key={i}>{i > 0 ? " | " : ""}{typeLabel(u)}</span>);
  if (Array.isArray(s.enum)) return s.enum.map((v) => JSON.stringify(v)).join(" | ");
  if (s.const !== undefined) return JSON.stringify(s.const);
  if (s.type === "array") return <>array of {typeLabel(s.items as Schema | undefined)}</>;
  const type = Array.isArray(s.type) ? s.type.join(" | ") : String(s.type ?? "any");
  return s.format ? `${type} (${String(s.format)})` : type;
}

function constraints(s: Schema | undefined): string {
  if (!s) return "";
  return CONSTRAINTS.filter((k) => s[k] !== undefined && k !== "format" && k !== "const").map((k) => `${k}: ${JSON.stringify(s[k])}`).join(", ");
}

/** An object's properties as a table; nested inline objects are shown one level deeper. */
function SchemaView({ schema, depth = 0 }: { schema: Schema | undefined; depth?: number }) {
  if (!schema) return null;
  const union = (schema.anyOf ?? schema.oneOf) as Schema[] | undefined;
  if (union && depth < 3) {
    return (
      <div className="space-y-2">
        <p className="text-xs text-slate-500">One of:</p>
        {union.map((u, i) => <div key={i} className="border-l-2 border-slate-200 pl-3"><SchemaView schema={u} depth={depth + 1} /></div>)}
      </div>
    );
  }
  const properties = schema.properties as Record<string, Schema> | undefined;
  if (schema.type !== "object" || !properties) return <p className="text-sm text-slate-700"><span className="font-mono">{typeLabel(schema)}</span></p>;
  const required = new Set((schema.required as string[] | undefined) ?? []);
  return (
    <table className="w-full text-left text-sm">
      <thead><tr className="text-xs uppercase tracking-wide text-slate-500"><th className="py-1 pr-3">Field</th><th className="py-1 pr-3">Type</th><th className="py-1">Notes</th></tr></thead>
      <tbody>
        {Object.entries(properties).map(([name, p]) => (
          <tr key={name} className="border-t border-slate-100 align-top">
            <td className="min-w-24 py-1 pr-3 font-mono text-xs wrap-anywhere">{name}{required.has(name) ? <span className="text-red-600" title="required"> *</span> : null}</td>
            <td className="min-w-16 py-1 pr-3 font-mono text-xs wrap-anywhere">
              {typeLabel(p)}
              {p.type === "object" && p.properties && depth < 2 ? <div className="mt-1"><SchemaView schema={p} depth={depth + 1} /></div> : null}
            </td>
            <td className="py-1 text-xs text-slate-600 wrap-anywhere">{[p.description, constraints(p)].filter(Boolean).join(" — ")}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

/**
 * An example body under a disclosure. Its code block scrolls sideways on narrow screens, so it is focusable
 * (keyboard users scroll it with the arrow keys) and named after what it shows: a group, since a <pre>
 * itself may not carry a name.
 */
function Example({ value, label }: { value: unknown; label: string }) {
  if (value === undefined) return null;
  return (
    <details className="mt-2" data-testid="api-example">
      <summary className="cursor-pointer text-xs font-medium text-slate-600">Example</summary>
      <pre
        tabIndex={0}
        role="group"
        aria-label={label}
        className="mt-1 overflow-x-auto rounded-md bg-slate-900 p-3 text-xs text-slate-100"
      >
        {JSON.stringify(value, null, 2)}
      </pre>
    </details>
  );
}

function OperationView({ method, path, op }: { method: string; path: string; op: OperationDoc }) {
  const body = op.requestBody?.content["application/json"];
  const name = op.summary ?? `${method.toUpperCase()} ${path}`;
  return (
    <Card id={op.operationId}>
      <CardHeader
        level={3}
        title={<span className="flex flex-wrap items-center gap-2"><Badge tone={METHOD_TONES[method] ?? "gray"}>{method.toUpperCase()}</Badge><code className="text-sm wrap-anywhere">{path}</code></span>}
        description={op.summary}
      />
      <CardBody className="space-y-4">
        {op.description ? <p className="text-sm text-slate-600">{op.description}</p> : null}
        {op.parameters?.length ? (
          <div>
            <h4 className="mb-1 text-sm font-semibold text-slate-800">Parameters</h4>
            <table className="w-full text-left text-sm">
              <tbody>
                {op.parameters.map((p) => (
                  <tr key={`${p.in}:${p.name}`} className="border-t border-slate-100 align-top">
                    <td className="min-w-24 py-1 pr-3 font-mono text-xs wrap-anywhere">{p.name}{p.required ? <span className="text-red-600"> *</span> : null}</td>
                    <td className="py-1 pr-3 text-xs text-slate-500">{p.in}</td>
                    <td className="min-w-16 py-1 pr-3 font-mono text-xs wrap-anywhere">{typeLabel(p.schema)}</td>
                    <td className="py-1 text-xs text-slate-600 wrap-anywhere">{[p.description, constraints(p.schema)].filter(Boolean).join(" — ")}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        ) : null}
        {body ? (
          <div>
            <h4 className="mb-1 text-sm font-semibold text-slate-800">Request body{op.requestBody?.required ? "" : " (optional)"}</h4>
            <SchemaView schema={body.schema} />
            <Example value={body.example} label={`Example request for ${name}`} />
          </div>
        ) : null}
        <div>
          <h4 className="mb-1 text-sm font-semibold text-slate-800">Responses</h4>
          <ul className="space-y-3">
            {Object.entries(op.responses).map(([status, r]) => {
              const media = r.content?.["application/json"];
              return (
                <li key={status}>
                  <p className="text-sm"><Badge tone={status.startsWith("2") ? "green" : "red"}>{status}</Badge> <span className="text-slate-700">{r.description}</span> {media?.schema ? <span className="font-mono text-xs">{typeLabel(media.schema)}</span> : null}</p>
                  {Object.entries(r.headers ?? {}).filter(([name]) => !EVERY_ANSWER_HEADERS.has(name)).map(([name, h]) => (
                    <p key={name} className="mt-1 text-xs text-slate-600"><span className="font-mono text-slate-800">{name}</span> header{h.description ? `: ${h.description}` : ""}</p>
                  ))}
                  <Example value={media?.example} label={`Example ${status} response for ${name}`} />
                </li>
              );
            })}
          </ul>
        </div>
      </CardBody>
    </Card>
  );
}

/** headers every answer (or every 429) carries, described once in the introduction: an operation lists only its own */
const EVERY_ANSWER_HEADERS = new Set(["X-Request-Id", "X-RateLimit-Limit", "X-RateLimit-Remaining", "X-RateLimit-Reset"]);

export function ApiReference({ doc }: { doc: ReferenceDocument }) {
  const operations = Object.entries(doc.paths).flatMap(([path, ops]) => Object.entries(ops).map(([method, op]) => ({ path, method, op })));
  const tags = [...new Set(operations.map((o) => o.op.tags?.[0] ?? "Other"))];
  return (
    <div className="grid grid-cols-1 gap-6 lg:grid-cols-[14rem_1fr]">
      <nav aria-label="Operations" className="text-sm lg:sticky lg:top-4 lg:self-start">
        {tags.map((tag) => (
          <div key={tag} className="mb-3">
            <p className="font-semibold text-slate-800">{tag}</p>
            <ul>
              {operations.filter((o) => (o.op.tags?.[0] ?? "Other") === tag).map((o) => (
                <li key={o.op.operationId}><a href={`#${o.op.operationId}`} className="text-slate-600 hover:text-brand-700">{o.op.summary ?? o.op.operationId}</a></li>
              ))}
            </ul>
          </div>
        ))}
        {doc.webhooks ? <p className="font-semibold text-slate-800"><a href="#events">Outbound events</a></p> : null}
        <p className="font-semibold text-slate-800"><a href="#schemas">Schemas</a></p>
      </nav>
      <div className="min-w-0 space-y-8">
        {doc.info.description ? <pre className="whitespace-pre-wrap rounded-lg bg-slate-50 p-4 text-sm text-slate-700">{doc.info.description}</pre> : null}
        {tags.map((tag) => (
          <section key={tag} className="space-y-4">
            <h2 className="text-lg font-semibold text-slate-900">{tag}</h2>
            {operations.filter((o) => (o.op.tags?.[0] ?? "Other") === tag).map((o) => <OperationView key={o.op.operationId} {...o} />)}
          </section>
        ))}
        {doc.webhooks ? (
          <section id="events" className="space-y-4">
            <h2 className="text-lg font-semibold text-slate-900">Outbound events</h2>
            <p className="text-sm text-slate-600">{Object.values(doc.webhooks)[0]?.post.description}</p>
            <ul className="grid grid-cols-1 gap-2 sm:grid-cols-2">
              {Object.entries(doc.webhooks).map(([type, w]) => (
                <li key={type} id={`event-${type}`} className="rounded-lg border border-slate-200 bg-white px-3 py-2 text-sm">
                  <code className="font-semibold">{type}</code> — body {typeLabel(w.post.requestBody?.content["application/json"]?.schema)}
                </li>
              ))}
            </ul>
          </section>
        ) : null}
        <section id="schemas" className="space-y-4">
          <h2 className="text-lg font-semibold text-slate-900">Schemas</h2>
          {Object.entries(doc.components.schemas).map(([name, schema]) => (
            <Card key={name} id={`schema-${name}`}>
              <CardHeader level={3} title={<code>{name}</code>} />
              <CardBody><SchemaView schema={schema} /></CardBody>
            </Card>
          ))}
        </section>
      </div>
    </div>
  );
}
