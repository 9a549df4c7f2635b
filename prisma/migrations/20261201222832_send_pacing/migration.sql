-- AlterTable
ALTER TABLE "campaign_recipients" ADD COLUMN     "send_started_at" TIMESTAMPTZ(3);

-- CreateTable
CREATE TABLE "whatsapp_send_pacing" (
    "phone_number_id" TEXT NOT NULL,
    "next_slot_at" TIMESTAMPTZ(6) NOT NULL,

    CONSTRAINT "whatsapp_send_pacing_pkey" PRIMARY KEY ("phone_number_id")
);
