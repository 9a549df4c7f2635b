/** fast-check arbitraries for hostile HTTP input: odd strings, wrong types, huge values, injection fragments. */
import fc from "fast-check";
import { percentEncode } from "./routes";

export const NASTY_STRINGS = [
  "", " ", "\u0000", "null", "undefined", "NaN", "-1", "0", "1e309", "9".repeat(400), "-0", "0x1F", "1_000", "١٢٣",
  "' OR '1'='1", "'; DROP TABLE marketing_campaigns; --", "1; SELECT pg_sleep(5)--", "\\", "\\x00", "%00", "%", "_", "*",
  "<script>alert(1)</script>", "<img src=x onerror=alert(1)>", "{{7*7}}", "${7*7}", "../../etc/passwd", "..%2F..%2F",
  "\u202e\u0645\u0631\u062d\u0628\u0627", "👩‍👩‍👧‍👦", "\ud800", "\udfff", "\uffff", "\u2028\u2029", "Ω≈ç√∫", "ｆｕｌｌ", "e\u0301",
  "+1 (555) 000-0001", "+15550000001", "15550000001", "+0000000000", "+999999999999999999", "tel:+15550000001",
  "true", "false", "[]", "{}", "2025-02-30", "2025-13-01", "0000-00-00", "9999-12-31", "2025-01-10T00:00:00Z", "-2025-01-01",
  "subscribed", "unsubscribed", "active", "paused", "draft", "cancelled", "completed", "admin", "__proto__", "constructor",
  "a".repeat(10_000), "x".repeat(200_001),
];

export const nastyString = fc.oneof(
  { weight: 4, arbitrary: fc.constantFrom(...NASTY_STRINGS) },
  { weight: 2, arbitrary: fc.string({ unit: "binary", maxLength: 40 }) },
  { weight: 2, arbitrary: fc.string({ maxLength: 20 }) },
  { weight: 1, arbitrary: fc.stringMatching(/^[a-z_]{1,20}$/) },
  { weight: 1, arbitrary: fc.integer().map(String) },
  { weight: 1, arbitrary: fc.double().map(String) },
);

export const nastyNumber = fc.oneof(
  fc.constantFrom(0, -1, 1, 250, 100_000, 100_001, 2 ** 31, 2 ** 53, -(2 ** 53), 1e308, -0, 0.5, 1.5),
  fc.integer(),
  fc.double({ noNaN: true }),
  fc.bigInt({ min: -(2n ** 70n), max: 2n ** 70n }).map((b) => Number(b)),
);

/** the field names our endpoints know (so generated bodies reach deep into validation and use-cases) */
export const FIELD_NAMES = [
  "name", "description", "template_name", "language_code", "daily_send_limit", "priority", "target_audience",
  "customer_tier", "city", "tags", "tag", "template_components", "type", "parameters", "text", "variable", "field", "fallback",
  "phone_numbers", "customers", "phone", "subscription", "is_active", "attributes", "status", "start_date", "date",
  "limit", "offset", "q", "sort", "use_target_audience", "recipient_ids", "image", "link", "sub_type", "index", "payload",
];

/** any JSON value, biased towards hostile leaves */
export const nastyValue: fc.Arbitrary<unknown> = fc.letrec((tie) => ({
  value: fc.oneof(
    { depthSize: "small", withCrossShrink: true },
    nastyString,
    nastyNumber,
    fc.boolean(),
    fc.constant(null),
    fc.array(tie("value"), { maxLength: 5 }),
    fc.dictionary(fc.oneof(nastyString, fc.constantFrom(...FIELD_NAMES)), tie("value"), { maxKeys: 5 }),
  ),
})).value;


