-- CreateTable
CREATE TABLE "job_rows" (
    "job_id" UUID NOT NULL,
    "row_no" INTEGER NOT NULL,
    "data" JSONB NOT NULL,

    CONSTRAINT "job_rows_pkey" PRIMARY KEY ("job_id","row_no")
);

-- CreateTable
CREATE TABLE "job_parts" (
    "job_id" UUID NOT NULL,
    "seq" INTEGER NOT NULL,
    "rows" INTEGER NOT NULL,
    "body" TEXT NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "job_parts_pkey" PRIMARY KEY ("job_id","seq")
);

-- CreateIndex
CREATE INDEX "jobs_kind_actor_created_at_idx" ON "jobs"("kind", "actor", "created_at");

-- AddForeignKey
ALTER TABLE "job_rows" ADD CONSTRAINT "job_rows_job_id_fkey" FOREIGN KEY ("job_id") REFERENCES "jobs"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "job_parts" ADD CONSTRAINT "job_parts_job_id_fkey" FOREIGN KEY ("job_id") REFERENCES "jobs"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- an export is per campaign and actor: it does not hold up (or wait for) adding the audience or activating,
-- of which a campaign still has at most one unfinished job
DROP INDEX "jobs_one_open_per_campaign";
CREATE UNIQUE INDEX "jobs_one_open_per_campaign" ON "jobs" ("campaign_id") WHERE status IN ('queued', 'running') AND campaign_id IS NOT NULL AND kind IN ('add_audience', 'activate');

COMMENT ON COLUMN "jobs"."kind" IS 'add_audience | activate (one unfinished per campaign) | export_recipients (per campaign and actor, file in job_parts) | import_customers (no campaign, rows staged in job_rows)';
