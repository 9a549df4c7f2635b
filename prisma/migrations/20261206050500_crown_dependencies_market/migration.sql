-- Guernsey, Jersey and the Isle of Man dial with +44, and Meta prices by the calling code: their numbers are
-- in the United Kingdom's market, not "Other" (lib/marketing/cost/market.ts). Customers stored before keep
-- their market on the row, and campaigns copy it from there: correct them. (A +44 number whose market is
-- "Other" is one of these three: every other +44 number is the United Kingdom's.)
UPDATE user_profiles SET market = 'United Kingdom' WHERE market = 'Other' AND whatsapp_phone LIKE '44%';
