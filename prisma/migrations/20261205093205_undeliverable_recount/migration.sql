-- AlterTable
ALTER TABLE "user_profiles" ADD COLUMN     "undeliverable_cleared_at" TIMESTAMPTZ(3);

-- a new number is a new chance: the undeliverable mark, its count and what cleared it belong to the number
-- that failed (a number change reported by WhatsApp, an import that corrects it, an erasure)
CREATE OR REPLACE FUNCTION user_profiles_market_follows_number() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF NEW.market IS NOT DISTINCT FROM OLD.market THEN
    NEW.market := NULL;
  END IF;
  NEW.undeliverable_count := 0;
  NEW.undeliverable_last_at := NULL;
  NEW.undeliverable_since := NULL;
  -- failures of the new number from before it was the customer's (someone else's, or the bare number's) count for nothing
  NEW.undeliverable_cleared_at := now();
  RETURN NEW;
END $$;
