"use client";

import { useRouter } from "next/navigation";
import { useTransition } from "react";
import { runProcessingAction } from "@/app/(dashboard)/campaigns/actions";
import { Button } from "@/components/ui/button";
import { useToast } from "@/components/ui/toast";

/** Admins: run the processor now, as the scheduler would (windows, caps and guards apply). */
export function RunNowButton() {
  const router = useRouter();
  const toast = useToast();
  const [pending, start] = useTransition();
  return (
    <Button
      variant="secondary"
      pending={pending}
      onClick={() =>
        start(async () => {
          const r = await runProcessingAction();
          toast.show(r.message ?? (r.ok ? "Done." : "Could not run."), r.ok ? "success" : "error");
          if (r.ok) router.refresh();
        })
      }
    >
      Run now
    </Button>
  );
}
