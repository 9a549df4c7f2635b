import Link from "next/link";
import { Badge } from "@/components/ui/badge";
import { Card, CardBody, CardHeader } from "@/components/ui/card";
import { formatInt } from "@/components/ui/format";
import { Notice } from "@/components/ui/notice";
import { ProgressBar } from "@/components/ui/progress";

export type AccountHealth = {
  send_hold: { active: boolean; reason: string | null; since: string | null };
  quality_rating: string | null;
  messaging_limit_tier: string | null;
  messaging_limit: number | null;
  unique_users_24h: number;
  messaging_limit_used_pct: number | null;
  frequency_cap: { max: number; days: number } | null;
  guard_paused_campaigns: Array<{ id: string; name: string; paused_by: string | null; pause_reason: string | null }>;
};

const QUALITY: Record<string, { tone: "green" | "amber" | "red" | "gray"; label: string }> = {
  GREEN: { tone: "green", label: "Good" },
  YELLOW: { tone: "amber", label: "Medium" },
  RED: { tone: "red", label: "Low" },
  FLAGGED: { tone: "red", label: "Flagged" },
};

/** The WhatsApp account's health on the overview: hold, quality, tier and today's use of the limit. */
export function AccountHealthCard({ health, isAdmin }: { health: AccountHealth; isAdmin: boolean }) {
  const q = health.quality_rating ? (QUALITY[health.quality_rating] ?? { tone: "gray" as const, label: health.quality_rating }) : null;
  return (
    <Card>
      <CardHeader
        title="Account health"
        description="What WhatsApp reports about your number, and the shared messaging limit."
        actions={health.send_hold.active ? <Badge tone="red" dot>Sending on hold</Badge> : <Badge tone="green" dot>Sending</Badge>}
      />
      <CardBody className="space-y-4">
        {health.send_hold.active ? (
          <Notice tone="error" title="All marketing sending is on hold">
            {health.send_hold.reason}
            {health.send_hold.since ? ` (since ${new Date(health.send_hold.since).toLocaleString("en-US", { dateStyle: "medium", timeStyle: "short" })})` : ""}.{" "}
            {isAdmin ? <Link href="/settings#sending" className="font-medium underline">Release it in Settings</Link> : "An admin can release it in Settings."}
          </Notice>
        ) : null}
        <dl className="grid grid-cols-2 gap-4 text-sm">
          <div>
            <dt className="text-slate-500">Quality</dt>
            <dd className="mt-1">{q ? <Badge tone={q.tone}>{q.label}</Badge> : <span className="text-slate-500">Not reported</span>}</dd>
          </div>
          <div>
            <dt className="text-slate-500">Messaging tier</dt>
            <dd className="mt-1 font-medium text-slate-900">{health.messaging_limit_tier ?? <span className="font-normal text-slate-500">Not reported</span>}</dd>
          </div>
        </dl>
        <div>
          <div className="mb-1 flex justify-between text-xs tabular-nums text-slate-500">
            <span>Unique customers reached, last 24 h</span>
            <span>
              <span className="font-medium text-slate-700">{formatInt(health.unique_users_24h)}</span>
              {health.messaging_limit !== null ? ` / ${formatInt(health.messaging_limit)}` : " (no limit)"}
            </span>
          </div>
          {health.messaging_limit !== null ? (
            <>
              <ProgressBar value={health.messaging_limit_used_pct ?? 0} label="Unique customers reached against the messaging limit"
                tone={(health.messaging_limit_used_pct ?? 0) >= 100 ? "red" : (health.messaging_limit_used_pct ?? 0) >= 90 ? "amber" : "brand"} />
              {(health.messaging_limit_used_pct ?? 0) >= 100 ? (
                <p className="mt-1 text-xs font-medium text-red-700">
                  Limit reached: campaign sends wait until earlier ones leave the 24-hour window.
                </p>
              ) : null}
            </>
          ) : null}
        </div>
        <p className="text-xs text-slate-500">
          Frequency cap: {health.frequency_cap ? `at most ${health.frequency_cap.max} per customer in ${health.frequency_cap.days} days` : "off"}.
        </p>
        {health.guard_paused_campaigns.length > 0 ? (
          <div>
            <p className="mb-1 text-xs font-medium uppercase tracking-wide text-slate-500">Paused by a guard</p>
            <ul className="space-y-1 text-sm">
              {health.guard_paused_campaigns.slice(0, 5).map((c) => (
                <li key={c.id}>
                  <Link href={`/campaigns/${c.id}`} className="font-medium text-slate-900 hover:underline">{c.name}</Link>
                  <span className="text-slate-500"> — {c.pause_reason}</span>
                </li>
              ))}
            </ul>
          </div>
        ) : null}
      </CardBody>
    </Card>
  );
}
