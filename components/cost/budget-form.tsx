"use client";

import { useRouter } from "next/navigation";
import { useState, useTransition } from "react";
import { saveCampaignBudgetAction } from "@/app/(dashboard)/campaigns/cost-actions";
import { Button } from "@/components/ui/button";
import { Field, Input } from "@/components/ui/field";
import { useToast } from "@/components/ui/toast";

/** Raise, lower or remove a live campaign's budget (blank = no cap). */
export function BudgetForm({ campaignId, budget, currency }: { campaignId: string; budget: number | null; currency: string }) {
  const router = useRouter();
  const toast = useToast();
  const [value, setValue] = useState(budget === null ? "" : String(budget));
  const [error, setError] = useState<string[] | undefined>();
  const [busy, start] = useTransition();
  return (
    <form
      className="mt-4 flex flex-wrap items-end gap-3"
      onSubmit={(e) => {
        e.preventDefault();
        start(async () => {
          const r = await saveCampaignBudgetAction(campaignId, value.trim() === "" ? null : Number(value.trim()));
          setError(r.ok ? undefined : (r.errors?.budget ?? [r.message ?? "Not saved."]));
          if (r.ok) {
            toast.show(r.message ?? "Saved.");
            router.refresh();
          }
        });
      }}
    >
      <Field label={`Budget (${currency})`} htmlFor="campaign_budget" errors={error} optional hint="Blank: no cap.">
        <Input id="campaign_budget" type="number" inputMode="decimal" min={0} step="0.01" value={value} onChange={(e) => setValue(e.target.value)} invalid={Boolean(error)} className="w-40" />
      </Field>
      <Button type="submit" variant="secondary" pending={busy}>
        Save budget
      </Button>
    </form>
  );
}
