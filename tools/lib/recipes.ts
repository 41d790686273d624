// The recovery recipes of docs/recovery.md: each a shell block under a `<!-- recipe: ID -->` mark.
// The page is what a reader copies, so the tests (test/recovery) and the nightly drills (.ci/e2e)
// read the recipes from it, never a copy of their own.
import * as fs from "node:fs";
import * as path from "node:path";
import { parseToolArgs, type ToolIo } from "./tool-args";

export const recoveryPage = path.resolve(__dirname, "../../docs/recovery.md");

/** The recipes of a page, by ID, in the page's order. */
export function readRecipes(markdown: string): Map<string, string> {
  const recipes = new Map<string, string>();
  const mark = /<!-- recipe: ([a-z0-9-]+) -->\n```sh\n([\s\S]*?)```/g;
  for (const [, id, body] of markdown.matchAll(mark)) {
    if (recipes.has(id)) throw new Error(`recipe ${id} is written twice`);
    recipes.set(id, body);
  }
  return recipes;
}

/** The commands of a recipe: its lines, without blank ones. */
export const recipeCommands = (recipe: string): string[] => recipe.split("\n").filter((line) => line.trim() !== "");

const usage = "usage: npm run --silent recipe -- ID   (prints the recipe ID of docs/recovery.md; --list lists them)";

/** `npm run recipe`: prints one recipe, for a shell to run (`bash -c "$(npm run --silent recipe -- ID)"`). */
export function runRecipe(argv: readonly string[], io: ToolIo, page = recoveryPage): number {
  const parsed = parseToolArgs(argv, { list: { type: "boolean" } }, usage, io);
  if (typeof parsed === "number") return parsed;
  const recipes = readRecipes(fs.readFileSync(page, "utf8"));
  if (parsed.values.list) {
    io.out(`${[...recipes.keys()].join("\n")}\n`);
    return 0;
  }
  const [id, ...rest] = parsed.positionals;
  const recipe = id === undefined ? undefined : recipes.get(id);
  if (recipe === undefined || rest.length > 0) {
    io.err(`${id === undefined || rest.length > 0 ? "name one recipe" : `no recipe ${id}`}; the recipes: ${[...recipes.keys()].join(", ")}\n${usage}\n`);
    return 2;
  }
  io.out(recipe);
  return 0;
}
