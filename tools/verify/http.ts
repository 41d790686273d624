// The HTTP transport over node:http: every request has a timeout, bodies are capped, no retries.
import * as http from "node:http";
import * as https from "node:https";
import { HttpError, type HttpRequest, type HttpResponse, type HttpTransport } from "./types";

const maxBody = 4 * 1024 * 1024;

export function nodeHttp(): HttpTransport {
  const agents = { "http:": new http.Agent({ keepAlive: true, maxSockets: 8 }), "https:": new https.Agent({ keepAlive: true, maxSockets: 8 }) };
  return {
    request: (req) => send(req, agents),
    close: () => Object.values(agents).forEach((a) => a.destroy()),
  };
}

function send(req: HttpRequest, agents: Record<string, http.Agent>): Promise<HttpResponse> {
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const elapsed = () => (performance.now() - started) / 1000;
    let url: URL;
    try {
      url = new URL(req.url);
    } catch {
      reject(new HttpError(`not a URL: ${req.url}`, "other", 0));
      return;
    }
    const agent = agents[url.protocol];
    if (!agent) {
      reject(new HttpError(`unsupported protocol in ${req.url}`, "other", 0));
      return;
    }
    const headers: Record<string, string | number> = { ...req.headers };
    if (req.body !== undefined) headers["content-length"] = Buffer.byteLength(req.body);
    const client = url.protocol === "https:" ? https : http;
    const outgoing = client.request(url, { method: req.method ?? "GET", headers, agent }, (res) => {
      const chunks: Buffer[] = [];
      let size = 0;
      res.on("data", (chunk: Buffer) => {
        size += chunk.length;
        if (size > maxBody) outgoing.destroy(new HttpError(`answer larger than ${maxBody} bytes`, "other", elapsed()));
        else chunks.push(chunk);
      });
      res.on("end", () => {
        clearTimeout(timer);
        resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks).toString("utf8"), seconds: elapsed() });
      });
      res.on("error", fail);
    });
    const timer = setTimeout(
      () => outgoing.destroy(new HttpError(`no answer from ${url.origin} within ${(req.timeoutMs / 1000).toFixed(1)} s`, "timeout", elapsed())),
      req.timeoutMs,
    );
    function fail(error: Error) {
      clearTimeout(timer);
      if (error instanceof HttpError) reject(error);
      else {
        const code = (error as NodeJS.ErrnoException).code ?? "";
        const connect = ["ECONNREFUSED", "ECONNRESET", "ENOTFOUND", "EAI_AGAIN", "EHOSTUNREACH", "ENETUNREACH", "EPIPE"].includes(code);
        reject(new HttpError(`${url.origin}: ${code || error.message}`, connect ? "connect" : "other", elapsed()));
      }
    }
    outgoing.on("error", fail);
    outgoing.end(req.body);
  });
}
