/** zod's messages as people read them beside a field or in the API's error details (lib/zod.ts). */
import { describe, expect, it } from "vitest";
import { z } from "@/lib/zod";
import { issuesToDetails } from "@/lib/marketing/errors";
import { ZTrackedLinkParam } from "@/lib/whatsapp/components";

const message = (schema: z.ZodType, value: unknown) => {
  const r = schema.safeParse(value);
  return r.success ? null : r.error.issues[0].message;
};

describe("plain validation messages", () => {
  it("says what is wanted, in words", () => {
    expect(message(z.object({ name: z.string() }), {})).toBe("Required");
    expect(message(z.string().min(1), "")).toBe("Required");
    expect(message(z.string().min(3), "ab")).toBe("At least 3 characters");
    expect(message(z.string().max(200), "x".repeat(201))).toBe("At most 200 characters");
    expect(message(z.number().int().min(1).max(10), 0)).toBe("At least 1");
    expect(message(z.number().int().min(1).max(100_000), 100_001)).toBe("At most 100,000");
    expect(message(z.number().positive(), 0)).toBe("More than 0");
    expect(message(z.array(z.string()).min(1), [])).toBe("At least 1 item");
    expect(message(z.array(z.string()).max(10), Array(11).fill("a"))).toBe("At most 10 items");
    expect(message(z.number(), "250")).toBe("Expected a number");
    expect(message(z.number().int().min(1), null)).toBe("Required");
    expect(message(z.string(), 5)).toBe("Expected text");
    expect(message(z.string().url(), "not a url")).toBe("Not a URL: write the whole web address, like https://shop.example.com/page");
  });

  it("a link that is no URL gets one message, not also that it is not http(s)", () => {
    const all = (link: string) => {
      const r = ZTrackedLinkParam.safeParse({ type: "text", tracked_link: link });
      return r.success ? [] : r.error.issues.map((i) => i.message);
    };
    expect(all("")).toEqual(["must be an http(s) URL, like https://shop.example.com/page"]);
    expect(all("not a url")).toEqual(["must be an http(s) URL, like https://shop.example.com/page"]);
    expect(all("ftp://files.example.com/a.jpg")).toEqual(["must be an http(s) URL, like https://shop.example.com/page"]);
    expect(all("https://shop.example.com/sale")).toEqual([]);
  });

  it("a schema's own message still wins", () => {
    expect(message(z.string().min(1, "Give the campaign a name"), "")).toBe("Give the campaign a name");
    expect(message(z.email(), "nope")).toBe("Invalid email address");
  });

  it("an unknown field is named in the error's path (zod gives the object's path, empty at the top)", () => {
    const r = z.object({ name: z.string(), window: z.object({ start: z.string() }).strict() }).strict().safeParse({ name: "x", nmae: "y", colour: 1, window: { start: "09:00", stop: "10:00" } });
    expect(r.success).toBe(false);
    expect(issuesToDetails(r.error!.issues)).toEqual([
      { path: "window.stop", message: "Not a known field" },
      { path: "nmae", message: "Not a known field" },
      { path: "colour", message: "Not a known field" },
    ]);
  });
});
