/**
 * Viewers see phone numbers masked in the API's lists as on the dashboard's pages and in exports (a viewer
 * token, or a viewer's session opening the API's URL, used to get every number whole), and find a number
 * only by typing it whole: a search on part of a number, with its total, would read the numbers digit by digit.
 */
import { describe, expect, it, vi } from "vitest";

vi.mock("server-only", () => ({}));
import { call, engineSuite } from "../engine/support";
import { customers, recipients } from "./routes";
import { createApiToken } from "@/lib/marketing/auth/api-tokens";

const { e } = await engineSuite({ noTemplateLibrary: true });

describe("phone numbers for viewers over the API", () => {
  it("the customer and recipient lists mask them, and a search needs the whole number", async () => {
    const viewer = (await createApiToken({ db: e.db, name: "viewer", role: "viewer", createdById: null, now: new Date() })).token;
    const marketer = (await createApiToken({ db: e.db, name: "marketer", role: "marketer", createdById: null, now: new Date() })).token;
    await call(customers.POST, { body: { customers: [{ phone: "+1 469 465 2751", name: "Ann" }, { phone: "+1 469 465 2752", name: "Bob" }] } });
    const c = await e.db.marketingCampaign.create({ data: { name: "Spring", templateName: "promo", languageCode: "en_US", status: "draft" } });
    await call(recipients.POST, { params: { campaignId: c.id }, body: { phone_numbers: ["+14694652751", "+14694652752"] } });

    const list = await call(customers.GET, { token: viewer });
    expect(list.status).toBe(200);
    expect(list.body.customers.map((x: { phone: string }) => x.phone).sort()).toEqual(["+14•••••••51", "+14•••••••52"]);
    const rows = await call(recipients.GET, { token: viewer, params: { campaignId: c.id } });
    expect(rows.body.recipients.map((x: { phone_number: string }) => x.phone_number)).toEqual(["+14•••••••51", "+14•••••••52"]);
    // other roles get them whole
    expect((await call(customers.GET, { token: marketer })).body.customers.map((x: { phone: string }) => x.phone).sort()).toEqual(["14694652751", "14694652752"]);
    expect((await call(recipients.GET, { token: marketer, params: { campaignId: c.id } })).body.recipients[0].phone_number).toBe("14694652751");

    // part of a number finds nothing for a viewer (not even a count); the whole number finds its one
    expect((await call(customers.GET, { token: viewer, query: { q: "1469465" } })).body).toMatchObject({ total: 0, customers: [] });
    expect((await call(customers.GET, { token: viewer, query: { q: "+14694652752" } })).body).toMatchObject({ total: 1, customers: [{ name: "Bob", phone: "+14•••••••52" }] });
    expect((await call(customers.GET, { token: viewer, query: { q: "Ann" } })).body).toMatchObject({ total: 1 });
    expect((await call(recipients.GET, { token: viewer, params: { campaignId: c.id }, query: { phone: "1469" } })).body).toMatchObject({ total: 0, recipients: [] });
    expect((await call(recipients.GET, { token: viewer, params: { campaignId: c.id }, query: { phone: "14694652751" } })).body).toMatchObject({ total: 1 });
    expect((await call(recipients.GET, { token: marketer, params: { campaignId: c.id }, query: { phone: "1469" } })).body).toMatchObject({ total: 2 });
  });
});
