"use client";

import { useRouter } from "next/navigation";
import { useEffect, useRef, useState, useTransition } from "react";
import { saveCampaignBudgetAction } from "@/app/(dashboard)/campaigns/cost-actions";
import { focusFirstProblem } from "@/components/forms/keep-values";
import { Button } from "@/components/ui/button";
import { Field, Input } from "@/components/ui/field";
import { useToast } from "@/components/ui/toast";
import { budgetRoom } from "@/lib/marketing/cost/budget-room";
import { formatMoney } from "./money";

/** The typed budget as the action takes it: blank = no cap, a number, or the text itself (refused beside the field). */
function budgetValue(text: string): number | string | null {
  const t = text.trim();
  if (t === "") return null;
  const n = Number(t);
  return Number.isFinite(n) ? n : t;
}

/**
 * Raise, lower or remove a live campaign's budget (blank = no cap). A budget that leaves no room beyond what
 * the campaign already spent is said beside the field as it is typed (what the processor will then do, from
 * budgetRoom), and again when it is saved; a refused value is shown beside the field, which gets focus.
 */
export function BudgetForm({ campaignId, budget, currency, spend, status }: {
  campaignId: string; budget: number | null; currency: string;
  /** the campaign's status (a paused campaign meets its budget once resumed) */
  status: string;
  /** the campaign's spend so far: billed, and estimated for messages awaiting pricing */
  spend: { actual: number; in_flight: number };
}) {
  const router = useRouter();
  const toast = useToast();
  const formRef = useRef<HTMLFormElement>(null);
  const [value, setValue] = useState(budget === null ? "" : String(budget));
  const [error, setError] = useState<string[] | undefined>();
  const [busy, start] = useTransition();
  useEffect(() => {
    if (error && formRef.current) focusFirstProblem(formRef.current);
  }, [error]);
  const typed = budgetValue(value);
  const room = budgetRoom(typeof typed === "number" ? typed : null, spend, (v) => formatMoney(v, currency), status);
  return (
    <form
      ref={formRef}
      noValidate
      className="mt-4"
      onSubmit={(e) => {
        e.preventDefault();
        start(async () => {
          const r = await saveCampaignBudgetAction(campaignId, typed);
          setError(r.ok ? undefined : (r.errors?.budget ?? [r.message ?? "Not saved."]));
          if (r.ok) {
            toast.show([r.message ?? "Saved.", room.kind === "no_room" ? room.message : ""].join(" ").trim(), room.kind === "no_room" ? "info" : "success");
            router.refresh();
          }
        });
      }}
    >
      <Field
        label={`Budget (${currency})`}
        htmlFor="campaign_budget"
        errors={error}
        optional
        className="max-w-md"
        hint={
          <>
            Blank: no cap.
            {room.kind === "no_room" && !error ? (
              <span className="mt-1 block font-medium text-amber-800" data-testid="budget-warning">{room.message}</span>
            ) : null}
          </>
        }
      >
        {/* the button beside the field, the field's hint and messages under both */}
        <div className="flex flex-wrap items-center gap-3">
          <Input
            id="campaign_budget"
            type="text"
            inputMode="decimal"
            autoComplete="off"
            value={value}
            onChange={(e) => {
              setValue(e.target.value);
              setError(undefined);
            }}
            className="w-40"
          />
          <Button type="submit" variant="secondary" pending={busy}>
            Save budget
          </Button>
        </div>
      </Field>
    </form>
  );
}
