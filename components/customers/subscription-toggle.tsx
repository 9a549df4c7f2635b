"use client";

import { useState, useTransition } from "react";
import { Button } from "@/components/ui/button";
import { ConfirmDialog } from "@/components/ui/dialog";
import { useToast } from "@/components/ui/toast";
import { setSubscriptionAction } from "@/app/(dashboard)/customers/actions";

export function SubscriptionToggle({ phone, subscription, canChange }: { phone: string; subscription: string; canChange: boolean }) {
  const [confirming, setConfirming] = useState(false);
  const [pending, start] = useTransition();
  const toast = useToast();
  if (!canChange) return null;
  const next = subscription === "subscribed" ? "unsubscribed" : "subscribed";
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
            : "Only do this if the customer asked to receive marketing messages again (for example by sending START)."
        }
        confirmLabel={next === "unsubscribed" ? "Unsubscribe" : "Subscribe"}
        pending={pending}
        onConfirm={() =>
          start(async () => {
            const r = await setSubscriptionAction(phone, next);
            toast.show(r.message ?? (r.ok ? "Saved." : "Could not change the subscription."), r.ok ? "success" : "error");
            setConfirming(false);
          })
        }
      />
    </>
  );
}
