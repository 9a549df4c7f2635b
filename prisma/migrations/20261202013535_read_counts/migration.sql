-- CreateTable
CREATE TABLE "campaign_market_counts" (
    "campaign_id" UUID NOT NULL,
    "market" TEXT NOT NULL,
    "recipients" INTEGER NOT NULL DEFAULT 0,

    CONSTRAINT "campaign_market_counts_pkey" PRIMARY KEY ("campaign_id","market")
);

-- CreateTable
CREATE TABLE "audience_counts" (
    "key" TEXT NOT NULL,
    "count" INTEGER,
    "counted_at" TIMESTAMPTZ(3),
    "refresh_started_at" TIMESTAMPTZ(3),

    CONSTRAINT "audience_counts_pkey" PRIMARY KEY ("key")
);

-- AddForeignKey
ALTER TABLE "campaign_market_counts" ADD CONSTRAINT "campaign_market_counts_campaign_id_fkey" FOREIGN KEY ("campaign_id") REFERENCES "marketing_campaigns"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- campaign_market_counts: per campaign and market, the recipients that are not skipped (what the cost
-- estimate prices). Statement triggers with transition tables fold each statement's change set-based;
-- a statement that moves no recipient in or out of a (campaign, market) — every status change but a skip —
-- writes nothing. Rows are upserted in (campaign_id, market) order so concurrent writers lock them in the
-- same order. Deletes only decrement existing rows: recipients deleted with their campaign (ON DELETE
-- CASCADE) find the campaign's counts already gone and write nothing.
CREATE FUNCTION campaign_market_counts_fold() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'INSERT' THEN
    INSERT INTO campaign_market_counts AS t (campaign_id, market, recipients)
    SELECT campaign_id, market, count(*) FROM new_rows
    WHERE market IS NOT NULL AND status <> 'skipped'
    GROUP BY campaign_id, market ORDER BY campaign_id, market
    ON CONFLICT (campaign_id, market) DO UPDATE SET recipients = t.recipients + excluded.recipients;
  ELSIF TG_OP = 'UPDATE' THEN
    INSERT INTO campaign_market_counts AS t (campaign_id, market, recipients)
    SELECT d.campaign_id, d.market, d.n FROM (
      SELECT campaign_id, market, sum(n)::int AS n FROM (
        SELECT campaign_id, market, 1 AS n FROM new_rows WHERE market IS NOT NULL AND status <> 'skipped'
        UNION ALL
        SELECT campaign_id, market, -1 FROM old_rows WHERE market IS NOT NULL AND status <> 'skipped'
      ) x GROUP BY campaign_id, market HAVING sum(n) <> 0
    ) d
    ORDER BY d.campaign_id, d.market
    ON CONFLICT (campaign_id, market) DO UPDATE SET recipients = t.recipients + excluded.recipients;
  ELSE
    UPDATE campaign_market_counts t SET recipients = t.recipients - d.n
    FROM (
      SELECT campaign_id, market, count(*)::int AS n FROM old_rows
      WHERE market IS NOT NULL AND status <> 'skipped' GROUP BY campaign_id, market
    ) d
    WHERE t.campaign_id = d.campaign_id AND t.market = d.market;
  END IF;
  RETURN NULL;
END $$;

CREATE TRIGGER campaign_market_counts_ins AFTER INSERT ON campaign_recipients
  REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION campaign_market_counts_fold();
CREATE TRIGGER campaign_market_counts_upd AFTER UPDATE ON campaign_recipients
  REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION campaign_market_counts_fold();
CREATE TRIGGER campaign_market_counts_del AFTER DELETE ON campaign_recipients
  REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION campaign_market_counts_fold();

INSERT INTO campaign_market_counts (campaign_id, market, recipients)
SELECT campaign_id, market, count(*) FROM campaign_recipients
WHERE market IS NOT NULL AND status <> 'skipped' GROUP BY campaign_id, market;
