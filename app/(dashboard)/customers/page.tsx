import type { Metadata } from "next";
import { phoneReading } from "@/lib/marketing/sending/sending-settings";
import Link from "next/link";
import { CustomerImport } from "@/components/customers/customer-import";
import { CustomersExport } from "@/components/customers/export-customers";
import { FilterForm } from "@/components/forms/filter-form";
import { Badge, SubscriptionBadge } from "@/components/ui/badge";
import { Button, ButtonLink } from "@/components/ui/button";
import { Card } from "@/components/ui/card";
import { EmptyState } from "@/components/ui/empty-state";
import { Input, Select } from "@/components/ui/field";
import { formatDateTime, formatInt, namedCountry } from "@/components/ui/format";
import { PageHeader } from "@/components/ui/page-header";
import { Pagination } from "@/components/ui/pagination";
import { Table, TableHeader, TBody, TD, TR } from "@/components/ui/table";
import { getDb } from "@/lib/db";
import { userPrincipal } from "@/lib/auth";
import { jobView } from "@/lib/marketing/jobs/job";
import { findRecentImportJob } from "@/lib/marketing/jobs/import-customers-job";
import { findRecentCustomersExportJob } from "@/lib/marketing/jobs/export-customers-job";
import { customerFilterOptions, searchCustomers, ZCustomerListQuery, type TCustomerListFilters, type TCustomerListQuery } from "@/lib/marketing/customers/search-customers";
import { can, canSearchPartOfNumbers, displayPhone } from "@/lib/marketing/users/permissions";
import { flatParams, hrefWith, type SearchParams } from "../_lib/search-params";
import { requirePageUser } from "../_lib/session";

export const metadata: Metadata = { title: "Customers" };
// the CSV import action runs here: it checks the file (at most 100,000 rows) and stages it, then works the
// import job after the answer for up to this long; what is left the page's polls resume
export const maxDuration = 300;

