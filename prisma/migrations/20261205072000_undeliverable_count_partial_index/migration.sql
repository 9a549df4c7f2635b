-- The customers with an undeliverable count (customers/undeliverable.ts): few, so a small partial index. Every
-- chunk of delivered and read statuses asks which of its customers have a count; the planner estimates that
-- almost none do and, without this index, read all of user_profiles to find them (48 ms a chunk at 300,000
-- customers in bench 7c). With it, each of the chunk's customers is one probe of an index that is nearly empty.
CREATE INDEX user_profiles_undeliverable_count_idx ON user_profiles (id) WHERE undeliverable_count > 0;
