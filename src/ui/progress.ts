// The progress line of long work (adopt, cleanup): `removing old objects 1234/2000 (61%) · 412/s · about 2s left`,
// one line on stderr redrawn in place. What it says is worked out by pure functions; `startProgressLine` only draws.

/**
 * A run of more objects than this shows the progress line; a shorter one keeps its spinner. A few hundred objects
 * take a few seconds, too short for a rate or a time left to be worth reading.
 */
export const PROGRESS_LINE_THRESHOLD = 200;
/** The rate is measured over this recent stretch, not since the start, so that a pause does not lie for long. */
export const RATE_WINDOW_MS = 5_000;
/** Less work than this gives a rate that swings too much to be shown, and a time left worse than none. */
const MIN_RATE_SPAN_MS = 1_000;
/** At most one redraw this often, so thousands of ticks a second cost a subtraction each. */
export const REDRAW_INTERVAL_MS = 100;
/** Redrawn this often without ticks too, so that a stall shows as a falling rate rather than a frozen line. */
const HEARTBEAT_MS = 1_000;

const SEPARATOR = ' · ';
const ELLIPSIS = '…';

export interface ProgressSample {
  /** Milliseconds, from any fixed origin. */
  at: number;
  done: number;
}

/** Whether a run of `total` objects shows the line: only on a terminal that animates, never beside -o json|yaml. */
export function showsProgressLine(total: number, terminal: { animated: boolean; machineOutput: boolean }): boolean {
  return terminal.animated && !terminal.machineOutput && total > PROGRESS_LINE_THRESHOLD;
}

export function isRedrawDue(lastDrawAt: number | undefined, now: number): boolean {
  return lastDrawAt === undefined || now - lastDrawAt >= REDRAW_INTERVAL_MS;
}

/**
 * The samples the rate needs from now on: the newest at least a window older than `sample`, and all after it. The
 * list stays as short as the window holds redraws.
 */
export function withSample(samples: readonly ProgressSample[], sample: ProgressSample, windowMs = RATE_WINDOW_MS): ProgressSample[] {
  const kept = [...samples, sample];
  let first = 0;
  while (first + 1 < kept.length && sample.at - kept[first + 1]!.at >= windowMs) first += 1;
  return kept.slice(first);
}

/**
 * Objects per second between the newest sample and the newest one at least a window before it (or the oldest, early
 * on); undefined until the samples span long enough.
 */
export function recentRate(samples: readonly ProgressSample[], windowMs = RATE_WINDOW_MS): number | undefined {
  const latest = samples.at(-1);
  if (!latest) return undefined;
  let base = samples[0]!;
  for (const sample of samples) {
    if (latest.at - sample.at < windowMs) break;
    base = sample;
  }
  const elapsed = latest.at - base.at;
  return elapsed < MIN_RATE_SPAN_MS ? undefined : ((latest.done - base.done) * 1000) / elapsed;
}

/** Seconds until `total` at `ratePerSecond`; undefined while there is no rate, or none to speak of, or nothing left. */
export function secondsLeft(done: number, total: number, ratePerSecond: number | undefined): number | undefined {
  if (ratePerSecond === undefined || ratePerSecond <= 0 || done >= total) return undefined;
  return Math.ceil((total - done) / ratePerSecond);
}

export function formatRate(ratePerSecond: number): string {
  return ratePerSecond < 10 ? `${(Math.round(ratePerSecond * 10) / 10).toString()}/s` : `${Math.round(ratePerSecond)}/s`;
}

export function formatDuration(seconds: number): string {
  if (seconds < 60) return `${seconds}s`;
  const minutes = Math.round(seconds / 60);
  if (minutes < 60) return `${minutes}m`;
  return minutes % 60 === 0 ? `${minutes / 60}h` : `${Math.floor(minutes / 60)}h ${minutes % 60}m`;
}

export interface ProgressFacts {
  label: string;
  done: number;
  total: number;
  ratePerSecond?: number | undefined;
  /** The terminal's width; undefined leaves the line whole. */
  columns?: number | undefined;
}

/**
 * The line, narrower than `columns`: the time left goes first, then the rate, then the label is shortened, then
 * dropped, and the count is cut last. One column is left free, as a line that fills the last column wraps on some
 * terminals.
 */
export function formatProgress({ label, done, total, ratePerSecond, columns }: ProgressFacts): string {
  const percent = total > 0 ? Math.min(100, Math.floor((done / total) * 100)) : 100;
  const count = `${done}/${total} (${percent}%)`;
  const left = secondsLeft(done, total, ratePerSecond);
  const extras = [
    ...(ratePerSecond === undefined ? [] : [formatRate(ratePerSecond)]),
    ...(left === undefined ? [] : [`about ${formatDuration(left)} left`]),
  ];
  const room = columns === undefined ? Infinity : Math.max(columns - 1, 1);
  for (let shown = extras.length; shown >= 0; shown -= 1) {
    const line = [`${label} ${count}`, ...extras.slice(0, shown)].join(SEPARATOR);
    if (line.length <= room) return line;
  }
  const labelRoom = room - count.length - 1;
  // Four letters of the label say something; fewer are noise.
  if (labelRoom >= 5) return `${label.slice(0, labelRoom - 1)}${ELLIPSIS} ${count}`;
  return count.length <= room ? count : `${done}/${total}`.slice(0, room);
}

export interface ProgressCounter {
  /** `n` more objects are done (one by default). */
  tick(n?: number): void;
  /** Removes the line, and writes `finalLine` in its place when given. */
  stop(finalLine?: string): void;
}

export interface LineDrawing extends ProgressCounter {
  /** Takes the line off the screen for a moment, so that a message can be written on a line of its own. */
  clear(): void;
  redraw(): void;
}

export interface LineOptions {
  label: string;
  total: number;
  write: (text: string) => void;
  columns: () => number | undefined;
  now?: () => number;
}

const CLEAR_LINE = '\r\x1b[K';

/** Draws the line at once, then again on ticks at most every REDRAW_INTERVAL_MS, and every HEARTBEAT_MS regardless. */
export function startProgressLine({ label, total, write, columns, now = Date.now }: LineOptions): LineDrawing {
  let done = 0;
  let samples: ProgressSample[] = [];
  let lastDrawAt: number | undefined;
  let stopped = false;
  const draw = (): void => {
    const at = now();
    lastDrawAt = at;
    samples = withSample(samples, { at, done });
    write(`${CLEAR_LINE}${formatProgress({ label, done, total, ratePerSecond: recentRate(samples), columns: columns() })}`);
  };
  const heartbeat = setInterval(draw, HEARTBEAT_MS);
  heartbeat.unref();
  draw();
  return {
    tick: (n = 1) => {
      done += n;
      if (!stopped && isRedrawDue(lastDrawAt, now())) draw();
    },
    stop: (finalLine) => {
      if (stopped) return;
      stopped = true;
      clearInterval(heartbeat);
      write(`${CLEAR_LINE}${finalLine ? `${finalLine}\n` : ''}`);
    },
    clear: () => void (stopped || write(CLEAR_LINE)),
    redraw: () => void (stopped || draw()),
  };
}