const campaignBody = fc.record(
  {
    name: fc.oneof(nastyString, nastyValue),
    description: fc.oneof(nastyString, nastyValue),
    template_name: fc.oneof(fc.constantFrom("promo", "summer_sale_promo", "Bad Name"), nastyString, nastyValue),
    language_code: fc.oneof(fc.constantFrom("en_US", "fr", "xx_YYYYY"), nastyString),
    daily_send_limit: fc.oneof(nastyNumber, nastyString, nastyValue),
    priority: fc.oneof(nastyNumber, nastyString),
    target_audience: fc.oneof(nastyValue, fc.record({ customer_tier: nastyString, city: nastyString, tags: fc.oneof(fc.array(nastyString, { maxLength: 5 }), nastyValue) }, { requiredKeys: [] })),
    template_components: fc.oneof(nastyValue, fc.array(fc.record({ type: fc.constantFrom("body", "header", "button", "BODY", "x"), parameters: fc.array(nastyValue, { maxLength: 3 }) }, { requiredKeys: [] }), { maxLength: 3 })),
  },
  { requiredKeys: [] },
);

const phone = fc.oneof(
  fc.integer({ min: 0, max: 9999 }).map((n) => `1555900${String(n).padStart(4, "0")}`),
  fc.integer({ min: 0, max: 9999 }).map((n) => `+44 7700 90${String(n).padStart(4, "0")}`),
  nastyString,
  nastyNumber,
);

const recipientsBody = fc.oneof(
  fc.record({ phone_numbers: fc.array(phone, { maxLength: 30 }) }),
  fc.record({ phone_numbers: nastyValue }),
  fc.record({ phone_numbers: fc.array(phone, { maxLength: 3 }), extra: nastyValue }),
  // one over the documented maximum (100,000): rare, it is a 1.4 MB body
  fc.integer({ min: 0, max: 49 }).map((n) => (n === 0 ? { phone_numbers: Array<string>(100_001).fill("15550000000") } : { phone_numbers: ["15550000000"] })),
);

const customersBody = fc.oneof(
  fc.record({
    customers: fc.array(
      fc.record({ phone, name: fc.oneof(nastyString, nastyValue), customer_tier: nastyString, city: nastyString, tags: fc.oneof(fc.array(nastyString, { maxLength: 4 }), nastyValue),
        subscription: fc.oneof(fc.constantFrom("subscribed", "unsubscribed"), nastyString), is_active: fc.oneof(fc.boolean(), nastyValue), attributes: nastyValue }, { requiredKeys: ["phone"] }),
      { maxLength: 10 },
    ),
  }),
  fc.record({ customers: nastyValue }),
);

const anyBody = fc.oneof(campaignBody, recipientsBody, customersBody, nastyValue, fc.dictionary(fc.constantFrom(...FIELD_NAMES), nastyValue, { maxKeys: 6 }));

/** a request body as text: JSON of a generated value, malformed JSON, odd encodings, or nothing */
export const bodyText: fc.Arbitrary<string | undefined> = fc.oneof(
  { weight: 12, arbitrary: anyBody.map((v) => JSON.stringify(v, (_k, x) => (typeof x === "bigint" ? Number(x) : x))) },
  { weight: 1, arbitrary: fc.constant(undefined) },
  { weight: 1, arbitrary: fc.constantFrom("", "{", "[1,2", "{\"a\":}", "nul", "\u0000", "{\"name\":\"\\ud800\"}", "1".repeat(5000), "\"string\"", "123", "true", "null") },
  { weight: 1, arbitrary: fc.string({ unit: "binary", maxLength: 200 }) },
);

export const queryString: fc.Arbitrary<string> = fc
  .array(fc.tuple(fc.oneof(fc.constantFrom(...FIELD_NAMES), nastyString), nastyString), { maxLength: 5 })
  .map((pairs) => pairs.map(([k, v]) => `${percentEncode(k)}=${percentEncode(v)}`).join("&"))
  .chain((q) => fc.oneof(fc.constant(q), fc.constantFrom("limit=201", "limit=0", "limit=-1", "limit=1e3", "offset=99999999999", "status=active&status=draft", "date=2025-02-30", "start_date=1999-01-01", "use_target_audience=true", "%", "a=%zz", "tag=a&tag=b&tag=c")));
