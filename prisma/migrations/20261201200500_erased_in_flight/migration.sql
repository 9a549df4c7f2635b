-- Hand-written: erasure covers a batch in flight. A send claimed before the customer was erased may
-- finish after it; its outcome is recorded (the campaign's totals stay true) but never the person's
-- identifiers again:
--   * an outbound message to a suppressed (erased) number is stored under the erased token, without
--     wa_id, body or payload;
--   * a recipient row already erased never gets a wa_id back.

CREATE OR REPLACE FUNCTION whatsapp_messages_scrub_erased() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF EXISTS (SELECT 1 FROM suppressed_numbers s WHERE s.phone_hash = encode(sha256(convert_to(NEW.phone_number, 'UTF8')), 'hex')) THEN
    NEW.phone_number := coalesce(
      (SELECT r.phone_number FROM campaign_recipients r WHERE r.id = NEW.recipient_id AND r.phone_number LIKE 'erased:%'),
      'erased:number');
    NEW.wa_id := NULL;
    NEW.body := NULL;
    NEW.payload := NULL;
  END IF;
  RETURN NEW;
END $$;

CREATE TRIGGER whatsapp_messages_scrub_erased
  BEFORE INSERT OR UPDATE OF phone_number ON whatsapp_messages
  FOR EACH ROW
  WHEN (NEW.direction = 'outbound' AND NEW.phone_number IS NOT NULL AND NEW.phone_number NOT LIKE 'erased:%')
  EXECUTE FUNCTION whatsapp_messages_scrub_erased();

CREATE OR REPLACE FUNCTION campaign_recipients_no_wa_id_when_erased() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  NEW.wa_id := NULL;
  RETURN NEW;
END $$;

CREATE TRIGGER campaign_recipients_no_wa_id_when_erased
  BEFORE UPDATE ON campaign_recipients
  FOR EACH ROW
  WHEN (NEW.wa_id IS NOT NULL AND NEW.phone_number LIKE 'erased:%')
  EXECUTE FUNCTION campaign_recipients_no_wa_id_when_erased();
