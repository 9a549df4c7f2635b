-- AlterTable
ALTER TABLE "whatsapp_templates" ADD COLUMN     "quality_event_at" TIMESTAMPTZ(3),
ADD COLUMN     "status_event_at" TIMESTAMPTZ(3);
