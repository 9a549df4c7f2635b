-- AlterTable
ALTER TABLE "users" ADD COLUMN     "session_version" INTEGER NOT NULL DEFAULT 0;

-- AlterTable
ALTER TABLE "settings" ADD COLUMN     "inbound_retention_days" INTEGER NOT NULL DEFAULT 90,
ADD COLUMN     "test_send_limit_per_hour" INTEGER NOT NULL DEFAULT 30;

-- AlterTable
ALTER TABLE "login_attempts" ADD COLUMN     "last_refused" BOOLEAN NOT NULL DEFAULT false;

-- CreateTable
CREATE TABLE "suppressed_numbers" (
    "phone_hash" TEXT NOT NULL,
    "reason" TEXT NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "suppressed_numbers_pkey" PRIMARY KEY ("phone_hash")
);

-- CreateIndex
CREATE INDEX "login_attempts_window_start_idx" ON "login_attempts"("window_start");

-- Hand-written: sensible bounds for the new settings
ALTER TABLE "settings" ADD CONSTRAINT "settings_test_send_limit_per_hour_check" CHECK ("test_send_limit_per_hour" BETWEEN 0 AND 10000);
ALTER TABLE "settings" ADD CONSTRAINT "settings_inbound_retention_days_check" CHECK ("inbound_retention_days" BETWEEN 1 AND 3650);
