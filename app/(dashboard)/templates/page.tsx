import type { Metadata } from "next";
import Link from "next/link";
import { Fragment } from "react";
import { TemplateStatusBadge } from "@/components/templates/template-picker";
import { ButtonLink } from "@/components/ui/button";
import { Card } from "@/components/ui/card";
import { Notice } from "@/components/ui/notice";
import { PageHeader } from "@/components/ui/page-header";
import { Table, TBody, TD, TH, THead, TR } from "@/components/ui/table";
import { getDb } from "@/lib/db";
import { EDITABLE_STATUSES } from "@/lib/marketing/templates/edit-template";
import { listTemplates } from "@/lib/marketing/templates/list-templates";
import { can } from "@/lib/marketing/users/permissions";
import { getTemplatesApi } from "@/lib/server/templates";
import { requirePageUser } from "../_lib/session";

export const metadata: Metadata = { title: "Templates" };
export const dynamic = "force-dynamic";

export default async function TemplatesPage({ searchParams }: { searchParams: Promise<{ submitted?: string }> }) {
  const user = await requirePageUser();
  const { submitted } = await searchParams;
  const { templates } = await listTemplates({ db: getDb(), api: getTemplatesApi(), query: {} });
  const canChange = can(user.role, "change");
  return (
    <div className="mx-auto max-w-6xl">
      <PageHeader
        title="Templates"
        description="The message templates of your WhatsApp Business account, with Meta's review status."
        actions={canChange ? <ButtonLink href="/templates/new">New template</ButtonLink> : null}
      />
      {submitted ? <Notice tone="success" title="Submitted for review">{submitted} is in Meta&apos;s review: its status changes here when the decision arrives.</Notice> : null}
      <Card className="mt-4 overflow-hidden">
        <Table label="Templates" data-testid="templates-table">
          <THead>
            <TR>
              <TH>Name</TH>
              <TH className="hidden sm:table-cell">Language</TH>
              <TH className="hidden sm:table-cell">Category</TH>
              <TH>Status</TH>
              <TH className="hidden sm:table-cell">Reason</TH>
              <TH><span className="sr-only">Actions</span></TH>
            </TR>
          </THead>
          <TBody>
            {templates.map((t) => (
              <TR key={t.id} data-testid={`template-row-${t.name}`}>
                <TD>
                  <div className="font-medium wrap-anywhere text-slate-900">{breakableName(t.name)}</div>
                  <div className="mt-1 text-xs text-slate-500 sm:hidden">{t.language} · {t.category}</div>
                  {reasonOf(t) ? <div className="mt-1 text-xs text-slate-600 sm:hidden">{reasonOf(t)}</div> : null}
                </TD>
                <TD className="hidden sm:table-cell">{t.language}</TD>
                <TD className="hidden sm:table-cell">{t.category}</TD>
                <TD data-testid="template-status"><TemplateStatusBadge status={t.status} /></TD>
                <TD className="hidden max-w-xs text-sm text-slate-600 sm:table-cell" data-testid="template-reason">{reasonOf(t)}</TD>
                <TD className="text-right">
                  {canChange && (EDITABLE_STATUSES as readonly string[]).includes(t.status) ? (
                    <Link href={`/templates/${t.id}/edit`} className="text-sm font-medium text-brand-700 hover:underline">
                      Edit<span className="sr-only"> {t.name} ({t.language})</span>
                    </Link>
                  ) : null}
                </TD>
              </TR>
            ))}
          </TBody>
        </Table>
      </Card>
    </div>
  );
}

/** Meta's reason for a template that is not approved (an approved template's old rejection reason is history, not news). */
function reasonOf(t: { status: string; reason: string | null }): string {
  return t.status === "APPROVED" ? "" : (t.reason ?? "");
}

/** A template's snake_case name, allowed to wrap after each underscore on a narrow screen (rather than mid-word). */
function breakableName(name: string) {
  return name.split("_").map((part, i) => (i === 0 ? part : <Fragment key={i}>_<wbr />{part}</Fragment>));
}
