"use client";

import { useRouter } from "next/navigation";
import { useCallback, useEffect, useRef, useState, useTransition } from "react";
import { Button, ButtonLink } from "@/components/ui/button";
import { ConfirmDialog, Dialog } from "@/components/ui/dialog";
import { Field, Input, Textarea } from "@/components/ui/field";
import { countOf, formatDay, formatInt } from "@/components/ui/format";
import { Notice } from "@/components/ui/notice";
import { formatMoney } from "@/components/cost/money";
import { useToast } from "@/components/ui/toast";
import type { ActionState } from "@/components/forms/action-state";
import { cancelCampaignAction, pauseCampaignAction, resumeCampaignAction, runProcessingAction } from "@/app/(dashboard)/campaigns/actions";
import { startActivateJobAction } from "@/app/(dashboard)/campaigns/job-actions";
import { activationPreview } from "@/lib/marketing/campaigns/activation-preview";
import type { JobView } from "@/lib/marketing/jobs/job";
import { JobProgress, useCampaignJob } from "./job-progress";
import { useRecipientsExport } from "./export-recipients";
import type { TSendWindow } from "@/lib/marketing/sending/send-window";
import { isOpenCampaign } from "@/lib/marketing/campaigns/campaign-status";

type Props = {
  campaignId: string;
  status: string;
  pending: number;
  dailyLimit: number;
  today: string;
  /** the latest start date activation accepts (a year ahead) */
  latestStart: string;
  canChange: boolean;
  /** who paused it: a campaign the failure guard paused asks for an explicit confirmation */
  pausedBy?: string | null;
  /** the campaign's send window (the activation preview counts its allowed days only) */
  sendWindow?: TSendWindow | null;
  /** the audience's estimated cost and the budget, for the activation dialog */
  cost?: { currency: string; estimated: number; uncovered: number; budget: number | null } | null;
  /** the campaign's latest activation job (still running after a reload, or how it ended) */
  activateJob?: JobView | null;
  /** the user's latest export of this campaign (running, or ready to download) */
  exportJob?: JobView | null;
};

type ActivationResult = { recipients_scheduled: number; estimated_days: number; estimated_completion_date: string | null };

