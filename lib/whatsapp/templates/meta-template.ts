/**
 * A message template as Meta's Graph API returns it from GET /{waba_id}/message_templates
 * (fields=id,name,language,status,category,components,parameter_format,quality_score).
 * Parsed leniently: Meta adds fields and component kinds over time, and one odd template must never
 * break the sync of the others.
 */
import { z } from "@/lib/zod";

const ZNamedExample = z.object({ param_name: z.string(), example: z.string().optional() }).passthrough();

export const ZMetaButton = z
  .object({
    type: z.string().transform((t) => t.toUpperCase()),
    text: z.string().optional(),
    url: z.string().optional(),
    phone_number: z.string().optional(),
    /** URL buttons: example URLs; COPY_CODE: the example code */
    example: z.union([z.array(z.string()), z.string()]).optional(),
  })
  .passthrough();

export const ZMetaTemplateComponent = z
  .object({
    type: z.string().transform((t) => t.toUpperCase()),
    format: z
      .string()
      .transform((f) => f.toUpperCase())
      .optional(),
    text: z.string().optional(),
    example: z
      .object({
        header_text: z.array(z.string()).optional(),
        header_handle: z.array(z.string()).optional(),
        header_text_named_params: z.array(ZNamedExample).optional(),
        body_text: z.array(z.array(z.string())).optional(),
        body_text_named_params: z.array(ZNamedExample).optional(),
      })
      .passthrough()
      .optional(),
    buttons: z.array(ZMetaButton).optional(),
  })
  .passthrough();
export type TMetaTemplateComponent = z.infer<typeof ZMetaTemplateComponent>;

export const ZMetaTemplate = z
  .object({
    id: z.union([z.string(), z.number()]).transform(String).optional(),
    name: z.string().min(1).max(512),
    language: z.string().min(1).max(20),
    status: z.string().transform((s) => s.toUpperCase()),
    category: z
      .string()
      .transform((s) => s.toUpperCase())
      .default("MARKETING"),
    components: z.array(ZMetaTemplateComponent).default([]),
    parameter_format: z
      .string()
      .transform((s) => (s.toUpperCase() === "NAMED" ? "NAMED" : "POSITIONAL"))
      .optional(),
    /** Meta: { score: "GREEN" | "YELLOW" | "RED" | "UNKNOWN", date } */
    quality_score: z
      .union([z.object({ score: z.string() }).passthrough(), z.string()])
      .transform((q) => (typeof q === "string" ? q : q.score))
      .nullish(),
    rejected_reason: z.string().nullish(),
  })
  .passthrough();
export type TMetaTemplate = z.infer<typeof ZMetaTemplate>;
/** what ZMetaTemplate accepts (what Meta sends, and what the sandbox defines) */
export type TMetaTemplateInput = z.input<typeof ZMetaTemplate>;
