"use client";

import { useActionState, useState } from "react";
import { initialActionState } from "@/components/forms/action-state";
import { Badge } from "@/components/ui/badge";
import { Button } from "@/components/ui/button";
import { Card, CardBody, CardHeader } from "@/components/ui/card";
import { Field, Select } from "@/components/ui/field";
import { Notice } from "@/components/ui/notice";
import { saveMarketingMessagesAction } from "./marketing-messages-actions";
import { submitKeepingValues, useActionFormRef } from "@/components/forms/keep-values";

export type MarketingMessagesView = {
  enabled: boolean;
  product_policy: "CLOUD_API_FALLBACK" | "STRICT";
  message_activity_sharing: boolean | null;
};

/** The Marketing Messages API: MARKETING templates go through /marketing_messages when it is on. */
export function MarketingMessagesSection({ settings, isAdmin }: { settings: MarketingMessagesView; isAdmin: boolean }) {
  const [state, formAction, saving] = useActionState(saveMarketingMessagesAction, initialActionState);
  const formRef = useActionFormRef(state);
  const [enabled, setEnabled] = useState(settings.enabled);
  const [policy, setPolicy] = useState(settings.product_policy);
  const [sharing, setSharing] = useState(settings.message_activity_sharing === null ? "default" : settings.message_activity_sharing ? "on" : "off");
  const payload = { enabled, product_policy: policy, message_activity_sharing: sharing === "default" ? null : sharing === "on" };
  return (
    <Card id="marketing-messages">
      <CardHeader
        title="Marketing Messages API"
        description="Send marketing templates through Meta's Marketing Messages API; utility and authentication templates always use the Cloud API."
        actions={<Badge tone={settings.enabled ? "green" : "gray"}>{settings.enabled ? "On" : "Off"}</Badge>}
      />
      <CardBody>
        {isAdmin ? (
          <form ref={formRef} action={formAction} onSubmit={submitKeepingValues(formAction)} className="space-y-4" noValidate>
            <input type="hidden" name="payload" value={JSON.stringify(payload)} />
            {state.message ? <Notice tone={state.ok ? "success" : "error"}>{state.message}</Notice> : null}
            <label className="flex items-center gap-2 text-sm">
              <input type="checkbox" checked={enabled} onChange={(e) => setEnabled(e.target.checked)} /> Send MARKETING templates through the Marketing Messages API
            </label>
            <Field label="When Meta cannot use the Marketing Messages API" htmlFor="mm-policy" errors={state.errors?.product_policy}>
              <Select id="mm-policy" value={policy} onChange={(e) => setPolicy(e.target.value === "STRICT" ? "STRICT" : "CLOUD_API_FALLBACK")}>
                <option value="CLOUD_API_FALLBACK">Fall back to the Cloud API (CLOUD_API_FALLBACK)</option>
                <option value="STRICT">Do not send (STRICT)</option>
              </Select>
            </Field>
            <Field label="Share message activity with Meta" htmlFor="mm-sharing" errors={state.errors?.message_activity_sharing}>
              <Select id="mm-sharing" value={sharing} onChange={(e) => setSharing(e.target.value)}>
                <option value="default">Meta&apos;s default</option>
                <option value="on">On</option>
                <option value="off">Off</option>
              </Select>
            </Field>
            <Button type="submit" pending={saving}>Save</Button>
          </form>
        ) : (
          <p className="text-sm text-slate-600">
            {settings.enabled ? `On (${settings.product_policy}).` : "Off: every template is sent through the Cloud API."} Only an admin can change it.
          </p>
        )}
      </CardBody>
    </Card>
  );
}
