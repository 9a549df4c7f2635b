import { expect, test } from "@playwright/test";

test("the login page is served and dashboard pages redirect signed-out visitors", async ({ request }) => {
  const login = await request.get("/login");
  expect(login.status()).toBe(200);

  // every dashboard page sends a signed-out visitor to /login, with the way back in callbackUrl
  for (const page of ["/overview", "/campaigns", "/customers?q=ada", "/templates", "/settings", "/audit", "/api-reference"]) {
    const res = await request.get(page, { maxRedirects: 0 });
    expect(res.status(), page).toBe(307);
    const to = new URL(res.headers()["location"], "http://placeholder");
    expect(to.pathname, page).toBe("/login");
    expect(to.searchParams.get("callbackUrl"), page).toBe(page);
  }
  // the root has nothing to come back to
  const root = await request.get("/", { maxRedirects: 0 });
  expect(root.status()).toBe(307);
  const rootTo = new URL(root.headers()["location"], "http://placeholder");
  expect(rootTo.pathname).toBe("/login");
  expect(rootTo.searchParams.get("callbackUrl")).toBeNull();
  // followed, a redirect ends on the login page itself
  const followed = await request.get("/campaigns");
  expect(followed.status()).toBe(200);
  expect(new URL(followed.url()).pathname).toBe("/login");

  // API routes answer for themselves: 401 JSON, not a redirect to a page
  const api = await request.get("/api/marketing/campaigns", { maxRedirects: 0 });
  expect(api.status()).toBe(401);
  expect((await api.json()).error.code).toBeTruthy();
});
