import Link from "next/link";
import { Badge, CampaignStatusBadge } from "@/components/ui/badge";
import { Card, CardBody, CardHeader } from "@/components/ui/card";
import { EmptyState } from "@/components/ui/empty-state";
import { formatDateTime, formatInt } from "@/components/ui/format";
import type { CampaignEngagementPanel } from "@/lib/marketing/engagement/campaign-engagement";
import { FollowUpForm, type FollowUpOutcomeOption } from "./follow-up-form";

/** Replies, follow-ups and the parent of a follow-up, on the campaign page (data from getCampaignEngagementPanel). */
export function CampaignEngagement({ campaign, panel, labels, canChange }: {
  campaign: { id: string; name: string; templateName: string; languageCode: string; templateComponents: unknown };
  panel: CampaignEngagementPanel;
  labels: Record<string, string>;
  canChange: boolean;
}) {
  const outcomes: FollowUpOutcomeOption[] | null = panel.outcomes
    ? Object.entries(panel.outcomes).map(([value, count]) => ({ value, label: labels[value] ?? value, count }))
    : null;
  return (
    <div className="mt-6 grid grid-cols-1 gap-6 xl:grid-cols-2" data-testid="campaign-engagement">
      {panel.parent ? (
        <p className="text-sm text-slate-600 xl:col-span-2" data-testid="follow-up-parent">
          Follow-up of{" "}
          <Link href={`/campaigns/${panel.parent.id}`} className="font-medium text-brand-700 hover:underline">
            {panel.parent.name}
          </Link>
          {panel.followUpOutcome ? <> — recipients who: {labels[panel.followUpOutcome] ?? panel.followUpOutcome}</> : null}
        </p>
      ) : null}
      {outcomes ? (
        <Card id="follow-up">
          <CardHeader title="Follow up" description="A new draft for the recipients with one outcome, among customers still subscribed." />
          <CardBody>
            {canChange ? (
              <FollowUpForm
                campaignId={campaign.id}
                campaignName={campaign.name}
                outcomes={outcomes}
                template={{ name: campaign.templateName, language: campaign.languageCode, components: Array.isArray(campaign.templateComponents) ? campaign.templateComponents : [] }}
              />
            ) : (
              <ul className="space-y-1 text-sm" data-testid="follow-up-counts">
                {outcomes.map((o) => (
                  <li key={o.value} className="flex justify-between gap-4">
                    <span>{o.label}</span>
                    <span className="tabular-nums">{formatInt(o.count)}</span>
                  </li>
                ))}
              </ul>
            )}
            {panel.followUps.length > 0 ? (
              <div className="mt-6">
                <h3 className="text-sm font-medium text-slate-900">Follow-ups</h3>
                <ul className="mt-2 divide-y divide-slate-100 text-sm" data-testid="follow-ups">
                  {panel.followUps.map((f) => (
                    <li key={f.id} className="flex flex-wrap items-center justify-between gap-2 py-2">
                      <Link href={`/campaigns/${f.id}`} className="font-medium text-brand-700 hover:underline">
                        {f.name}
                      </Link>
                      <span className="flex items-center gap-2 text-xs text-slate-500">
                        {f.outcome ? labels[f.outcome] ?? f.outcome : null} · {formatInt(f.total_target)} recipients
                        <CampaignStatusBadge status={f.status} />
                      </span>
                    </li>
                  ))}
                </ul>
              </div>
            ) : null}
          </CardBody>
        </Card>
      ) : null}
      {outcomes ? (
        <Card>
          <CardHeader title="Latest replies" description="Messages customers sent within the reply window after this campaign's message." />
          {panel.replies.length === 0 ? (
            <EmptyState title="No replies yet" />
          ) : (
            <ul className="divide-y divide-slate-100" data-testid="latest-replies">
              {panel.replies.map((r) => (
                <li key={r.id} className="px-5 py-3 text-sm">
                  <div className="flex flex-wrap items-center justify-between gap-2 text-xs text-slate-500">
                    <span className="font-mono tabular-nums">{r.phone}</span>
                    <span className="flex items-center gap-2">
                      {r.optOut ? <Badge tone="amber">opted out</Badge> : null}
                      {formatDateTime(r.receivedAt ? new Date(r.receivedAt) : null)}
                    </span>
                  </div>
                  <p className="mt-1 break-words text-slate-900">
                    {r.body ?? <span className="italic text-slate-500">{r.bodyHidden ? "hidden for your role" : "no longer kept"}</span>}
                  </p>
                </li>
              ))}
            </ul>
          )}
        </Card>
      ) : null}
    </div>
  );
}
