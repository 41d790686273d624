// What the Pulumi CLI does with the commands the docs tell a reader to type, as far as a stack's
// existence, the terminal and the passphrase decide it: a model that runs the docs' shell blocks
// (test/docs/shell-blocks.test.ts), each rule read in pulumi/pulumi:
// - pkg/cmd/pulumi/stack/io.go RequireStack: a stack that does not exist is offered for creation
//   only by commands that ask for OfferNew (config set and rm, up, preview, refresh) and only when
//   cmdutil.Interactive(); otherwise "no stack named '<name>' found" (backenderr.StackNotFoundError).
//   destroy loads only (LoadOnly); `stack init --copy-config-from` loads its source (LoadOnly).
// - sdk/go/common/util/cmdutil/console.go Interactive: a terminal on stdin and stdout, not in CI.
//   A command whose stdin is redirected (`< file`) or piped is not interactive.
// - pkg/cmd/pulumi/config/config.go configSetCmd.Run: a value not on the command line is read from
//   stdin when stdin is no terminal, prompted for when interactive, else refused.
// - pkg/backend/backenderr/backenderr.go: up, destroy and refresh need --yes (or --skip-preview)
//   when not interactive.
// - pkg/secrets/passphrase/manager.go: a stack of the file backend encrypts with a passphrase, from
//   PULUMI_CONFIG_PASSPHRASE or PULUMI_CONFIG_PASSPHRASE_FILE, or prompted for at a terminal;
//   creating a stack, a secret value and every deployment need it.

/** The machine and backend a block of commands runs against. */
export interface CliWorld {
  /** Stacks that exist in the backend. */
  stacks: Set<string>;
  selected?: string;
  /** Stack files in the project folder (Pulumi.<stack>.yaml). */
  files: Set<string>;
  env: Map<string, string>;
  /** Whether the reader types at a terminal (a doc's block) or a script runs it (CI, the nightly drills). */
  terminal: boolean;
}

export class CliRefusal extends Error {}

const offersNew = new Set(["config set", "config rm", "up", "preview", "refresh"]);
const needsYes = new Set(["up", "destroy", "refresh", "state delete", "stack rm"]);
const deploys = new Set(["up", "preview", "destroy", "refresh"]);

/** The commands the docs use, with their flags: those taking a value, and switches. */
const commands: Record<string, { valued: string[]; switches: string[] }> = {
  up: { valued: ["--stack", "-s", "--replace", "--target"], switches: ["--yes", "-y", "--skip-preview", "--refresh"] },
  preview: { valued: ["--stack", "-s"], switches: ["--expect-no-changes", "--diff"] },
  destroy: { valued: ["--stack", "-s", "--target"], switches: ["--yes", "-y", "--skip-preview", "--target-dependents"] },
  refresh: { valued: ["--stack", "-s"], switches: ["--yes", "-y", "--skip-preview"] },
  "stack init": { valued: ["--stack", "-s", "--copy-config-from", "--secrets-provider"], switches: [] },
  "stack select": { valued: ["--stack", "-s"], switches: ["--create", "-c"] },
  "stack rm": { valued: ["--stack", "-s"], switches: ["--yes", "-y", "--force", "-f", "--preserve-config"] },
  "stack output": { valued: ["--stack", "-s"], switches: ["--json", "-j", "--show-secrets", "--shell"] },
  "config set": { valued: ["--stack", "-s"], switches: ["--secret", "--path", "--plaintext", "--raw"] },
  "config rm": { valued: ["--stack", "-s"], switches: ["--path"] },
  "state delete": { valued: ["--stack", "-s"], switches: ["--yes", "-y", "--all", "--target-dependents", "--force"] },
  cancel: { valued: ["--stack", "-s"], switches: ["--yes", "-y"] },
};

export interface PulumiCall {
  argv: string[];
  /** Whether the command's stdin is redirected or piped. */
  stdinRedirected: boolean;
  /** Variables set for this command alone (`VAR=value pulumi ...`). */
  env: Map<string, string>;
}

