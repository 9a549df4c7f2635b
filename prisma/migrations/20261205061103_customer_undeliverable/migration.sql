-- AlterTable
ALTER TABLE "user_profiles" ADD COLUMN     "undeliverable_count" INTEGER NOT NULL DEFAULT 0,
ADD COLUMN     "undeliverable_last_at" TIMESTAMPTZ(3),
ADD COLUMN     "undeliverable_since" TIMESTAMPTZ(3);

-- AlterTable
ALTER TABLE "settings" ADD COLUMN     "undeliverable_after" INTEGER NOT NULL DEFAULT 3;

-- a new number is a new chance: the undeliverable mark and its count belong to the number that failed
-- (a number change reported by WhatsApp, an import that corrects it, an erasure)
CREATE OR REPLACE FUNCTION user_profiles_market_follows_number() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF NEW.market IS NOT DISTINCT FROM OLD.market THEN
    NEW.market := NULL;
  END IF;
  NEW.undeliverable_count := 0;
  NEW.undeliverable_last_at := NULL;
  NEW.undeliverable_since := NULL;
  RETURN NEW;
END $$;

ALTER TABLE settings ADD CONSTRAINT settings_undeliverable_after_range CHECK (undeliverable_after BETWEEN 0 AND 100);

-- the customers marked not reachable (the customers list's filter): few, so a small partial index
CREATE INDEX user_profiles_undeliverable_since_idx ON user_profiles (undeliverable_since) WHERE undeliverable_since IS NOT NULL;
