-- The recipients of campaigns that existed before 20261206050500 copied their customer's market when it
-- was still "Other" for Guernsey, Jersey and the Isle of Man (+44 numbers: Meta prices by the calling code,
-- so they are the United Kingdom's). The campaign's estimate prices pending recipients by that market, and
-- a sent message not yet costed is costed by it: correct them. A message already costed keeps its cost and
-- the market it was costed in (whatsapp_messages.cost_market). campaign_market_counts follows through its
-- statement trigger. (A +44 recipient whose market is "Other" is one of these three.)
UPDATE campaign_recipients SET market = 'United Kingdom' WHERE market = 'Other' AND phone_number LIKE '44%';
