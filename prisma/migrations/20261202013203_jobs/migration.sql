-- CreateTable
CREATE TABLE "jobs" (
    "id" UUID NOT NULL,
    "kind" TEXT NOT NULL,
    "campaign_id" UUID,
    "user_id" UUID,
    "actor" TEXT NOT NULL,
    "status" TEXT NOT NULL DEFAULT 'queued',
    "input" JSONB NOT NULL DEFAULT '{}',
    "cursor" JSONB,
    "done_rows" INTEGER NOT NULL DEFAULT 0,
    "total_rows" INTEGER NOT NULL DEFAULT 0,
    "result" JSONB,
    "error_code" TEXT,
    "error_message" TEXT,
    "runner_id" UUID,
    "heartbeat_at" TIMESTAMPTZ(3),
    "attempts" INTEGER NOT NULL DEFAULT 0,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "started_at" TIMESTAMPTZ(3),
    "finished_at" TIMESTAMPTZ(3),
    "updated_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "jobs_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "jobs_campaign_id_created_at_idx" ON "jobs"("campaign_id", "created_at");

-- CreateIndex
CREATE INDEX "jobs_status_heartbeat_at_idx" ON "jobs"("status", "heartbeat_at");

-- the vocabularies
ALTER TABLE "jobs" ADD CONSTRAINT "jobs_status_check" CHECK (status IN ('queued', 'running', 'done', 'failed'));
ALTER TABLE "jobs" ADD CONSTRAINT "jobs_rows_check" CHECK (done_rows >= 0 AND total_rows >= 0);

-- one unfinished job per campaign: adding and activating the same campaign never run side by side
CREATE UNIQUE INDEX "jobs_one_open_per_campaign" ON "jobs" ("campaign_id") WHERE status IN ('queued', 'running') AND campaign_id IS NOT NULL;
