import type { Metadata } from "next";
import { notFound, redirect } from "next/navigation";
import { CustomerForm } from "@/components/customers/customer-form";
import { PageHeader } from "@/components/ui/page-header";
import { getDb } from "@/lib/db";
import { customerFilterOptions } from "@/lib/marketing/customers/search-customers";
import { can, displayPhone } from "@/lib/marketing/users/permissions";
import { parseUuid } from "@/lib/marketing/uuid";
import { requirePageUser } from "../../../_lib/session";

export const metadata: Metadata = { title: "Edit customer" };

export default async function EditCustomerPage({ params }: { params: Promise<{ customerId: string }> }) {
  const user = await requirePageUser();
  const { customerId } = await params;
  if (parseUuid(customerId) === null) notFound();
  const db = getDb();
  const c = await db.userProfile.findUnique({ where: { id: customerId } });
  if (!c) notFound();
  if (!can(user.role, "change")) redirect(`/customers/${c.id}`);
  const options = await customerFilterOptions({ db });
  return (
    <div className="mx-auto max-w-3xl">
      <PageHeader back={{ href: `/customers/${c.id}`, label: c.name || "Unnamed customer" }} title="Edit customer" description="Their subscription is changed on their page." />
      <CustomerForm
        initial={{
          id: c.id,
          shownPhone: displayPhone(user.role, c.whatsappPhone),
          name: c.name,
          customer_tier: c.customerTier,
          city: c.city,
          tags: c.tags,
          attributes: plainAttributes(c.attributes),
        }}
        options={{ tiers: options.tiers.map((o) => o.value), cities: options.cities.map((o) => o.value) }}
      />
    </div>
  );
}

/** the stored attributes as the form edits them: text, numbers, true/false or empty (anything else as its JSON text) */
function plainAttributes(value: unknown): Record<string, string | number | boolean | null> {
  if (!value || typeof value !== "object" || Array.isArray(value)) return {};
  return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, v === null || ["string", "number", "boolean"].includes(typeof v) ? (v as string | number | boolean | null) : JSON.stringify(v)]));
}
