/**
 * What every server process does once when it starts (instrumentation.ts register(), on `next start` and
 * on each serverless instance alike): refuse a configuration it must not run with, then create the first
 * admin from ADMIN_EMAIL / ADMIN_PASSWORD while the workspace has no user, and fill an empty sandbox
 * template library (pages only read it).
 */
import { getDb } from "@/lib/db";
import { EnvError, getEnv, isSandbox, type Env } from "@/lib/env";
import { AppError } from "@/lib/marketing/errors";
import { fillEmptySandboxLibrary } from "@/lib/marketing/templates/sync-templates";
import { ensureFirstAdmin, parseFirstAdmin } from "@/lib/marketing/users/ensure-first-admin";
import { getTemplatesApi } from "@/lib/server/templates";

/** Stops the process with one message when the configuration is unusable. */
function fatal(message: string): never {
  console.error(`\n✗ ${message}\n`);
  process.exit(1);
}

export async function onServerStart(): Promise<void> {
  let env: Env;
  try {
    env = getEnv();
  } catch (error) {
    if (error instanceof EnvError) fatal(error.message);
    throw error;
  }
  if (env.ADMIN_EMAIL !== undefined || env.ADMIN_PASSWORD !== undefined) {
    try {
      parseFirstAdmin({ email: env.ADMIN_EMAIL, password: env.ADMIN_PASSWORD });
    } catch (error) {
      if (error instanceof AppError) fatal(error.message);
      throw error;
    }
  }
  if (env.NODE_ENV === "production" && isSandbox(env)) {
    console.warn("[startup] SANDBOX=1: WhatsApp is simulated, no message reaches a phone.");
  }
  await createFirstAdmin(env);
  await fillSandboxLibrary();
}

/** A database not reachable or not migrated yet leaves the library empty: the cron's hourly sync or Sync now fills it. */
async function fillSandboxLibrary(): Promise<void> {
  try {
    if (await fillEmptySandboxLibrary({ db: getDb(), now: new Date(), api: getTemplatesApi() })) console.log("[startup] Filled the sandbox template library.");
  } catch (error) {
    console.warn(`[startup] The sandbox template library could not be filled yet (${error instanceof Error ? error.message.split("\n")[0] : "unknown error"}).`);
  }
}

let firstAdminDone: Promise<void> | undefined;

/**
 * Creates the first admin when no user exists (once per process; the domain makes it once overall).
 * A database that is not reachable or not migrated yet only postpones it: the sign-in page tries again.
 */
export function createFirstAdmin(env: Env = getEnv()): Promise<void> {
  firstAdminDone ??= (async () => {
    const db = getDb();
    if (!env.ADMIN_EMAIL || !env.ADMIN_PASSWORD) {
      if (env.NODE_ENV === "production" && (await db.user.count()) === 0) {
        console.warn("[startup] No user exists and ADMIN_EMAIL / ADMIN_PASSWORD are not set: nobody can sign in. Set both and restart.");
      }
      return;
    }
    const result = await ensureFirstAdmin({ db, now: new Date(), email: env.ADMIN_EMAIL, password: env.ADMIN_PASSWORD });
    if (result.created) console.log(`[startup] Created the first admin ${result.email} (from ADMIN_EMAIL).`);
  })().catch((error: unknown) => {
    firstAdminDone = undefined;
    if (error instanceof AppError) throw error;
    console.warn(`[startup] The first admin could not be created yet (${error instanceof Error ? error.message.split("\n")[0] : "unknown error"}); retrying at the next sign-in.`);
  });
  return firstAdminDone;
}
