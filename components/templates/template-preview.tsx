"use client";

import { useEffect, useMemo, useRef, useState } from "react";
import { renderTemplatePreview, type TemplatePreview as TemplatePreviewData } from "@/lib/marketing/templates/preview";
import type { TemplateRequirements } from "@/lib/marketing/templates/requirements";
import type { SampleCustomer } from "./types";

const FORMATTING: Array<[RegExp, "strong" | "em" | "s"]> = [
  [/\*([^*\n]+)\*/, "strong"],
  [/_([^_\n]+)_/, "em"],
  [/~([^~\n]+)~/, "s"],
];
const PLACEHOLDER = /(\{\{\s*[A-Za-z0-9_]+\s*\}\})/;

/** `text` with WhatsApp's formatting from FORMATTING[from] on as elements: each kind, and kinds inside each other (*_both_*). */
function styled(text: string, key: number, from = 0): React.ReactNode {
  for (let k = from; k < FORMATTING.length; k++) {
    const [pattern, tag] = FORMATTING[k];
    if (!pattern.test(text)) continue;
    // split with a capture group: odd pieces are the formatted ones; every piece may hold the later kinds
    const pieces = text.split(new RegExp(pattern.source, "g"));
    return (
      <span key={key}>
        {pieces.map((x, j) => {
          const inner = styled(x, j, k + 1);
          if (j % 2 === 0) return inner;
          return tag === "strong" ? <strong key={j}>{inner}</strong> : tag === "em" ? <em key={j}>{inner}</em> : <s key={j}>{inner}</s>;
        })}
      </span>
    );
  }
  return <span key={key}>{text}</span>;
}

/** WhatsApp's *bold*, _italic_ and ~strike~ as elements; placeholders left unfilled are highlighted. */
export function Rich({ text }: { text: string }) {
  return (
    <>
      {text.split(PLACEHOLDER).map((chunk, i) =>
        i % 2 === 1 ? (
          <mark key={i} className="rounded bg-amber-100 px-0.5 text-amber-900">{chunk}</mark>
        ) : chunk ? (
          styled(chunk, i)
        ) : null,
      )}
    </>
  );
}

/**
 * The header image, or — when its link cannot be loaded (a typo, a private or missing file) — a placeholder
 * saying so instead of the browser's broken-image box. A failure before hydration is caught on mount.
 */
function HeaderImage({ link, testId }: { link: string; testId: string }) {
  const [failed, setFailed] = useState(false);
  const img = useRef<HTMLImageElement>(null);
  useEffect(() => {
    const el = img.current;
    if (el && el.complete && el.naturalWidth === 0) setFailed(true);
  }, []);
  if (failed) {
    return (
      <div role="img" aria-label="Header image could not be loaded" className="mb-1 flex h-32 flex-col items-center justify-center gap-1 rounded-md bg-slate-200 px-3 text-center text-xs text-slate-600"
        data-testid={`${testId}-header-image-missing`}>
        <svg viewBox="0 0 24 24" className="size-6 text-slate-500" fill="none" stroke="currentColor" strokeWidth="1.6" strokeLinecap="round" strokeLinejoin="round" aria-hidden="true">
          <rect x="3" y="4" width="18" height="16" rx="2" />
          <circle cx="9" cy="10" r="1.8" />
          <path d="m21 16-5-5-9 9" />
        </svg>
        <span aria-hidden="true">Image could not be loaded</span>
        <span aria-hidden="true" className="max-w-full truncate" title={link}>{link.split("/").pop()}</span>
      </div>
    );
  }
  return (
    // eslint-disable-next-line @next/next/no-img-element
    <img ref={img} src={link} alt="Header image" onError={() => setFailed(true)} className="mb-1 max-h-48 w-full rounded-md object-cover" data-testid={`${testId}-header-image`} />
  );
}

