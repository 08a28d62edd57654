// The progress line of adopt and cleanup: what it says (count, rate over a recent window, time left once known), that
// it fits the terminal without wrapping, that thousands of ticks redraw it only every so often, and when it is shown.

import test from 'ava';
import {
  formatDuration,
  formatProgress,
  isRedrawDue,
  PROGRESS_LINE_THRESHOLD,
  RATE_WINDOW_MS,
  recentRate,
  REDRAW_INTERVAL_MS,
  secondsLeft,
  showsProgressLine,
  startProgressLine,
  withSample,
  type ProgressSample,
} from '../../src/ui/progress.ts';
import { animates } from '../../src/ui/terminal.ts';

const CLEAR_LINE = '\r\x1b[K';

test('the line gives the count, the percentage, the rate and the time left', (t) => {
  t.is(formatProgress({ label: 'removing old objects', done: 1234, total: 2000, ratePerSecond: 412 }), 'removing old objects 1234/2000 (61%) · 412/s · about 2s left');
  t.is(formatProgress({ label: 'removing old objects', done: 10, total: 2000, ratePerSecond: 2.54 }), 'removing old objects 10/2000 (0%) · 2.5/s · about 13m left');
});

test('without a rate the line has neither rate nor time left; with a rate of 0 it has the rate only', (t) => {
  t.is(formatProgress({ label: 'adopting', done: 0, total: 500 }), 'adopting 0/500 (0%)');
  t.is(formatProgress({ label: 'adopting', done: 300, total: 500, ratePerSecond: 0 }), 'adopting 300/500 (60%) · 0/s');
});

test('0 and total: 100% only when all is done, no time left at the end, and an empty run is complete', (t) => {
  t.is(formatProgress({ label: 'x', done: 1999, total: 2000 }), 'x 1999/2000 (99%)');
  t.is(formatProgress({ label: 'x', done: 2000, total: 2000, ratePerSecond: 400 }), 'x 2000/2000 (100%) · 400/s');
  t.is(formatProgress({ label: 'x', done: 0, total: 0 }), 'x 0/0 (100%)');
  t.is(secondsLeft(2000, 2000, 400), undefined);
  t.is(secondsLeft(0, 2000, undefined), undefined);
  t.is(secondsLeft(0, 2000, 0), undefined);
  t.is(secondsLeft(1000, 2000, 300), 4);
});

test('durations read as seconds, minutes, then hours and minutes', (t) => {
  t.deepEqual([formatDuration(2), formatDuration(59), formatDuration(61), formatDuration(3599), formatDuration(3 * 3600 + 5 * 60)], ['2s', '59s', '1m', '1h', '3h 5m']);
});

test('the line fits the terminal, one column spare: time left goes first, then the rate, then the label is shortened', (t) => {
  const facts = { label: 'removing old objects', done: 1234, total: 2000, ratePerSecond: 412 };
  const whole = formatProgress(facts);
  t.is(formatProgress({ ...facts, columns: whole.length + 1 }), whole);
  t.is(formatProgress({ ...facts, columns: whole.length }), 'removing old objects 1234/2000 (61%) · 412/s');
  t.is(formatProgress({ ...facts, columns: 40 }), 'removing old objects 1234/2000 (61%)');
  t.is(formatProgress({ ...facts, columns: 30 }), 'removing old… 1234/2000 (61%)');
  t.is(formatProgress({ ...facts, columns: 20 }), '1234/2000 (61%)');
  t.is(formatProgress({ ...facts, columns: 12 }), '1234/2000');
  for (let columns = 1; columns <= 80; columns += 1) t.true(formatProgress({ ...facts, columns }).length < Math.max(columns, 2), `${columns} columns`);
});

test('the rate is measured over the recent window, so a pause long ago does not lower it', (t) => {
  // 100 objects a second for 5 s, a 20 s pause, then 400 a second for 10 s: sampled every 100 ms, as drawn.
  let samples: ProgressSample[] = [];
  let done = 0;
  for (let at = 0; at <= 35_000; at += REDRAW_INTERVAL_MS) {
    if (at <= 5_000 && at > 0) done += 10;
    if (at > 25_000) done += 40;
    samples = withSample(samples, { at, done });
  }
  t.is(recentRate(samples), 400);
  t.true(samples.length <= RATE_WINDOW_MS / REDRAW_INTERVAL_MS + 1, 'only the window is kept');
  t.is(samples[0]!.at, 30_000);
});

test('a stall shows as a rate of 0 once the window holds only the stall', (t) => {
  let samples: ProgressSample[] = [];
  for (let at = 0; at <= 3_000; at += 1_000) samples = withSample(samples, { at, done: at / 10 });
  t.is(recentRate(samples), 100);
  for (let at = 4_000; at <= 9_000; at += 1_000) samples = withSample(samples, { at, done: 300 });
  t.is(recentRate(samples), 0);
});

test('no rate, and so no time left, until the samples span a second', (t) => {
  t.is(recentRate([]), undefined);
  t.is(recentRate([{ at: 0, done: 0 }]), undefined);
  t.is(recentRate([{ at: 0, done: 0 }, { at: 900, done: 90 }]), undefined);
  t.is(recentRate([{ at: 0, done: 0 }, { at: 1_000, done: 90 }]), 90);
});

test('redraws are due at most every 100 ms', (t) => {
  t.true(isRedrawDue(undefined, 0));
  t.false(isRedrawDue(1_000, 1_099));
  t.true(isRedrawDue(1_000, 1_100));
});

test('thousands of ticks draw the line once per interval, and stop leaves the final line alone', (t) => {
  let clock = 0;
  const written: string[] = [];
  const line = startProgressLine({ label: 'removing old objects', total: 5_000, write: (text) => written.push(text), columns: () => 120, now: () => clock });
  for (let tick = 1; tick <= 5_000; tick += 1) {
    if (tick % 10 === 0) clock += 1;
    line.tick();
  }
  t.is(written.length, 1 + Math.floor(500 / REDRAW_INTERVAL_MS), 'drawn at the start and once per interval');
  t.true(written.every((text) => text.startsWith(CLEAR_LINE) && !text.includes('\n')));
  t.is(written.at(-1), `${CLEAR_LINE}removing old objects 5000/5000 (100%)`, 'no rate within the first second');
  line.stop('removed 5000');
  t.is(written.at(-1), `${CLEAR_LINE}removed 5000\n`);
  line.tick();
  line.redraw();
  t.is(written.at(-1), `${CLEAR_LINE}removed 5000\n`, 'nothing is drawn after stop');
});

test('the line is shown only above the threshold, on a terminal that animates, without machine output', (t) => {
  t.is(PROGRESS_LINE_THRESHOLD, 200);
  t.false(showsProgressLine(200, { animated: true, machineOutput: false }));
  t.true(showsProgressLine(201, { animated: true, machineOutput: false }));
  t.false(showsProgressLine(5_000, { animated: false, machineOutput: false }));
  t.false(showsProgressLine(5_000, { animated: true, machineOutput: true }));
  const tty = { isTTY: true, columns: 120 };
  t.true(animates(tty, {}));
  t.false(animates({ isTTY: false, columns: 120 }, {}), 'a pipe');
  t.false(animates({ isTTY: true, columns: 0 }, {}), 'a terminal that reports no width');
  t.false(animates(tty, { CI: 'true' }));
  t.false(animates(tty, { TERM: 'dumb' }));
});
