/**
 * The sandbox's template library (no WHATSAPP_ACCESS_TOKEN): realistic templates in exactly the shape
 * Meta's GET /message_templates returns, covering every component kind — an image-header promotion with a
 * name and a discount variable, a text newsletter with a STOP quick reply, a NAMED-parameter template with a
 * URL button whose suffix is a variable, a copy-code offer, video / document / location headers, one
 * PENDING and one REJECTED — plus the templates the demo campaigns use.
 * templateStatusPayload() builds Meta's message_template_status_update webhook so the sandbox can emit it.
 */
import type { TMetaTemplate, TMetaTemplateInput } from "./meta-template";
import { ZMetaTemplate } from "./meta-template";
import type { TemplatesApi } from "./templates-api";

const STOP_BUTTON = { type: "QUICK_REPLY", text: "Stop promotions" };

/** image header + body {{1}} (first name) {{2}} (discount): the shape the demo campaigns fill */
function promo(id: string, name: string, body: string, extra: { footer?: string; buttons?: TMetaTemplateInput["components"] } = {}): TMetaTemplateInput {
  return {
    id,
    name,
    language: "en_US",
    status: "APPROVED",
    category: "MARKETING",
    parameter_format: "POSITIONAL",
    quality_score: { score: "GREEN" },
    components: [
      { type: "HEADER", format: "IMAGE", example: { header_handle: ["https://picsum.photos/seed/" + name + "/800/418"] } },
      { type: "BODY", text: body, example: { body_text: [["Maria", "30%"]] } },
      ...(extra.footer ? [{ type: "FOOTER", text: extra.footer }] : []),
      ...(extra.buttons ?? []),
    ],
  };
}

