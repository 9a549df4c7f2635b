"use client";

import { useState, useTransition } from "react";
import { Button } from "@/components/ui/button";
import { ConfirmDialog } from "@/components/ui/dialog";
import { Field, Textarea } from "@/components/ui/field";
import { useToast } from "@/components/ui/toast";
import { setSubscriptionAction } from "@/app/(dashboard)/customers/actions";

/**
 * Unsubscribe / subscribe again one customer. When the customer opted out on WhatsApp (or the number was
 * erased before), subscribing again is an admin's explicit decision with a reason (`needsReason`); other
 * roles do not get the button then.
 */
export function SubscriptionToggle({ customerId, subscription, canChange, needsReason, isAdmin }: {
  customerId: string; subscription: string; canChange: boolean; needsReason: boolean; isAdmin: boolean;
}) {
  const [confirming, setConfirming] = useState(false);
  const [reason, setReason] = useState("");
  const [reasonError, setReasonError] = useState<string | undefined>();
  const [pending, start] = useTransition();
  const toast = useToast();
  const next = subscription === "subscribed" ? "unsubscribed" : "subscribed";
  const explicit = next === "subscribed" && needsReason;
  if (!canChange || (explicit && !isAdmin)) return null;
  return (
    <>
      <Button variant={next === "unsubscribed" ? "secondary" : "primary"} onClick={() => setConfirming(true)} pending={pending}>
        {next === "unsubscribed" ? "Unsubscribe" : "Subscribe again"}
      </Button>
      <ConfirmDialog
        open={confirming}
        onClose={() => setConfirming(false)}
        variant={next === "unsubscribed" ? "danger" : "primary"}
        title={next === "unsubscribed" ? "Unsubscribe this customer?" : "Subscribe this customer again?"}
        description={
          next === "unsubscribed"
            ? "They will get no campaign messages; pending sends to them are skipped."
            : explicit
              ? "This customer opted out on WhatsApp (or their number was erased). Only subscribe them again if they asked for it; the reason is kept in the audit log."
              : "Only do this if the customer asked to receive marketing messages again (for example by sending START)."
        }
        confirmLabel={next === "unsubscribed" ? "Unsubscribe" : "Subscribe"}
        pending={pending}
        onConfirm={() =>
          start(async () => {
            const r = await setSubscriptionAction(customerId, next, explicit ? reason : undefined);
            if (!r.ok && r.errors?.reason) {
              setReasonError(r.errors.reason.join(" "));
              return;
            }
            toast.show(r.message ?? (r.ok ? "Saved." : "Could not change the subscription."), r.ok ? "success" : "error");
            setConfirming(false);
          })
        }
      >
        {explicit ? (
          <Field label="Reason" htmlFor="resubscribe-reason" errors={reasonError} hint="For example: asked by email on 2 May to receive offers again.">
            <Textarea id="resubscribe-reason" name="reason" value={reason} maxLength={500} rows={3} invalid={!!reasonError}
              onChange={(e) => { setReason(e.target.value); setReasonError(undefined); }} />
          </Field>
        ) : null}
      </ConfirmDialog>
    </>
  );
}
