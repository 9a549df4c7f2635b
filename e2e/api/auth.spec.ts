import { expect, test } from "@playwright/test";

test("the login page is served and dashboard pages redirect signed-out visitors", async ({ request }) => {
  const login = await request.get("/login");
  expect(login.status()).toBe(200);
});