/** Header media or text, body, footer and buttons of one bubble (the message, or one carousel card). */
function BubbleParts({ preview, testId }: { preview: TemplatePreviewData; testId: string }) {
  const h = preview.header;
  return (
    <>
      {h?.kind === "image" ? (
        h.link ? (
          <HeaderImage key={h.link} link={h.link} testId={testId} />
        ) : (
          <div className="mb-1 flex h-32 items-center justify-center rounded-md bg-slate-200 text-xs text-slate-600">Image: add a link</div>
        )
      ) : null}
      {h?.kind === "video" ? (
        <div className="mb-1 flex h-32 items-center justify-center rounded-md bg-slate-800 text-xs text-white">▶ Video{h.link ? `: ${h.link.split("/").pop()}` : ": add a link"}</div>
      ) : null}
      {h?.kind === "document" ? (
        <div className="mb-1 flex items-center gap-2 rounded-md bg-slate-100 px-3 py-3 text-xs text-slate-700">📄 {h.filename || (h.link ? h.link.split("/").pop() : "Document: add a link")}</div>
      ) : null}
      {h?.kind === "location" ? (
        <div className="mb-1 rounded-md bg-emerald-50 px-3 py-3 text-xs text-emerald-900">
          📍 {h.name ?? "Location"}
          {h.address ? <span className="block text-emerald-700">{h.address}</span> : null}
          {h.latitude !== undefined && h.longitude !== undefined ? <span className="block text-emerald-700">{h.latitude}, {h.longitude}</span> : null}
        </div>
      ) : null}
      {preview.offer ? (
        <div className="mx-1 mb-1 rounded-md bg-sky-50 px-3 py-2 text-xs text-sky-900" data-testid={`${testId}-offer`}>
          <span className="block font-semibold">🎁 {preview.offer.text || "Limited-time offer"}</span>
          {preview.offer.expiresAt ? `Ends ${new Date(preview.offer.expiresAt).toLocaleString()}` : <mark className="rounded bg-amber-100 px-0.5 text-amber-900">Ends: add a date</mark>}
        </div>
      ) : null}
      <div className="px-2 pb-1 pt-1">
        {h?.kind === "text" ? (
          <p className="mb-1 font-semibold" data-testid={`${testId}-header-text`}>
            <Rich text={h.text} />
          </p>
        ) : null}
        {preview.body ? (
          <p className="whitespace-pre-wrap" data-testid={`${testId}-body`}>
            <Rich text={preview.body} />
          </p>
        ) : null}
        {preview.footer ? <p className="mt-1 text-xs text-slate-500" data-testid={`${testId}-footer`}>{preview.footer}</p> : null}
      </div>
      {preview.buttons.length > 0 ? (
        <div className="divide-y divide-slate-100 border-t border-slate-100">
          {preview.buttons.map((b, i) => (
            <div key={i} className="flex items-center justify-center gap-1.5 py-2 text-sm font-medium text-sky-700" title={b.url ?? b.phoneNumber}>
              <span aria-hidden="true">{b.type === "URL" ? "↗" : b.type === "PHONE_NUMBER" ? "✆" : b.type === "COPY_CODE" ? "⧉" : b.type === "FLOW" ? "☰" : "↩"}</span>
              {b.text}
            </div>
          ))}
        </div>
      ) : null}
    </>
  );
}

/** The message as a WhatsApp chat bubble; a carousel's cards scroll sideways below it. */
export function TemplatePreview({ requirements, components, customer, className }: {
  requirements: TemplateRequirements;
  components: unknown;
  customer?: SampleCustomer | null;
  className?: string;
}) {
  const preview = useMemo(() => renderTemplatePreview(requirements, components, customer ?? null), [requirements, components, customer]);
  const urls = [...preview.buttons, ...preview.cards.flatMap((c) => c.buttons)].filter((b) => b.url).map((b) => b.url);
  return (
    <div className={`rounded-xl bg-[#efeae2] p-4 ${className ?? ""}`} data-testid="template-preview">
      <div className="max-w-sm rounded-lg rounded-tl-none bg-white p-1 text-[14px] leading-snug text-slate-900 shadow-sm">
        <BubbleParts preview={preview} testId="preview" />
        <p className="mt-0.5 px-2 pb-1 text-right text-[11px] text-slate-500">10:24</p>
      </div>
      {preview.cards.length > 0 ? (
        <div className="mt-2 flex snap-x gap-2 overflow-x-auto pb-1" data-testid="preview-carousel">
          {preview.cards.map((card, i) => (
            <div key={i} className="w-56 shrink-0 snap-start rounded-lg bg-white p-1 text-[13px] leading-snug text-slate-900 shadow-sm" data-testid={`preview-card-${i}`}>
              <BubbleParts preview={card} testId={`preview-card-${i}`} />
            </div>
          ))}
        </div>
      ) : null}
      {urls.length > 0 ? <p className="mt-2 truncate text-[11px] text-slate-600">{urls.join(" · ")}</p> : null}
    </div>
  );
}
