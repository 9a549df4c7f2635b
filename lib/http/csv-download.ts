/** Content-Disposition for a download named `fileName` in any script: an ASCII fallback, and the name itself (RFC 6266). */
export function attachment(fileName: string): string {
  const ascii = fileName.replace(/[^\x20-\x7e]/g, "_").replace(/["\\]/g, "_");
  return ascii === fileName ? `attachment; filename="${fileName}"` : `attachment; filename="${ascii}"; filename*=UTF-8''${encodeURIComponent(fileName)}`;
}

/**
 * A CSV file download streamed from text chunks (never the whole file in memory); `no-store`. It starts
 * with a UTF-8 byte-order mark, which spreadsheets need to read accented names as UTF-8 (Excel reads a file
 * without one in the computer's legacy code page). These are the dashboard's downloads, for spreadsheets;
 * fetch's text() drops the mark.
 */
export function csvDownload(chunks: AsyncGenerator<string, unknown, unknown>, fileName: string): Response {
  const encoder = new TextEncoder();
  const stream = new ReadableStream<Uint8Array>({
    start(controller) {
      controller.enqueue(new Uint8Array([0xef, 0xbb, 0xbf]));
    },
    async pull(controller) {
      try {
        const { value, done } = await chunks.next();
        if (done) controller.close();
        else controller.enqueue(encoder.encode(value));
      } catch (error) {
        controller.error(error);
      }
    },
    async cancel() {
      await chunks.return(undefined);
    },
  });
  return new Response(stream, {
    headers: {
      "Content-Type": "text/csv; charset=utf-8",
      "Content-Disposition": attachment(fileName),
      "Cache-Control": "no-store",
    },
  });
}
