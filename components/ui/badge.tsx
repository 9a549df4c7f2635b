import type { ReactNode } from "react";
import { cn } from "./cn";

export type Tone = "gray" | "green" | "blue" | "amber" | "red" | "violet" | "sky";

const tones: Record<Tone, string> = {
  gray: "bg-slate-100 text-slate-700 ring-slate-500/20",
  green: "bg-emerald-50 text-emerald-700 ring-emerald-600/20",
  blue: "bg-blue-50 text-blue-700 ring-blue-600/20",
  sky: "bg-sky-50 text-sky-700 ring-sky-600/20",
  amber: "bg-amber-50 text-amber-800 ring-amber-600/25",
  red: "bg-red-50 text-red-700 ring-red-600/20",
  violet: "bg-violet-50 text-violet-700 ring-violet-600/20",
};
const dots: Record<Tone, string> = {
  gray: "bg-slate-400",
  green: "bg-emerald-500",
  blue: "bg-blue-500",
  sky: "bg-sky-500",
  amber: "bg-amber-500",
  red: "bg-red-500",
  violet: "bg-violet-500",
};

export function Badge({ tone = "gray", children, dot, className }: { tone?: Tone; children: ReactNode; dot?: boolean; className?: string }) {
  return (
    <span className={cn("inline-flex items-center gap-1.5 whitespace-nowrap rounded-full px-2 py-0.5 text-xs font-medium ring-1 ring-inset", tones[tone], className)}>
      {dot ? <span className={cn("size-1.5 rounded-full", dots[tone])} aria-hidden="true" /> : null}
      {children}
    </span>
  );
}

const CAMPAIGN_TONES: Record<string, Tone> = { draft: "gray", active: "green", paused: "amber", completed: "blue", cancelled: "red" };
const RECIPIENT_TONES: Record<string, Tone> = {
  pending: "gray",
  sending: "sky",
  queued: "sky",
  sent: "blue",
  delivered: "green",
  read: "violet",
  failed: "red",
  skipped: "amber",
  unknown: "amber",
};
const ROLE_TONES: Record<string, Tone> = { admin: "violet", marketer: "blue", viewer: "gray" };

export function label(status: string) {
  return status.charAt(0).toUpperCase() + status.slice(1).replaceAll("_", " ");
}

export function CampaignStatusBadge({ status }: { status: string }) {
  return (
    <Badge tone={CAMPAIGN_TONES[status] ?? "gray"} dot>
      {label(status)}
    </Badge>
  );
}

export function RecipientStatusBadge({ status }: { status: string }) {
  return <Badge tone={RECIPIENT_TONES[status] ?? "gray"}>{label(status)}</Badge>;
}

export function RoleBadge({ role }: { role: string }) {
  return <Badge tone={ROLE_TONES[role] ?? "gray"}>{label(role)}</Badge>;
}

export function SubscriptionBadge({ subscription }: { subscription: string }) {
  return <Badge tone={subscription === "subscribed" ? "green" : "gray"}>{label(subscription)}</Badge>;
}
