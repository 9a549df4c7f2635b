-- The shared send schedule (one row per number: its next free start instant) needs no durability: a lease
-- that a crash forgets is an instant in the past by the time the server is back, and an empty table means
-- "start now". Unlogged, a lease's commit writes no WAL and so never waits for a flush behind other
-- transactions' commits: the processors' starts stop stalling when the database is busy writing.
ALTER TABLE "whatsapp_send_pacing" SET UNLOGGED;
