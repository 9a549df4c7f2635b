import type { Metadata } from "next";
import Link from "next/link";
import { notFound } from "next/navigation";
import type { ReactNode } from "react";
import { EraseCustomerButton } from "@/components/customers/erase-customer-button";
import { MarkReachableButton } from "@/components/customers/mark-reachable-button";
import { SubscriptionToggle } from "@/components/customers/subscription-toggle";
import { Badge, CampaignStatusBadge, RecipientStatusBadge, SubscriptionBadge } from "@/components/ui/badge";
import { ButtonLink } from "@/components/ui/button";
import { Card, CardBody, CardHeader } from "@/components/ui/card";
import { EmptyState } from "@/components/ui/empty-state";
import { formatDateTime, formatDay, formatInt } from "@/components/ui/format";
import { Notice } from "@/components/ui/notice";
import { PageHeader } from "@/components/ui/page-header";
import { Table, TableHeader, TBody, TD, TR } from "@/components/ui/table";
import { getDb } from "@/lib/db";
import { getCustomerWithHistory } from "@/lib/marketing/customers/get-customer-with-history";
import { ERASED_NUMBER_SOURCE } from "@/lib/marketing/customers/opt-outs";
import { can, displayPhone } from "@/lib/marketing/users/permissions";
import { flatParams, type SearchParams } from "../../_lib/search-params";
import { requirePageUser } from "../../_lib/session";

export const metadata: Metadata = { title: "Customer" };

