-- DropForeignKey
ALTER TABLE "unpriced_sends" DROP CONSTRAINT "unpriced_sends_recipient_id_fkey";

-- Why: the foreign key's check locked every recipient (FOR KEY SHARE) in each insert of a message, a lock
-- nothing took before this table existed; against the processor's and the applier's row locks it could
-- close a deadlock cycle (seen once in readers-under-concurrency). The cascade it gave is kept by a
-- statement-level trigger: deleting recipients (a campaign deleted, a customer erased) deletes their rows.
CREATE FUNCTION unpriced_sends_on_recipient_delete() RETURNS trigger LANGUAGE plpgsql AS $fn$
BEGIN
  DELETE FROM unpriced_sends u USING old_recipients o WHERE u.recipient_id = o.id;
  RETURN NULL;
END
$fn$;
CREATE TRIGGER campaign_recipients_unpriced_sends
  AFTER DELETE ON campaign_recipients REFERENCING OLD TABLE AS old_recipients
  FOR EACH STATEMENT EXECUTE FUNCTION unpriced_sends_on_recipient_delete();
