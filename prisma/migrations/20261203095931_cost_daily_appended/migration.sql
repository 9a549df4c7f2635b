-- AlterTable
ALTER TABLE "campaign_cost_daily" DROP CONSTRAINT "campaign_cost_daily_pkey",
ADD COLUMN     "id" BIGSERIAL NOT NULL,
ADD CONSTRAINT "campaign_cost_daily_pkey" PRIMARY KEY ("id");

-- CreateIndex
CREATE INDEX "campaign_cost_daily_campaign_id_date_idx" ON "campaign_cost_daily"("campaign_id", "date");
