-- AlterTable
ALTER TABLE "user_profiles" ADD COLUMN     "market" TEXT;

-- user_profiles.market is null or the market of the customer's current whatsapp_phone. The application sets
-- it from the parse that normalised the number (libphonenumber-js, which the database does not have). A
-- statement that changes the number and does not set a different market (a number change reported by
-- WhatsApp, an erasure) leaves it null: never the market of a number the customer no longer has. A null
-- market is computed again where one is needed (activation, the estimate).
CREATE FUNCTION user_profiles_market_follows_number() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF NEW.market IS NOT DISTINCT FROM OLD.market THEN
    NEW.market := NULL;
  END IF;
  RETURN NEW;
END $$;
CREATE TRIGGER user_profiles_market_follows_number BEFORE UPDATE OF whatsapp_phone ON user_profiles
  FOR EACH ROW WHEN (OLD.whatsapp_phone IS DISTINCT FROM NEW.whatsapp_phone)
  EXECUTE FUNCTION user_profiles_market_follows_number();

-- only a number has a market (an erased profile's token has none)
ALTER TABLE user_profiles ADD CONSTRAINT user_profiles_market_of_a_number
  CHECK (market IS NULL OR whatsapp_phone ~ '^[0-9]{6,15}$');
