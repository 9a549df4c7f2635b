-- AlterTable
ALTER TABLE "whatsapp_templates" ADD COLUMN     "category_changed_at" TIMESTAMPTZ(3),
ADD COLUMN     "previous_category" TEXT,
ADD COLUMN     "upcoming_category" TEXT,
ADD COLUMN     "upcoming_category_at" TIMESTAMPTZ(3);

-- AlterTable
ALTER TABLE "settings" ADD COLUMN     "messaging_limit_read_at" TIMESTAMPTZ(3);
