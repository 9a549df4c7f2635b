-- DropForeignKey
ALTER TABLE "campaign_market_counts" DROP CONSTRAINT "campaign_market_counts_campaign_id_fkey";

-- A deleted campaign's market counts go with it (after the cascade has deleted its recipients).
CREATE FUNCTION campaign_market_counts_gone() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  DELETE FROM campaign_market_counts m USING old_rows o WHERE m.campaign_id = o.id;
  RETURN NULL;
END $$;
CREATE TRIGGER campaign_market_counts_gone AFTER DELETE ON marketing_campaigns
  REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION campaign_market_counts_gone();
