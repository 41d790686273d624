// npm run verify -- [--stack NAME | --scenario NAME --namespace NS --gateway-url URL] [--json] ...
// Sends traffic to a running lab and checks that the mesh behaves as its scenario promises.
// The work lives in tools/verify/; see `npm run verify -- --help`.
import { main } from "./verify/cli";
import { exitWith } from "./lib/tool-args";

// 2, as verify's own errors: not a verdict on the lab.
exitWith(main(process.argv.slice(2)), 2);
