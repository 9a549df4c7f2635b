import type { Metadata } from "next";
import Link from "next/link";
import { CampaignProgress } from "@/components/campaigns/campaign-progress";
import { DailyChart } from "@/components/charts/daily-chart";
import { Badge, CampaignStatusBadge } from "@/components/ui/badge";
import { ButtonLink } from "@/components/ui/button";
import { Card, CardBody, CardHeader } from "@/components/ui/card";
import { EmptyState } from "@/components/ui/empty-state";
import { formatDay, formatInt, formatPct } from "@/components/ui/format";
import { PageHeader } from "@/components/ui/page-header";
import { ProgressBar } from "@/components/ui/progress";
import { StatCard } from "@/components/ui/stat-card";
import { getDb } from "@/lib/db";
import { getOverview } from "@/lib/marketing/overview/get-overview";
import { AccountHealthCard } from "@/components/careful/account-health-card";
import { AlertsPanel } from "@/components/careful/alerts-panel";
import { RunNowButton } from "@/components/careful/run-now-button";
import { findAlerts } from "@/lib/marketing/alerts/find-alerts";
import { getAccountHealth } from "@/lib/marketing/sending/get-account-health";
import { getEngine } from "@/lib/server/engine";
import { can } from "@/lib/marketing/users/permissions";
import { requirePageUser } from "../_lib/session";
import { today } from "@/lib/server/today";
import { MonthSpendCard } from "@/components/cost/month-spend-card";
import { monthToDateSpend } from "@/lib/marketing/cost/spend";

export const metadata: Metadata = { title: "Overview" };

