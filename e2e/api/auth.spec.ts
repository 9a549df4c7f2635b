import { expect, test } from "@playwright/test";
import { E2E_API_TOKEN } from "../support/env";

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

test("the app has its icon in the browser's tab and on a phone's home screen, also signed out", async ({ request }) => {
  const html = await (await request.get("/login")).text();
  const links = [...html.matchAll(/<link rel="(icon|apple-touch-icon)" href="([^"]+)"[^>]*>/g)].map((m) => ({ rel: m[1], href: m[2] }));
  expect(links.map((l) => l.rel).sort()).toEqual(["apple-touch-icon", "icon", "icon"]);
  for (const l of links) {
    const res = await request.get(l.href, { maxRedirects: 0 });
    expect(res.status(), l.href).toBe(200);
    expect(res.headers()["content-type"], l.href).toMatch(/^image\/(x-icon|vnd\.microsoft\.icon|svg\+xml|png)/);
  }
  // what a browser asks for without reading the page
  const ico = await request.get("/favicon.ico", { maxRedirects: 0 });
  expect(ico.status()).toBe(200);
});

test("an /api path no route serves answers JSON 404 with a request id (401 signed out); real routes still win", async ({ request }) => {
  const auth = { authorization: `Bearer ${E2E_API_TOKEN}` };
  for (const [method, path] of [["GET", "/api/marketing/nonexistent"], ["POST", "/api/marketing/campaigns/00000000-0000-4000-8000-000000000000/launch"], ["DELETE", "/api/nothing/here"]] as const) {
    const res = await request.fetch(path, { method, headers: auth, maxRedirects: 0 });
    expect(res.status(), `${method} ${path}`).toBe(404);
    expect(res.headers()["content-type"]).toContain("application/json");
    expect(res.headers()["x-request-id"]).toBeTruthy();
    expect((await res.json()).error.code).toBe("NOT_FOUND");
    // signed out, it tells nothing about which paths exist
    expect((await request.fetch(path, { method, maxRedirects: 0 })).status(), `${method} ${path} signed out`).toBe(401);
  }
  // the catch-all takes nothing from the real routes: these still answer for themselves
  expect((await request.get("/api/marketing/campaigns?limit=1", { headers: auth })).status()).toBe(200);
  expect((await request.get("/api/auth/providers")).status()).toBe(200);
  expect((await request.get("/api/whatsapp/webhook")).status()).toBe(403);
});