/** Runs one `pulumi` command against the world, changing it as the CLI would; refuses as the CLI would. */
export function runPulumi(world: CliWorld, call: PulumiCall): void {
  const [first, second] = call.argv;
  const name = [`${first} ${second}`, first].find((c) => c in commands);
  if (!name) throw new CliRefusal(`pulumi ${call.argv.join(" ")}: no such command in the model`);
  const { valued, switches } = commands[name];
  const rest = call.argv.slice(name.split(" ").length);
  const flags = new Map<string, string | true>();
  const args: string[] = [];
  for (let i = 0; i < rest.length; i++) {
    const word = rest[i];
    if (valued.includes(word)) flags.set(word, rest[++i] ?? "");
    else if (switches.includes(word)) flags.set(word, true);
    else if (word.startsWith("-")) throw new CliRefusal(`pulumi ${name}: unknown flag ${word}`);
    else args.push(word);
  }
  const interactive = world.terminal && !call.stdinRedirected;
  const env = new Map([...world.env, ...call.env]);
  const passphrase = () => {
    if (!env.has("PULUMI_CONFIG_PASSPHRASE") && !env.has("PULUMI_CONFIG_PASSPHRASE_FILE") && !interactive) {
      throw new CliRefusal(`pulumi ${name}: passphrase must be set with PULUMI_CONFIG_PASSPHRASE or PULUMI_CONFIG_PASSPHRASE_FILE environment variables`);
    }
  };
  const stackName = (flags.get("--stack") ?? flags.get("-s")) as string | undefined;
  const create = (stack: string) => {
    if (world.stacks.has(stack)) throw new CliRefusal(`pulumi ${name}: stack '${stack}' already exists`);
    passphrase();
    world.stacks.add(stack);
    world.files.add(stack);
  };
  const requireStack = (): string => {
    const stack = stackName ?? world.selected;
    if (stack === undefined) throw new CliRefusal(`pulumi ${name}: no stack selected; pass --stack or run \`pulumi stack select\``);
    if (world.stacks.has(stack)) return stack;
    if (offersNew.has(name) && interactive) {
      create(stack);
      if (name.startsWith("config")) world.selected = stack;
      return stack;
    }
    throw new CliRefusal(`pulumi ${name}: no stack named '${stack}' found`);
  };
  if (needsYes.has(name) && !interactive && !flags.has("--yes") && !flags.has("-y") && !flags.has("--skip-preview")) {
    throw new CliRefusal(`pulumi ${name}: --yes or --skip-preview must be passed in to proceed when running in non-interactive mode`);
  }

  switch (name) {
    case "stack init": {
      const stack = args[0] ?? stackName;
      if (!stack) throw new CliRefusal("pulumi stack init: name the stack");
      const source = flags.get("--copy-config-from") as string | undefined;
      if (source !== undefined && !world.stacks.has(source)) throw new CliRefusal(`pulumi stack init: no stack named '${source}' found`);
      create(stack);
      world.selected = stack;
      return;
    }
    case "stack select": {
      const stack = args[0] ?? stackName;
      if (!stack) throw new CliRefusal("pulumi stack select: name the stack");
      if (!world.stacks.has(stack)) {
        if (!flags.has("--create") && !flags.has("-c")) throw new CliRefusal(`pulumi stack select: no stack named '${stack}' found`);
        create(stack);
      }
      world.selected = stack;
      return;
    }
    case "stack rm": {
      const stack = args[0] ?? requireStack();
      if (!world.stacks.delete(stack)) throw new CliRefusal(`pulumi stack rm: no stack named '${stack}' found`);
      if (!flags.has("--preserve-config")) world.files.delete(stack);
      return;
    }
    case "config set": {
      requireStack();
      if (args.length === 0) throw new CliRefusal("pulumi config set: name the key");
      if (args.length === 1 && !call.stdinRedirected && !interactive) throw new CliRefusal("pulumi config set: config value must be specified in non-interactive mode");
      if (flags.has("--secret")) passphrase();
      return;
    }
    default: {
      requireStack();
      if (deploys.has(name) || flags.has("--show-secrets")) passphrase();
    }
  }
}
