/**
 * Uploads a header file to WhatsApp once, so a campaign sends its media by id: Meta fetching the same
 * link for every recipient fails at scale (131053). The file is downloaded from its link and posted as
 * multipart/form-data to POST /{phone-number-id}/media (messaging_product, type, file); Meta answers
 * { id }. Meta keeps an uploaded file for 30 days.
 *
 * A link that cannot be downloaded, or a file Meta refuses, is a template-class failure (the campaign
 * pauses with the reason); Meta's own error codes are classified as for a send.
 */
import { classifyError, errorTitle } from "./errors";
import type { MediaUploadResult } from "./types";

/** how long Meta keeps an uploaded media file */
export const MEDIA_ID_LIFETIME_MS = 30 * 24 * 3600_000;
/** the largest header file we upload (Meta: video and documents up to 16 MB / 100 MB; images 5 MB) */
const MAX_BYTES = 100 * 1024 * 1024;

export async function uploadMediaFromLinkTo({ link, mediaUrl, accessToken, timeoutMs, fetch: doFetch }: {
  link: string; mediaUrl: string; accessToken: string; timeoutMs: number; fetch: typeof fetch;
}): Promise<MediaUploadResult> {
  const signal = AbortSignal.timeout(Math.max(timeoutMs, 10_000));
  let file: Blob;
  let mimeType: string;
  try {
    const res = await doFetch(link, { signal, redirect: "follow" });
    if (!res.ok) return { ok: false, code: null, errorClass: "template", title: `The header media could not be downloaded from its link (HTTP ${res.status})` };
    mimeType = (res.headers.get("content-type") ?? "application/octet-stream").split(";")[0].trim().toLowerCase();
    const bytes = await res.arrayBuffer();
    if (bytes.byteLength === 0 || bytes.byteLength > MAX_BYTES) {
      return { ok: false, code: null, errorClass: "template", title: `The header media at its link is ${bytes.byteLength === 0 ? "empty" : "too large"}` };
    }
    file = new Blob([bytes], { type: mimeType });
  } catch (error) {
    return { ok: false, code: null, errorClass: "template", title: `The header media could not be downloaded from its link (${error instanceof Error ? error.name : "error"})` };
  }
  const form = new FormData();
  form.set("messaging_product", "whatsapp");
  form.set("type", mimeType);
  form.set("file", file, fileNameOf(link));
  try {
    const res = await doFetch(mediaUrl, { method: "POST", headers: { Authorization: `Bearer ${accessToken}` }, body: form, signal });
    const json = (await res.json().catch(() => undefined)) as { id?: unknown; error?: { code?: unknown; message?: unknown; error_user_title?: unknown } } | undefined;
    if (res.ok && typeof json?.id === "string" && json.id !== "") return { ok: true, id: json.id };
    const code = typeof json?.error?.code === "number" ? json.error.code : null;
    const metaTitle = typeof json?.error?.error_user_title === "string" ? json.error.error_user_title : typeof json?.error?.message === "string" ? json.error.message : undefined;
    const errorClass = code === null && res.ok ? "template" : classifyError(code, res.status);
    return { ok: false, code, errorClass, title: code === null ? `WhatsApp refused the header media upload (HTTP ${res.status})` : errorTitle(code, metaTitle) };
  } catch (error) {
    return { ok: false, code: null, errorClass: "retry", title: `The header media upload to WhatsApp failed (${error instanceof Error ? error.name : "error"})` };
  }
}

function fileNameOf(link: string): string {
  try {
    const last = new URL(link).pathname.split("/").filter(Boolean).pop();
    return last ? decodeURIComponent(last).slice(0, 200) : "media";
  } catch {
    return "media";
  }
}
