import { describe, expect, it } from "vitest";
import { cn } from "@/components/ui/cn";

describe("cn", () => {
  it("lets a caller's class replace a component's class of the same utility", () => {
    expect(cn("px-4 py-3 text-slate-700", "px-3")).toBe("py-3 text-slate-700 px-3");
    expect(cn("text-slate-700 hover:bg-slate-100", "text-red-600 hover:bg-red-50")).toBe("text-red-600 hover:bg-red-50");
    expect(cn("block w-full h-10", "h-8 w-32")).toBe("block h-8 w-32");
  });
  it("keeps other variants and utilities, and drops falsy values", () => {
    expect(cn("px-4", "px-2 sm:px-4")).toBe("px-2 sm:px-4");
    expect(cn("text-sm text-slate-900", "text-xs")).toBe("text-slate-900 text-xs");
    expect(cn("rounded-lg", false, null, undefined, { "font-medium": true, hidden: false })).toBe("rounded-lg font-medium");
  });
});
