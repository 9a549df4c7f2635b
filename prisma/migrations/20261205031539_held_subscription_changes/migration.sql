-- CreateTable
CREATE TABLE "held_subscription_changes" (
    "user_id" TEXT NOT NULL,
    "action" TEXT NOT NULL,
    "at" TIMESTAMPTZ(3) NOT NULL,
    "seq" BIGINT NOT NULL,
    "source" TEXT NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "held_subscription_changes_pkey" PRIMARY KEY ("user_id")
);

-- a customer's own change is either
ALTER TABLE "held_subscription_changes" ADD CONSTRAINT "held_subscription_changes_action_check" CHECK ("action" IN ('unsubscribe', 'subscribe'));
