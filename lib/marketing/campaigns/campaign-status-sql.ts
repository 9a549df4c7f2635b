/** The campaign state groups of campaign-status.ts as SQL: `c.status IN ${RUNNING_CAMPAIGN_SQL}` (bound values). */
import { Prisma } from "../db";
import { RUNNING_CAMPAIGN_STATUSES } from "./campaign-status";

export const RUNNING_CAMPAIGN_SQL = Prisma.sql`(${Prisma.join(RUNNING_CAMPAIGN_STATUSES)})`;