export const SANDBOX_TEMPLATES: TMetaTemplateInput[] = [
  promo("900000000000001", "summer_sale_promo", "Hi {{1}}! ☀️ Our Summer Sale is on: take {{2}} off everything in store and online until Sunday.", {
    footer: "Reply STOP to unsubscribe",
    buttons: [{ type: "BUTTONS", buttons: [{ type: "URL", text: "Shop the sale", url: "https://shop.example.com/summer" }, STOP_BUTTON] }],
  }),
  promo("900000000000002", "back_to_school", "Hi {{1}}, new term, new gear! Save {{2}} on backpacks and shoes this week.", { footer: "Reply STOP to unsubscribe" }),
  promo("900000000000003", "spring_collection", "{{1}}, our Spring Collection has landed 🌸 As a premium member you get {{2}} off your first order.", {
    buttons: [{ type: "BUTTONS", buttons: [STOP_BUTTON] }],
  }),
  promo("900000000000004", "vip_early_access", "{{1}}, you're on the VIP list: 48 hours of early access with {{2}} off, before anyone else."),
  promo("900000000000005", "flash_sale", "⚡ Flash sale, {{1}}! {{2}} off fashion and accessories for 24 hours only.", { footer: "Reply STOP to opt out" }),
  promo("900000000000006", "loyalty_points", "Hi {{1}}, you have points waiting: redeem them this month and save {{2}}.", { footer: "Reply STOP to unsubscribe" }),
  promo("900000000000007", "holiday_newsletter", "Happy holidays, {{1}}! Enjoy {{2}} off gifts for everyone on your list.", { footer: "Reply STOP to unsubscribe" }),
  {
    id: "900000000000010",
    name: "weekly_newsletter",
    language: "en_US",
    status: "APPROVED",
    category: "MARKETING",
    parameter_format: "POSITIONAL",
    quality_score: { score: "GREEN" },
    components: [
      { type: "HEADER", format: "TEXT", text: "This week at Example Shop" },
      { type: "BODY", text: "Hello {{1}}, here is what's new: fresh arrivals, {{2}} and a few favourites back in stock.", example: { body_text: [["Maria", "our autumn lookbook"]] } },
      { type: "FOOTER", text: "You get this because you subscribed" },
      { type: "BUTTONS", buttons: [{ type: "QUICK_REPLY", text: "More like this" }, { type: "QUICK_REPLY", text: "STOP" }] },
    ],
  },
  {
    id: "900000000000011",
    name: "member_rewards",
    language: "en_US",
    status: "APPROVED",
    category: "MARKETING",
    parameter_format: "NAMED",
    quality_score: { score: "YELLOW" },
    components: [
      { type: "HEADER", format: "TEXT", text: "Rewards for {{first_name}}", example: { header_text_named_params: [{ param_name: "first_name", example: "Maria" }] } },
      {
        type: "BODY",
        text: "Hi {{first_name}}, you have {{points}} points in your {{tier}} account. Redeem them before they expire!",
        example: { body_text_named_params: [{ param_name: "first_name", example: "Maria" }, { param_name: "points", example: "1,250" }, { param_name: "tier", example: "Gold" }] },
      },
      { type: "FOOTER", text: "Reply STOP to unsubscribe" },
      { type: "BUTTONS", buttons: [{ type: "URL", text: "See my rewards", url: "https://shop.example.com/rewards/{{1}}", example: ["https://shop.example.com/rewards/gold"] }] },
    ],
  },
  {
    id: "900000000000012",
    name: "welcome_coupon",
    language: "en_US",
    status: "APPROVED",
    category: "MARKETING",
    parameter_format: "POSITIONAL",
    quality_score: { score: "GREEN" },
    components: [
      { type: "BODY", text: "Welcome to Example Shop, {{1}}! Here is {{2}} off your first order. Copy the code at checkout.", example: { body_text: [["Maria", "15%"]] } },
      { type: "FOOTER", text: "Reply STOP to unsubscribe" },
      { type: "BUTTONS", buttons: [{ type: "COPY_CODE", example: "WELCOME15" }, STOP_BUTTON] },
    ],
  },
  {
    id: "900000000000013",
    name: "product_video_launch",
    language: "en_US",
    status: "APPROVED",
    category: "MARKETING",
    parameter_format: "POSITIONAL",
    quality_score: { score: "GREEN" },
    components: [
      { type: "HEADER", format: "VIDEO", example: { header_handle: ["https://cdn.example.com/launch.mp4"] } },
      { type: "BODY", text: "{{1}}, meet the new Trail Runner 2. Watch the 30-second launch video.", example: { body_text: [["Maria"]] } },
      { type: "BUTTONS", buttons: [{ type: "URL", text: "Pre-order", url: "https://shop.example.com/p/{{1}}", example: ["https://shop.example.com/p/trail-runner-2"] }, STOP_BUTTON] },
    ],
  },
  {
    id: "900000000000014",
    name: "store_opening_event",
    language: "en_US",
    status: "APPROVED",
    category: "MARKETING",
    parameter_format: "POSITIONAL",
    quality_score: { score: "UNKNOWN" },
    components: [
      { type: "HEADER", format: "LOCATION" },
      { type: "BODY", text: "{{1}}, our new {{2}} store opens this Saturday at 10am. Come by for coffee and {{3}} off.", example: { body_text: [["Maria", "Chicago", "20%"]] } },
      { type: "FOOTER", text: "Reply STOP to unsubscribe" },
    ],
  },
  {
    id: "900000000000015",
    name: "order_receipt",
    language: "en_US",
    status: "APPROVED",
    category: "UTILITY",
    parameter_format: "POSITIONAL",
    quality_score: { score: "GREEN" },
    components: [
      { type: "HEADER", format: "DOCUMENT", example: { header_handle: ["https://cdn.example.com/receipt.pdf"] } },
      { type: "BODY", text: "Thanks for your order {{1}}, {{2}}. Your receipt is attached.", example: { body_text: [["#10492", "Maria"]] } },
      { type: "BUTTONS", buttons: [{ type: "PHONE_NUMBER", text: "Call support", phone_number: "+15550100200" }] },
    ],
  },
  {
    // a tracked link's button: its URL is the local app's redirect ({APP_URL}/r/{{1}} for `npm run dev`)
    id: "900000000000016",
    name: "weekend_sale_tracked",
    language: "en_US",
    status: "APPROVED",
    category: "MARKETING",
    parameter_format: "POSITIONAL",
    quality_score: { score: "GREEN" },
    components: [
      { type: "BODY", text: "{{1}}, the weekend sale starts now: {{2}} off everything until Sunday night.", example: { body_text: [["Maria", "25%"]] } },
      { type: "FOOTER", text: "Reply STOP to unsubscribe" },
      { type: "BUTTONS", buttons: [{ type: "URL", text: "Shop the sale", url: "http://localhost:3000/r/{{1}}", example: ["http://localhost:3000/r/k3Jd9sQw0Zr2TxYv1mNa8b"] }, STOP_BUTTON] },
    ],
  },
  {
    id: "900000000000017",
    name: "autumn_picks_carousel",
    language: "en_US",
    status: "APPROVED",
    category: "MARKETING",
    parameter_format: "POSITIONAL",
    quality_score: { score: "GREEN" },
    components: [
      { type: "BODY", text: "{{1}}, our autumn picks are in. Swipe to see them all 🍂", example: { body_text: [["Maria"]] } },
      {
        type: "CAROUSEL",
        cards: ["coat", "boots", "scarf"].map((item) => ({
          components: [
            { type: "HEADER", format: "IMAGE", example: { header_handle: [`https://picsum.photos/seed/${item}/800/418`] } },
            { type: "BODY", text: "{{1}}, now {{2}}", example: { body_text: [["Wool coat", "$89"]] } },
            {
              type: "BUTTONS",
              buttons: [
                { type: "URL", text: "Shop", url: "https://shop.example.com/p/{{1}}", example: ["https://shop.example.com/p/wool-coat"] },
                { type: "QUICK_REPLY", text: "Not for me" },
              ],
            },
          ],
        })),
      },
    ],
  },
  {
    id: "900000000000018",
    name: "weekend_flash_offer",
    language: "en_US",
    status: "APPROVED",
    category: "MARKETING",
    parameter_format: "POSITIONAL",
    quality_score: { score: "GREEN" },
    components: [
      { type: "HEADER", format: "IMAGE", example: { header_handle: ["https://picsum.photos/seed/weekend_flash_offer/800/418"] } },
      { type: "LIMITED_TIME_OFFER", limited_time_offer: { text: "Weekend flash deal", has_expiration: true } },
      { type: "BODY", text: "{{1}}, take {{2}} off everything with the code below before it runs out!", example: { body_text: [["Maria", "25%"]] } },
      { type: "BUTTONS", buttons: [{ type: "COPY_CODE", example: "FLASH25" }, { type: "URL", text: "Shop now", url: "https://shop.example.com/flash" }] },
    ],
  },
  {
    id: "900000000000019",
    name: "vip_club_signup",
    language: "en_US",
    status: "APPROVED",
    category: "MARKETING",
    parameter_format: "POSITIONAL",
    quality_score: { score: "GREEN" },
    components: [
      { type: "BODY", text: "{{1}}, join the VIP club in under a minute: early access and members-only prices.", example: { body_text: [["Maria"]] } },
      { type: "FOOTER", text: "Reply STOP to unsubscribe" },
      { type: "BUTTONS", buttons: [{ type: "FLOW", text: "Join now", flow_id: "1234567890123456", flow_action: "navigate", navigate_screen: "SIGN_UP" }, STOP_BUTTON] },
    ],
  },
  {
    id: "900000000000020",
    name: "black_friday_preview",
    language: "en_US",
    status: "PENDING",
    category: "MARKETING",
    parameter_format: "POSITIONAL",
    components: [
      { type: "HEADER", format: "IMAGE", example: { header_handle: ["https://picsum.photos/seed/black_friday_preview/800/418"] } },
      { type: "BODY", text: "{{1}}, get a sneak peek at our Black Friday deals: up to {{2}} off electronics.", example: { body_text: [["Maria", "50%"]] } },
      { type: "FOOTER", text: "Reply STOP to unsubscribe" },
    ],
  },
  {
    id: "900000000000021",
    name: "cyber_monday_blast",
    language: "en_US",
    status: "REJECTED",
    category: "MARKETING",
    parameter_format: "POSITIONAL",
    rejected_reason: "PROMOTIONAL",
    components: [
      { type: "BODY", text: "LAST CHANCE {{1}}!!! EVERYTHING MUST GO, {{2}} OFF, BUY NOW BEFORE IT'S GONE!!!", example: { body_text: [["Maria", "70%"]] } },
    ],
  },
];

