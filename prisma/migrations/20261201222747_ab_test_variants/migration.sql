-- AlterTable
ALTER TABLE "marketing_campaigns" ADD COLUMN     "ab_decision" JSONB,
ADD COLUMN     "ab_test" JSONB,
ADD COLUMN     "variants" JSONB;

-- AlterTable
ALTER TABLE "campaign_recipients" ADD COLUMN     "variant" SMALLINT;

-- CreateIndex
CREATE INDEX "campaign_recipients_campaign_id_variant_status_idx" ON "campaign_recipients"("campaign_id", "variant", "status");

-- a recipient's variant is an index into the campaign's 2–4 variants
ALTER TABLE "campaign_recipients" ADD CONSTRAINT "campaign_recipients_variant_range" CHECK (variant IS NULL OR variant BETWEEN 0 AND 3);
