import type { Metadata } from "next";
import { CustomerForm } from "@/components/customers/customer-form";
import { namedCountry } from "@/components/ui/format";
import { PageHeader } from "@/components/ui/page-header";
import { getDb } from "@/lib/db";
import { customerFilterOptions } from "@/lib/marketing/customers/search-customers";
import { phoneReading } from "@/lib/marketing/sending/sending-settings";
import { requireChangerPage } from "../../_lib/session";

export const metadata: Metadata = { title: "Add customer" };

export default async function NewCustomerPage() {
  await requireChangerPage("/customers");
  const db = getDb();
  const [options, reading] = await Promise.all([customerFilterOptions({ db }), phoneReading(db)]);
  return (
    <div className="mx-auto max-w-3xl">
      <PageHeader back={{ href: "/customers", label: "Customers" }} title="Add customer" description="One customer by their WhatsApp number. For many at once, import a CSV file." />
      <CustomerForm
        initial={{ name: null, customer_tier: null, city: null, tags: [], attributes: {} }}
        options={{ tiers: options.tiers.map((o) => o.value), cities: options.cities.map((o) => o.value) }}
        defaultCountry={namedCountry(reading.defaultCountry)}
      />
    </div>
  );
}
