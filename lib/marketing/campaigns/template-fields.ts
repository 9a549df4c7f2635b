/** How a campaign (or one of its A/B variants) names its template: WhatsApp's own rules for names and languages. */
import { z } from "@/lib/zod";

export const ZTemplateName = z.string().trim().regex(/^[a-z0-9_]{1,512}$/, "lowercase letters, digits and _ (as WhatsApp names templates)");
export const ZLanguageCode = z.string().trim().regex(/^[a-z]{2,3}(_[A-Za-z]{2,4})?$/, "a WhatsApp language code such as en_US or fr");
