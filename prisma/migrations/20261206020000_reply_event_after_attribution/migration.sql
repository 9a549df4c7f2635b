-- reply.received carried campaign_id null for every reply: the statement trigger fired AFTER INSERT of the
-- inbound message, before the applier's attribution (engagement/attribute-replies.ts) linked it to its
-- campaign in a later UPDATE of the same transaction. The event is now emitted at commit, per inbound
-- message (a deferred constraint trigger), from the row as the transaction leaves it.
DROP TRIGGER whatsapp_messages_outbound_events ON whatsapp_messages;

CREATE OR REPLACE FUNCTION outbound_inbound_message() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF NOT outbound_wanted(ARRAY['reply.received']) THEN RETURN NULL; END IF;
  PERFORM outbound_emit((
    SELECT jsonb_agg(jsonb_build_object(
      'type', 'reply.received',
      'data', jsonb_build_object('message_id', n.id, 'whatsapp_message_id', n.whatsapp_message_id, 'phone_number', n.phone_number,
        'wa_id', n.wa_id, 'campaign_id', n.campaign_id, 'message_type', n.message_type, 'body', n.body,
        'received_at', coalesce(n.received_at, n.created_at))))
    FROM whatsapp_messages n
    WHERE n.id = NEW.id AND n.direction = 'inbound'));
  RETURN NULL;
END $$;

CREATE CONSTRAINT TRIGGER whatsapp_messages_outbound_events
  AFTER INSERT ON whatsapp_messages DEFERRABLE INITIALLY DEFERRED
  FOR EACH ROW WHEN (NEW.direction = 'inbound') EXECUTE FUNCTION outbound_inbound_message();
