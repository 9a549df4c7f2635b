/** The API tokens suite's environment: a small per-token rate limit, set before lib/env.ts is first read. Import first. */
import "../engine/support";

process.env.API_RATE_LIMIT_PER_MINUTE = "5";
