import { describe, expect, it } from "vitest";
import { createRateLimiter } from "./rate-limiter";

describe("createRateLimiter", () => {
  it("never lets more than N start in any second, and keeps close to N per second", async () => {
    const limiter = createRateLimiter(100);
    const starts: number[] = [];
    const t0 = performance.now();
    await Promise.all(Array.from({ length: 150 }, async () => {
      await limiter.acquire();
      starts.push(performance.now());
    }));
    const elapsed = performance.now() - t0;
    for (let i = 0; i + 100 < starts.length; i++) expect(starts[i + 100] - starts[i]).toBeGreaterThanOrEqual(1000);
    expect(elapsed).toBeGreaterThanOrEqual(1000);
    expect(elapsed).toBeLessThan(1700);
  });
});
