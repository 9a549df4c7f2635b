/** An export job's file as it is downloaded: its parts (job_parts) in order, read a few at a time, never the whole file in memory. */
import type { DbOrTx } from "../db";

export async function* readJobParts(db: DbOrTx, jobId: string): AsyncGenerator<string> {
  let after = -1;
  for (;;) {
    const parts = await db.jobPart.findMany({ where: { jobId, seq: { gt: after } }, orderBy: { seq: "asc" }, take: 4, select: { seq: true, body: true } });
    for (const p of parts) yield p.body;
    if (parts.length < 4) return;
    after = parts[parts.length - 1].seq;
  }
}
