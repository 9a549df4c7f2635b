import { Badge } from "@/components/ui/badge";
import { Card, CardBody, CardHeader } from "@/components/ui/card";
import { formatDateTime, formatInt, formatPct } from "@/components/ui/format";
import { Notice } from "@/components/ui/notice";
import { Table, TableHeader, TBody, TD, TR } from "@/components/ui/table";
import type { VariantStats } from "@/lib/marketing/ab/variant-stats";

const METRIC_LABEL: Record<string, string> = { read_rate: "read rate", click_rate: "click rate", reply_rate: "reply rate" };
const BAR = ["bg-brand-600", "bg-violet-500", "bg-amber-500", "bg-emerald-500"];

/** An A/B test's variants side by side: a table of their figures and bars of their delivery and read rates. */
export function VariantComparison({ stats }: { stats: NonNullable<VariantStats> }) {
  const { variants, ab_test: test, ab_decision: decision, held_back: heldBack } = stats;
  return (
    <Card className="mt-6" data-testid="variant-comparison">
      <CardHeader
        title="A/B test"
        description={
          test
            ? `${test.test_share}% are sent first, split by variant; ${test.decide_after_hours} h after the first message the variant with the best ${METRIC_LABEL[test.metric]} goes to everyone else.`
            : "Each recipient is sent one variant, by its share."
        }
        actions={decision ? <Badge tone="green" dot>Winner: {decision.winner_name}</Badge> : test ? <Badge tone="amber" dot>{formatInt(heldBack)} waiting for the winner</Badge> : null}
      />
      <CardBody className="space-y-5">
        {decision ? (
          <Notice tone={decision.within_noise ? "warning" : "success"} title={`'${decision.winner_name}' won on ${METRIC_LABEL[decision.metric]} (${formatDateTime(decision.decided_at)})`}>
            {decision.note} {formatInt(decision.assigned)} recipients not yet sent were given it.
          </Notice>
        ) : null}
        <Table label="Variants compared">
          <TableHeader columns={["Variant", "Template", { label: "Share", numeric: true }, { label: "Recipients", numeric: true }, { label: "Sent", numeric: true }, { label: "Delivered", numeric: true }, { label: "Read", numeric: true }, { label: "Failed", numeric: true }, { label: "Delivery rate", numeric: true }, { label: "Read rate", numeric: true }, { label: "Clicked", numeric: true }, { label: "Replied", numeric: true }]} />
          <TBody>
            {variants.map((v) => (
              <TR key={v.variant}>
                <TD className="font-medium text-slate-900">
                  {v.name}
                  {decision?.winner === v.variant ? <span className="ml-2"><Badge tone="green">winner</Badge></span> : null}
                </TD>
                <TD className="font-mono text-xs">{v.template_name} ({v.language_code})</TD>
                <TD numeric>{v.share}%</TD>
                <TD numeric>{formatInt(v.recipients)}</TD>
                <TD numeric>{formatInt(v.sent)}</TD>
                <TD numeric>{formatInt(v.delivered)}</TD>
                <TD numeric>{formatInt(v.read)}</TD>
                <TD numeric>{formatInt(v.failed)}</TD>
                <TD numeric>{formatPct(v.delivery_rate)}</TD>
                <TD numeric>{formatPct(v.read_rate)}</TD>
                <TD numeric>{formatInt(v.clicked)}</TD>
                <TD numeric>{formatInt(v.replied)}</TD>
              </TR>
            ))}
          </TBody>
        </Table>
        <div className="grid grid-cols-1 gap-4 sm:grid-cols-2" role="img" aria-label={`Delivery and read rate by variant: ${variants.map((v) => `${v.name} ${formatPct(v.delivery_rate)} delivered, ${formatPct(v.read_rate)} read`).join("; ")}`}>
          {(["delivery_rate", "read_rate"] as const).map((metric) => (
            <div key={metric}>
              <p className="mb-2 text-sm font-medium text-slate-800">{metric === "delivery_rate" ? "Delivery rate" : "Read rate"}</p>
              <div className="space-y-1.5">
                {variants.map((v) => (
                  <div key={v.variant} className="flex items-center gap-2 text-xs">
                    <span className="w-28 truncate text-slate-600">{v.name}</span>
                    <span className="h-3 flex-1 rounded bg-slate-100">
                      <span className={`block h-3 rounded ${BAR[v.variant % BAR.length]}`} style={{ width: `${Math.min(100, v[metric])}%` }} />
                    </span>
                    <span className="w-12 text-right tabular-nums text-slate-700">{formatPct(v[metric])}</span>
                  </div>
                ))}
              </div>
            </div>
          ))}
        </div>
      </CardBody>
    </Card>
  );
}
