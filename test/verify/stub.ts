// A local stand-in for the lab's ingress gateway: Bookinfo's product page (stars per reviews
// version, sign-in with a session cookie, delays, faults) and httpbin behind a Host, on 127.0.0.1.
import * as http from "node:http";
import type { AddressInfo } from "node:net";

export type StubVersion = "v1" | "v2" | "v3" | "unavailable" | "ratings-error";

export interface StubBehaviour {
  /** Which reviews version answers the n-th page load (0-based, per user), for the signed-in user or "". */
  reviews?: (n: number, user: string) => StubVersion;
  /** How long a page load takes, in ms. */
  delayMs?: (user: string) => number;
  /** Status of every page load. */
  pageStatus?: number;
  /** Whether productpage's call to details fails (the page then shows its error instead of the table). */
  detailsFail?: boolean;
  /** When false, POST /login sets no cookie. */
  login?: boolean;
  /**
   * Answer as a platform's shared gateway does for one lab (catalog/lab-host.ts): Bookinfo only on
   * this host and httpbin only beneath it; every other host has no route (404).
   */
  labHost?: string;
  /** A status for a request, before anything else answers it (undefined: the rest of the stub answers). */
  answer?: (path: string, headers: http.IncomingHttpHeaders) => number | undefined;
}

export interface Stub {
  url: string;
  /** Page loads seen, per user ("" anonymous). */
  loads: Map<string, number>;
  close(): Promise<void>;
}

const stars = (color: string, n: number) =>
  `<div class="flex gap-x-1 text-${color}-500">${'<svg class="h-5 w-5 flex-none" viewBox="0 0 20 20" fill="currentColor" aria-hidden="true"><path d="M10"/></svg>'.repeat(n)}</div>`;

/** The markup of productpage.html (Bookinfo 1.20) in the parts verify reads. */
export function productPage(version: StubVersion, user: string, podname = true, details = true): string {
  // A v2 or v3 pod whose ratings call failed still names itself.
  const pod = version === "v1" || version === "v3" ? version : "v2";
  const nav = user
    ? `<p class="text-base font-medium text-gray-50">${user}</p>\n<a href="logout" class="text-xs">Sign out</a>`
    : `<button type="button" id="sign-in-button">Sign in</button>`;
  const review = (rating: string, reviewer: string) =>
    `<section class="px-6 py-12"><div class="mx-auto max-w-2xl">${rating}<blockquote><p>"A review"</p></blockquote>
     <div class="font-semibold text-gray-900">${reviewer}</div>
     ${podname ? `<div class="mt-0.5 text-gray-600 font-mono">Reviews served by: \n                  reviews-${pod}-7f9c6d8b5-x2x4z\n</div>` : ""}</div></section>`;
  const rating =
    version === "v2" ? stars("black", 5) : version === "v3" ? stars("red", 4) : version === "ratings-error" ? '<p class="text-red-500">Ratings service is currently unavailable</p>' : "";
  const reviews =
    version === "unavailable"
      ? '<p class="text-2xl text-red-500">Error fetching product reviews</p><p class="text-lg text-gray-600">Sorry, product reviews are currently unavailable for this book.</p>'
      : `<h4 class="text-3xl font-semibold">Book Reviews</h4><div class="flex">${review(rating, "Reviewer1")}${review(rating, "Reviewer2")}</div>`;
  const detailsPart = details
    ? '<h4 class="text-3xl font-semibold">Book Details</h4><table><tr><th>ISBN-10</th><th>Publisher</th></tr><tr><td>1234567890</td><td>PublisherA</td></tr></table>'
    : '<p class="text-2xl text-red-500">Error fetching product details</p><p class="text-lg text-gray-600">Sorry, product details are currently unavailable for this book.</p>';
  return `<title>Simple Bookstore App</title>\n<nav>${nav}</nav>\n<h1>The Comedy of Errors</h1>\n${detailsPart}\n${reviews}\n`;
}

function body(req: http.IncomingMessage): Promise<string> {
  return new Promise((resolve) => {
    let text = "";
    req.on("data", (c: Buffer) => (text += c.toString()));
    req.on("end", () => resolve(text));
  });
}

export async function startStub(behaviour: StubBehaviour = {}): Promise<Stub> {
  const loads = new Map<string, number>();
  const server = http.createServer(async (req, res) => {
    const url = new URL(req.url ?? "/", "http://stub");
    const host = (req.headers.host ?? "").split(":")[0];
    const send = (status: number, text: string, headers: Record<string, string> = {}) => {
      res.writeHead(status, { "content-type": "text/html", ...headers });
      res.end(text);
    };
    const answered = behaviour.answer?.(url.pathname, req.headers);
    if (answered !== undefined) return send(answered, "");
    const lab = behaviour.labHost;
    if (host === (lab ? `httpbin.${lab}` : "httpbin.example.com")) {
      const status = /^\/status\/(\d{3})$/.exec(url.pathname);
      if (status) return send(Number(status[1]), "");
      const delay = /^\/delay\/(\d+)$/.exec(url.pathname);
      if (delay) return setTimeout(() => send(200, "{}"), Number(delay[1]) * 100);
      return send(404, "");
    }
    if (lab ? host !== lab : /example\.com$/.test(host)) return send(404, "");
    if (req.method === "POST" && url.pathname === "/login") {
      const form = new URLSearchParams(await body(req));
      const user = form.get("username") ?? "";
      const cookie: Record<string, string> = behaviour.login === false ? {} : { "set-cookie": `session=${Buffer.from(JSON.stringify({ user })).toString("base64")}; HttpOnly; Path=/` };
      return send(302, "", { location: req.headers.referer ?? "/productpage", ...cookie });
    }
    if (req.method === "GET" && url.pathname === "/productpage") {
      const session = /(?:^|;\s*)session=([^;]+)/.exec(req.headers.cookie ?? "")?.[1];
      const user = session ? (JSON.parse(Buffer.from(session, "base64").toString()) as { user: string }).user : "";
      const n = loads.get(user) ?? 0;
      loads.set(user, n + 1);
      const page = productPage(behaviour.reviews?.(n, user) ?? "v1", user, true, !behaviour.detailsFail);
      const answer = () => send(behaviour.pageStatus ?? 200, page);
      const delay = behaviour.delayMs?.(user) ?? 0;
      return delay > 0 ? setTimeout(answer, delay) : answer();
    }
    if (url.pathname === "/") return send(404, "");
    return send(404, "");
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    loads,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** A port on 127.0.0.1 with nothing listening: bound, then released. */
export async function deadPort(): Promise<number> {
  const server = http.createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}
