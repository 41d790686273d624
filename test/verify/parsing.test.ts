// Reading what the lab answered: product pages, curl and fortio output, reviews' JSON.
import { describe, expect, it } from "vitest";
import { callCommand, countMarked, fortioLoadCommand, keyedCall, parseCalls, parseFortio, parseStatusOnly, podOf, withQuery } from "../../tools/verify/commands";
import { readReviews, signedInAs } from "../../tools/verify/stars";
import { productPage } from "./stub";

describe("readReviews", () => {
  it.each([
    ["v1", "v1"],
    ["v2", "v2"],
    ["v3", "v3"],
    ["unavailable", "unavailable"],
  ] as const)("reads reviews %s from the stars of Bookinfo 1.20's page", (version, expected) => {
    expect(readReviews(productPage(version, "")).reviews).toBe(expected);
  });

  it("reads the colour of the stars even when the page names no pod", () => {
    expect(readReviews(productPage("v2", "", false)).reviews).toBe("v2");
    expect(readReviews(productPage("v3", "", false)).reviews).toBe("v3");
    expect(readReviews(productPage("v1", "", false)).reviews).toBe("v1");
  });

  it("tells v2 from v3 by the pod name when ratings failed and no stars show", () => {
    expect(readReviews(productPage("ratings-error", "jason"))).toEqual({ reviews: "v2", podname: "reviews-v2-7f9c6d8b5-x2x4z" });
    expect(readReviews(productPage("ratings-error", "jason", false)).reviews).toBe("unknown");
  });

  it("reads the glyphicon stars of older Bookinfo releases", () => {
    const old = (color: string) =>
      `<h4 class="text-center text-primary">Book Reviews</h4><blockquote><p>An extremely entertaining play</p><font color="${color}">\n<span class="glyphicon glyphicon-star"></span>\n<span class="glyphicon glyphicon-star-empty"></span></font></blockquote>`;
    expect(readReviews(old("black")).reviews).toBe("v2");
    expect(readReviews(old("red")).reviews).toBe("v3");
  });

  it("refuses to guess from contradicting signs", () => {
    expect(readReviews(productPage("v3", "").replace("reviews-v3-", "reviews-v2-")).reviews).toBe("unknown");
    expect(readReviews(productPage("v2", "").replace("text-black-500", "text-green-500")).reviews).toBe("unknown");
    expect(readReviews("<html>upstream connect error</html>").reviews).toBe("unknown");
  });

  it("sees who is signed in", () => {
    expect(signedInAs(productPage("v2", "jason"), "jason")).toBe(true);
    expect(signedInAs(productPage("v2", ""), "jason")).toBe(false);
    expect(signedInAs(productPage("v2", "jasonx"), "jason")).toBe(false);
  });
});

describe("in-mesh commands", () => {
  it("runs curl with the headers, a per-request limit and a status marker after each answer", () => {
    const cmd = callCommand("curl", { url: "http://reviews:9080/reviews/0", headers: { "end-user": "k1" }, timeoutSeconds: 5, times: 3 });
    expect(cmd.slice(0, 6)).toEqual(["curl", "-sS", "--max-time", "5", "-H", "end-user: k1"]);
    expect(cmd.filter((a) => a === "http://reviews:9080/reviews/0")).toHaveLength(3);
    // fortio 1.22+ prints the status line and headers on stderr unless asked to keep them on stdout,
    // which is where parseCalls reads the status.
    expect(callCommand("fortio-deploy", { url: "http://httpbin:8000/get", timeoutSeconds: 5 })).toEqual(["fortio", "curl", "-curl-stdout-headers", "-timeout", "5s", "http://httpbin:8000/get"]);
  });

  it("reads each answer of a batch, and pads what curl never finished", () => {
    const out = `{"podname": "reviews-v1-a"}\n<<istio-lab-verify status 200>>\n{"podname": "reviews-v1-a"}\n<<istio-lab-verify status 503>>\n`;
    expect(parseCalls("curl", out, 3)).toEqual([
      { status: 200, body: '{"podname": "reviews-v1-a"}' },
      { status: 503, body: '{"podname": "reviews-v1-a"}' },
      { status: null, body: "" },
    ]);
    expect(parseCalls("curl", "\n<<istio-lab-verify status 000>>\n")).toEqual([{ status: null, body: "" }]);
    expect(parseCalls("fortio-deploy", "HTTP/1.1 503 Service Unavailable\r\ncontent-length: 0\r\n\r\nbody")).toEqual([{ status: 503, body: "body" }]);
  });

  it("round-trips through the real command's output format", () => {
    const cmd = callCommand("curl", { url: "u", timeoutSeconds: 1 });
    const format = cmd[cmd.indexOf("-w") + 1];
    expect(parseCalls("curl", `hello${format.replace("%{http_code}", "418")}`)).toEqual([{ status: 418, body: "hello" }]);
  });

  it("reads fortio's JSON result and the plaintext status", () => {
    expect(fortioLoadCommand("http://httpbin:8000/get", 3, 30, 5)).toEqual(expect.arrayContaining(["-c", "3", "-n", "30", "-qps", "0", "-json", "-"]));
    expect(parseFortio(`{"RunType":"HTTP","RetCodes":{"200":17,"503":13},"DurationHistogram":{"Count":30}}`)).toEqual({ "200": 17, "503": 13 });
    expect(() => parseFortio("Fortio 1.69 running")).toThrow(/no JSON/);
    expect(parseStatusOnly("000")).toBeNull();
    expect(parseStatusOnly("200")).toBe(200);
  });

  it("sends the hash key where the DestinationRule reads it", () => {
    expect(keyedCall("http://r/x", { header: "end-user" }, "k")).toEqual({ url: "http://r/x", headers: { "end-user": "k" } });
    expect(keyedCall("http://r/x", { cookie: "user" }, "k")).toEqual({ url: "http://r/x", headers: { Cookie: "user=k" } });
    expect(keyedCall("http://r/x", { query: "u" }, "k 1")).toEqual({ url: "http://r/x?u=k%201", headers: {} });
    expect(withQuery("http://r/x?a=1", "b", "2")).toBe("http://r/x?a=1&b=2");
  });

  it("finds the pod in reviews' answer and our marker in a log", () => {
    expect(podOf('{"id": "0","podname": "reviews-v3-abc","clustername": "null"}')).toBe("reviews-v3-abc");
    expect(podOf("not json")).toBeNull();
    expect(countMarked('[x] "GET /status/503?istio-lab-verify=m1 HTTP/1.1" 503\n[y] "GET /status/503?istio-lab-verify=m2 HTTP/1.1" 503\nm1 again', "m1")).toBe(2);
  });
});
