import { describe, expect, it } from "vitest";
import { formatMoney, moneyAxis } from "@/components/cost/money";
import { everySpendDay } from "@/lib/marketing/cost/spend";

const labels = (values: number[]) => {
  const { ticks, digits } = moneyAxis(values);
  return ticks.map((t) => formatMoney(t, "USD", digits));
};

describe("the spend chart's money axis", () => {
  it("writes every tick with the same decimals: 2 for dollar amounts (not $0.9000 beside $1.80)", () => {
    expect(labels([0.93, 1.8, 0.12])).toEqual(["$0.00", "$0.50", "$1.00", "$1.50", "$2.00"]);
    expect(labels([17.15, 3.2])).toEqual(["$0.00", "$5.00", "$10.00", "$15.00", "$20.00"]);
    expect(labels([0.2])).toEqual(["$0.00", "$0.05", "$0.10", "$0.15", "$0.20"]);
  });

  it("keeps more decimals only when all the values are tiny, and then for every tick", () => {
    // cents still write these ticks exactly
    expect(labels([0.0107, 0.0529])).toEqual(["$0.00", "$0.02", "$0.04", "$0.06"]);
    // one India message a day ($0.0107): steps of half a cent, then of a quarter cent
    expect(labels([0.0107, 0.009])).toEqual(["$0.000", "$0.005", "$0.010", "$0.015"]);
    expect(labels([0.0092])).toEqual(["$0.0000", "$0.0025", "$0.0050", "$0.0075", "$0.0100"]);
    expect(labels([0.1])).toEqual(["$0.000", "$0.025", "$0.050", "$0.075", "$0.100"]);
  });

  it("has one tick at 0 when nothing was spent", () => {
    expect(moneyAxis([0, 0])).toEqual({ ticks: [0], digits: 2 });
    expect(moneyAxis([])).toEqual({ ticks: [0], digits: 2 });
  });

  it("formats an amount with its own decimals unless told", () => {
    expect(formatMoney(0.95, "USD")).toBe("$0.9500");
    expect(formatMoney(0.95, "USD", 2)).toBe("$0.95");
    expect(formatMoney(1.8, "USD")).toBe("$1.80");
  });
});

describe("a campaign's spend per day", () => {
  it("has every day from its first to its last day with spend, 0 where nothing was billed", () => {
    expect(everySpendDay([{ date: "2026-02-27", cost: 1.2 }, { date: "2026-03-02", cost: 0.5 }])).toEqual([
      { date: "2026-02-27", cost: 1.2 },
      { date: "2026-02-28", cost: 0 },
      { date: "2026-03-01", cost: 0 },
      { date: "2026-03-02", cost: 0.5 },
    ]);
    expect(everySpendDay([])).toEqual([]);
  });

  it("goes on to today at 0 after the last spend, and shows a long campaign's last 90 days", () => {
    expect(everySpendDay([{ date: "2026-02-27", cost: 1.2 }], "2026-03-01")).toEqual([
      { date: "2026-02-27", cost: 1.2 },
      { date: "2026-02-28", cost: 0 },
      { date: "2026-03-01", cost: 0 },
    ]);
    // a today before the last spend (another time zone's day) never cuts spend off
    expect(everySpendDay([{ date: "2026-03-02", cost: 0.5 }], "2026-03-01")).toEqual([{ date: "2026-03-02", cost: 0.5 }]);
    const long = everySpendDay([{ date: "2026-01-01", cost: 1 }, { date: "2026-06-30", cost: 2 }], "2026-07-01");
    expect(long).toHaveLength(90);
    expect(long[0].date).toBe("2026-04-03");
    expect(long.at(-1)).toEqual({ date: "2026-07-01", cost: 0 });
  });
});
