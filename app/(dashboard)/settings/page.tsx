import type { Metadata } from "next";
import type { ReactNode } from "react";
import { Badge } from "@/components/ui/badge";
import { Card, CardBody, CardHeader } from "@/components/ui/card";
import { countryName, formatInt } from "@/components/ui/format";
import { PHONE_COUNTRIES } from "@/lib/marketing/phone";
import { getCountryCallingCode } from "libphonenumber-js";
import { Notice } from "@/components/ui/notice";
import { PageHeader } from "@/components/ui/page-header";
import { getDb } from "@/lib/db";
import { getEnv, isSandbox, messagingLimitFromEnv } from "@/lib/env";
import { listApiTokens } from "@/lib/marketing/settings/api-tokens";
import { getWorkspaceSettings } from "@/lib/marketing/settings/workspace";
import { can, ROLE_DESCRIPTIONS } from "@/lib/marketing/users/permissions";
import { listUsers } from "@/lib/marketing/users/users";
import { requirePageUser } from "../_lib/session";
import { getSendingSettings, sendingSettingsJson } from "@/lib/marketing/sending/sending-settings";
import { NEW_NUMBER_MESSAGING_LIMIT } from "@/lib/marketing/sending/account-health";
import { SendingSection } from "./sending-section";
import { MarketingMessagesSection } from "./marketing-messages-section";
import { getMarketingMessagesSettings } from "@/lib/marketing/sending/marketing-messages";
import { TokensSection } from "./tokens-section";
import { UsersSection } from "./users-section";
import { WebhooksSection } from "./webhooks-section";
import { RateCardSection } from "@/components/cost/rate-card-section";
import { getRateCardInForce } from "@/lib/marketing/cost/rate-card";
import { today as todayInZone } from "@/lib/server/today";
import { findDeliveries } from "@/lib/marketing/events/deliver-events";
import { listWebhookEndpoints } from "@/lib/marketing/events/webhook-endpoints";

export const metadata: Metadata = { title: "Settings" };

/** Every country a number can be read in, by name, with its calling code ("United States (+1)"), named here on the server. */
const PHONE_COUNTRY_OPTIONS = PHONE_COUNTRIES.map((code) => ({ code, label: `${countryName(code)} (+${getCountryCallingCode(code)})` }))
  .sort((a, b) => a.label.localeCompare(b.label, "en"));

