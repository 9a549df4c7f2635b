import Link from "next/link";
import { Card, CardBody, CardHeader } from "@/components/ui/card";
import { formatDay } from "@/components/ui/format";
import type { MonthSpend } from "@/lib/marketing/cost/spend";
import { formatMoney } from "./money";
import { SpendChart } from "./spend-chart";

/** The overview's month-to-date spend: the total, per day, and the campaigns that spent most. */
export function MonthSpendCard({ spend }: { spend: MonthSpend }) {
  return (
    <Card className="mt-6" data-testid="month-spend">
      <CardHeader
        title="Spend this month"
        description={`What WhatsApp billed for delivered campaign messages, ${formatDay(spend.from)} – ${formatDay(spend.to)} (Meta's rates from the rate card in Settings).`}
        actions={<span className="text-2xl font-semibold tabular-nums text-slate-900" data-testid="month-spend-total">{formatMoney(spend.total, spend.currency)}</span>}
      />
      <CardBody className="grid grid-cols-1 gap-6 xl:grid-cols-3">
        <div className="xl:col-span-2">
          <SpendChart data={spend.days} currency={spend.currency} label="Spend per day, this month" />
        </div>
        <div>
          <h3 className="mb-2 text-sm font-medium text-slate-700">By campaign</h3>
          {spend.campaigns.length === 0 ? (
            <p className="text-sm text-slate-500">Nothing billed yet this month.</p>
          ) : (
            <ul className="divide-y divide-slate-100 text-sm">
              {spend.campaigns.map((c) => (
                <li key={c.id} className="flex items-center justify-between gap-3 py-2">
                  <Link href={`/campaigns/${c.id}`} className="min-w-0 truncate text-slate-900 hover:underline">{c.name}</Link>
                  <span className="tabular-nums text-slate-700">{formatMoney(c.cost, spend.currency)}</span>
                </li>
              ))}
            </ul>
          )}
        </div>
      </CardBody>
    </Card>
  );
}