function addDay(day: string, n: number) {
  const d = new Date(`${day}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() + n);
  return d.toISOString().slice(0, 10);
}

export function CampaignActions({ campaignId, status, pending, dailyLimit, today, latestStart, canChange, pausedBy = null, sendWindow = null, cost = null, activateJob = null, exportJob = null }: Props) {
  const guardPaused = pausedBy === "failure_guard";
  const budgetPaused = pausedBy === "budget";
  const router = useRouter();
  const toast = useToast();
  const [dialog, setDialog] = useState<null | "activate" | "pause" | "cancel" | "resume">(null);
  const [startDate, setStartDate] = useState(addDay(today, 1));
  const [reason, setReason] = useState("");
  const [error, setError] = useState<ActionState | null>(null);
  const startDateInput = useRef<HTMLInputElement>(null);
  // a refused start date: focus goes to the date, which its message describes
  useEffect(() => {
    if (error?.errors?.start_date) startDateInput.current?.focus();
  }, [error]);
  const [busy, start] = useTransition();
  const [processing, startProcessing] = useTransition();

  function run(action: () => Promise<ActionState>) {
    setError(null);
    start(async () => {
      const r = await action();
      if (r.ok) {
        toast.show(r.message ?? "Done.");
        setDialog(null);
        router.refresh();
      } else {
        setError(r);
      }
    });
  }

  const onActivated = useCallback(
    (job: JobView) => {
      if (job.status !== "done") return;
      const r = job.result as ActivationResult;
      toast.show(`Activated: ${countOf(r.recipients_scheduled, "recipient")} over ${countOf(r.estimated_days, "day")}, last on ${r.estimated_completion_date}.`);
      setDialog(null);
      router.refresh();
    },
    [router, toast],
  );
  const activation = useCampaignJob(campaignId, activateJob, onActivated);
  // a failed activation is shown where it was started (the dialog), or under the buttons after a reload
  const activationError = activation.job?.status === "failed" && status === "draft" ? activation.job.error?.message ?? "The activation failed." : null;

  function startActivation() {
    setError(null);
    start(async () => {
      const r = await startActivateJobAction(campaignId, startDate);
      if (r.ok && r.data) activation.start(r.data);
      else setError(r);
    });
  }

  // the earliest start: today, or the server's today when it refused a day before it (the page may be from yesterday)
  const refusedToday = error?.code === "START_DATE_IN_PAST" ? (error.details as { today?: unknown } | undefined)?.today : undefined;
  const earliest = typeof refusedToday === "string" && refusedToday > today ? refusedToday : today;
  // a day before it is refused: no completion date computed from it
  const preview = activationPreview({ pending, dailyLimit, startDate: startDate >= earliest ? startDate : "", sendWindow });
  const exporting = useRecipientsExport(campaignId, exportJob);
  if (!canChange) return <>{exporting.button}{exporting.panel}</>;

  return (
    <>
      {exporting.button}
      {status === "draft" ? (
        <ButtonLink href={`/campaigns/${campaignId}/edit`} variant="secondary">
          Edit
        </ButtonLink>
      ) : null}
      {canChange && status === "active" ? (
        <Button
          variant="secondary"
          pending={processing}
          onClick={() =>
            startProcessing(async () => {
              const r = await runProcessingAction();
              toast.show(r.message ?? (r.ok ? "Processed." : "Processing failed."), r.ok ? "success" : "error");
              router.refresh();
            })
          }
        >
          Run today’s processing
        </Button>
      ) : null}
      {status === "active" ? (
        <Button variant="secondary" onClick={() => setDialog("pause")}>
          Pause
        </Button>
      ) : null}
      {status === "paused" ? <Button onClick={() => setDialog("resume")}>Resume</Button> : null}
      {isOpenCampaign(status) ? (
        <Button variant="ghost" className="text-red-600 hover:bg-red-50" onClick={() => setDialog("cancel")}>
          Cancel campaign
        </Button>
      ) : null}
      {status === "draft" ? (
        <Button onClick={() => { setError(null); setDialog("activate"); }} pending={activation.open} disabled={activation.open}>
          Activate
        </Button>
      ) : null}
      {status === "draft" && activation.job && activation.open && dialog !== "activate" ? (
        <div className="w-full sm:w-80">
          <JobProgress job={activation.job} label="Activating" unit="recipients scheduled" />
        </div>
      ) : null}
      {activationError && dialog !== "activate" ? (
        <Notice tone="error" className="w-full sm:w-80">
          {activationError}
        </Notice>
      ) : null}
      {exporting.panel}

      <Dialog
        open={dialog === "activate"}
        onClose={() => setDialog(null)}
        title="Activate campaign"
        description="Recipients are spread over days within the daily limit, starting on the date you choose."
        footer={
          <>
            <Button variant="secondary" onClick={() => setDialog(null)} disabled={busy}>
              Not yet
            </Button>
            <Button onClick={startActivation} pending={busy || activation.open} disabled={pending === 0 || activation.open}>
              Activate
            </Button>
          </>
        }
      >
        <div className="space-y-4">
          {/* a refused date is said beside the date */}
          {error?.message && !error.errors?.start_date ? <Notice tone="error">{error.message}</Notice> : null}
          {activationError && !error ? <Notice tone="error">{activationError}</Notice> : null}
          {activation.job && activation.open ? <JobProgress job={activation.job} label="Activating" unit="recipients scheduled" /> : null}
          <Field label="Start date" htmlFor="start_date" errors={error?.errors?.start_date} hint={`Today is ${formatDay(today)}.`}>
            <Input ref={startDateInput} id="start_date" type="date" min={earliest} max={latestStart} value={startDate} onChange={(e) => { setStartDate(e.target.value); setError(null); }} />
          </Field>
          {pending === 0 ? (
            <Notice tone="warning">Add recipients before activating.</Notice>
          ) : (
            // a definition list holds only its terms and values (axe definition-list): the notes sit beside it
            <div className="space-y-3 rounded-lg bg-slate-50 p-4 text-sm" data-testid="activation-preview">
              <dl className="grid grid-cols-3 gap-3">
                <div>
                  <dt className="text-slate-500">Recipients</dt>
                  <dd className="text-lg font-semibold tabular-nums">{formatInt(pending)}</dd>
                </div>
                <div>
                  <dt className="text-slate-500">Send days</dt>
                  <dd className="text-lg font-semibold tabular-nums">{formatInt(preview.days)}</dd>
                </div>
                <div>
                  <dt className="text-slate-500">Completes</dt>
                  <dd className="text-lg font-semibold tabular-nums">{preview.lastDay ? formatDay(preview.lastDay) : "—"}</dd>
                </div>
              </dl>
              <p className="text-xs text-slate-500">
                {formatInt(dailyLimit)} a day{preview.days > 1 ? `; ${formatInt(preview.lastDayCount)} on the last day` : ""}.
              </p>
              {cost ? (
                <div className="border-t border-slate-200 pt-3" data-testid="activation-cost">
                  <dl>
                    <dt className="text-slate-500">Estimated cost</dt>
                    <dd className="text-lg font-semibold tabular-nums">{formatMoney(cost.estimated, cost.currency)}</dd>
                  </dl>
                  <p className="text-xs text-slate-500">
                    Meta’s rate for each recipient’s market
                    {cost.uncovered > 0 ? `; ${formatInt(cost.uncovered)} recipients are not covered by the rate card and not counted` : ""}
                    {cost.budget !== null ? `. Budget ${formatMoney(cost.budget, cost.currency)}: sending pauses before it would be exceeded` : ""}.
                  </p>
                </div>
              ) : null}
            </div>
          )}
        </div>
      </Dialog>

      <Dialog
        open={dialog === "pause"}
        onClose={() => setDialog(null)}
        title="Pause campaign"
        description="Nothing more is sent until you resume; messages already sent keep reporting deliveries and reads."
        footer={
          <>
            <Button variant="secondary" onClick={() => setDialog(null)} disabled={busy}>
              Keep sending
            </Button>
            <Button onClick={() => run(() => pauseCampaignAction(campaignId, reason))} pending={busy}>
              Pause
            </Button>
          </>
        }
      >
        {error?.message ? <Notice tone="error" className="mb-3">{error.message}</Notice> : null}
        <Field label="Reason" htmlFor="pause_reason" optional hint="Shown to your team on the campaign and the overview.">
          <Textarea id="pause_reason" rows={2} value={reason} onChange={(e) => setReason(e.target.value)} maxLength={500} />
        </Field>
      </Dialog>

      <ConfirmDialog
        open={dialog === "resume"}
        onClose={() => setDialog(null)}
        variant={guardPaused || budgetPaused ? "danger" : "primary"}
        title={guardPaused ? "Resume despite the failure guard?" : budgetPaused ? "Resume a campaign that reached its budget?" : "Resume campaign?"}
        description={
          guardPaused
            ? "The failure guard paused this campaign because too many sends failed (see the reason above). Resume only once the cause is fixed: the guard then watches the new sends."
            : budgetPaused
              ? "Its budget cannot pay for the next message. Raise the budget (Cost, below) to send more; resuming without room sends only what fits once actual prices arrive, and pauses again otherwise."
              : "Pending recipients are rescheduled from today within the daily limit."
        }
        confirmLabel={guardPaused || budgetPaused ? "Yes, resume anyway" : "Resume"}
        pending={busy}
        onConfirm={() => run(() => resumeCampaignAction(campaignId, guardPaused || budgetPaused))}
      >
        {error?.message ? <Notice tone="error">{error.message}</Notice> : null}
      </ConfirmDialog>

      <ConfirmDialog
        open={dialog === "cancel"}
        onClose={() => setDialog(null)}
        title="Cancel this campaign?"
        description={`Nothing more will be sent${pending > 0 ? ` to the ${formatInt(pending)} pending recipients` : ""}. A cancelled campaign can never be reactivated.`}
        confirmLabel="Cancel campaign"
        pending={busy}
        onConfirm={() => run(() => cancelCampaignAction(campaignId))}
      >
        {error?.message ? <Notice tone="error">{error.message}</Notice> : null}
      </ConfirmDialog>
    </>
  );
}
