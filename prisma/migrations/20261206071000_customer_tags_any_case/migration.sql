-- Tags match in any case, as customer_tier and city do: an import's "Fashion" is the audience's "fashion"
-- (lib/marketing/customers/customer-match.ts). Tags are kept as written; what is indexed and compared is
-- lower_tags(tags), each tag lower-cased. The customer filters (API and dashboard) compare tier and tags the
-- same way, so the exact-value indexes on customer_tier and tags serve no query any more: dropped (one GIN
-- index to keep up on each write, not two).
--
-- IMMUTABLE (as lower() is): the index and the queries must compute the same value. It lower-cases the
-- array's text form and reads it back: quotes, backslashes, commas and braces are not letters, so the form
-- survives lower() and every tag comes back whole (a tag spelt "NULL" is quoted in that form, so it comes
-- back as the text 'null'). The casts are STABLE only because an array's elements may be of any type; for
-- text they depend on nothing.
CREATE FUNCTION lower_tags(tags text[]) RETURNS text[] LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
  RETURN lower(tags::text)::text[];

CREATE INDEX "user_profiles_lower_tags_idx" ON "user_profiles" USING GIN (lower_tags(tags));

-- DropIndex
DROP INDEX "user_profiles_customer_tier_idx";

-- DropIndex
DROP INDEX "user_profiles_tags_idx";
