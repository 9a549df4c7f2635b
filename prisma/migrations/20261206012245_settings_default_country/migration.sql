-- AlterTable
ALTER TABLE "settings" ADD COLUMN     "default_country" TEXT;

ALTER TABLE "settings" ADD CONSTRAINT settings_default_country_check CHECK (default_country ~ '^[A-Z]{2}$');
