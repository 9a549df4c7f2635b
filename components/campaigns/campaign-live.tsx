"use client";

import { useQuery, useQueryClient } from "@tanstack/react-query";
import { useRouter } from "next/navigation";
import { useEffect, useRef, useState } from "react";
import { DailyChart } from "@/components/charts/daily-chart";
import { Badge } from "@/components/ui/badge";
import { Card, CardBody, CardHeader } from "@/components/ui/card";
import { EmptyState } from "@/components/ui/empty-state";
import { formatDay, formatInt, formatPct, formatShortDay, pct } from "@/components/ui/format";
import { ProgressBar } from "@/components/ui/progress";
import { StatCard } from "@/components/ui/stat-card";
import { Table, TBody, TD, TH, THead, TR } from "@/components/ui/table";
import type { CampaignLive as Live } from "@/lib/marketing/stats/get-campaign-live";

const SCHEDULE_TONES: Record<string, "gray" | "sky" | "green" | "amber" | "red"> = { pending: "gray", processing: "sky", completed: "green", rolled_over: "amber", cancelled: "red" };

/**
 * Stat cards, the daily chart and the send schedule of one campaign. While it is active the numbers are
 * polled every few seconds (and the server-rendered recipients table is refreshed when they change).
 */
export function CampaignLive({ campaignId, initial, today }: { campaignId: string; initial: Live; today: string }) {
  const router = useRouter();
  const queryClient = useQueryClient();
  // a server render (after an action or router.refresh) brings fresher numbers than the cache
  useEffect(() => {
    queryClient.setQueryData(["campaign-live", campaignId], initial);
  }, [queryClient, campaignId, initial]);
  const { data, isFetching, dataUpdatedAt } = useQuery({
    queryKey: ["campaign-live", campaignId],
    queryFn: async (): Promise<Live> => {
      const res = await fetch(`/api/dashboard/campaigns/${campaignId}/live`, { cache: "no-store" });
      if (!res.ok) throw new Error(`HTTP ${res.status}`);
      return res.json();
    },
    initialData: initial,
    refetchInterval: (q) => (q.state.data?.campaign.status === "active" ? 4_000 : false),
    refetchIntervalInBackground: false,
  });
  const c = data.campaign;
  const signature = `${c.status}|${c.sent}|${c.delivered}|${c.read}|${c.failed}|${c.pending}|${c.skipped}|${c.total}|${data.engagement?.clicks ?? 0}|${data.engagement?.replied ?? 0}`;
  const last = useRef(signature);
  // the time is shown only after the browser fetched (the server's clock would not match hydration)
  const [updatedAt, setUpdatedAt] = useState<string | null>(null);
  const firstUpdate = useRef(dataUpdatedAt);
  useEffect(() => {
    if (dataUpdatedAt !== firstUpdate.current) setUpdatedAt(new Date(dataUpdatedAt).toLocaleTimeString("en-US", { hour: "2-digit", minute: "2-digit", second: "2-digit" }));
  }, [dataUpdatedAt]);
  useEffect(() => {
    if (last.current !== signature) {
      last.current = signature;
      router.refresh();
    }
  }, [signature, router]);

  const attempted = c.total - c.pending;
  const progress = c.total > 0 ? (100 * attempted) / c.total : 0;
  const remainingDays = data.schedule.filter((s) => s.messagesRemaining > 0).length;
  const lastDay = [...data.schedule].reverse().find((s) => s.messagesRemaining > 0)?.sendDate ?? null;

  return (
    <div className="space-y-6">
      {/* not a live region: announcing "updating…" and "updated …" at every poll (every 4 s) would talk over the page; the numbers below say what changed */}
      <div className="flex items-center justify-end gap-2 text-xs text-slate-500">
        {c.status === "active" ? (
          <>
            <span className="relative flex size-2">
              <span className="absolute inline-flex size-full animate-ping rounded-full bg-emerald-400 opacity-75" />
              <span className="relative inline-flex size-2 rounded-full bg-emerald-500" />
            </span>
            <span>
              Live{isFetching ? " · updating…" : updatedAt ? ` · updated ${updatedAt}` : " · refreshes every few seconds"}
            </span>
          </>
        ) : null}
      </div>
      <div className="grid grid-cols-2 gap-4 md:grid-cols-3 xl:grid-cols-6" data-testid="campaign-stats">
        <StatCard label="Recipients" value={formatInt(c.total)} sub={`${formatInt(c.dailySendLimit)} / day`} />
        <StatCard label="Sent" value={formatInt(c.sent)} sub={`${formatInt(data.sentToday)} attempted today`} />
        <StatCard label="Delivered" value={formatInt(c.delivered)} sub={`${formatPct(pct(c.delivered, c.sent))} of sent`} tone="green" />
        <StatCard label="Read" value={formatInt(c.read)} sub={`${formatPct(pct(c.read, c.sent))} of sent`} />
        <StatCard label="Failed" value={formatInt(c.failed)} sub={c.unknown > 0 ? `${formatInt(c.unknown)} unknown` : `${formatPct(pct(c.failed, c.sent + c.failed))} of attempts`} tone={c.failed > 0 ? "red" : undefined} />
        {/* a cancelled campaign sends nothing more: what was still pending is "not sent", not work to come */}
        <StatCard label={c.status === "cancelled" ? "Not sent (cancelled)" : "Pending"} value={formatInt(c.pending)}
          sub={`${formatInt(c.skipped)} skipped${c.deferredByCap > 0 && c.status !== "cancelled" ? ` · ${formatInt(c.deferredByCap)} waiting for the frequency cap` : ""}`} />
      </div>
      {data.engagement && c.sent > 0 ? (
        <div className="grid grid-cols-2 gap-4 md:grid-cols-3" data-testid="campaign-engagement-stats">
          <StatCard label="Clicked" value={formatInt(data.engagement.clicked)} sub={`${formatPct(data.engagement.click_rate)} of delivered · ${formatInt(data.engagement.clicks)} taps`} />
          <StatCard label="Replied" value={formatInt(data.engagement.replied)} sub={`${formatPct(data.engagement.reply_rate)} of delivered`} />
          <StatCard label="Opted out" value={formatInt(data.engagement.opted_out)} sub="replied STOP" tone={data.engagement.opted_out > 0 ? "amber" : undefined} />
        </div>
      ) : null}
      <Card>
        <CardBody>
          <div className="mb-2 flex flex-wrap items-baseline justify-between gap-2 text-sm">
            <span className="font-medium text-slate-900">
              Progress <span className="tabular-nums text-slate-500">— {formatInt(attempted)} of {formatInt(c.total)} processed</span>
            </span>
            <span className="tabular-nums text-slate-500">
              {progress.toFixed(1)}%{lastDay && c.status !== "cancelled" ? ` · ${remainingDays} send day${remainingDays === 1 ? "" : "s"} left, last ${formatDay(lastDay)}` : ""}
            </span>
          </div>
          <ProgressBar value={progress} label="Campaign progress" />
        </CardBody>
      </Card>
      {/* the schedule's four columns need ~400px: two fifths of the row, not a third (its status was cut off at 1366px) */}
      <div className="grid grid-cols-1 gap-6 xl:grid-cols-5">
        <Card className="xl:col-span-3">
          <CardHeader title="Daily results" description="By the day messages were sent; deliveries and reads are added as WhatsApp reports them." />
          <CardBody>
            {data.series.length === 0 ? (
              <EmptyState title="Nothing sent yet" description="The chart fills in once the campaign sends its first messages." className="h-[288px]" />
            ) : (
              <DailyChart data={data.series} label="Messages per day for this campaign" />
            )}
          </CardBody>
        </Card>
        <Card className="xl:col-span-2">
          <CardHeader title="Send schedule" description={`Each day's planned batch and how much of it has gone out${today ? `; today is ${formatDay(today)}` : ""}.`} />
          {data.schedule.length === 0 ? (
            <EmptyState title="Not scheduled" description="Activating the campaign spreads its recipients over days within the daily limit." className="py-8" />
          ) : (
            <div className="max-h-[340px] overflow-y-auto focus-visible:-outline-offset-2" tabIndex={0} role="region" aria-label="Send schedule">
              <Table label="Send schedule by day">
                <THead className="sticky top-0">
                  <tr>
                    <TH className="px-3">Day</TH>
                    <TH numeric className="px-3">Sent</TH>
                    <TH numeric className="px-3">Left</TH>
                    <TH className="px-3">Status</TH>
                  </tr>
                </THead>
                <TBody>
                  {data.schedule.map((s) => (
                    <TR key={s.id} className={s.sendDate === today ? "bg-brand-50/60" : undefined}>
                      <TD className="whitespace-nowrap px-3">
                        {formatShortDay(s.sendDate)}
                        {/* under the day on phones: beside it, it widened the day column and pushed Status out of the card */}
                        {s.sendDate === today ? <span className="block text-xs font-medium text-brand-700 sm:ml-1.5 sm:inline">today</span> : null}
                      </TD>
                      <TD numeric className="px-3">
                        {formatInt(s.messagesSent)}
                        <span className="text-slate-500">/{formatInt(s.batchSize)}</span>
                      </TD>
                      <TD numeric className="px-3">{formatInt(s.messagesRemaining)}</TD>
                      <TD className="px-3">
                        <Badge tone={SCHEDULE_TONES[s.status] ?? "gray"}>{s.status.replace("_", " ")}</Badge>
                      </TD>
                    </TR>
                  ))}
                </TBody>
              </Table>
            </div>
          )}
        </Card>
      </div>
      {data.failureReasons.length > 0 ? (
        <Card>
          <CardHeader title="Why sends failed" />
          <ul className="divide-y divide-slate-100">
            {data.failureReasons.map((f) => (
              <li key={`${f.code}-${f.reason}`} className="flex justify-between gap-4 px-5 py-2.5 text-sm">
                <span className="text-slate-700">{f.reason}</span>
                <span className="tabular-nums text-slate-500">{formatInt(f.count)}</span>
              </li>
            ))}
          </ul>
        </Card>
      ) : null}
    </div>
  );
}
