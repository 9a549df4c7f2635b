/**
 * The sandbox's template library (no WHATSAPP_ACCESS_TOKEN): realistic templates in exactly the shape
 * Meta's GET /message_templates returns, covering every component kind — the spec's example template
 * (an image header and a discount), image-header promotions with a name and a discount variable, a text newsletter with a STOP quick reply, a NAMED-parameter template with a
 * URL button whose suffix is a variable, a copy-code offer, video / document / location headers, one
 * PENDING and one REJECTED — plus the templates the demo campaigns use.
 * templateStatusPayload() builds Meta's message_template_status_update webhook so the sandbox can emit it.
 */
import type { TMetaTemplate, TMetaTemplateInput } from "./meta-template";
import { ZMetaTemplate } from "./meta-template";
import type { TemplatesApi } from "./templates-api";

type Component = NonNullable<TMetaTemplateInput["components"]>[number];
type Button = NonNullable<Component["buttons"]>[number];

/** One sandbox template as Meta lists it: approved MARKETING, POSITIONAL, GREEN unless said otherwise (`quality: null`: none, as Meta omits it for templates not yet approved). */
function template(
  id: string,
  name: string,
  components: Component[],
  meta: { status?: string; category?: string; parameter_format?: string; quality?: string | null; rejected_reason?: string } = {},
): TMetaTemplateInput {
  const { status = "APPROVED", category = "MARKETING", parameter_format = "POSITIONAL", quality = "GREEN", rejected_reason } = meta;
  return {
    id,
    name,
    language: "en_US",
    status,
    category,
    parameter_format,
    ...(quality === null ? {} : { quality_score: { score: quality } }),
    ...(rejected_reason ? { rejected_reason } : {}),
    components,
  };
}

/** a BODY with POSITIONAL variables and one example value per variable */
const body = (text: string, ...example: string[]): Component => ({ type: "BODY", text, example: { body_text: [example] } });
const footer = (text: string): Component => ({ type: "FOOTER", text });
const buttons = (...list: Button[]): Component => ({ type: "BUTTONS", buttons: list });
const mediaHeader = (format: "IMAGE" | "VIDEO" | "DOCUMENT", url: string): Component => ({ type: "HEADER", format, example: { header_handle: [url] } });
const imageHeader = (seed: string): Component => mediaHeader("IMAGE", `https://picsum.photos/seed/${seed}/800/418`);

const UNSUBSCRIBE = footer("Reply STOP to unsubscribe");
const STOP_BUTTON = { type: "QUICK_REPLY", text: "Stop promotions" };

/** image header + body {{1}} (first name) {{2}} (discount): the shape the demo campaigns fill */
function promo(id: string, name: string, text: string, extra: Component[] = []): TMetaTemplateInput {
  return template(id, name, [imageHeader(name), body(text, "Maria", "30%"), ...extra]);
}

