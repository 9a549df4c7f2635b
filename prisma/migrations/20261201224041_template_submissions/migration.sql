-- CreateTable
CREATE TABLE "template_submissions" (
    "id" UUID NOT NULL,
    "template_id" UUID NOT NULL,
    "kind" TEXT NOT NULL,
    "previous_status" TEXT,
    "request" JSONB NOT NULL,
    "submitted_by" TEXT NOT NULL,
    "submitted_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "template_submissions_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "template_submissions_template_id_submitted_at_idx" ON "template_submissions"("template_id", "submitted_at");

-- AddForeignKey
ALTER TABLE "template_submissions" ADD CONSTRAINT "template_submissions_template_id_fkey" FOREIGN KEY ("template_id") REFERENCES "whatsapp_templates"("id") ON DELETE CASCADE ON UPDATE CASCADE;

ALTER TABLE "template_submissions" ADD CONSTRAINT "template_submissions_kind_check" CHECK ("kind" IN ('create', 'edit'));
