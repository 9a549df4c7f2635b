import type { Metadata } from "next";
import { phoneReading } from "@/lib/marketing/sending/sending-settings";
import Link from "next/link";
import { notFound } from "next/navigation";
import { after } from "next/server";
import { AddRecipients } from "@/components/campaigns/add-recipients";
import { CampaignActions } from "@/components/campaigns/campaign-actions";
import { getEnv } from "@/lib/env";
import { describeSendWindow, readSendWindow } from "@/lib/marketing/sending/send-window";
import { CampaignLive } from "@/components/campaigns/campaign-live";
import { CampaignEngagement } from "@/components/campaigns/campaign-engagement";
import { getCampaignEngagementPanel } from "@/lib/marketing/engagement/campaign-engagement";
import { FOLLOW_UP_LABELS } from "@/lib/marketing/engagement/follow-ups";
import { VariantComparison } from "@/components/campaigns/variant-comparison";
import { getVariantStats } from "@/lib/marketing/ab/variant-stats";
import { CampaignTemplateCard } from "@/components/templates/campaign-template-card";
import { getTemplateEditorData } from "@/lib/marketing/templates/template-editor-data";
import { getTemplatesApi } from "@/lib/server/templates";
import { Badge, CampaignStatusBadge, RecipientStatusBadge } from "@/components/ui/badge";
import { Button, ButtonLink } from "@/components/ui/button";
import { Card, CardBody, CardHeader } from "@/components/ui/card";
import { cn } from "@/components/ui/cn";
import { EmptyState } from "@/components/ui/empty-state";
import { Input } from "@/components/ui/field";
import { formatDateTime, formatDay, formatInt, namedCountry } from "@/components/ui/format";
import { Notice } from "@/components/ui/notice";
import { PageHeader } from "@/components/ui/page-header";
import { Table, TableHeader, TBody, TD, TR } from "@/components/ui/table";
import { getDb } from "@/lib/db";
import { isFollowUpWithoutAudience, readTargetAudience } from "@/lib/marketing/campaigns/target-audience";
import { latestStartDay } from "@/lib/marketing/campaigns/activate-campaign";
import { getCampaignLive } from "@/lib/marketing/stats/get-campaign-live";
import { audienceCountForView, type AudienceCount } from "@/lib/marketing/customers/audience-count";
import { RECIPIENT_FILTERS, recipientFilterCounts, searchRecipients, ZRecipientsPageQuery } from "@/lib/marketing/recipients/search-recipients";
import { can, canSearchPartOfNumbers, displayPhone } from "@/lib/marketing/users/permissions";
import { flatParams, hrefWith, type SearchParams } from "../../_lib/search-params";
import { requirePageUser } from "../../_lib/session";
import { today as todayInZone } from "@/lib/server/today";
import { jobView, recentCampaignJobs } from "@/lib/marketing/jobs/job";
import { findRecentExportJob } from "@/lib/marketing/jobs/export-recipients-job";
import { userPrincipal } from "@/lib/auth";
import { CampaignCostCard } from "@/components/cost/campaign-cost-card";
import { getCampaignCost } from "@/lib/marketing/cost/get-campaign-cost";
import { campaignSpendSeries } from "@/lib/marketing/cost/spend";
import { isOpenCampaign } from "@/lib/marketing/campaigns/campaign-status";
import { parseUuid } from "@/lib/marketing/uuid";

// the add-recipients and activate actions run here: 1,000,000 recipients by audience 33.2–36.2 s, activation
// 23.9–34.1 s (README › Performance, 2026-12-05); 300 s leaves ~8× for a busier database
export const maxDuration = 300;
export async function generateMetadata({ params }: { params: Promise<{ campaignId: string }> }): Promise<Metadata> {
  const { campaignId } = await params;
  if (parseUuid(campaignId) === null) return { title: "Campaign" };
  const c = await getDb().marketingCampaign.findUnique({ where: { id: campaignId }, select: { name: true } });
  return { title: c?.name ?? "Campaign" };
}

/** The audience's size as the page shows it: exact and live, or labelled as a count made earlier / an estimate. */
function describeAudienceCount(a: AudienceCount): string {
  if (a.kind === "exact") return `${formatInt(a.count)} subscribed customers match now`;
  if (a.kind === "counted") return `about ${formatInt(a.count)} subscribed customers match (counted ${formatDateTime(a.countedAt, getEnv().CAMPAIGN_TIMEZONE)}; recounted every few minutes)`;
  return `about ${formatInt(a.count)} subscribed customers match (an estimate; the exact count follows shortly)`;
}

