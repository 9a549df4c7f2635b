-- AlterTable
ALTER TABLE "marketing_campaigns" ADD COLUMN     "budget" DECIMAL(14,4);

-- AlterTable
ALTER TABLE "campaign_recipients" ADD COLUMN     "market" TEXT;

-- AlterTable
ALTER TABLE "whatsapp_messages" ADD COLUMN     "cost_amount" DECIMAL(14,6),
ADD COLUMN     "cost_currency" TEXT,
ADD COLUMN     "cost_market" TEXT,
ADD COLUMN     "cost_rate_card_id" UUID,
ADD COLUMN     "cost_set_at" TIMESTAMPTZ(3);

-- CreateTable
CREATE TABLE "rate_cards" (
    "id" UUID NOT NULL,
    "currency" TEXT NOT NULL,
    "effective_from" DATE NOT NULL,
    "source" TEXT NOT NULL,
    "created_by_id" UUID,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "rate_cards_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "rate_card_rates" (
    "card_id" UUID NOT NULL,
    "market" TEXT NOT NULL,
    "category" TEXT NOT NULL,
    "rate" DECIMAL(12,6) NOT NULL,

    CONSTRAINT "rate_card_rates_pkey" PRIMARY KEY ("card_id","market","category")
);

-- CreateTable
CREATE TABLE "campaign_cost_daily" (
    "campaign_id" UUID NOT NULL,
    "date" DATE NOT NULL,
    "currency" TEXT NOT NULL,
    "cost" DECIMAL(14,6) NOT NULL DEFAULT 0,
    "priced" INTEGER NOT NULL DEFAULT 0,
    "unpriced" INTEGER NOT NULL DEFAULT 0,

    CONSTRAINT "campaign_cost_daily_pkey" PRIMARY KEY ("campaign_id","date","currency")
);

-- CreateIndex
CREATE INDEX "rate_cards_effective_from_created_at_idx" ON "rate_cards"("effective_from", "created_at");

-- CreateIndex
CREATE INDEX "campaign_cost_daily_date_idx" ON "campaign_cost_daily"("date");

