/** Every answer carries X-Request-Id: the caller's own (when it is a sane token) or a new one, also written in log lines. */
import { randomUUID } from "node:crypto";

export const REQUEST_ID_HEADER = "X-Request-Id";
const SANE = /^[A-Za-z0-9._:-]{8,128}$/;

export function requestIdFor(req: Request): string {
  const given = req.headers.get(REQUEST_ID_HEADER);
  return given && SANE.test(given) ? given : `req_${randomUUID().replaceAll("-", "")}`;
}