export default async function SettingsPage() {
  const user = await requirePageUser();
  const env = getEnv();
  const db = getDb();
  const isAdmin = can(user.role, "manage");
  const [workspace, tokens, users, sending, webhooks] = await Promise.all([
    getWorkspaceSettings({
      db,
      config: {
        sandbox: isSandbox(env),
        timezone: env.CAMPAIGN_TIMEZONE,
        phoneNumberIdConfigured: Boolean(env.WHATSAPP_PHONE_NUMBER_ID),
        businessAccountConfigured: Boolean(env.WHATSAPP_BUSINESS_ACCOUNT_ID),
        appSecretConfigured: Boolean(env.WHATSAPP_APP_SECRET),
        verifyTokenConfigured: Boolean(env.WHATSAPP_VERIFY_TOKEN),
        apiVersion: env.WHATSAPP_API_VERSION,
        messagingLimit: messagingLimitFromEnv(env),
        maxMessagesPerSecond: env.WHATSAPP_MAX_MPS,
        cronSecretConfigured: Boolean(env.CRON_SECRET),
      },
    }),
    isAdmin ? listApiTokens({ db, now: new Date() }) : Promise.resolve([]),
    isAdmin ? listUsers({ db }) : Promise.resolve([]),
    getSendingSettings(db).then(sendingSettingsJson),
    isAdmin
      ? listWebhookEndpoints({ db }).then(async (l) => ({
          eventTypes: l.event_types,
          endpoints: await Promise.all(l.endpoints.map(async (e) => ({ ...e, deliveries: (await findDeliveries({ db, endpointId: e.id, limit: 10 })).deliveries }))),
        }))
      : Promise.resolve(null),
  ]);
  const { config, settings } = workspace;
  const rateCard = await getRateCardInForce(db, todayInZone());
  const limit =
    config.messagingLimit === undefined
      ? settings?.messagingLimitTier
        ? `${settings.messagingLimitTier} (reported by WhatsApp)`
        : `${formatInt(NEW_NUMBER_MESSAGING_LIMIT)} unique users / 24 h (a new number's limit, until WhatsApp reports one)`
      : config.messagingLimit === null
        ? "Unlimited"
        : `${formatInt(config.messagingLimit)} unique users / 24 h`;

  return (
    <>
      <PageHeader title="Settings" description="Your WhatsApp connection, sending limits, API access and team." />
      <div className="space-y-6">
        <div className="grid grid-cols-1 gap-6 lg:grid-cols-2">
          <Card>
            <CardHeader
              title="WhatsApp connection"
              actions={config.sandbox ? <Badge tone="amber" dot>Sandbox</Badge> : <Badge tone="green" dot>Cloud API</Badge>}
            />
            <CardBody>
              {config.sandbox ? (
                <Notice tone="warning" className="mb-4">
                  Sandbox mode (SANDBOX=1, or no WhatsApp access token outside production): the built-in sandbox stands in for WhatsApp: messages are accepted,
                  delivered and read by a simulator and never reach a phone. Set WHATSAPP_ACCESS_TOKEN and WHATSAPP_PHONE_NUMBER_ID (and unset SANDBOX) to go live.
                </Notice>
              ) : null}
              <dl className="divide-y divide-slate-100 text-sm">
                <Row label="Mode">{config.sandbox ? "Sandbox (simulated WhatsApp)" : "WhatsApp Cloud API"}</Row>
                <Row label="Graph API version">{config.apiVersion}</Row>
                <Row label="Phone number ID"><Configured ok={config.phoneNumberIdConfigured} /></Row>
                <Row label="Business account ID"><Configured ok={config.businessAccountConfigured} /></Row>
                <Row label="Webhook signature secret"><Configured ok={config.appSecretConfigured} /></Row>
                <Row label="Webhook verify token"><Configured ok={config.verifyTokenConfigured} /></Row>
                <Row label="Scheduler secret (CRON_SECRET)"><Configured ok={config.cronSecretConfigured} /></Row>
                {settings?.qualityRating ? <Row label="Number quality">{settings.qualityRating}</Row> : null}
                {settings?.sendHold ? (
                  <Row label="Sending">
                    <Badge tone="red">On hold</Badge> <span className="text-slate-500">{settings.sendHoldReason}</span>
                  </Row>
                ) : null}
              </dl>
            </CardBody>
          </Card>
          <Card>
            <CardHeader title="Limits and time zone" description="Set through environment variables (see .env.example)." />
            <CardBody>
              <dl className="divide-y divide-slate-100 text-sm">
                <Row label="Time zone">{config.timezone}</Row>
                <Row label="Default daily limit per campaign">250 messages / day</Row>
                <Row label="Messaging limit (all campaigns)">{limit}</Row>
                <Row label="Send rate">{formatInt(config.maxMessagesPerSecond)} messages / second</Row>
                <Row label="Active campaigns">{formatInt(workspace.activeCampaigns)}</Row>
                <Row label="Their combined daily limits">{formatInt(workspace.activeDailyCapacity)} messages / day</Row>
              </dl>
              <p className="mt-3 text-xs text-slate-500">
                Calendar days — daily limits, start dates and the overview’s “today” — are counted in {config.timezone}.
              </p>
            </CardBody>
          </Card>
        </div>
        <SendingSection settings={sending} timezone={config.timezone} isAdmin={isAdmin} countries={PHONE_COUNTRY_OPTIONS} />
        <RateCardSection card={rateCard} isAdmin={isAdmin} today={todayInZone()} />
        <MarketingMessagesSection settings={await getMarketingMessagesSettings(db)} isAdmin={isAdmin} />
        {isAdmin ? (
          <>
            {webhooks ? <WebhooksSection endpoints={webhooks.endpoints} eventTypes={webhooks.eventTypes} /> : null}
            <TokensSection
              tokens={tokens.map((t) => ({
                id: t.id,
                name: t.name,
                prefix: t.prefix,
                role: t.role,
                createdAt: t.createdAt.toISOString(),
                lastUsedAt: t.lastUsedAt?.toISOString() ?? null,
                expiresAt: t.expiresAt?.toISOString() ?? null,
                expired: t.expired,
                revokedAt: t.revokedAt?.toISOString() ?? null,
                createdBy: t.createdBy?.name ?? t.createdBy?.email ?? null,
              }))}
            />
            <UsersSection
              currentUserId={user.id}
              roleDescriptions={ROLE_DESCRIPTIONS}
              users={users.map((u) => ({ ...u, lastLoginAt: u.lastLoginAt?.toISOString() ?? null, createdAt: u.createdAt.toISOString() }))}
            />
          </>
        ) : (
          <Notice tone="info" title="API tokens and users">
            Only admins manage API tokens and the team. Ask an admin if you need access for an integration or a colleague.
          </Notice>
        )}
      </div>
    </>
  );
}

function Row({ label, children }: { label: string; children: ReactNode }) {
  return (
    <div className="flex items-center justify-between gap-4 py-2.5">
      <dt className="text-slate-500">{label}</dt>
      <dd className="text-right font-medium text-slate-900">{children}</dd>
    </div>
  );
}

function Configured({ ok }: { ok: boolean }) {
  return ok ? <Badge tone="green">Configured</Badge> : <Badge tone="gray">Not set</Badge>;
}
