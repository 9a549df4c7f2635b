"use client";

import { useTransition } from "react";
import { Button } from "@/components/ui/button";
import { useToast } from "@/components/ui/toast";
import { markReachableAction } from "@/app/(dashboard)/customers/actions";

/** Clears a customer's "not reachable on WhatsApp" mark (a user's decision, e.g. they confirmed their number). */
export function MarkReachableButton({ customerId }: { customerId: string }) {
  const [pending, start] = useTransition();
  const toast = useToast();
  return (
    <Button
      variant="secondary"
      size="sm"
      pending={pending}
      onClick={() =>
        start(async () => {
          const r = await markReachableAction(customerId);
          toast.show(r.message ?? (r.ok ? "Saved." : "Could not mark the customer reachable."), r.ok ? "success" : "error");
        })
      }
    >
      Mark reachable
    </Button>
  );
}