-- AddForeignKey
ALTER TABLE "rate_card_rates" ADD CONSTRAINT "rate_card_rates_card_id_fkey" FOREIGN KEY ("card_id") REFERENCES "rate_cards"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- Meta's published rate card shipped with the app (prisma/data/meta-rate-card-2025-07-01-usd.csv, generated from it):
-- USD per delivered template message, effective 2025-07-01. Admins upload newer cards in Settings.
INSERT INTO rate_cards (id, currency, effective_from, source, created_at)
VALUES ('6d657461-0000-4000-8000-202507010001', 'USD', DATE '2025-07-01', 'Meta rate card 2025-07-01 (prisma/data/meta-rate-card-2025-07-01-usd.csv)', '2025-07-01T00:00:00Z');
INSERT INTO rate_card_rates (card_id, market, category, rate) VALUES
  ('6d657461-0000-4000-8000-202507010001', 'Argentina', 'marketing', 0.0618),
  ('6d657461-0000-4000-8000-202507010001', 'Argentina', 'utility', 0.0289),
  ('6d657461-0000-4000-8000-202507010001', 'Argentina', 'authentication', 0.0289),
  ('6d657461-0000-4000-8000-202507010001', 'Brazil', 'marketing', 0.0625),
  ('6d657461-0000-4000-8000-202507010001', 'Brazil', 'utility', 0.0068),
  ('6d657461-0000-4000-8000-202507010001', 'Brazil', 'authentication', 0.0068),
  ('6d657461-0000-4000-8000-202507010001', 'Chile', 'marketing', 0.0889),
  ('6d657461-0000-4000-8000-202507010001', 'Chile', 'utility', 0.0200),
  ('6d657461-0000-4000-8000-202507010001', 'Chile', 'authentication', 0.0200),
  ('6d657461-0000-4000-8000-202507010001', 'Colombia', 'marketing', 0.0125),
  ('6d657461-0000-4000-8000-202507010001', 'Colombia', 'utility', 0.0002),
  ('6d657461-0000-4000-8000-202507010001', 'Colombia', 'authentication', 0.0002),
  ('6d657461-0000-4000-8000-202507010001', 'Egypt', 'marketing', 0.1073),
  ('6d657461-0000-4000-8000-202507010001', 'Egypt', 'utility', 0.0052),
  ('6d657461-0000-4000-8000-202507010001', 'Egypt', 'authentication', 0.0052),
  ('6d657461-0000-4000-8000-202507010001', 'Egypt', 'authentication_international', 0.0650),
  ('6d657461-0000-4000-8000-202507010001', 'France', 'marketing', 0.0859),
  ('6d657461-0000-4000-8000-202507010001', 'France', 'utility', 0.0300),
  ('6d657461-0000-4000-8000-202507010001', 'France', 'authentication', 0.0300),
  ('6d657461-0000-4000-8000-202507010001', 'Germany', 'marketing', 0.1365),
  ('6d657461-0000-4000-8000-202507010001', 'Germany', 'utility', 0.0550),
  ('6d657461-0000-4000-8000-202507010001', 'Germany', 'authentication', 0.0550),
  ('6d657461-0000-4000-8000-202507010001', 'India', 'marketing', 0.0107),
  ('6d657461-0000-4000-8000-202507010001', 'India', 'utility', 0.0014),
  ('6d657461-0000-4000-8000-202507010001', 'India', 'authentication', 0.0014),
  ('6d657461-0000-4000-8000-202507010001', 'India', 'authentication_international', 0.0280),
  ('6d657461-0000-4000-8000-202507010001', 'Indonesia', 'marketing', 0.0411),
  ('6d657461-0000-4000-8000-202507010001', 'Indonesia', 'utility', 0.0250),
  ('6d657461-0000-4000-8000-202507010001', 'Indonesia', 'authentication', 0.0250),
  ('6d657461-0000-4000-8000-202507010001', 'Indonesia', 'authentication_international', 0.1360),
  ('6d657461-0000-4000-8000-202507010001', 'Israel', 'marketing', 0.0353),
  ('6d657461-0000-4000-8000-202507010001', 'Israel', 'utility', 0.0053),
  ('6d657461-0000-4000-8000-202507010001', 'Israel', 'authentication', 0.0053),
  ('6d657461-0000-4000-8000-202507010001', 'Italy', 'marketing', 0.0691),
  ('6d657461-0000-4000-8000-202507010001', 'Italy', 'utility', 0.0300),
  ('6d657461-0000-4000-8000-202507010001', 'Italy', 'authentication', 0.0300),
  ('6d657461-0000-4000-8000-202507010001', 'Malaysia', 'marketing', 0.0860),
  ('6d657461-0000-4000-8000-202507010001', 'Malaysia', 'utility', 0.0140),
  ('6d657461-0000-4000-8000-202507010001', 'Malaysia', 'authentication', 0.0140),
  ('6d657461-0000-4000-8000-202507010001', 'Malaysia', 'authentication_international', 0.0418),
  ('6d657461-0000-4000-8000-202507010001', 'Mexico', 'marketing', 0.0305),
  ('6d657461-0000-4000-8000-202507010001', 'Mexico', 'utility', 0.0085),
  ('6d657461-0000-4000-8000-202507010001', 'Mexico', 'authentication', 0.0085),
  ('6d657461-0000-4000-8000-202507010001', 'Netherlands', 'marketing', 0.1597),
  ('6d657461-0000-4000-8000-202507010001', 'Netherlands', 'utility', 0.0500),
  ('6d657461-0000-4000-8000-202507010001', 'Netherlands', 'authentication', 0.0500),
  ('6d657461-0000-4000-8000-202507010001', 'Nigeria', 'marketing', 0.0516),
  ('6d657461-0000-4000-8000-202507010001', 'Nigeria', 'utility', 0.0067),
  ('6d657461-0000-4000-8000-202507010001', 'Nigeria', 'authentication', 0.0067),
  ('6d657461-0000-4000-8000-202507010001', 'Nigeria', 'authentication_international', 0.0750),
  ('6d657461-0000-4000-8000-202507010001', 'Pakistan', 'marketing', 0.0473),
  ('6d657461-0000-4000-8000-202507010001', 'Pakistan', 'utility', 0.0054),
  ('6d657461-0000-4000-8000-202507010001', 'Pakistan', 'authentication', 0.0054),
  ('6d657461-0000-4000-8000-202507010001', 'Pakistan', 'authentication_international', 0.0750),
  ('6d657461-0000-4000-8000-202507010001', 'Peru', 'marketing', 0.0703),
  ('6d657461-0000-4000-8000-202507010001', 'Peru', 'utility', 0.0200),
  ('6d657461-0000-4000-8000-202507010001', 'Peru', 'authentication', 0.0200),
  ('6d657461-0000-4000-8000-202507010001', 'Russia', 'marketing', 0.0802),
  ('6d657461-0000-4000-8000-202507010001', 'Russia', 'utility', 0.0400),
  ('6d657461-0000-4000-8000-202507010001', 'Russia', 'authentication', 0.0400),
  ('6d657461-0000-4000-8000-202507010001', 'Saudi Arabia', 'marketing', 0.0455),
  ('6d657461-0000-4000-8000-202507010001', 'Saudi Arabia', 'utility', 0.0115),
  ('6d657461-0000-4000-8000-202507010001', 'Saudi Arabia', 'authentication', 0.0115),
  ('6d657461-0000-4000-8000-202507010001', 'South Africa', 'marketing', 0.0379),
  ('6d657461-0000-4000-8000-202507010001', 'South Africa', 'utility', 0.0076),
  ('6d657461-0000-4000-8000-202507010001', 'South Africa', 'authentication', 0.0076),
  ('6d657461-0000-4000-8000-202507010001', 'South Africa', 'authentication_international', 0.0200),
  ('6d657461-0000-4000-8000-202507010001', 'Spain', 'marketing', 0.0615),
  ('6d657461-0000-4000-8000-202507010001', 'Spain', 'utility', 0.0200),
  ('6d657461-0000-4000-8000-202507010001', 'Spain', 'authentication', 0.0200),
  ('6d657461-0000-4000-8000-202507010001', 'Turkey', 'marketing', 0.0109),
  ('6d657461-0000-4000-8000-202507010001', 'Turkey', 'utility', 0.0053),
  ('6d657461-0000-4000-8000-202507010001', 'Turkey', 'authentication', 0.0053),
  ('6d657461-0000-4000-8000-202507010001', 'United Arab Emirates', 'marketing', 0.0384),
  ('6d657461-0000-4000-8000-202507010001', 'United Arab Emirates', 'utility', 0.0157),
  ('6d657461-0000-4000-8000-202507010001', 'United Arab Emirates', 'authentication', 0.0157),
  ('6d657461-0000-4000-8000-202507010001', 'United Kingdom', 'marketing', 0.0529),
  ('6d657461-0000-4000-8000-202507010001', 'United Kingdom', 'utility', 0.0220),
  ('6d657461-0000-4000-8000-202507010001', 'United Kingdom', 'authentication', 0.0220),
  ('6d657461-0000-4000-8000-202507010001', 'North America', 'marketing', 0.0250),
  ('6d657461-0000-4000-8000-202507010001', 'North America', 'utility', 0.0040),
  ('6d657461-0000-4000-8000-202507010001', 'North America', 'authentication', 0.0135),
  ('6d657461-0000-4000-8000-202507010001', 'Rest of Africa', 'marketing', 0.0225),
  ('6d657461-0000-4000-8000-202507010001', 'Rest of Africa', 'utility', 0.0040),
  ('6d657461-0000-4000-8000-202507010001', 'Rest of Africa', 'authentication', 0.0040),
  ('6d657461-0000-4000-8000-202507010001', 'Rest of Asia Pacific', 'marketing', 0.0732),
  ('6d657461-0000-4000-8000-202507010001', 'Rest of Asia Pacific', 'utility', 0.0113),
  ('6d657461-0000-4000-8000-202507010001', 'Rest of Asia Pacific', 'authentication', 0.0113),
  ('6d657461-0000-4000-8000-202507010001', 'Rest of Central & Eastern Europe', 'marketing', 0.0860),
  ('6d657461-0000-4000-8000-202507010001', 'Rest of Central & Eastern Europe', 'utility', 0.0212),
  ('6d657461-0000-4000-8000-202507010001', 'Rest of Central & Eastern Europe', 'authentication', 0.0212),
  ('6d657461-0000-4000-8000-202507010001', 'Rest of Latin America', 'marketing', 0.0740),
  ('6d657461-0000-4000-8000-202507010001', 'Rest of Latin America', 'utility', 0.0113),
  ('6d657461-0000-4000-8000-202507010001', 'Rest of Latin America', 'authentication', 0.0113),
  ('6d657461-0000-4000-8000-202507010001', 'Rest of Middle East', 'marketing', 0.0341),
  ('6d657461-0000-4000-8000-202507010001', 'Rest of Middle East', 'utility', 0.0091),
  ('6d657461-0000-4000-8000-202507010001', 'Rest of Middle East', 'authentication', 0.0091),
  ('6d657461-0000-4000-8000-202507010001', 'Rest of Western Europe', 'marketing', 0.0592),
  ('6d657461-0000-4000-8000-202507010001', 'Rest of Western Europe', 'utility', 0.0171),
  ('6d657461-0000-4000-8000-202507010001', 'Rest of Western Europe', 'authentication', 0.0171),
  ('6d657461-0000-4000-8000-202507010001', 'Other', 'marketing', 0.0604),
  ('6d657461-0000-4000-8000-202507010001', 'Other', 'utility', 0.0077),
  ('6d657461-0000-4000-8000-202507010001', 'Other', 'authentication', 0.0077);

