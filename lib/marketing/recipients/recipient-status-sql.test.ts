import { describe, expect, it } from "vitest";
import {
  ATTEMPTED_STATUSES, DELIVERED_STATUSES, IN_FLIGHT_STATUSES, MAYBE_SENT_STATUSES, NOT_YET_DELIVERED_STATUSES, PENDING_STATUSES,
  SEND_STARTED_STATUSES, SENT_STATUSES, stageOf,
} from "./recipient-status";
import {
  ATTEMPTED_SQL, ATTEMPTED_STAGES_SQL, DELIVERED_SQL, IN_FLIGHT_SQL, MAYBE_SENT_SQL, MAYBE_SENT_STAGES_SQL, NOT_YET_DELIVERED_SQL,
  PENDING_SQL, SEND_STARTED_SQL, SEND_STARTED_STAGES_SQL, SENT_SQL, SENT_STAGE_SQL,
} from "./recipient-status-sql";

describe("recipient status groups as SQL", () => {
  it.each([
    ["PENDING", PENDING_SQL, PENDING_STATUSES],
    ["SENT", SENT_SQL, SENT_STATUSES],
    ["DELIVERED", DELIVERED_SQL, DELIVERED_STATUSES],
    ["NOT_YET_DELIVERED", NOT_YET_DELIVERED_SQL, NOT_YET_DELIVERED_STATUSES],
    ["ATTEMPTED", ATTEMPTED_SQL, ATTEMPTED_STATUSES],
    ["IN_FLIGHT", IN_FLIGHT_SQL, IN_FLIGHT_STATUSES],
    ["MAYBE_SENT", MAYBE_SENT_SQL, MAYBE_SENT_STATUSES],
    ["SEND_STARTED", SEND_STARTED_SQL, SEND_STARTED_STATUSES],
  ] as const)("%s lists exactly the TypeScript group, as literals (nothing bound)", (_, sql, statuses) => {
    expect(sql.values).toEqual([]);
    const listed = [...sql.sql.matchAll(/'([a-z_]+)'/g)].map((m) => m[1]);
    expect(listed).toEqual([...statuses]);
    expect(sql.sql).toBe(`(${statuses.map((s) => `'${s}'`).join(", ")})`);
  });

  it.each([
    ["SENT", SENT_STAGE_SQL, SENT_STATUSES],
    ["ATTEMPTED", ATTEMPTED_STAGES_SQL, ATTEMPTED_STATUSES],
    ["MAYBE_SENT", MAYBE_SENT_STAGES_SQL, MAYBE_SENT_STATUSES],
    ["SEND_STARTED", SEND_STARTED_STAGES_SQL, SEND_STARTED_STATUSES],
  ] as const)("%s as stages lists exactly the stages of the group's statuses, as literals", (_, sql, statuses) => {
    expect(sql.values).toEqual([]);
    const listed = [...sql.sql.matchAll(/'([a-z_]+)'/g)].map((m) => m[1]);
    expect(listed).toEqual([...new Set(statuses.map(stageOf))]);
  });

  it("groups without an out state are their own stages", () => {
    for (const statuses of [PENDING_STATUSES, IN_FLIGHT_STATUSES]) expect(statuses.map(stageOf)).toEqual([...statuses]);
    expect(SENT_STATUSES.map(stageOf)).toEqual(["out", "out", "out", "out"]);
  });
});
