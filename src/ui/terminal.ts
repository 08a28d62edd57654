// Decides once whether to use colour and spinners (--color, NO_COLOR, FORCE_COLOR, TTY, CI) and writes to stderr.

import type { ChalkInstance } from 'chalk';
import type { Ora } from 'ora';
import { wrapText } from './wrap.ts';

export type ColorMode = 'auto' | 'always' | 'never';

export interface Terminal {
  color: ChalkInstance;
  /** Progress and diagnostics go to stderr, so stdout stays clean for data. */
  info(message: string): void;
  warn(message: string): void;
  /** Loads ora on the first animated spinner: only commands that wait on the cluster show one. */
  spinner(text: string): Promise<Progress>;
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

/** Loads chalk (which probes the terminal when evaluated) only here: `version --client` makes no terminal. */
export async function createTerminal(mode: ColorMode, env: NodeJS.ProcessEnv = process.env): Promise<Terminal> {
  const { Chalk } = await import('chalk');
  const stderrTTY = Boolean(process.stderr.isTTY);
  const color = new Chalk({ level: colorLevel(mode, env, Boolean(process.stdout.isTTY)) });
  const errColor = new Chalk({ level: colorLevel(mode, env, stderrTTY) });
  // A terminal that reports no width (a pty nobody sized, some CI consoles) makes ora's line count infinite.
  const animated = stderrTTY && !env['CI'] && (process.stderr.columns ?? 0) > 0;
  const stderrWidth = widthOf(process.stderr);
  return {
    color,
    interactive: Boolean(process.stdin.isTTY) && stderrTTY,
    stdoutWidth: widthOf(process.stdout),
    stderrWidth,
    info: (message) => void process.stderr.write(`${message}\n`),
    warn: (message) => void process.stderr.write(wrapText(`${errColor.yellow('warning:')} ${message}\n`, stderrWidth)),
    spinner: async (text) => (animated ? oraProgress((await import('ora')).default({ text, stream: process.stderr }).start()) : plainProgress(text)),
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
