import { Notice } from "@/components/ui/notice";
import { countOf, countryName, type NamedCountry } from "@/components/ui/format";
import type { UnprefixedNumbers } from "@/lib/marketing/customers/customer-csv";
import { hasCountryPrefix, isPhoneCountry, normalizePhone } from "@/lib/marketing/phone";

/**
 * Before adding numbers written without "+" or "00", how they were read. Without a default country their
 * first digits are the country code, so a US number typed as (202) 555-0973 becomes +20 2555 0973 in Egypt,
 * and is sent and priced there: a warning. With one (Settings), they are that country's numbers where valid.
 */
export function UnprefixedNumbersNotice({ unprefixed, defaultCountry }: { unprefixed: UnprefixedNumbers; defaultCountry: NamedCountry | null }) {
  const { count, example } = unprefixed;
  if (count === 0 || !example) return null;
  const where = example.country ? ` (${countryName(example.country)})` : "";
  const shown = (
    <>
      {example.line ? `line ${example.line}, ` : ""}
      <span className="font-mono">{example.value}</span> is <span className="font-mono">+{example.phone}</span>{where}
    </>
  );
  return (
    <div data-testid="unprefixed-numbers">
      {defaultCountry ? (
        <Notice tone="info" title={`${countOf(count, "number")} without + or 00 in front`}>
          Read as {defaultCountry.name} numbers where they are one, otherwise with their first digits as the country code: {shown}.
          The default country is in Settings › Careful sending.
        </Notice>
      ) : (
        <Notice tone="warning" title={`${countOf(count, "number")} without + or 00 in front`}>
          Their first digits were read as the country code: {shown}. If they are national numbers, add their country code
          (+1 for the US and Canada) before adding them, or have an admin choose a default country in Settings › Careful sending.
        </Notice>
      )}
    </div>
  );
}

/** The same for a plain list of typed or uploaded numbers: how many lack a prefix, and the first of them that is a number. */
export function unprefixedOf(numbers: string[], defaultCountry: string | null): UnprefixedNumbers {
  const reading = { defaultCountry: isPhoneCountry(defaultCountry) ? defaultCountry : null };
  let count = 0;
  let example: UnprefixedNumbers["example"] = null;
  for (const value of numbers) {
    if (hasCountryPrefix(value)) continue;
    count++;
    if (example) continue;
    const n = normalizePhone(value, reading);
    if (n.ok) example = { line: null, value, phone: n.phone, country: n.country };
  }
  return { count, example };
}
