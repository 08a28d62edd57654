// The terminal side of `npm test`'s output: the live progress lines of running builds, kept at the bottom of a
// terminal below everything else the run prints, or plain start and end lines on a pipe (and under CI=true).

import { endLine, progressLine, startLine, type BuildState } from './test-progress.ts';

export class TestConsole {
  private readonly live = new Map<string, BuildState>();
  private drawnLines = 0;
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly interactive: boolean = Boolean(process.stderr.isTTY) && process.env['CI'] !== 'true',
  ) {}

  buildStarted(id: string, label: string, queuedMs: number): void {
    this.live.set(id, { label, startedAt: Date.now() });
    if (!this.interactive) {
      this.writeError(`${startLine(label, queuedMs)}\n`);
      return;
    }
    // One redraw a second keeps the running times current without flooding a slow terminal.
    this.timer ??= setInterval(() => this.redraw(), 1000).unref();
    this.redraw();
  }

  buildNote(id: string, note: string): void {
    const build = this.live.get(id);
    if (!build || !this.interactive) return;
    build.note = note;
    this.redraw();
  }

  buildEnded(id: string, failed: boolean): void {
    const build = this.live.get(id);
    if (!build) return;
    this.live.delete(id);
    if (this.live.size === 0 && this.timer) {
      clearInterval(this.timer);
      this.timer = undefined;
    }
    this.writeError(`${endLine(build.label, Date.now() - build.startedAt, failed)}\n`);
  }

  /** Whole lines for stdout (the tests' report), written above the live lines. */
  writeOutput(text: string): void {
    this.above(() => process.stdout.write(text));
  }

  /** Whole lines for stderr (the runner's log), written above the live lines. */
  writeError(text: string): void {
    this.above(() => process.stderr.write(text));
  }

  private above(write: () => void): void {
    if (this.drawnLines === 0) {
      write();
      return;
    }
    this.erase();
    write();
    this.draw();
  }

  private redraw(): void {
    this.erase();
    this.draw();
  }

  private erase(): void {
    if (this.drawnLines > 0) process.stderr.write(`\x1b[${this.drawnLines}A\x1b[J`);
    this.drawnLines = 0;
  }

  private draw(): void {
    if (!this.interactive || this.live.size === 0) return;
    const now = Date.now();
    const columns = process.stderr.columns || 80;
    const lines = [...this.live.values()].map((build) => progressLine(build, now, columns));
    process.stderr.write(`${lines.join('\n')}\n`);
    this.drawnLines = lines.length;
  }
}

/** Cuts a stream's chunks into whole lines, so that nothing is written between the halves of a line. */
export function lineBuffered(write: (lines: string) => void): { push(chunk: string): void; end(): void } {
  let partial = '';
  return {
    push(chunk) {
      const text = partial + chunk;
      const cut = text.lastIndexOf('\n') + 1;
      partial = text.slice(cut);
      if (cut > 0) write(text.slice(0, cut));
    },
    end() {
      if (partial) write(`${partial}\n`);
      partial = '';
    },
  };
}
