-- Hand-written (not modelled in schema.prisma, like the other partial indexes): customers who answer STOP
-- or change their WhatsApp preferences are found by the number WhatsApp knows them by (wa_id), which
-- for some countries differs from the number we imported.
CREATE INDEX IF NOT EXISTS "user_profiles_wa_id_idx" ON "user_profiles" ("wa_id") WHERE "wa_id" IS NOT NULL;
