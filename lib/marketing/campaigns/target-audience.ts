/** Which customers a campaign targets. Only these keys exist (they are whitelisted into SQL). */
import { z } from "@/lib/zod";

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
