import type { Metadata } from "next";
import Link from "next/link";
import { Badge } from "@/components/ui/badge";
import { ButtonLink } from "@/components/ui/button";
import { Card } from "@/components/ui/card";
import { EmptyState } from "@/components/ui/empty-state";
import { formatDateTime } from "@/components/ui/format";
import { PageHeader } from "@/components/ui/page-header";
import { Table, TableHeader, TBody, TD, TR } from "@/components/ui/table";
import { getDb } from "@/lib/db";
import { findAuditEntries } from "@/lib/marketing/audit-log";
import { flatParams, hrefWith, type SearchParams } from "../_lib/search-params";
import { requireAdminPage } from "../_lib/session";

export const metadata: Metadata = { title: "Audit log" };

const FILTERS = [
  ["", "Everything"],
  ["campaign.", "Campaigns"],
  ["customers.", "Customers"],
  ["user.", "Users"],
  ["api_token.", "API tokens"],
] as const;

function summary(details: unknown): string {
  if (!details || typeof details !== "object") return "";
  return Object.entries(details as Record<string, unknown>)
    .map(([k, v]) => `${k.replaceAll("_", " ")}: ${typeof v === "object" ? JSON.stringify(v) : String(v)}`)
    .join(" · ")
    .slice(0, 240);
}

export default async function AuditPage({ searchParams }: { searchParams: Promise<SearchParams> }) {
  await requireAdminPage();
  const sp = flatParams(await searchParams);
  const action = FILTERS.some(([k]) => k === sp.action) ? sp.action : undefined;
  const { rows, next } = await findAuditEntries({ db: getDb(), before: sp.before, action });
  return (
    <>
      <PageHeader title="Audit log" description="Who changed what, newest first. Only admins see this page." />
      <Card>
        <nav aria-label="Filter" className="flex gap-1 overflow-x-auto border-b border-slate-100 px-3 py-2">
          {FILTERS.map(([k, label]) => (
            <Link
              key={k}
              href={hrefWith("/audit", {}, { action: k || undefined })}
              aria-current={(action ?? "") === k ? "page" : undefined}
              className={(action ?? "") === k ? "rounded-md bg-brand-50 px-3 py-1.5 text-sm font-medium text-brand-700 focus-visible:-outline-offset-2" : "rounded-md px-3 py-1.5 text-sm text-slate-600 hover:bg-slate-100 focus-visible:-outline-offset-2"}
            >
              {label}
            </Link>
          ))}
        </nav>
        {rows.length === 0 ? (
          <EmptyState title="Nothing recorded yet" />
        ) : (
          <Table label="Audit log">
            <TableHeader columns={[{ label: "When", className: "hidden sm:table-cell" }, { label: "Who", className: "hidden sm:table-cell" }, "Action", { label: "Details", className: "hidden sm:table-cell" }]} />
            <TBody>
              {rows.map((r) => {
                const when = formatDateTime(r.created_at);
                const who = r.user_email ?? r.actor;
                const details = summary(r.details);
                return (
                  <TR key={r.id}>
                    <TD className="hidden whitespace-nowrap sm:table-cell">{when}</TD>
                    <TD className="hidden whitespace-nowrap sm:table-cell">{who}</TD>
                    <TD className="sm:whitespace-nowrap">
                      <Badge tone="gray">{r.action}</Badge>
                      {r.entity_type === "campaign" && r.entity_id ? (
                        <Link href={`/campaigns/${r.entity_id}`} className="ml-2 text-xs text-brand-700 hover:underline">
                          open
                        </Link>
                      ) : null}
                      {/* on phones one column: when, who and the details under the action */}
                      <div className="mt-1 text-xs text-slate-500 sm:hidden">
                        {when} · {who}
                      </div>
                      <div className="mt-1 text-xs text-slate-500 sm:hidden">{details}</div>
                    </TD>
                    <TD className="hidden min-w-64 text-xs text-slate-500 sm:table-cell">{details}</TD>
                  </TR>
                );
              })}
            </TBody>
          </Table>
        )}
        <div className="flex justify-end gap-2 border-t border-slate-100 px-4 py-3">
          {sp.before ? (
            <ButtonLink href={hrefWith("/audit", {}, { action })} variant="secondary" size="sm">
              Newest
            </ButtonLink>
          ) : null}
          {next ? (
            <ButtonLink href={hrefWith("/audit", {}, { action, before: next })} variant="secondary" size="sm">
              Older
            </ButtonLink>
          ) : null}
        </div>
      </Card>
    </>
  );
}
