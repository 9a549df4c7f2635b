-- A target audience's customer_tier matches in any case, as its city does (lib/marketing/recipients/add-recipients.ts
-- audienceWhere): "Premium" from one import and "premium" from another are one tier. The index serves it as
-- user_profiles_lower_city_idx serves the city; user_profiles_customer_tier_idx stays for the exact filters.
CREATE INDEX "user_profiles_lower_customer_tier_idx" ON "user_profiles" (lower(customer_tier));
