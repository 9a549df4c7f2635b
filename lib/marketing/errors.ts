/**
 * One error type for the whole domain. Use-cases throw AppError with a code; only lib/http maps codes
 * to HTTP statuses, and server actions map them to form messages.
 */
export const ERROR_STATUS = {
  BAD_REQUEST: 400,
  INVALID_JSON: 400,
  UNAUTHENTICATED: 401,
  TOKEN_EXPIRED: 401,
  INVALID_SIGNATURE: 401,
  FORBIDDEN: 403,
  NOT_FOUND: 404,
  CAMPAIGN_NOT_FOUND: 404,
  CUSTOMER_NOT_FOUND: 404,
  METHOD_NOT_ALLOWED: 405,
  INVALID_TRANSITION: 409,
  CONFLICT: 409,
  TEST_SEND_REQUIRED: 409,
  GUARD_CONFIRMATION_REQUIRED: 409,
  BUDGET_CONFIRMATION_REQUIRED: 409,
  IDEMPOTENCY_KEY_IN_PROGRESS: 409,
  SEND_HOLD: 409,
  PAYLOAD_TOO_LARGE: 413,
  UNSUPPORTED_MEDIA_TYPE: 415,
  VALIDATION_FAILED: 422,
  NO_RECIPIENTS: 422,
  START_DATE_IN_PAST: 422,
  TEMPLATE_NOT_FOUND: 422,
  TEMPLATE_PARAMETERS_MISMATCH: 422,
  TEMPLATE_NOT_APPROVED: 422,
  TEMPLATE_NOT_TRACKABLE: 422,
  TOO_MANY_RECIPIENTS: 422,
  IDEMPOTENCY_KEY_REUSED: 422,
  RATE_LIMITED: 429,
  TEST_SEND_LIMIT_REACHED: 429,
  INTERNAL: 500,
  SERVICE_UNAVAILABLE: 503,
} as const;

export type AppErrorCode = keyof typeof ERROR_STATUS;

export class AppError extends Error {
  readonly code: AppErrorCode;
  readonly details?: unknown;
  readonly status: number;

  constructor(code: AppErrorCode, message?: string, details?: unknown) {
    super(message ?? code);
    this.name = "AppError";
    this.code = code;
    this.details = details;
    this.status = ERROR_STATUS[code];
  }
}

/** zod issues → `details` of a VALIDATION_FAILED error: [{ path: "a.b", message }] */
export function issuesToDetails(issues: ReadonlyArray<{ path: ReadonlyArray<PropertyKey>; message: string; code?: string; keys?: ReadonlyArray<string> }>) {
  return issues.flatMap((i) =>
    // an unknown field is named in its own path (zod puts the object's path, "" at the top, and lists the keys)
    i.code === "unrecognized_keys" && i.keys?.length
      ? i.keys.map((k) => ({ path: [...i.path.map(String), k].join("."), message: "Not a known field" }))
      : [{ path: i.path.map(String).join("."), message: i.message }]);
}
