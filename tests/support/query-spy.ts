/**
 * A Prisma client that records every `$queryRaw` it runs — the SQL text, and with `explain` its plan
 * (`EXPLAIN` run first on the same statement) — for tests that check which index a read uses or that a
 * read does not touch a table. With `explain: "generic"` the plan is the generic one (`EXPLAIN (GENERIC_PLAN)`,
 * no values): what a prepared statement runs after five runs, whatever the values.
 *
 *   const spy = querySpy(t.db, { explain: true });
 *   await searchRecipients({ db: spy.db, … });
 *   expect(spy.plans[0]).toMatch(/Index Scan using unique_campaign_recipient/);
 */
import { Prisma, type Db } from "@/lib/marketing/db";

export function querySpy(db: Db, { explain = false }: { explain?: boolean | "generic" } = {}) {
  const statements: string[] = [];
  const plans: string[] = [];
  const spied = new Proxy(db, {
    get(target, prop, receiver) {
      if (prop !== "$queryRaw") return Reflect.get(target, prop, receiver);
      return async (sql: Prisma.Sql) => {
        statements.push(sql.sql);
        if (explain) {
          const plan = explain === "generic"
            ? await target.$queryRawUnsafe<Array<{ "QUERY PLAN": string }>>(`EXPLAIN (GENERIC_PLAN) ${sql.text}`)
            : await target.$queryRaw<Array<{ "QUERY PLAN": string }>>(Prisma.sql`EXPLAIN ${sql}`);
          plans.push(plan.map((p) => p["QUERY PLAN"]).join("\n"));
        }
        return target.$queryRaw(sql);
      };
    },
  });
  return { db: spied, statements, plans };
}
