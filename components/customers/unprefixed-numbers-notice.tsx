import { Notice } from "@/components/ui/notice";
import { countOf, countryName, type NamedCountry } from "@/components/ui/format";
import { countUnprefixed, noUnprefixedNumbers, type UnprefixedExample, type UnprefixedNumbers } from "@/lib/marketing/customers/customer-csv";
import { hasCountryPrefix, isPhoneCountry, normalizePhone } from "@/lib/marketing/phone";

/**
 * Before adding numbers written without "+" or "00", how they were read. Those whose first digits were read as
 * the country code get a warning: a US number typed as (202) 555-0973 becomes +20 2555 0973 in Egypt, and is
 * sent and priced there. With a default country (Settings), those read as its numbers get a note.
 */
export function UnprefixedNumbersNotice({ unprefixed, defaultCountry }: { unprefixed: UnprefixedNumbers; defaultCountry: NamedCountry | null }) {
  const { count, example, national } = unprefixed;
  if ((count === 0 || !example) && (national.count === 0 || !national.example)) return null;
  return (
    <div data-testid="unprefixed-numbers" className="space-y-2">
      {count > 0 && example ? (
        <Notice tone="warning" title={`${countOf(count, "number")} without + or 00 in front${defaultCountry ? ` that ${count === 1 ? "is" : "are"} not ${defaultCountry.name} numbers` : ""}`}>
          Their first digits were read as the country code: <Example example={example} withCountry />. If they are national numbers,
          add their country code (+1 for the US and Canada) before adding them
          {defaultCountry ? "." : ", or have an admin choose a default country in Settings › Careful sending."}
        </Notice>
      ) : null}
      {defaultCountry && national.count > 0 && national.example ? (
        <Notice tone="info" title={`${countOf(national.count, "number")} read as ${defaultCountry.name} numbers`}>
          Written without + or 00 and valid in {defaultCountry.name} (the default country, Settings › Careful sending): <Example example={national.example} />.
        </Notice>
      ) : null}
    </div>
  );
}

function Example({ example, withCountry = false }: { example: UnprefixedExample; withCountry?: boolean }) {
  return (
    <>
      {example.line ? `line ${example.line}, ` : ""}
      <span className="font-mono">{example.value}</span> is <span className="font-mono">+{example.phone}</span>
      {withCountry && example.country ? ` (${countryName(example.country)})` : ""}
    </>
  );
}

/** The same for a plain list of typed or uploaded numbers: how many lack a prefix, by how they were read, and the first of each. */
export function unprefixedOf(numbers: string[], defaultCountry: string | null): UnprefixedNumbers {
  const reading = { defaultCountry: isPhoneCountry(defaultCountry) ? defaultCountry : null };
  const out = noUnprefixedNumbers();
  for (const value of numbers) {
    if (hasCountryPrefix(value)) continue;
    const n = normalizePhone(value, reading);
    if (n.ok) countUnprefixed(out, value, n, null);
  }
  return out;
}
