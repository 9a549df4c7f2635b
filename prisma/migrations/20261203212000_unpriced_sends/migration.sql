-- A campaign's sends whose pricing has not arrived yet, in a small table of their own instead of the partial
-- index whatsapp_messages_campaign_unpriced_idx (campaign_id) WHERE cost_set_at IS NULL: that index put
-- cost_set_at among the indexed columns, so the delivery applier's update of a message (its status, times,
-- pricing and cost, all in one statement) was never a heap-only (HOT) update and wrote an entry into every
-- index of whatsapp_messages. The budget check (cost/budget.ts) reads this table instead.

-- CreateTable
CREATE TABLE "unpriced_sends" (
    "recipient_id" UUID NOT NULL,
    "campaign_id" UUID NOT NULL,

    CONSTRAINT "unpriced_sends_pkey" PRIMARY KEY ("recipient_id")
);

-- CreateIndex
CREATE INDEX "unpriced_sends_campaign_id_idx" ON "unpriced_sends"("campaign_id");

-- AddForeignKey
ALTER TABLE "unpriced_sends" ADD CONSTRAINT "unpriced_sends_recipient_id_fkey" FOREIGN KEY ("recipient_id") REFERENCES "campaign_recipients"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- What the index held: every campaign send (a message with a recipient) not priced yet, one row per recipient.
INSERT INTO "unpriced_sends" ("recipient_id", "campaign_id")
SELECT DISTINCT m.recipient_id, m.campaign_id FROM whatsapp_messages m
WHERE m.direction = 'outbound' AND m.cost_set_at IS NULL AND m.recipient_id IS NOT NULL AND m.campaign_id IS NOT NULL
ON CONFLICT DO NOTHING;

-- Every recorded campaign send without a cost is added here, whoever records it (the processor's
-- finish-batch, the applier's proven sends, the demo data): one statement-level trigger. The applier
-- deletes the row in the statement that sets the message's cost (delivery/apply-statuses.ts).
CREATE FUNCTION unpriced_sends_on_message_insert() RETURNS trigger LANGUAGE plpgsql AS $fn$
BEGIN
  INSERT INTO unpriced_sends (recipient_id, campaign_id)
  SELECT n.recipient_id, n.campaign_id FROM new_messages n
  WHERE n.direction = 'outbound' AND n.cost_set_at IS NULL AND n.recipient_id IS NOT NULL AND n.campaign_id IS NOT NULL
  ORDER BY n.recipient_id
  ON CONFLICT DO NOTHING;
  RETURN NULL;
END
$fn$;
CREATE TRIGGER whatsapp_messages_unpriced_sends
  AFTER INSERT ON whatsapp_messages REFERENCING NEW TABLE AS new_messages
  FOR EACH STATEMENT EXECUTE FUNCTION unpriced_sends_on_message_insert();

DROP INDEX IF EXISTS whatsapp_messages_campaign_unpriced_idx;

-- Room on each page for a message's next version (its status update is HOT now: no indexed column changes).
ALTER TABLE whatsapp_messages SET (fillfactor = 85);
