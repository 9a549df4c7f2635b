import { z } from "@/lib/zod";
import { ZAddRecipients } from "./add-recipients";

/**
 * What a request to add recipients asks for: the campaign's target audience (`?use_target_audience=true`,
 * with no body or an empty one) or the listed numbers (a body `{ phone_numbers: [...] }`), never both.
 */
export const ZAddRecipientsRequest = z
  .object({ useTargetAudience: z.boolean(), body: z.unknown() })
  .transform((v, ctx): { source: "audience" } | { source: "numbers"; phone_numbers: Array<string | number> } => {
    if (v.useTargetAudience) {
      const empty = v.body === undefined || (typeof v.body === "object" && v.body !== null && Object.keys(v.body).length === 0);
      if (!empty) {
        ctx.addIssue({ code: "custom", path: [], message: "Send either ?use_target_audience=true or a body with phone_numbers, not both." });
        return z.NEVER;
      }
      return { source: "audience" };
    }
    if (v.body === undefined) {
      ctx.addIssue({ code: "custom", path: ["phone_numbers"], message: "required: send {\"phone_numbers\": [...]} or ?use_target_audience=true" });
      return z.NEVER;
    }
    const parsed = ZAddRecipients.safeParse(v.body);
    if (!parsed.success) {
      for (const issue of parsed.error.issues) ctx.addIssue({ code: "custom", path: [...issue.path], message: issue.message });
      return z.NEVER;
    }
    return { source: "numbers", phone_numbers: parsed.data.phone_numbers };
  });
