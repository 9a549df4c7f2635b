"use client";

import { useRouter } from "next/navigation";
import { useTransition } from "react";
import Link from "next/link";
import { markAlertsReadAction } from "@/app/(dashboard)/overview/actions";
import { Badge, type Tone } from "@/components/ui/badge";
import { Button } from "@/components/ui/button";
import { Card, CardHeader } from "@/components/ui/card";
import { cn } from "@/components/ui/cn";
import { EmptyState } from "@/components/ui/empty-state";
import { useToast } from "@/components/ui/toast";

export type AlertItem = { id: string; severity: string; kind: string; campaign_id: string | null; text: string; read: boolean; created_at: string };

const TONE: Record<string, Tone> = { critical: "red", warning: "amber", info: "blue" };

/** The most recent alerts; unread ones highlighted, each with "Mark read". */
export function AlertsPanel({ alerts, unread, canChange }: { alerts: AlertItem[]; unread: number; canChange: boolean }) {
  const router = useRouter();
  const toast = useToast();
  const [pending, start] = useTransition();
  const mark = (ids: string[] | "all") =>
    start(async () => {
      const r = await markAlertsReadAction(ids);
      if (r.ok) router.refresh();
      else toast.show(r.message ?? "Could not mark as read.", "error");
    });
  return (
    <Card>
      <CardHeader
        title="Alerts"
        description="Automatic pauses, account problems and completed campaigns."
        actions={
          <div className="flex items-center gap-2">
            {unread > 0 ? <Badge tone="red">{unread} unread</Badge> : <Badge tone="green">All read</Badge>}
            {canChange && unread > 0 ? (
              <Button size="sm" variant="ghost" onClick={() => mark("all")} pending={pending}>
                Mark all read
              </Button>
            ) : null}
          </div>
        }
      />
      {alerts.length === 0 ? (
        <EmptyState title="No alerts" description="Guard actions, account problems and completed campaigns show up here." className="py-8" />
      ) : (
        <ul className="divide-y divide-slate-100">
          {alerts.map((a) => (
            <li key={a.id} className={cn("flex items-start justify-between gap-3 px-5 py-3", !a.read && "bg-amber-50/60")} data-unread={!a.read || undefined}>
              <div className="min-w-0">
                <div className="flex items-center gap-2">
                  <Badge tone={TONE[a.severity] ?? "gray"}>{a.severity}</Badge>
                  {!a.read ? <span className="text-xs font-semibold text-slate-900">New</span> : null}
                  <time className="text-xs text-slate-500" dateTime={a.created_at}>{new Date(a.created_at).toLocaleString("en-US", { dateStyle: "medium", timeStyle: "short" })}</time>
                </div>
                <p className={cn("mt-1 text-sm", a.read ? "text-slate-600" : "font-medium text-slate-900")}>{a.text}</p>
                {a.campaign_id ? (
                  <Link href={`/campaigns/${a.campaign_id}`} className="text-xs text-brand-700 hover:underline">
                    Open campaign
                  </Link>
                ) : null}
              </div>
              {canChange && !a.read ? (
                <Button size="sm" variant="secondary" onClick={() => mark([a.id])} disabled={pending}>
                  Mark read
                </Button>
              ) : null}
            </li>
          ))}
        </ul>
      )}
    </Card>
  );
}
