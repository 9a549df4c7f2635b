"use client";

import { useRouter } from "next/navigation";
import { useState, useTransition } from "react";
import { eraseCustomerAction } from "@/app/(dashboard)/customers/actions";
import { Button } from "@/components/ui/button";
import { ConfirmDialog } from "@/components/ui/dialog";
import { Notice } from "@/components/ui/notice";
import { useToast } from "@/components/ui/toast";

/**
 * A customer's right to erasure, from their page: after a confirmation that says what goes and what stays,
 * the customer is erased (the API's DELETE) and the list is shown again.
 */
export function EraseCustomerButton({ customerId, shownNumber }: { customerId: string; shownNumber: string }) {
  const [open, setOpen] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [pending, start] = useTransition();
  const router = useRouter();
  const toast = useToast();
  const erase = () =>
    start(async () => {
      setError(null);
      const r = await eraseCustomerAction(customerId);
      if (!r.ok) {
        setError(r.message ?? "The customer could not be erased.");
        return;
      }
      setOpen(false);
      toast.show(r.message ?? "Customer erased.", "success");
      router.push("/customers");
    });
  return (
    <>
      <Button variant="danger" size="sm" onClick={() => setOpen(true)}>Erase customer…</Button>
      <ConfirmDialog
        open={open}
        onClose={() => setOpen(false)}
        onConfirm={erase}
        pending={pending}
        title={`Erase ${shownNumber}?`}
        description="For a customer who asked to be forgotten. This cannot be undone."
        confirmLabel="Erase for good"
      >
        <ul className="list-disc space-y-1 pl-5 text-sm text-slate-700">
          <li>Their profile goes, and their number, name, WhatsApp id and message texts are removed from every campaign, message, export and integration event.</li>
          <li>Campaign messages still waiting for them are skipped; campaign totals stay as they were.</li>
          <li>Their number stays blocked (as a hash): importing it again creates an unsubscribed customer.</li>
        </ul>
        {error ? <Notice tone="error" className="mt-3">{error}</Notice> : null}
      </ConfirmDialog>
    </>
  );
}
