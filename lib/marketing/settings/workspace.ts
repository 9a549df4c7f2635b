/**
 * What the Settings page shows about the workspace: the WhatsApp connection, limits and time zone
 * (from the configuration the adapter passes in) and the stored workspace settings row.
 */
import type { Db } from "../db";

export type WorkspaceConfig = {
  sandbox: boolean;
  timezone: string;
  phoneNumberIdConfigured: boolean;
  businessAccountConfigured: boolean;
  appSecretConfigured: boolean;
  verifyTokenConfigured: boolean;
  apiVersion: string;
  /** WHATSAPP_MESSAGING_LIMIT: number, null = unlimited, undefined = not configured */
  messagingLimit: number | null | undefined;
  maxMessagesPerSecond: number;
  cronSecretConfigured: boolean;
};

export async function getWorkspaceSettings({ db, config }: { db: Db; config: WorkspaceConfig }) {
  const [row, limits] = await Promise.all([
    db.setting.findUnique({ where: { id: 1 } }),
    db.marketingCampaign.aggregate({
      where: { status: "active" },
      _sum: { dailySendLimit: true },
      _count: { _all: true },
    }),
  ]);
  return {
    config,
    settings: row,
    activeCampaigns: limits._count._all,
    activeDailyCapacity: limits._sum.dailySendLimit ?? 0,
  };
}
