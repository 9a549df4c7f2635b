import { Card, CardBody, CardHeader } from "@/components/ui/card";
import { formatDay, formatInt } from "@/components/ui/format";
import { StatCard } from "@/components/ui/stat-card";
import { Table, TableHeader, TBody, TD, TR } from "@/components/ui/table";
import type { CampaignCost } from "@/lib/marketing/cost/get-campaign-cost";
import type { SpendPoint } from "@/lib/marketing/cost/spend";
import { BudgetForm } from "./budget-form";
import { formatMoney } from "./money";
import { SpendChart } from "./spend-chart";

/** narrower cells on phones: four columns at the table's usual padding pushed Cost, the one that matters, out of the card */
const TIGHT = "px-2 sm:px-4";

/** The campaign page's cost: estimate, spend, budget, spend per day and the estimate by market. */
export function CampaignCostCard({ campaignId, status, cost, series, canChangeBudget }: { campaignId: string; status: string; cost: CampaignCost; series: SpendPoint[]; canChangeBudget: boolean }) {
  const m = (v: number | null) => formatMoney(v, cost.currency);
  const overBudget = cost.budget !== null && cost.remaining === 0;
  return (
    <Card className="mt-6" data-testid="campaign-cost">
      <CardHeader
        title="Cost"
        description={
          cost.rate_card_effective_from
            ? `Meta's rates (${cost.currency}) from the rate card in force since ${formatDay(cost.rate_card_effective_from)}; actual spend from WhatsApp's pricing of each delivered message.`
            : "No rate card: add one in Settings."
        }
      />
      <CardBody>
        <div className="grid grid-cols-1 gap-4 sm:grid-cols-2 xl:grid-cols-4">
          <StatCard label="Estimated" value={m(cost.estimated)} sub={cost.uncovered > 0 ? `${formatInt(cost.uncovered)} recipients not covered by the card` : "whole audience"} tone={cost.uncovered > 0 ? "amber" : undefined} />
          <StatCard label="Spent" value={m(cost.actual)} sub={cost.in_flight > 0 ? `+ ${m(cost.in_flight)} awaiting pricing` : cost.unpriced_messages > 0 ? `${formatInt(cost.unpriced_messages)} messages not priced` : "billed by WhatsApp"} />
          <StatCard label="Per delivered" value={m(cost.per_delivered)} sub="spent ÷ delivered" />
          <StatCard
            label="Budget"
            value={cost.budget === null ? "No cap" : m(cost.budget)}
            sub={cost.budget === null ? "spend is not capped" : `${m(cost.remaining)} left`}
            tone={overBudget ? "red" : undefined}
          />
        </div>
        {canChangeBudget ? <BudgetForm campaignId={campaignId} status={status} budget={cost.budget} currency={cost.currency} spend={{ actual: cost.actual, in_flight: cost.in_flight }} /> : null}
        <div className="mt-6 grid grid-cols-1 gap-6 xl:grid-cols-2">
          <div>
            <h3 className="mb-2 text-sm font-medium text-slate-700">Spend per day</h3>
            {series.length > 0 ? (
              <SpendChart data={series} currency={cost.currency} label="Campaign spend per day" />
            ) : (
              <p className="text-sm text-slate-500">Nothing billed yet: spend appears as WhatsApp reports pricing for delivered messages.</p>
            )}
          </div>
          <div>
            <h3 className="mb-2 text-sm font-medium text-slate-700">Estimate by market</h3>
            <Table label="Estimate by market">
              <TableHeader columns={[{ label: "Market", className: TIGHT }, { label: "Recipients", numeric: true, className: TIGHT }, { label: "Rate", numeric: true, className: TIGHT }, { label: "Cost", numeric: true, className: TIGHT }]} />
              <TBody>
                {cost.markets.slice(0, 12).map((row) => (
                  <TR key={row.market}>
                    <TD className={TIGHT}>{row.market === "unknown" ? "No country (not priced)" : row.market}</TD>
                    <TD numeric className={TIGHT}>{formatInt(row.recipients)}</TD>
                    <TD numeric className={TIGHT}>{row.rate === null ? "not on the card" : m(row.rate)}</TD>
                    <TD numeric className={TIGHT}>{m(row.cost)}</TD>
                  </TR>
                ))}
              </TBody>
            </Table>
            {cost.markets.length > 12 ? <p className="mt-2 text-xs text-slate-500">and {formatInt(cost.markets.length - 12)} more markets.</p> : null}
          </div>
        </div>
      </CardBody>
    </Card>
  );
}
