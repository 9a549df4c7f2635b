/**
 * What a budget typed for a campaign that has already spent will do, said before it is saved. The rule is
 * budget.ts's: the processor claims a message only while budget − committed spend (actual + in flight)
 * still pays for it, and when not even the next message fits the campaign pauses (paused_by 'budget')
 * instead of sending it. So a budget that leaves no room beyond what is already spent and awaiting pricing
 * sends nothing more: the campaign pauses before its next message. (The processor also counts sent
 * messages still without pricing at the category's highest rate: the room is smaller still, never larger.)
 * A budget is still accepted there: lowering it is how a marketer stops the spending.
 */
export type BudgetRoom =
  | { kind: "room" }
  /** the budget is not above what is already spent (actual) plus what awaits pricing (in flight) */
  | { kind: "no_room"; below_spent: boolean; message: string };

export function budgetRoom(budget: number | null, spend: { actual: number; in_flight: number }, money: (amount: number) => string,
  /** the campaign's status: a paused campaign only meets the budget once it is resumed */
  status = "active"): BudgetRoom {
  const committed = spend.actual + spend.in_flight;
  if (budget === null || !Number.isFinite(budget) || budget < 0 || committed <= 0 || budget > committed) return { kind: "room" };
  const below_spent = budget < spend.actual;
  const spent = `the ${money(spend.actual)} already spent${spend.in_flight > 0 ? ` and ${money(spend.in_flight)} awaiting pricing` : ""}`;
  return {
    kind: "no_room",
    below_spent,
    message: `${below_spent ? "Below" : "No room beyond"} ${spent}: ${status === "paused"
      ? "once resumed, the campaign sends no further message and pauses again (paused by the budget) before its next one."
      : "no further message will be sent, and the campaign pauses automatically (paused by the budget) before its next message."}`,
  };
}
