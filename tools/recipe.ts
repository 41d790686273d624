// npm run recipe -- ID: prints a recovery recipe of docs/recovery.md (tools/lib/recipes.ts).
import { runRecipe } from "./lib/recipes";
import { exitWith, processIo } from "./lib/tool-args";

exitWith(Promise.resolve(runRecipe(process.argv.slice(2), processIo)));
