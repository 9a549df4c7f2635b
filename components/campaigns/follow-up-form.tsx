"use client";

import { useActionState, useState } from "react";
import { Button } from "@/components/ui/button";
import { Field, Input, Select, Textarea } from "@/components/ui/field";
import { formatInt } from "@/components/ui/format";
import { Notice } from "@/components/ui/notice";
import { initialActionState } from "@/components/forms/action-state";
import { createFollowUpAction } from "@/app/(dashboard)/campaigns/follow-up-actions";
import { submitKeepingValues, useActionFormRef } from "@/components/forms/keep-values";

export type FollowUpOutcomeOption = { value: string; label: string; count: number };

/** The campaign page's "Follow up" action: pick an outcome (with how many it selects now), name the draft, choose its message. */
export function FollowUpForm({ campaignId, campaignName, outcomes, template }: {
  campaignId: string;
  campaignName: string;
  outcomes: FollowUpOutcomeOption[];
  template: { name: string; language: string; components: unknown[] };
}) {
  const [state, action, pending] = useActionState(createFollowUpAction, initialActionState);
  const formRef = useActionFormRef(state);
  const first = outcomes.find((o) => o.count > 0) ?? outcomes[0];
  const [outcome, setOutcome] = useState(first.value);
  const chosen = outcomes.find((o) => o.value === outcome) ?? first;
  const err = (k: string) => state.errors?.[k];
  return (
    <form ref={formRef} action={action} onSubmit={submitKeepingValues(action)} className="space-y-4" aria-label="Create a follow-up campaign">
      <input type="hidden" name="campaignId" value={campaignId} />
      {state.message && !state.ok ? <Notice tone="error">{state.message}</Notice> : null}
      <Field label="Who" htmlFor="follow-up-outcome" errors={err("outcome")} hint={`${formatInt(chosen.count)} still-subscribed recipients of this campaign now`}>
        <Select id="follow-up-outcome" name="outcome" value={outcome} onChange={(e) => setOutcome(e.target.value)}>
          {outcomes.map((o) => (
            <option key={o.value} value={o.value}>
              {o.label} ({formatInt(o.count)})
            </option>
          ))}
        </Select>
      </Field>
      <Field label="Name" htmlFor="follow-up-name" errors={err("name")}>
        <Input id="follow-up-name" name="name" required maxLength={200} defaultValue={`${campaignName} — follow-up`} />
      </Field>
      <div className="grid grid-cols-1 gap-4 sm:grid-cols-2">
        <Field label="Template" htmlFor="follow-up-template" errors={err("template_name")}>
          <Input id="follow-up-template" name="template_name" required defaultValue={template.name} className="font-mono" />
        </Field>
        <Field label="Language" htmlFor="follow-up-language" errors={err("language_code")}>
          <Input id="follow-up-language" name="language_code" required defaultValue={template.language} className="font-mono" />
        </Field>
      </div>
      <Field label="Template values (JSON)" htmlFor="follow-up-components" optional errors={err("template_components")}
        hint="The template's components, as in the API; the same as this campaign's by default.">
        <Textarea id="follow-up-components" name="template_components" rows={4} className="font-mono text-xs" defaultValue={JSON.stringify(template.components)} />
      </Field>
      <Button type="submit" pending={pending} disabled={chosen.count === 0}>
        Create follow-up draft
      </Button>
    </form>
  );
}
