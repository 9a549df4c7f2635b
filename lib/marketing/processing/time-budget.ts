/**
 * How a processor run fits inside a serverless function's limit (its `maxDuration`), counted from the
 * request's start:
 *
 *   |— template sync, reconcile, claim + send … —|— last requests in flight —|— finish, count, alerts —|margin|
 *   0                                      sendBudgetMs                  + request timeout                 maxDuration
 *
 * No send starts after `sendBudgetMs` (what was claimed and not started goes back to pending); a request
 * started just before may take the client's whole request timeout; then the batch is recorded, what is
 * left counted and the alert outbox delivered until `deadlineMs`; the margin is for the response itself.
 */
export type TimeBudget = {
  /** from the request's start: no send starts after this (and no batch is claimed) */
  sendBudgetMs: number;
  /** from the request's start: alert delivery and other optional work stop here */
  deadlineMs: number;
};

export function planTimeBudget({ maxDurationMs, requestTimeoutMs, configuredBudgetMs }: {
  /** the route's maxDuration */
  maxDurationMs: number;
  /** the WhatsApp client's timeout for one request */
  requestTimeoutMs: number;
  /** PROCESSOR_TIME_BUDGET_MS: the operator's own, lower, limit */
  configuredBudgetMs: number;
}): TimeBudget {
  const margin = Math.min(2_000, maxDurationMs * 0.1);
  const finish = Math.min(8_000, maxDurationMs * 0.15);
  const deadlineMs = maxDurationMs - margin;
  const sendBudgetMs = Math.max(0, Math.min(configuredBudgetMs, deadlineMs - finish - requestTimeoutMs));
  return { sendBudgetMs, deadlineMs };
}