export const SANDBOX_TEMPLATES: TMetaTemplateInput[] = [
  // the spec's own example request (an image header, the discount as the one body value) fills this one as it is
  template("900000000000001", "summer_sale_promo", [
    imageHeader("summer_sale_promo"),
    body("☀️ Our Summer Sale is on: take {{1}} off everything in store and online until Sunday.", "30%"),
    UNSUBSCRIBE,
    buttons({ type: "URL", text: "Shop the sale", url: "https://shop.example.com/summer" }, STOP_BUTTON),
  ]),
  promo("900000000000022", "summer_sale_personal", "Hi {{1}}! ☀️ Our Summer Sale is on: take {{2}} off everything in store and online until Sunday.", [
    UNSUBSCRIBE,
    buttons({ type: "URL", text: "Shop the sale", url: "https://shop.example.com/summer" }, STOP_BUTTON),
  ]),
  promo("900000000000002", "back_to_school", "Hi {{1}}, new term, new gear! Save {{2}} on backpacks and shoes this week.", [UNSUBSCRIBE]),
  promo("900000000000003", "spring_collection", "{{1}}, our Spring Collection has landed 🌸 As a premium member you get {{2}} off your first order.", [buttons(STOP_BUTTON)]),
  promo("900000000000004", "vip_early_access", "{{1}}, you're on the VIP list: 48 hours of early access with {{2}} off, before anyone else."),
  promo("900000000000005", "flash_sale", "⚡ Flash sale, {{1}}! {{2}} off fashion and accessories for 24 hours only.", [footer("Reply STOP to opt out")]),
  promo("900000000000006", "loyalty_points", "Hi {{1}}, you have points waiting: redeem them this month and save {{2}}.", [UNSUBSCRIBE]),
  promo("900000000000007", "holiday_newsletter", "Happy holidays, {{1}}! Enjoy {{2}} off gifts for everyone on your list.", [UNSUBSCRIBE]),
  template("900000000000010", "weekly_newsletter", [
    { type: "HEADER", format: "TEXT", text: "This week at Example Shop" },
    body("Hello {{1}}, here is what's new: fresh arrivals, {{2}} and a few favourites back in stock.", "Maria", "our autumn lookbook"),
    footer("You get this because you subscribed"),
    buttons({ type: "QUICK_REPLY", text: "More like this" }, { type: "QUICK_REPLY", text: "STOP" }),
  ]),
  template(
    "900000000000011",
    "member_rewards",
    [
      { type: "HEADER", format: "TEXT", text: "Rewards for {{first_name}}", example: { header_text_named_params: [{ param_name: "first_name", example: "Maria" }] } },
      {
        type: "BODY",
        text: "Hi {{first_name}}, you have {{points}} points in your {{tier}} account. Redeem them before they expire!",
        example: { body_text_named_params: [{ param_name: "first_name", example: "Maria" }, { param_name: "points", example: "1,250" }, { param_name: "tier", example: "Gold" }] },
      },
      UNSUBSCRIBE,
      buttons({ type: "URL", text: "See my rewards", url: "https://shop.example.com/rewards/{{1}}", example: ["https://shop.example.com/rewards/gold"] }),
    ],
    { parameter_format: "NAMED", quality: "YELLOW" },
  ),
  template("900000000000012", "welcome_coupon", [
    body("Welcome to Example Shop, {{1}}! Here is {{2}} off your first order. Copy the code at checkout.", "Maria", "15%"),
    UNSUBSCRIBE,
    buttons({ type: "COPY_CODE", example: "WELCOME15" }, STOP_BUTTON),
  ]),
  template("900000000000013", "product_video_launch", [
    mediaHeader("VIDEO", "https://cdn.example.com/launch.mp4"),
    body("{{1}}, meet the new Trail Runner 2. Watch the 30-second launch video.", "Maria"),
    buttons({ type: "URL", text: "Pre-order", url: "https://shop.example.com/p/{{1}}", example: ["https://shop.example.com/p/trail-runner-2"] }, STOP_BUTTON),
  ]),
  template(
    "900000000000014",
    "store_opening_event",
    [{ type: "HEADER", format: "LOCATION" }, body("{{1}}, our new {{2}} store opens this Saturday at 10am. Come by for coffee and {{3}} off.", "Maria", "Chicago", "20%"), UNSUBSCRIBE],
    { quality: "UNKNOWN" },
  ),
  template(
    "900000000000015",
    "order_receipt",
    [
      mediaHeader("DOCUMENT", "https://cdn.example.com/receipt.pdf"),
      body("Thanks for your order {{1}}, {{2}}. Your receipt is attached.", "#10492", "Maria"),
      buttons({ type: "PHONE_NUMBER", text: "Call support", phone_number: "+15550100200" }),
    ],
    { category: "UTILITY" },
  ),
  // a tracked link's button: its URL is the local app's redirect ({APP_URL}/r/{{1}} for `npm run dev`)
  template("900000000000016", "weekend_sale_tracked", [
    body("{{1}}, the weekend sale starts now: {{2}} off everything until Sunday night.", "Maria", "25%"),
    UNSUBSCRIBE,
    buttons({ type: "URL", text: "Shop the sale", url: "http://localhost:3000/r/{{1}}", example: ["http://localhost:3000/r/k3Jd9sQw0Zr2TxYv1mNa8b"] }, STOP_BUTTON),
  ]),
  template("900000000000017", "autumn_picks_carousel", [
    body("{{1}}, our autumn picks are in. Swipe to see them all 🍂", "Maria"),
    {
      type: "CAROUSEL",
      cards: ["coat", "boots", "scarf"].map((item) => ({
        components: [
          imageHeader(item),
          body("{{1}}, now {{2}}", "Wool coat", "$89"),
          buttons({ type: "URL", text: "Shop", url: "https://shop.example.com/p/{{1}}", example: ["https://shop.example.com/p/wool-coat"] }, { type: "QUICK_REPLY", text: "Not for me" }),
        ],
      })),
    },
  ]),
  template("900000000000018", "weekend_flash_offer", [
    imageHeader("weekend_flash_offer"),
    { type: "LIMITED_TIME_OFFER", limited_time_offer: { text: "Weekend flash deal", has_expiration: true } },
    body("{{1}}, take {{2}} off everything with the code below before it runs out!", "Maria", "25%"),
    buttons({ type: "COPY_CODE", example: "FLASH25" }, { type: "URL", text: "Shop now", url: "https://shop.example.com/flash" }),
  ]),
  template("900000000000019", "vip_club_signup", [
    body("{{1}}, join the VIP club in under a minute: early access and members-only prices.", "Maria"),
    UNSUBSCRIBE,
    buttons({ type: "FLOW", text: "Join now", flow_id: "1234567890123456", flow_action: "navigate", navigate_screen: "SIGN_UP" }, STOP_BUTTON),
  ]),
  template(
    "900000000000020",
    "black_friday_preview",
    [imageHeader("black_friday_preview"), body("{{1}}, get a sneak peek at our Black Friday deals: up to {{2}} off electronics.", "Maria", "50%"), UNSUBSCRIBE],
    { status: "PENDING", quality: null },
  ),
  template(
    "900000000000021",
    "cyber_monday_blast",
    [body("LAST CHANCE {{1}}!!! EVERYTHING MUST GO, {{2}} OFF, BUY NOW BEFORE IT'S GONE!!!", "Maria", "70%")],
    { status: "REJECTED", quality: null, rejected_reason: "PROMOTIONAL" },
  ),
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

/** Meta's WhatsApp Business Account webhook: one entry, one change of `field`. */
function accountWebhook(input: { wabaId: string; at: Date }, field: string, value: Record<string, unknown>): Record<string, unknown> {
  return {
    object: "whatsapp_business_account",
    entry: [{ id: input.wabaId, time: Math.floor(input.at.getTime() / 1000), changes: [{ field, value }] }],
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
  return accountWebhook(input, "message_template_status_update", {
    event: input.event,
    message_template_id: Number(input.templateId),
    message_template_name: input.name,
    message_template_language: input.language,
    reason: input.reason ?? "NONE",
  });
}

/** Meta's message_template_quality_update webhook. */
export function templateQualityPayload(input: { wabaId: string; at: Date; templateId: string; name: string; language: string; previous: string; next: string }): Record<string, unknown> {
  return accountWebhook(input, "message_template_quality_update", {
    previous_quality_score: input.previous,
    new_quality_score: input.next,
    message_template_id: Number(input.templateId),
    message_template_name: input.name,
    message_template_language: input.language,
  });
}
