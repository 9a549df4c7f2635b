import { Notice } from "@/components/ui/notice";
import { countOf } from "@/components/ui/format";
import type { UnprefixedNumbers } from "@/lib/marketing/customers/customer-csv";
import { hasCountryPrefix, normalizePhone } from "@/lib/marketing/phone";

const regions = new Intl.DisplayNames(["en"], { type: "region" });

/**
 * A warning before adding numbers written without "+" or "00": their first digits are read as the country
 * code, so a US number typed as (202) 555-0973 becomes +20 2555 0973 in Egypt, and is sent and priced there.
 */
export function UnprefixedNumbersNotice({ unprefixed }: { unprefixed: UnprefixedNumbers }) {
  const { count, example } = unprefixed;
  if (count === 0 || !example) return null;
  const where = example.country ? ` (${regions.of(example.country) ?? example.country})` : "";
  return (
    <div data-testid="unprefixed-numbers">
    <Notice tone="warning" title={`${countOf(count, "number")} without + or 00 in front`}>
      Their first digits were read as the country code: {example.line ? `line ${example.line}, ` : ""}
      <span className="font-mono">{example.value}</span> is <span className="font-mono">+{example.phone}</span>{where}. If they are
      national numbers, add their country code (+1 for the US and Canada) before adding them.
    </Notice>
    </div>
  );
}

/** The same for a plain list of typed or uploaded numbers: how many lack a prefix, and the first of them that is a number. */
export function unprefixedOf(numbers: string[]): UnprefixedNumbers {
  let count = 0;
  let example: UnprefixedNumbers["example"] = null;
  for (const value of numbers) {
    if (hasCountryPrefix(value)) continue;
    count++;
    if (example) continue;
    const n = normalizePhone(value);
    if (n.ok) example = { line: null, value, phone: n.phone, country: n.country };
  }
  return { count, example };
}
