// A one-line progress indicator on stderr while traffic runs, only when stderr is a terminal.

export interface Progress {
  start(label: string, total: number): void;
  tick(): void;
  done(): void;
}

export const silentProgress: Progress = { start() {}, tick() {}, done() {} };

export function terminalProgress(stream: NodeJS.WriteStream = process.stderr): Progress {
  if (!stream.isTTY) return silentProgress;
  let label = "";
  let total = 0;
  let count = 0;
  const draw = () => {
    const width = 20;
    const filled = total > 0 ? Math.round((count / total) * width) : 0;
    stream.write(`\r\x1b[2K${label} [${"#".repeat(filled)}${" ".repeat(width - filled)}] ${count}/${total}`);
  };
  return {
    start(l, t) {
      label = l.length > 60 ? `${l.slice(0, 57)}...` : l;
      total = t;
      count = 0;
      draw();
    },
    tick() {
      count++;
      draw();
    },
    done() {
      stream.write("\r\x1b[2K");
    },
  };
}
