-- AlterTable
ALTER TABLE "settings" ADD COLUMN     "marketing_messages_activity_sharing" BOOLEAN,
ADD COLUMN     "marketing_messages_enabled" BOOLEAN NOT NULL DEFAULT false,
ADD COLUMN     "marketing_messages_policy" TEXT NOT NULL DEFAULT 'CLOUD_API_FALLBACK';

-- CreateTable
CREATE TABLE "campaign_media" (
    "campaign_id" UUID NOT NULL,
    "link" TEXT NOT NULL,
    "media_id" TEXT NOT NULL,
    "uploaded_at" TIMESTAMPTZ(3) NOT NULL,
    "expires_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "campaign_media_pkey" PRIMARY KEY ("campaign_id","link")
);

-- Meta's product_policy values only
ALTER TABLE "settings" ADD CONSTRAINT "settings_marketing_messages_policy_check" CHECK ("marketing_messages_policy" IN ('CLOUD_API_FALLBACK', 'STRICT'));

-- an uploaded header belongs to its campaign
ALTER TABLE "campaign_media" ADD CONSTRAINT "campaign_media_campaign_id_fkey" FOREIGN KEY ("campaign_id") REFERENCES "marketing_campaigns"("id") ON DELETE CASCADE ON UPDATE CASCADE;