export default async function CustomerPage({ params, searchParams }: { params: Promise<{ customerId: string }>; searchParams: Promise<SearchParams> }) {
  const user = await requirePageUser();
  const { customerId } = await params;
  const sp = flatParams(await searchParams);
  const found = await getCustomerWithHistory({ db: getDb(), customerId });
  if (!found) notFound();
  const { customer: c, history } = found;
  const attributes = Object.entries((c.attributes ?? {}) as Record<string, unknown>);
  return (
    <>
      <PageHeader
        back={{ href: "/customers", label: "Customers" }}
        title={c.name || "Unnamed customer"}
        description={<span className="font-mono tabular-nums">{displayPhone(user.role, c.whatsappPhone)}</span>}
        actions={
          <>
            {can(user.role, "change") ? <ButtonLink href={`/customers/${c.id}/edit`} variant="secondary">Edit</ButtonLink> : null}
            <SubscriptionToggle customerId={c.id} subscription={c.subscription} canChange={can(user.role, "change")} needsReason={found.stickyOptOut} isAdmin={user.role === "admin"} />
          </>
        }
      />
      {sp.added === "1" ? (
        <Notice tone="success" className="mb-4">
          Customer added.
          {c.subscriptionSource === ERASED_NUMBER_SOURCE
            ? " This number belonged to an erased customer, so they stay unsubscribed: only an admin can subscribe them again, with a reason."
            : ""}
        </Notice>
      ) : sp.saved === "1" ? (
        <Notice tone="success" className="mb-4">Saved.</Notice>
      ) : null}
      <div className="grid grid-cols-1 gap-6 lg:grid-cols-3">
        <Card>
          <CardHeader title="Profile" />
          <CardBody>
            <dl className="divide-y divide-slate-100 text-sm">
              <Row label="Subscription">
                <SubscriptionBadge subscription={c.subscription} />
              </Row>
              {c.subscriptionChangedAt ? (
                <Row label="Changed">
                  {formatDateTime(c.subscriptionChangedAt)}
                  {c.subscriptionSource ? <span className="text-slate-500"> · {c.subscriptionSource.replaceAll("_", " ")}</span> : null}
                </Row>
              ) : null}
              {c.undeliverableSince ? (
                <div className="grid grid-cols-[auto_1fr] items-start gap-x-4 gap-y-1.5 py-2.5">
                  <dt className="text-slate-500">WhatsApp</dt>
                  <dd className="text-right">
                    <Badge tone="red">Not reachable</Badge>
                  </dd>
                  <dd className="col-span-2 text-slate-900">
                    <p className="font-medium">Not reachable since {formatDateTime(c.undeliverableSince)}</p>
                    <p className="mt-0.5 text-xs text-slate-500">
                      {formatInt(c.undeliverableCount)} campaign message{c.undeliverableCount === 1 ? "" : "s"} in a row could not be delivered (131026). Left out
                      of audiences and skipped at sending.
                    </p>
                    {can(user.role, "change") ? (
                      <div className="mt-2">
                        <MarkReachableButton customerId={c.id} />
                      </div>
                    ) : null}
                  </dd>
                </div>
              ) : c.undeliverableCount > 0 ? (
                <Row label="Undelivered">
                  {formatInt(c.undeliverableCount)} in a row
                  {c.undeliverableLastAt ? <div className="text-xs font-normal text-slate-500">last {formatDateTime(c.undeliverableLastAt)}</div> : null}
                </Row>
              ) : null}
              <Row label="Active">{c.isActive ? "Yes" : <Badge tone="gray">Inactive</Badge>}</Row>
              <Row label="Tier">
                <span className="capitalize">{c.customerTier ?? "—"}</span>
              </Row>
              <Row label="City">{c.city ?? "—"}</Row>
              <Row label="Tags">
                <span className="flex flex-wrap justify-end gap-1">
                  {c.tags.length ? c.tags.map((t) => <Badge key={t}>{t}</Badge>) : "—"}
                </span>
              </Row>
              {attributes.map(([k, v]) => (
                <Row key={k} label={k.replaceAll("_", " ")}>
                  {String(v)}
                </Row>
              ))}
              {c.marketingDeferredUntil && c.marketingDeferredUntil > new Date() ? (
                <Row label="Marketing paused until">{formatDateTime(c.marketingDeferredUntil)}</Row>
              ) : null}
              <Row label="Customer since">{formatDay(c.createdAt)}</Row>
            </dl>
            {can(user.role, "change") ? (
              <div className="mt-4 border-t border-slate-100 pt-4">
                <p className="mb-2 text-xs text-slate-500">A customer who asks to be forgotten can be erased: their profile is deleted and their number, name, WhatsApp id and message texts are removed everywhere; campaign totals stay as they were.</p>
                <EraseCustomerButton customerId={c.id} shownNumber={displayPhone(user.role, c.whatsappPhone)} />
              </div>
            ) : null}
          </CardBody>
        </Card>
        <Card className="lg:col-span-2">
          <CardHeader title="Campaign history" description="Every campaign this number was added to, newest first." />
          {history.length === 0 ? (
            <EmptyState title="No campaigns yet" description="This customer has not been added to any campaign." />
          ) : (
            <Table label="Campaign history">
              <TableHeader columns={["Campaign", "Message", ...["Scheduled", "Sent", "Read"].map((label) => ({ label, className: "hidden sm:table-cell" }))]} />
              <TBody>
                {history.map((h) => (
                  <TR key={h.recipient_id}>
                    <TD>
                      <Link href={`/campaigns/${h.campaign_id}`} className="font-medium text-slate-900 hover:text-brand-700 hover:underline">
                        {h.campaign_name}
                      </Link>
                      <div className="mt-1">
                        <CampaignStatusBadge status={h.campaign_status} />
                      </div>
                    </TD>
                    <TD>
                      <RecipientStatusBadge status={h.status} />
                      {h.failure_reason ? <div className="mt-1 max-w-56 text-xs text-red-600">{h.failure_reason}</div> : null}
                      {/* on phones the three dates' columns do not fit: the latest of them here */}
                      <div className="mt-1 text-xs text-slate-500 sm:hidden">
                        {h.read_at ? `Read ${formatDateTime(h.read_at)}` : h.sent_at ? `Sent ${formatDateTime(h.sent_at)}` : h.scheduled_send_date ? `Scheduled for ${formatDay(h.scheduled_send_date)}` : "Not scheduled"}
                      </div>
                    </TD>
                    <TD className="hidden whitespace-nowrap sm:table-cell">{formatDay(h.scheduled_send_date)}</TD>
                    <TD className="hidden whitespace-nowrap sm:table-cell">{formatDateTime(h.sent_at)}</TD>
                    <TD className="hidden whitespace-nowrap sm:table-cell">{formatDateTime(h.read_at)}</TD>
                  </TR>
                ))}
              </TBody>
            </Table>
          )}
        </Card>
      </div>
    </>
  );
}

function Row({ label, children }: { label: string; children: ReactNode }) {
  return (
    <div className="flex items-start justify-between gap-4 py-2.5">
      <dt className="capitalize text-slate-500">{label}</dt>
      <dd className="text-right font-medium text-slate-900">{children}</dd>
    </div>
  );
}
