/** Which customers a campaign targets. Only these keys exist (they are whitelisted into SQL). */
import { z } from "@/lib/zod";
import { AppError } from "../errors";

const ZText = z.string().trim().min(1).max(200);

export const ZTargetAudience = z
  .object({
    customer_tier: ZText.optional(),
    /** matched case-insensitively */
    city: ZText.optional(),
    /** the customer must have all of them */
    tags: z.array(ZText).max(50).optional(),
  })
  .strict();
export type TTargetAudience = z.infer<typeof ZTargetAudience>;

/** A stored target_audience (JSON) read back leniently: unknown keys are ignored. */
export function readTargetAudience(value: unknown): TTargetAudience {
  const parsed = ZTargetAudience.strip().safeParse(value ?? {});
  return parsed.success ? parsed.data : {};
}

/** No filter at all: every subscribed, active customer. */
function isWholeList(a: TTargetAudience): boolean {
  return !a.customer_tier && !a.city && !(a.tags && a.tags.length > 0);
}

/** A follow-up without a target_audience of its own: it has no audience to count or add (audienceToAdd). */
export function isFollowUpWithoutAudience(c: { targetAudience: unknown; parentCampaignId: string | null }): boolean {
  return c.parentCampaignId !== null && isWholeList(readTargetAudience(c.targetAudience));
}

/**
 * The audience "add the target audience" adds: the campaign's target_audience, where no filter means every
 * subscribed, active customer (the spec's guide). A follow-up without a target_audience of its own is
 * refused: its recipients are its parent's recipients with one outcome, added when it was made, and the
 * whole customer list is never what it means.
 */
export function audienceToAdd(c: { targetAudience: unknown; parentCampaignId: string | null }): TTargetAudience {
  const audience = readTargetAudience(c.targetAudience);
  if (isFollowUpWithoutAudience(c)) {
    const message = "A follow-up has no target audience: its recipients are the parent campaign's recipients with the outcome it was made for, added when it was created. Add numbers instead.";
    throw new AppError("VALIDATION_FAILED", message, [{ path: "use_target_audience", message: "a follow-up has no target audience of its own" }]);
  }
  return audience;
}
