/** What the campaign engine is configured with (built from the environment by lib/server/engine.ts). */
export type EngineConfig = {
  /** IANA zone of the calendar days campaigns are scheduled in (CAMPAIGN_TIMEZONE) */
  timezone: string;
  /** WhatsApp's messaging limit: unique users reached in any moving 24 h; null = unlimited */
  messagingLimit: number | null;
  /** from the run's start (the request's start when `startedAt` is given): no batch is claimed and no
   * send started after this long (PROCESSOR_TIME_BUDGET_MS, capped by the route: see planTimeBudget) */
  timeBudgetMs: number;
  /** from the run's start: optional work at the end (alert delivery) stops here (default: unbounded) */
  deadlineMs?: number;
  /** recipients claimed per batch (default 500) */
  batchSize?: number;
  /** sends in flight at once (default 64; the client itself holds the rate to WHATSAPP_MAX_MPS) */
  concurrency?: number;
  /** a 'sending' claim older than this is reconciled (default 10 minutes; keep it above the request timeout) */
  staleClaimMs?: number;
  /** tries of a temporarily failing send before it is failed (default 5) */
  maxAttempts?: number;
  /** ALERT_WEBHOOK_URL: each run first brings the environment's alert endpoint in step with it (null = unset:
   * the endpoint is disabled; undefined = left alone), and delivers its queue at the end */
  alertWebhookUrl?: string | null;
  /** the alert endpoint may reach a private address (see alertEndpointAllowsPrivateNetwork; default false) */
  alertWebhookAllowPrivateNetwork?: boolean;
};

export const ENGINE_DEFAULTS = { batchSize: 500, concurrency: 64, staleClaimMs: 10 * 60_000, maxAttempts: 5 } as const;
