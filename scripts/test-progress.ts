// What `npm test` says while it works: one progress line per asset build (on a terminal a line that updates in place,
// on a pipe a line when the build starts and one when it ends) and, at the end, where the time went.

export function formatDuration(milliseconds: number): string {
  const seconds = Math.round(milliseconds / 1000);
  return seconds < 60 ? `${seconds}s` : `${Math.floor(seconds / 60)}m${String(seconds % 60).padStart(2, '0')}s`;
}

export interface BuildState {
  label: string;
  startedAt: number;
  /** The last line the build printed about itself, if any. */
  note?: string;
}

/** The live line of a running build; cut to the terminal's width, since a wrapped line would break the redrawing. */
export function progressLine(build: BuildState, now: number, columns: number): string {
  const line = `run-tests: ${build.label}: ${formatDuration(now - build.startedAt)}${build.note ? ` (${build.note})` : ''}`;
  return line.length <= columns ? line : `${line.slice(0, Math.max(columns - 1, 0))}…`;
}

export function startLine(label: string, queuedMs: number): string {
  return `run-tests: ${label}: started${queuedMs >= 1000 ? ` after ${formatDuration(queuedMs)} waiting for the Go build before it` : ''}`;
}

export function endLine(label: string, durationMs: number, failed: boolean): string {
  return `run-tests: ${label}: ${failed ? 'failed after' : 'ready in'} ${formatDuration(durationMs)}`;
}

export interface TimedStep {
  label: string;
  durationMs: number;
  /** Time spent before it could start: an asset waiting for the Go build before it, a phase waiting for its assets. */
  waitedMs?: number;
  /** What the wait was for. */
  waitedFor?: string;
  failed?: boolean;
}

/** The closing account of a run: every asset build and phase with its own time, and the wall-clock total. */
export function timeSummary(assets: TimedStep[], phases: TimedStep[], totalMs: number): string[] {
  const width = Math.max(...[...assets, ...phases].map((step) => step.label.length), 'total'.length);
  const row = (step: TimedStep): string => {
    const waited = step.waitedMs !== undefined && step.waitedMs >= 1000 ? `, after waiting ${formatDuration(step.waitedMs)}${step.waitedFor ? ` for ${step.waitedFor}` : ''}` : '';
    return `    ${step.label.padEnd(width)}  ${formatDuration(step.durationMs).padStart(6)}${step.failed ? '  FAILED' : ''}${waited}`;
  };
  const lines = ['where the time went:'];
  if (assets.length > 0) lines.push('  asset builds (in parallel with each other and with the phases; Go builds one at a time):', ...assets.map(row));
  if (phases.length > 0) lines.push('  phases:', ...phases.map(row));
  lines.push(`  ${'total'.padEnd(width + 2)}  ${formatDuration(totalMs).padStart(6)}`);
  return lines;
}