export default async function CustomersPage({ searchParams }: { searchParams: Promise<SearchParams> }) {
  const user = await requirePageUser();
  const params = flatParams(await searchParams);
  const { import: _import, ...filters } = params;
  const query = ZCustomerListQuery.parse(filters);
  const db = getDb();
  const [list, options] = await Promise.all([searchCustomers({ db, query, role: user.role }), customerFilterOptions({ db })]);
  // the user's latest import: one under way is shown (with its progress) even when the card was closed
  const now = new Date();
  const actor = userPrincipal(user).actor;
  const [[recentImport, reading], recentExport] = await Promise.all([
    can(user.role, "change") ? Promise.all([findRecentImportJob({ db, actor, now }), phoneReading(db)]) : Promise.resolve([null, null] as const),
    // the user's latest customers export still kept: under way or ready to download after a reload
    findRecentCustomersExportJob({ db, actor, now }),
  ]);
  const importJob = recentImport && jobView(recentImport, now);
  const importing = importJob !== null && (importJob.status === "queued" || importJob.status === "running");
  const showImport = (params.import === "1" || importing) && can(user.role, "change");
  const filtered = Boolean(query.q || query.tier || query.city || query.tag || query.subscription || query.reachable);
  const subscribed = options.subscriptions.find((s) => s.value === "subscribed")?.count ?? 0;
  const all = options.subscriptions.reduce((a, s) => a + s.count, 0);
  const lastPage = Math.max(1, Math.ceil(list.total / query.pageSize));
  return (
    <>
      <PageHeader
        title="Customers"
        description={`${formatInt(all)} customers, ${formatInt(subscribed)} subscribed to marketing messages${
          options.notReachable > 0 ? `, ${formatInt(options.notReachable)} not reachable on WhatsApp` : ""
        }.`}
        actions={
          <>
            {can(user.role, "change") ? (
              <>
                <ButtonLink href="/customers/new" variant={showImport ? "primary" : "secondary"}>Add customer</ButtonLink>
                {!showImport ? <ButtonLink href={hrefWith("/customers", params, { import: 1 })}>Import CSV</ButtonLink> : null}
              </>
            ) : null}
            {/* what the table below shows: its filters, its count */}
            <CustomersExport filters={exportFilters(query)} count={list.total} initialJob={recentExport && jobView(recentExport, now)} />
          </>
        }
      />
      {showImport ? (
        <div className="mb-6">
          <CustomerImport closeHref={hrefWith("/customers", params, { import: null })} openHref={hrefWith("/customers", params, { import: 1 })} initialJob={importJob} defaultCountry={namedCountry(reading?.defaultCountry)} />
        </div>
      ) : null}
      <Card>
        <div className="border-b border-slate-100 px-4 py-4">
          <FilterForm>
            <div className="col-span-2 sm:w-64">
              <label htmlFor="q" className="mb-1 block text-xs font-medium text-slate-600">
                Search
              </label>
              <Input id="q" name="q" type="search" placeholder={canSearchPartOfNumbers(user.role) ? "Name or phone number" : "Name or whole phone number"} defaultValue={query.q ?? ""} />
            </div>
            <FilterSelect id="tier" label="Tier" value={query.tier} options={options.tiers} />
            <FilterSelect id="city" label="City" value={query.city} options={options.cities} />
            <FilterSelect id="tag" label="Tag" value={query.tag} options={options.tags} />
            <div>
              <label htmlFor="subscription" className="mb-1 block text-xs font-medium text-slate-600">
                Subscription
              </label>
              <Select id="subscription" name="subscription" defaultValue={query.subscription ?? ""} className="w-full sm:w-40">
                <option value="">Any</option>
                <option value="subscribed">Subscribed</option>
                <option value="unsubscribed">Unsubscribed</option>
              </Select>
            </div>
            <div className="col-span-2 sm:col-auto">
              <label htmlFor="reachable" className="mb-1 block text-xs font-medium text-slate-600">
                WhatsApp
              </label>
              <Select id="reachable" name="reachable" defaultValue={query.reachable ?? ""} className="w-full sm:w-44">
                <option value="">All</option>
                <option value="no">Not reachable</option>
              </Select>
            </div>
            <Button type="submit" variant="secondary">
              Search
            </Button>
            {filtered ? (
              <ButtonLink href="/customers" variant="ghost">
                Clear
              </ButtonLink>
            ) : null}
          </FilterForm>
        </div>
        {list.rows.length === 0 && list.total > 0 ? (
          // a page past the last one (an old link, a hand-typed ?page=): the customers exist, this page has none of them
          <EmptyState
            title={`Page ${formatInt(query.page)} is past the end`}
            description={`${filtered ? "These filters match" : "There are"} ${formatInt(list.total)} ${list.total === 1 ? "customer" : "customers"} on ${formatInt(lastPage)} ${lastPage === 1 ? "page" : "pages"}.`}
            action={<ButtonLink href={hrefWith("/customers", params, { page: lastPage === 1 ? null : lastPage })} variant="secondary">Go to the last page</ButtonLink>}
          />
        ) : list.rows.length === 0 ? (
          <EmptyState
            title={filtered ? "No customers match these filters" : "No customers yet"}
            description={filtered ? "Try fewer filters or another search." : "Add a customer, import a CSV file or add customers through the API."}
          />
        ) : (
          <>
            <Table label="Customers">
              <TableHeader columns={["Customer", { label: "Phone", className: "hidden sm:table-cell" }, { label: "Tier", className: "hidden md:table-cell" }, { label: "City", className: "hidden md:table-cell" }, { label: "Tags", className: "hidden lg:table-cell" }, "Subscription"]} />
              <TBody>
                {list.rows.map((c) => (
                  <TR key={c.id}>
                    <TD>
                      <Link href={`/customers/${c.id}`} className="font-medium text-slate-900 hover:text-brand-700 hover:underline">
                        {c.name || "Unnamed customer"}
                      </Link>
                      {!c.isActive ? <span className="ml-2 text-xs text-slate-500">inactive</span> : null}
                      {/* on phones the number sits under the name: as a column it pushed the table past the screen */}
                      <div className="font-mono text-xs tabular-nums text-slate-700 sm:hidden">{displayPhone(user.role, c.phone)}</div>
                      <div className="text-xs capitalize text-slate-500 md:hidden">{[c.tier, c.city].filter(Boolean).join(" · ")}</div>
                    </TD>
                    <TD className="hidden whitespace-nowrap font-mono text-xs tabular-nums sm:table-cell">{displayPhone(user.role, c.phone)}</TD>
                    <TD className="hidden capitalize md:table-cell">{c.tier ?? "—"}</TD>
                    <TD className="hidden whitespace-nowrap md:table-cell">{c.city ?? "—"}</TD>
                    <TD className="hidden lg:table-cell">
                      <div className="flex flex-wrap gap-1">
                        {c.tags.slice(0, 4).map((t) => (
                          <Badge key={t}>{t}</Badge>
                        ))}
                        {c.tags.length > 4 ? <span className="text-xs text-slate-500">+{c.tags.length - 4}</span> : null}
                      </div>
                    </TD>
                    <TD>
                      <div className="flex flex-wrap gap-1">
                        <SubscriptionBadge subscription={c.subscription} />
                        {c.undeliverableSince ? <NotReachableBadge since={c.undeliverableSince} /> : null}
                      </div>
                    </TD>
                  </TR>
                ))}
              </TBody>
            </Table>
            <Pagination page={query.page} pageSize={query.pageSize} total={list.total} hrefFor={(page) => hrefWith("/customers", params, { page })} />
          </>
        )}
      </Card>
    </>
  );
}

/** the table's filters without its paging: what an export exports */
function exportFilters({ page: _page, pageSize: _pageSize, ...filters }: TCustomerListQuery): TCustomerListFilters {
  return filters;
}

function NotReachableBadge({ since }: { since: Date }) {
  const note = `Not reachable on WhatsApp since ${formatDateTime(since)}: left out of audiences and skipped at sending.`;
  return (
    <span title={note}>
      <Badge tone="red">Not reachable</Badge>
      <span className="sr-only"> since {formatDateTime(since)}</span>
    </span>
  );
}

function FilterSelect({ id, label, value, options }: { id: string; label: string; value?: string; options: Array<{ value: string; count: number }> }) {
  // the filter matches in any case (tier=gold is "Gold"): the select shows the option it matched, or the
  // value itself when it is not among the listed ones, never "Any" while a filter applies
  const matched = value ? options.find((o) => o.value.toLowerCase() === value.toLowerCase())?.value : undefined;
  return (
    <div>
      <label htmlFor={id} className="mb-1 block text-xs font-medium text-slate-600">
        {label}
      </label>
      <Select id={id} name={id} defaultValue={matched ?? value ?? ""} className="w-full sm:w-40">
        <option value="">Any</option>
        {value && !matched ? <option value={value}>{value}</option> : null}
        {options.map((o) => (
          <option key={o.value} value={o.value}>
            {o.value} ({formatInt(o.count)})
          </option>
        ))}
      </Select>
    </div>
  );
}
