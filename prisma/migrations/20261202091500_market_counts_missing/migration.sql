-- campaign_market_counts also counts the recipients that have no market yet, under the market '' (not
-- skipped, like the others): the cost estimate and the market assignment read that count instead of
-- searching campaign_recipients for rows without a market (at 1,000,000 recipients, after an activation
-- that set every market, that search read the whole table until VACUUM).
CREATE OR REPLACE FUNCTION campaign_market_counts_fold() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'INSERT' THEN
    INSERT INTO campaign_market_counts AS t (campaign_id, market, recipients)
    SELECT campaign_id, coalesce(market, ''), count(*) FROM new_rows
    WHERE status <> 'skipped'
    GROUP BY 1, 2 ORDER BY 1, 2
    ON CONFLICT (campaign_id, market) DO UPDATE SET recipients = t.recipients + excluded.recipients;
  ELSIF TG_OP = 'UPDATE' THEN
    INSERT INTO campaign_market_counts AS t (campaign_id, market, recipients)
    SELECT d.campaign_id, d.market, d.n FROM (
      SELECT campaign_id, market, sum(n)::int AS n FROM (
        SELECT campaign_id, coalesce(market, '') AS market, 1 AS n FROM new_rows WHERE status <> 'skipped'
        UNION ALL
        SELECT campaign_id, coalesce(market, ''), -1 FROM old_rows WHERE status <> 'skipped'
      ) x GROUP BY campaign_id, market HAVING sum(n) <> 0
    ) d
    ORDER BY d.campaign_id, d.market
    ON CONFLICT (campaign_id, market) DO UPDATE SET recipients = t.recipients + excluded.recipients;
  ELSE
    UPDATE campaign_market_counts t SET recipients = t.recipients - d.n
    FROM (
      SELECT campaign_id, coalesce(market, '') AS market, count(*)::int AS n FROM old_rows
      WHERE status <> 'skipped' GROUP BY 1, 2
    ) d
    WHERE t.campaign_id = d.campaign_id AND t.market = d.market;
  END IF;
  RETURN NULL;
END $$;

INSERT INTO campaign_market_counts (campaign_id, market, recipients)
SELECT campaign_id, '', count(*) FROM campaign_recipients
WHERE market IS NULL AND status <> 'skipped' GROUP BY campaign_id
ON CONFLICT (campaign_id, market) DO UPDATE SET recipients = excluded.recipients;
