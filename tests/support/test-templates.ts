/**
 * The approved templates the test suites' campaigns name, as Meta's library would hold them: the strict
 * fake Graph API refuses a send whose template it does not know or whose values do not match.
 */
import type { FakeTemplate } from "./fake-graph-api";

const STATIC_NAMES = [
  "promo", "summer_sale_promo", "flash_sale", "new_year_promo", "vip_early_access", "cyber_monday_blast", "member_rewards",
  "black_friday_preview", "spring_sale", "hello_world", "x", "bench_promo",
];

export const TEST_TEMPLATES: FakeTemplate[] = [
  ...STATIC_NAMES.flatMap((name, i) => ["en_US", "en"].map((language, j) => ({
    id: String(7_000 + i * 2 + j), name, language, status: "APPROVED", category: "MARKETING", parameter_format: "POSITIONAL",
    components: [{ type: "BODY", text: `Hello from ${name}! Reply STOP to opt out.` }],
  }))),
  {
    id: "7900", name: "promo_hello", language: "en_US", status: "APPROVED", category: "MARKETING", parameter_format: "POSITIONAL",
    components: [{ type: "BODY", text: "Hi {{1}}, our sale starts today! Reply STOP to opt out." }],
  },
];