export default async function OverviewPage() {
  const user = await requirePageUser();
  const db = getDb();
  const [o, { config }, alerts, spend] = await Promise.all([getOverview({ db, today: today() }), getEngine(db), findAlerts({ db, limit: 8 }), monthToDateSpend(db, today())]);
  const health = await getAccountHealth({ db, now: new Date(), messagingLimit: config.messagingLimit });
  const usedPct = o.dailyCapacity > 0 ? (100 * o.sentToday) / o.dailyCapacity : 0;
  return (
    <>
      <PageHeader
        title="Overview"
        description={`Today is ${formatDay(o.today)}. Numbers update as WhatsApp reports deliveries and reads.`}
        actions={
          <div className="flex gap-2">
            {can(user.role, "change") ? <RunNowButton /> : null}
            {can(user.role, "change") ? <ButtonLink href="/campaigns/new">New campaign</ButtonLink> : null}
          </div>
        }
      />
      <div className="grid grid-cols-2 gap-4 lg:grid-cols-4">
        <StatCard label="Active campaigns" value={formatInt(o.activeCount)} sub={`${formatInt(o.counts.paused ?? 0)} paused · ${formatInt(o.counts.draft ?? 0)} drafts`} />
        <div className="min-h-[104px] rounded-xl border border-slate-200 bg-white px-4 py-4 shadow-sm">
          <p className="text-xs font-medium uppercase tracking-wide text-slate-500">Sent today</p>
          <p className="mt-1.5 text-2xl font-semibold tabular-nums tracking-tight text-slate-900">
            {formatInt(o.sentToday)}
            <span className="text-base font-normal text-slate-500"> / {formatInt(o.dailyCapacity)}</span>
          </p>
          <ProgressBar className="mt-2" value={usedPct} label="Today's sends against what the daily limits allow today" tone={usedPct >= 100 && o.activeCount > 0 ? "amber" : "brand"} />
        </div>
        <StatCard label="Delivery rate" value={formatPct(o.deliveryRate30)} sub={`${formatInt(o.totals30.delivered)} of ${formatInt(o.totals30.sent)} sent · 30 days`} />
        <StatCard label="Read rate" value={formatPct(o.readRate30)} sub={`${formatInt(o.totals30.read)} read · 30 days`} />
      </div>

      <div className="mt-6 grid grid-cols-1 gap-6 lg:grid-cols-2">
        <AccountHealthCard health={health} isAdmin={can(user.role, "manage")} />
        <AlertsPanel alerts={alerts.alerts} unread={alerts.unread} canChange={can(user.role, "change")} />
      </div>

      <MonthSpendCard spend={spend} />

      <div className="mt-6 grid grid-cols-1 gap-6 xl:grid-cols-3">
        <Card className="xl:col-span-2">
          <CardHeader title="Last 30 days" description="Messages by the day they were sent, all campaigns." />
          <CardBody>
            <DailyChart data={o.series} label="Messages per day, last 30 days" />
          </CardBody>
        </Card>
        <Card>
          <CardHeader
            title="Needs attention"
            actions={o.attention.length > 0 ? <Badge tone="red">{o.attention.length}</Badge> : <Badge tone="green">All clear</Badge>}
          />
          {o.attention.length === 0 ? (
            <EmptyState title="Nothing needs you right now" description="Failures, unknown outcomes and paused campaigns show up here." className="py-8" />
          ) : (
            <ul className="divide-y divide-slate-100">
              {o.attention.slice(0, 6).map((a) => (
                <li key={a.campaignId} className="px-5 py-3" data-testid="attention-item">
                  <div className="flex flex-wrap items-center justify-between gap-x-3 gap-y-1">
                    <Link href={`/campaigns/${a.campaignId}`} className="min-w-0 break-words text-sm font-medium text-slate-900 hover:text-brand-700 hover:underline">
                      {a.campaignName}
                    </Link>
                    <span className="flex flex-wrap gap-1">
                      {a.reasons.map((r) =>
                        r.kind === "paused" ? (
                          <Badge key={r.kind} tone="amber">Paused</Badge>
                        ) : (
                          <Link key={r.kind} href={`/campaigns/${a.campaignId}?status=${r.kind === "unknown" ? "unknown" : "failed"}#recipients`} className="rounded-full">
                            <Badge tone="red">{`${formatInt(r.count)} ${r.kind === "failures" ? "failed" : "unknown"}`}</Badge>
                          </Link>
                        ),
                      )}
                    </span>
                  </div>
                  <ul className="mt-0.5 text-sm text-slate-500">
                    {a.reasons.map((r) => (
                      <li key={r.kind}>{r.text}</li>
                    ))}
                  </ul>
                </li>
              ))}
            </ul>
          )}
          {o.failureReasons.length > 0 ? (
            <div className="border-t border-slate-100 px-5 py-4">
              <p className="mb-2 text-xs font-medium uppercase tracking-wide text-slate-500">Top failure reasons</p>
              <ul className="space-y-1.5 text-sm">
                {o.failureReasons.map((f) => (
                  <li key={`${f.code}-${f.reason}`} className="flex justify-between gap-3">
                    <span className="min-w-0 truncate text-slate-700" title={f.reason}>
                      {f.reason}
                    </span>
                    <span className="tabular-nums text-slate-500">{formatInt(f.count)}</span>
                  </li>
                ))}
              </ul>
            </div>
          ) : null}
        </Card>
      </div>

      <div className="mt-6 grid grid-cols-1 gap-6 lg:grid-cols-2">
        <Card>
          <CardHeader title="Sending today" description="Each active campaign against its daily limit." />
          {o.activeCampaigns.length === 0 ? (
            <EmptyState title="No active campaigns" description="Activate a campaign to start sending." className="py-8" />
          ) : (
            <ul className="divide-y divide-slate-100">
              {o.activeCampaigns.map((c) => (
                <li key={c.id} className="flex flex-wrap items-center justify-between gap-x-4 gap-y-2 px-5 py-3">
                  <Link href={`/campaigns/${c.id}`} className="min-w-0 flex-1 truncate text-sm font-medium text-slate-900 hover:text-brand-700 hover:underline">
                    {c.name}
                  </Link>
                  <div className="w-full sm:w-56">
                    <div className="mb-1 flex justify-between text-xs tabular-nums text-slate-500">
                      <span>
                        <span className="font-medium text-slate-700">{formatInt(c.sentToday)}</span> / {formatInt(c.dailySendLimit)} today
                      </span>
                    </div>
                    <ProgressBar value={(100 * c.sentToday) / Math.max(1, c.dailySendLimit)} label={`${c.name}: sent today against its limit`} />
                  </div>
                </li>
              ))}
            </ul>
          )}
        </Card>
        <Card>
          <CardHeader title="Closest to completion" actions={<ButtonLink href="/campaigns?status=active" variant="ghost" size="sm">All active</ButtonLink>} />
          {o.closestToCompletion.length === 0 ? (
            <EmptyState title="Nothing in flight" description="Active campaigns and their progress appear here." className="py-8" />
          ) : (
            <ul className="divide-y divide-slate-100">
              {o.closestToCompletion.map((c) => (
                <li key={c.id} className="grid grid-cols-1 gap-2 px-5 py-3 sm:grid-cols-[1fr_14rem] sm:items-center">
                  <div className="min-w-0">
                    <div className="flex items-center gap-2">
                      <Link href={`/campaigns/${c.id}`} className="truncate text-sm font-medium text-slate-900 hover:text-brand-700 hover:underline">
                        {c.name}
                      </Link>
                      <CampaignStatusBadge status={c.status} />
                    </div>
                    <p className="mt-0.5 text-xs text-slate-500">{c.lastSendDay ? `Last send day ${formatDay(c.lastSendDay)}` : "Nothing scheduled"}</p>
                  </div>
                  <CampaignProgress total={c.total} pending={c.pending} compact />
                </li>
              ))}
            </ul>
          )}
        </Card>
      </div>
    </>
  );
}
