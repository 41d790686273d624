// npm run verify -- [--stack NAME | --scenario NAME --namespace NS --gateway-url URL] [--json] ...
// Sends traffic to a running lab and checks that the mesh behaves as its scenario promises.
// The work lives in tools/verify/; see `npm run verify -- --help`.
import { main } from "./verify/cli";

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(error instanceof Error ? (error.stack ?? error.message) : String(error));
    process.exit(2);
  },
);
