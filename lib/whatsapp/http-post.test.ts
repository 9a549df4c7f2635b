import http from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { httpPost } from "./http-post";

let server: http.Server;
let base: string;
beforeAll(async () => {
  server = http.createServer((req, res) => {
    let body = "";
    req.on("data", (c: Buffer) => (body += c.toString()));
    req.on("end", () => {
      if (req.url === "/echo") {
        res.writeHead(201, { "Content-Type": "application/json", "Retry-After": "7" });
        res.end(JSON.stringify({ got: JSON.parse(body), length: req.headers["content-length"], auth: req.headers.authorization }));
      } else if (req.url === "/cut") {
        // the headers and part of the body, then the connection drops
        res.writeHead(200, { "Content-Type": "application/json", "Content-Length": "100" });
        res.write('{"messages":[');
        setTimeout(() => res.socket?.destroy(), 20);
      } else if (req.url === "/slow") {
        setTimeout(() => res.end("{}"), 2_000);
      }
    });
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  server.closeAllConnections();
  await new Promise((r) => server.close(r));
});

const post = (path: string, signal = new AbortController().signal) =>
  httpPost(`${base}${path}`, { method: "POST", headers: { Authorization: "Bearer t", "Content-Type": "application/json" }, body: JSON.stringify({ to: "15550001111", text: "héllo" }), signal });

describe("httpPost", () => {
  it("sends the body with its byte length and headers; gives the status, a header and the body", async () => {
    const res = await post("/echo");
    expect(res.status).toBe(201);
    expect(res.headers.get("retry-after")).toBe("7");
    expect(res.headers.get("x-missing")).toBeNull();
    expect(JSON.parse(await res.text())).toEqual({ got: { to: "15550001111", text: "héllo" }, length: String(Buffer.byteLength('{"to":"15550001111","text":"héllo"}')), auth: "Bearer t" });
  });

  it("many requests at once", async () => {
    const answers = await Promise.all(Array.from({ length: 50 }, () => post("/echo").then((r) => r.status)));
    expect(answers.every((s) => s === 201)).toBe(true);
  });

  it("an answer cut off mid-body fails with the socket's error (the request went out)", async () => {
    await expect(post("/cut")).rejects.toMatchObject({ code: "UND_ERR_SOCKET" });
  });

  it("a refused connection fails with ECONNREFUSED", async () => {
    const closed = http.createServer();
    await new Promise<void>((r) => closed.listen(0, "127.0.0.1", r));
    const port = (closed.address() as AddressInfo).port;
    await new Promise((r) => closed.close(r));
    await expect(httpPost(`http://127.0.0.1:${port}/x`, { method: "POST", headers: {}, body: "{}", signal: new AbortController().signal })).rejects.toMatchObject({ code: "ECONNREFUSED" });
  });

  it("the signal aborts a request that waits for its answer", async () => {
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 50);
    const started = performance.now();
    await expect(post("/slow", controller.signal)).rejects.toMatchObject({ name: "AbortError" });
    expect(performance.now() - started).toBeLessThan(1_000);
  });
});
