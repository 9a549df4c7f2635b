import path from "node:path";
import { defineConfig } from "prisma/config";
import { PrismaPg } from "@prisma/adapter-pg";

type ScriptAdapter = {
  executeScript(script: string): Promise<void>;
  underlyingDriver(): { query(sql: string): Promise<unknown> };
  onError(error: unknown): never;
};

/**
 * Prisma 6.19 with the JS engine: no binary is downloaded, migrations run through the pg adapter.
 * The adapter's executeScript splits a migration on every ';', which breaks PL/pgSQL function bodies
 * (our counter triggers), so migrations are sent whole, as one multi-statement query: PostgreSQL
 * runs that as a single implicit transaction, so a failing migration leaves nothing half-applied.
 */
function pgAdapter(connectionString: string) {
  // allowExitOnIdle: the CLI exits as soon as its work is done; without it, pg's pool keeps its idle
  // connection for idleTimeoutMillis (10 s) and `migrate deploy` sat idle that long after its last migration
  const factory = new PrismaPg({ connectionString, allowExitOnIdle: true });
  const connect = factory.connect.bind(factory);
  factory.connect = async () => {
    const adapter = await connect();
    const scriptable = adapter as unknown as ScriptAdapter;
    scriptable.executeScript = async (script: string) => {
      try {
        await scriptable.underlyingDriver().query(script);
      } catch (error) {
        scriptable.onError(error);
      }
    };
    return adapter;
  };
  return factory;
}

export default defineConfig({
  experimental: { adapter: true },
  engine: "js",
  schema: path.join("prisma", "schema.prisma"),
  migrations: { path: path.join("prisma", "migrations"), seed: "tsx prisma/seed.ts" },
  adapter: async () => {
    const url = process.env.DATABASE_URL;
    if (!url) throw new Error("DATABASE_URL is not set: run `npm run dev` (embedded database) or set it.");
    return pgAdapter(url);
  },
});