ALTER TABLE rate_card_rates ADD CONSTRAINT rate_card_rates_category_check CHECK (category IN ('marketing', 'utility', 'authentication', 'authentication_international'));
ALTER TABLE rate_card_rates ADD CONSTRAINT rate_card_rates_rate_check CHECK (rate >= 0);
ALTER TABLE marketing_campaigns ADD CONSTRAINT marketing_campaigns_budget_check CHECK (budget IS NULL OR budget >= 0);

-- recipients whose market is still to be worked out (filled in lazily, in bulk, by lib/marketing/cost)
CREATE INDEX campaign_recipients_market_missing_idx ON campaign_recipients (campaign_id) WHERE market IS NULL;
-- the spend of a campaign's messages (recounts, per-delivered cost)
CREATE INDEX whatsapp_messages_campaign_cost_idx ON whatsapp_messages (campaign_id) WHERE cost_set_at IS NOT NULL;

-- a campaign paused because its budget cannot pay for the next message
ALTER TABLE marketing_campaigns DROP CONSTRAINT "marketing_campaigns_paused_by_check";
ALTER TABLE marketing_campaigns ADD CONSTRAINT "marketing_campaigns_paused_by_check"
  CHECK (paused_by IS NULL OR paused_by IN ('user', 'failure_guard', 'template', 'account', 'budget'));
