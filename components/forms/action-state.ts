/** What a dashboard server action returns to its form (useActionState). */
export type ActionState<T = unknown> = {
  ok: boolean;
  message?: string;
  /** field path ("name", "target_audience.city") → messages */
  errors?: Record<string, string[]>;
  code?: string;
  details?: unknown;
  data?: T;
};

export const initialActionState: ActionState = { ok: false };
