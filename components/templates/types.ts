import type { TemplateRequirements } from "@/lib/marketing/templates/requirements";

/** A library template as the UI gets it (GET /api/marketing/templates, or templateJson on the server). */
export type TemplateOption = {
  id: string;
  name: string;
  language: string;
  category: string;
  previous_category?: string | null;
  category_changed_at?: string | null;
  upcoming_category?: string | null;
  upcoming_category_at?: string | null;
  status: string;
  quality_score: string | null;
  reason: string | null;
  has_opt_out: boolean;
  parameters: TemplateRequirements;
};

/** A sample customer for the preview (from the campaign's audience). */
export type SampleCustomer = { name?: string | null; city?: string | null; customer_tier?: string | null; phone_number?: string | null; attributes?: Record<string, unknown> | null };
