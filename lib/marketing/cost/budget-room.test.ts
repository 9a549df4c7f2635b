import { describe, expect, it } from "vitest";
import { budgetRoom } from "./budget-room";

const money = (v: number) => `$${v.toFixed(2)}`;

describe("budgetRoom: what a new budget does to a campaign that has spent", () => {
  it("warns when the budget is below what is already spent: the campaign pauses before its next message", () => {
    const r = budgetRoom(5, { actual: 17.15, in_flight: 0 }, money);
    expect(r).toEqual({
      kind: "no_room",
      below_spent: true,
      message: "Below the $17.15 already spent: no further message will be sent, and the campaign pauses automatically (paused by the budget) before its next message.",
    });
  });

  it("says what happens to a paused campaign: nothing until it is resumed, then the pause by the budget", () => {
    const r = budgetRoom(5, { actual: 17.15, in_flight: 0 }, money, "paused");
    expect(r.kind === "no_room" && r.message).toBe(
      "Below the $17.15 already spent: once resumed, the campaign sends no further message and pauses again (paused by the budget) before its next one.");
  });

  it("counts what awaits pricing as spent, as the processor's claim does", () => {
    const r = budgetRoom(17.5, { actual: 17.15, in_flight: 0.4 }, money);
    expect(r).toMatchObject({ kind: "no_room", below_spent: false });
    expect(r.kind === "no_room" && r.message).toMatch(/^No room beyond the \$17\.15 already spent and \$0\.40 awaiting pricing: /);
    // equal: the next message would not fit either
    expect(budgetRoom(17.15, { actual: 17.15, in_flight: 0 }, money).kind).toBe("no_room");
  });

  it("says nothing when the budget leaves room, there is no cap, nothing was spent, or the value is not a budget", () => {
    expect(budgetRoom(20, { actual: 17.15, in_flight: 0.4 }, money)).toEqual({ kind: "room" });
    expect(budgetRoom(null, { actual: 17.15, in_flight: 0 }, money)).toEqual({ kind: "room" });
    expect(budgetRoom(0, { actual: 0, in_flight: 0 }, money)).toEqual({ kind: "room" });
    // a negative or unreadable value is refused beside the field instead (ZBudget)
    expect(budgetRoom(-5, { actual: 17.15, in_flight: 0 }, money)).toEqual({ kind: "room" });
    expect(budgetRoom(Number.NaN, { actual: 17.15, in_flight: 0 }, money)).toEqual({ kind: "room" });
  });
});