export function sandboxTemplates(): TMetaTemplate[] {
  return SANDBOX_TEMPLATES.map((t) => ZMetaTemplate.parse(t));
}

/**
 * The sandbox's TemplatesApi: answers from SANDBOX_TEMPLATES and the templates submitted to the sandbox
 * (`submitted`, read by the caller), never fails.
 */
export function createSandboxTemplatesApi(submitted: () => Promise<TMetaTemplate[]> = async () => []): TemplatesApi {
  const all = async () => {
    const own = sandboxTemplates();
    const extra = (await submitted()).filter((t) => !own.some((o) => o.name === t.name && o.language === t.language));
    return [...own, ...extra];
  };
  return {
    mode: "sandbox",
    list: all,
    lookup: async (name) => (await all()).filter((t) => t.name === name),
  };
}

/** Meta's message_template_status_update webhook (one entry, one change). */
export function templateStatusPayload(input: {
  wabaId: string;
  at: Date;
  event: string;
  templateId: string;
  name: string;
  language: string;
  reason?: string | null;
}): Record<string, unknown> {
  return {
    object: "whatsapp_business_account",
    entry: [
      {
        id: input.wabaId,
        time: Math.floor(input.at.getTime() / 1000),
        changes: [
          {
            field: "message_template_status_update",
            value: {
              event: input.event,
              message_template_id: Number(input.templateId),
              message_template_name: input.name,
              message_template_language: input.language,
              reason: input.reason ?? "NONE",
            },
          },
        ],
      },
    ],
  };
}

/** Meta's message_template_quality_update webhook. */
export function templateQualityPayload(input: { wabaId: string; at: Date; templateId: string; name: string; language: string; previous: string; next: string }): Record<string, unknown> {
  return {
    object: "whatsapp_business_account",
    entry: [
      {
        id: input.wabaId,
        time: Math.floor(input.at.getTime() / 1000),
        changes: [
          {
            field: "message_template_quality_update",
            value: {
              previous_quality_score: input.previous,
              new_quality_score: input.next,
              message_template_id: Number(input.templateId),
              message_template_name: input.name,
              message_template_language: input.language,
            },
          },
        ],
      },
    ],
  };
}
