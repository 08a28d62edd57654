// Decides once whether to use colour, spinners and progress lines (--color, NO_COLOR, FORCE_COLOR, TTY, CI, -o) and
// writes to stderr.

import type { ChalkInstance } from 'chalk';
import type { Ora } from 'ora';
import { showsProgressLine, startProgressLine, type LineDrawing, type ProgressCounter } from './progress.ts';
import { wrapText } from './wrap.ts';

export type ColorMode = 'auto' | 'always' | 'never';

export interface Terminal {
  color: ChalkInstance;
  /** Progress and diagnostics go to stderr, so stdout stays clean for data. */
  info(message: string): void;
  warn(message: string): void;
  spinner(text: string): Progress;
  /**
   * Counts `total` objects of long work: over PROGRESS_LINE_THRESHOLD objects on a terminal, a line with the count, the
   * rate and the time left; otherwise a spinner, as for any shorter step.
   */
  progress(label: string, total: number): ProgressCounter;
  interactive: boolean;
  /**
   * The widths to wrap free text at on stdout and stderr: the terminal's, or undefined when the stream is not a
   * terminal (piped output is never wrapped, like kubectl's) or a terminal that does not report its width.
   */
  stdoutWidth: number | undefined;
  stderrWidth: number | undefined;
}

export interface Progress {
  update(text: string): void;
  stop(finalLine?: string): void;
}

export function colorLevel(mode: ColorMode, env: NodeJS.ProcessEnv, isTTY: boolean): 0 | 1 {
  if (mode === 'never') return 0;
  if (mode === 'always') return 1;
  if (env['NO_COLOR'] !== undefined && env['NO_COLOR'] !== '') return 0;
  if (env['FORCE_COLOR'] !== undefined) return env['FORCE_COLOR'] === '0' || env['FORCE_COLOR'] === 'false' ? 0 : 1;
  return isTTY && env['TERM'] !== 'dumb' ? 1 : 0;
}

/**
 * A terminal that does not report its width (a pty nobody sized) is not wrapped: the terminal folds long lines
 * itself, and a guessed width would make a wider terminal's output narrower than it need be.
 */
export function widthOf(stream: { isTTY?: boolean; columns?: number }): number | undefined {
  return stream.isTTY && (stream.columns ?? 0) > 0 ? stream.columns : undefined;
}

/** Whether stderr may be redrawn in place: spinners and the progress line. */
export function animates(stderr: { isTTY?: boolean; columns?: number }, env: NodeJS.ProcessEnv): boolean {
  // A terminal that reports no width (a pty nobody sized, some CI consoles) makes ora's line count infinite.
  return Boolean(stderr.isTTY) && !env['CI'] && env['TERM'] !== 'dumb' && (stderr.columns ?? 0) > 0;
}

export interface TerminalOptions {
  /** -o json|yaml or --jq: stderr carries no progress line beside data meant for a program. */
  machineOutput?: boolean;
}

/**
 * Loads chalk (which probes the terminal when evaluated) only here, and ora only when stderr animates: `--help` and
 * `version --client` make no terminal, and a command on a pipe never draws a spinner.
 */
export async function createTerminal(mode: ColorMode, env: NodeJS.ProcessEnv = process.env, options: TerminalOptions = {}): Promise<Terminal> {
  const { Chalk } = await import('chalk');
  const stderrTTY = Boolean(process.stderr.isTTY);
  const color = new Chalk({ level: colorLevel(mode, env, Boolean(process.stdout.isTTY)) });
  const errColor = new Chalk({ level: colorLevel(mode, env, stderrTTY) });
  const animated = animates(process.stderr, env);
  const ora = animated ? (await import('ora')).default : undefined;
  const stderrWidth = widthOf(process.stderr);
  const spinner = (text: string): Progress => (ora ? oraProgress(ora({ text, stream: process.stderr }).start()) : plainProgress(text));
  /** The progress line on screen, taken off while a message is written, so the message is not drawn over. */
  let line: LineDrawing | undefined;
  const writeAroundLine = (text: string): void => {
    line?.clear();
    process.stderr.write(text);
    line?.redraw();
  };
  return {
    color,
    interactive: Boolean(process.stdin.isTTY) && stderrTTY,
    stdoutWidth: widthOf(process.stdout),
    stderrWidth,
    info: (message) => writeAroundLine(`${message}\n`),
    warn: (message) => writeAroundLine(wrapText(`${errColor.yellow('warning:')} ${message}\n`, stderrWidth)),
    spinner,
    progress: (label, total) => {
      if (!showsProgressLine(total, { animated, machineOutput: options.machineOutput ?? false })) return spinnerCounter(spinner, label, total);
      const drawing = startProgressLine({ label, total, write: (text) => void process.stderr.write(text), columns: () => widthOf(process.stderr) });
      line = drawing;
      return {
        tick: drawing.tick,
        stop: (finalLine) => {
          if (line === drawing) line = undefined;
          drawing.stop(finalLine);
        },
      };
    },
  };
}

/** A spinner that counts: no rate or time left, which a short run has no time to measure. */
function spinnerCounter(spinner: (text: string) => Progress, label: string, total: number): ProgressCounter {
  const progress = spinner(`${label} (${total})`);
  let done = 0;
  return {
    tick: (n = 1) => progress.update(`${label} (${(done += n)} of ${total})`),
    stop: (finalLine) => progress.stop(finalLine),
  };
}

function oraProgress(spinner: Ora): Progress {
  return {
    update: (text) => void (spinner.text = text),
    stop: (finalLine) => (finalLine ? spinner.succeed(finalLine) : spinner.stop()),
  };
}

function plainProgress(text: string): Progress {
  process.stderr.write(`${text}\n`);
  return {
    update: () => undefined,
    stop: (finalLine) => void (finalLine && process.stderr.write(`${finalLine}\n`)),
  };
}
