// Stands in for raw.githubusercontent.com (tools/lib/upstream.mjs downloads from it): serves
// /<repository>/<ref>/<path> from $FAKE_REMOTE/<repository>/<ref>/<path> on 127.0.0.1, 404 for a
// missing file, logs each path asked for to $CALLS, and prints its address once it listens.
import { appendFileSync, readFileSync } from "node:fs";
import { createServer } from "node:http";
import * as path from "node:path";

const remote = path.resolve(process.env.FAKE_REMOTE);
const server = createServer((request, response) => {
  const asked = decodeURIComponent(new URL(request.url, "http://x").pathname);
  appendFileSync(process.env.CALLS, `GET ${asked}\n`);
  const file = path.join(remote, asked);
  try {
    if (!file.startsWith(`${remote}${path.sep}`)) throw new Error("outside");
    response.end(readFileSync(file));
  } catch {
    response.writeHead(404).end("404: Not Found");
  }
});
server.listen(0, "127.0.0.1", () => process.stdout.write(`http://127.0.0.1:${server.address().port}\n`));