type Component = { type?: string; sub_type?: string; parameters?: Array<Record<string, unknown>> };

function describeParam(p: Record<string, unknown>): string {
  const v = p.variable as { field?: string; fallback?: string } | undefined;
  if (v) return `{customer ${String(v.field).replace("_", " ")}${v.fallback ? `, else “${v.fallback}”` : ""}}`;
  for (const k of ["text", "payload", "coupon_code"]) if (typeof p[k] === "string") return `“${p[k]}”`;
  for (const k of ["image", "video", "document"]) if (p[k]) return `${k}: ${(p[k] as { link?: string }).link ?? ""}`;
  return String(p.type ?? "value");
}

/** the recipients table's tabs: each recipient's status now, said so where it differs from the cumulative totals above */
const RECIPIENT_TAB_LABELS: Record<"all" | keyof typeof RECIPIENT_FILTERS, string> = {
  all: "All", pending: "Pending", sent: "Sent, not delivered", delivered: "Delivered, not read", read: "Read",
  failed: "Failed", skipped: "Skipped", unknown: "Unknown",
};

export default async function CampaignPage({ params, searchParams }: { params: Promise<{ campaignId: string }>; searchParams: Promise<SearchParams> }) {
  const user = await requirePageUser();
  const { campaignId } = await params;
  if (parseUuid(campaignId) === null) notFound();
  const sp = flatParams(await searchParams);
  const db = getDb();
  const today = todayInZone();
  const c = await db.marketingCampaign.findUnique({ where: { id: campaignId } });
  if (!c) notFound();
  const query = ZRecipientsPageQuery.parse({ status: sp.status, phone: sp.phone, after: sp.after, before: sp.before });
  const audience = readTargetAudience(c.targetAudience);
  const open = isOpenCampaign(c.status);
  // a follow-up's recipients are its parent's with one outcome: it has no audience to count or add
  const followUpOnly = isFollowUpWithoutAudience(c);
  // every read of the page at once (each on its own pooled connection)
  const [live, page, audienceCount, cost, spendSeries, engagement, jobs, exportJob, variantStats, reading] = await Promise.all([
    getCampaignLive({ db, campaignId: c.id, today, timezone: getEnv().CAMPAIGN_TIMEZONE }),
    searchRecipients({ db, campaignId: c.id, query, role: user.role }),
    // a large audience is not recounted on every view: its last count (or an estimate), refreshed after the answer
    open && !followUpOnly ? audienceCountForView({ db, audience, now: new Date() }) : Promise.resolve(null),
    getCampaignCost({ db, campaign: c, day: today }),
    campaignSpendSeries(db, c.id, today),
    getCampaignEngagementPanel({ db, campaignId: c.id, role: user.role }),
    // long work started from this page (adding the audience, activating, the user's export): a reload follows it again
    recentCampaignJobs({ db, campaignId: c.id, now: new Date() }),
    findRecentExportJob({ db, campaignId: c.id, actor: userPrincipal(user).actor, now: new Date() }),
    getVariantStats(db, c),
    // how typed and uploaded numbers without + or 00 are read (the add-recipients card says so)
    open ? phoneReading(db) : Promise.resolve(null),
  ]);
  if (!live) notFound();
  if (audienceCount?.refresh) after(audienceCount.refresh);
  const counts = recipientFilterCounts(c);
  const canChange = can(user.role, "change");
  const components = (Array.isArray(c.templateComponents) ? c.templateComponents : []) as Component[];
  const outcome = c.followUpOutcome ? (FOLLOW_UP_LABELS as Record<string, string>)[c.followUpOutcome] ?? c.followUpOutcome : null;
  const audienceSummary = followUpOnly
    ? `none: a follow-up of ${engagement?.parent?.name ?? "another campaign"}, to its recipients with the outcome “${outcome ?? "chosen"}” (added when it was made)`
    : [audience.customer_tier && `tier ${audience.customer_tier}`, audience.city && `in ${audience.city}`, audience.tags?.length && `tagged ${audience.tags.join(" + ")}`].filter(Boolean).join(", ") ||
    "all customers";
  const base = `/campaigns/${c.id}`;
  const keep = { status: query.status, phone: query.phone };

  return (
    <>
      <PageHeader
        back={{ href: "/campaigns", label: "Campaigns" }}
        title={
          <span className="flex flex-wrap items-center gap-3">
            <span className="break-words">{c.name}</span>
            <CampaignStatusBadge status={c.status} />
          </span>
        }
        description={
          <>
            {c.description ? <span className="block">{c.description}</span> : null}
            <span className="font-mono text-xs">
              {c.templateName} · {c.languageCode}
            </span>
            <span className="text-xs"> · priority {c.priority}</span>
            <span className="text-xs"> · sends {describeSendWindow(readSendWindow(c.sendWindow)).replace(/^Any time$/, "any time")}{c.sendWindow ? ` (${getEnv().CAMPAIGN_TIMEZONE})` : ""}</span>
            {c.startDate ? <span className="text-xs"> · started {formatDay(c.startDate)}</span> : null}
          </>
        }
        actions={
          <CampaignActions
            campaignId={c.id}
            status={c.status}
            pending={c.messagesPending}
            dailyLimit={c.dailySendLimit}
            today={today}
            latestStart={latestStartDay(new Date(), getEnv().CAMPAIGN_TIMEZONE)}
            canChange={canChange}
            pausedBy={c.pausedBy}
            sendWindow={readSendWindow(c.sendWindow)}
            cost={{ currency: cost.currency, estimated: cost.estimated, uncovered: cost.uncovered, budget: cost.budget }}
            activateJob={jobs.activate}
            exportJob={exportJob && jobView(exportJob, new Date())}
          />
        }
      />
      {sp.saved === "1" ? (
        <Notice tone="success" className="mb-4">
          Saved.
          {c.status !== "draft" ? "" : followUpOnly
            ? ` Its ${formatInt(live.campaign.total)} recipients are added: check the message, then activate when you are ready.`
            : " Add recipients, then activate when you are ready."}
        </Notice>
      ) : null}
      {c.status === "paused" && c.pauseReason ? (
        <Notice tone="warning" title="Paused" className="mb-4">
          {c.pauseReason}
        </Notice>
      ) : null}
      {c.status === "cancelled" ? <Notice tone="error" className="mb-4">Cancelled {formatDateTime(c.cancelledAt)}. Nothing more is sent; a cancelled campaign cannot be reactivated.</Notice> : null}
      {c.status === "completed" ? <Notice tone="success" className="mb-4">Completed {formatDateTime(c.completedAt)}.</Notice> : null}

      <OnThisPage links={[["#cost", "Cost"], ["#message", "Message"], ...(engagement ? [["#follow-up", "Follow up"] as const] : []), ["#audience", "Audience"], ["#recipients", "Recipients"]]} />

      <CampaignLive campaignId={c.id} initial={JSON.parse(JSON.stringify(live))} today={today} />
      {variantStats ? <VariantComparison stats={variantStats} /> : null}

      <div id="cost" className={JUMP_TARGET}>
        <CampaignCostCard campaignId={c.id} status={c.status} cost={cost} series={spendSeries} canChangeBudget={canChange && open} />
      </div>

      <div id="message" className={JUMP_TARGET}>
        <CampaignTemplateCard campaign={c} canChange={canChange} defaultCountry={namedCountry(reading?.defaultCountry)}
          data={await getTemplateEditorData({ db: getDb(), api: getTemplatesApi(), campaignId: c.id, targetAudience: c.targetAudience })} />
      </div>

      {engagement ? (
        <div id="follow-up" className={JUMP_TARGET}>
          <CampaignEngagement campaign={c} panel={engagement} labels={FOLLOW_UP_LABELS} canChange={canChange} />
        </div>
      ) : null}

      <div id="audience" className={`mt-6 grid grid-cols-1 gap-6 xl:grid-cols-3 ${JUMP_TARGET}`}>
        <Card className={cn(canChange && open ? "xl:col-span-1" : "xl:col-span-3")}>
          <CardHeader title="Message and audience" />
          <CardBody>
            <dl className="space-y-3 text-sm">
              <div>
                <dt className="text-slate-500">Template</dt>
                <dd className="font-mono text-slate-900">
                  {c.templateName} ({c.languageCode})
                </dd>
              </div>
              {components.length === 0 ? (
                <div>
                  <dt className="text-slate-500">Components</dt>
                  <dd className="text-slate-900">None (a template without variables)</dd>
                </div>
              ) : (
                components.map((comp, i) => (
                  <div key={i}>
                    <dt className="capitalize text-slate-500">
                      {comp.type}
                      {comp.sub_type ? ` (${comp.sub_type.replace("_", " ")})` : ""}
                    </dt>
                    <dd className="break-words text-slate-900">{(comp.parameters ?? []).map(describeParam).join(", ") || "—"}</dd>
                  </div>
                ))
              )}
              <div>
                <dt className="text-slate-500">Target audience</dt>
                <dd className="text-slate-900">
                  {audienceSummary}
                  {open && audienceCount ? <span className="text-slate-500"> — {describeAudienceCount(audienceCount.value)}</span> : null}
                </dd>
              </div>
            </dl>
          </CardBody>
        </Card>
        {canChange && open ? (
          <div className="xl:col-span-2">
            <AddRecipients campaignId={c.id} audienceSummary={followUpOnly ? null : audienceSummary} audienceCount={audienceCount?.value.count ?? 0} audienceCountApproximate={audienceCount?.value.kind !== "exact"} audienceJob={jobs.add_audience} defaultCountry={namedCountry(reading?.defaultCountry)} />
          </div>
        ) : null}
      </div>

      <Card className={`mt-6 ${JUMP_TARGET}`} id="recipients">
        <CardHeader title="Recipients" description={`Each under the status they have now (the totals above count every message that got that far). ${query.status ? "Oldest added first." : "Ordered by phone number."}`} />
        <nav aria-label="Recipient status" className="flex gap-1 overflow-x-auto border-b border-slate-100 px-3">
          {(["all", ...Object.keys(RECIPIENT_FILTERS)] as Array<keyof typeof counts>).map((k) => {
            const active = (query.status ?? "all") === k;
            return (
              <Link
                key={k}
                scroll={false}
                href={hrefWith(base, {}, { status: k === "all" ? undefined : k, phone: query.phone }) + "#recipients"}
                aria-current={active ? "page" : undefined}
                className={cn(
                  "-mb-px flex items-center gap-2 whitespace-nowrap border-b-2 px-3 py-2.5 text-sm font-medium focus-visible:-outline-offset-2",
                  active ? "border-brand-600 text-brand-700" : "border-transparent text-slate-500 hover:border-slate-300 hover:text-slate-800",
                )}
              >
                {RECIPIENT_TAB_LABELS[k]}
                <span className={cn("rounded-full px-1.5 text-xs tabular-nums", active ? "bg-brand-100 text-brand-700" : "bg-slate-100 text-slate-600")}>{formatInt(counts[k])}</span>
              </Link>
            );
          })}
        </nav>
        <form method="get" action={`${base}#recipients`} className="flex flex-wrap items-center gap-2 border-b border-slate-100 px-4 py-3" role="search">
          {query.status ? <input type="hidden" name="status" value={query.status} /> : null}
          <label htmlFor="phone" className="sr-only">
            Phone number starts with
          </label>
          <Input id="phone" name="phone" inputMode="numeric" placeholder={canSearchPartOfNumbers(user.role) ? "Phone starts with…" : "Whole phone number"} defaultValue={query.phone ?? ""} className="w-56" />
          <Button type="submit" variant="secondary">
            Find
          </Button>
          {query.phone ? (
            <ButtonLink href={hrefWith(base, {}, { status: query.status }) + "#recipients"} variant="ghost">
              Clear
            </ButtonLink>
          ) : null}
        </form>
        {page.rows.length === 0 ? (
          <EmptyState
            title={query.status || query.phone ? "No recipients here" : "No recipients yet"}
            description={query.status || query.phone ? "Try another status or number." : canChange && open ? "Paste numbers, upload a CSV or add the target audience above." : undefined}
          />
        ) : (
          <>
            <Table label="Recipients" data-testid="recipients-table">
              <TableHeader columns={["Phone", "Status", { label: "Scheduled", className: "hidden md:table-cell" }, { label: "Sent", className: "hidden md:table-cell" }, { label: "Delivered", className: "hidden lg:table-cell" }, { label: "Read", className: "hidden lg:table-cell" }, { label: "Engagement", className: "hidden lg:table-cell" }, "Details"]} />
              <TBody>
                {page.rows.map((r) => (
                  <TR key={r.id}>
                    <TD className="whitespace-nowrap">
                      <span className="font-mono text-xs tabular-nums text-slate-900">{displayPhone(user.role, r.phoneNumber)}</span>
                      {r.customerName ? <div className="text-xs text-slate-500">{r.customerName}</div> : null}
                    </TD>
                    <TD>
                      <RecipientStatusBadge status={r.status} />
                    </TD>
                    <TD className="hidden whitespace-nowrap md:table-cell">{formatDay(r.scheduledSendDate)}</TD>
                    <TD className="hidden whitespace-nowrap md:table-cell">{formatDateTime(r.sentAt)}</TD>
                    <TD className="hidden whitespace-nowrap lg:table-cell">{formatDateTime(r.deliveredAt)}</TD>
                    <TD className="hidden whitespace-nowrap lg:table-cell">{formatDateTime(r.readAt)}</TD>
                    <TD className="hidden whitespace-nowrap text-xs lg:table-cell">
                      {r.clickCount > 0 ? <Badge tone="violet">{r.clickCount === 1 ? "clicked" : `clicked ×${r.clickCount}`}</Badge> : null}
                      {r.repliedAt ? <Badge tone="sky" className="ml-1">replied</Badge> : null}
                      {r.clickCount === 0 && !r.repliedAt ? <span className="text-slate-500">—</span> : null}
                    </TD>
                    <TD className="max-w-72 text-xs">
                      {r.failureReason ? <span className="text-red-600">{r.failureReason}</span> : null}
                      {r.deferredReason ? <Badge tone="amber">deferred: {r.deferredReason.replace("_", " ")}</Badge> : null}
                      {r.retryCount > 0 && r.status === "pending" ? <span className="text-slate-500"> retry {r.retryCount}</span> : null}
                      {!r.failureReason && !r.deferredReason && !(r.retryCount > 0 && r.status === "pending") ? <span className="text-slate-500">—</span> : null}
                    </TD>
                  </TR>
                ))}
              </TBody>
            </Table>
            <nav aria-label="Recipient pages" className="flex items-center justify-between gap-3 border-t border-slate-100 px-4 py-3 text-sm">
              <span className="text-slate-500">
                {formatInt(page.rows.length)} shown of {formatInt(query.status ? counts[query.status] : counts.all)}
              </span>
              <div className="flex gap-2">
                {page.prevCursor ? (
                  <>
                    <ButtonLink href={hrefWith(base, keep, {}) + "#recipients"} variant="ghost" size="sm" scroll={false}>
                      First page
                    </ButtonLink>
                    <ButtonLink href={hrefWith(base, keep, { before: page.prevCursor }) + "#recipients"} variant="secondary" size="sm" scroll={false} rel="prev">
                      Previous page
                    </ButtonLink>
                  </>
                ) : null}
                {page.nextCursor ? (
                  <ButtonLink href={hrefWith(base, keep, { after: page.nextCursor }) + "#recipients"} variant="secondary" size="sm" scroll={false} rel="next">
                    Next page
                  </ButtonLink>
                ) : null}
              </div>
            </nav>
          </>
        )}
      </Card>
    </>
  );
}

/** an in-page link's target: a little space above it (html's scroll-padding-top already clears the phone's sticky top bar) */
const JUMP_TARGET = "scroll-mt-2 lg:scroll-mt-6";

/** Links to the page's sections: the page is ~7,000 px tall on a desktop and ~9,600 px on a phone, the recipients last. */
function OnThisPage({ links }: { links: ReadonlyArray<readonly [href: string, label: string]> }) {
  return (
    <nav aria-label="On this page" className="-mt-2 mb-4 flex flex-wrap items-center gap-1.5 text-xs">
      <span className="mr-1 text-slate-600">Jump to</span>
      {links.map(([href, label]) => (
        <a key={href} href={href} className="whitespace-nowrap rounded-full bg-slate-200/70 px-2.5 py-1 font-medium text-slate-700 hover:bg-slate-200 hover:text-slate-900">
          {label}
        </a>
      ))}
    </nav>
  );
}
