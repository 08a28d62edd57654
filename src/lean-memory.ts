// Once a run is known to read a large cluster, V8 is told to favour memory over speed: a major collection at 30 %
// heap growth instead of its default (up to 4x), and freed pages given back at once instead of pooled. Reading
// tens of thousands of objects leaves page after page of parsed list garbage; at 50,000 objects this took
// status -A -o json from 270 to 215 MiB (docs/benchmarks.md). Small runs keep V8's defaults: the extra collections
// cost cleanup about 5 % of its time at 2,000 objects.

import { setFlagsFromString } from 'node:v8';

/** A V8 that has --memory-pool: 14 (Node 26) is the one the executable ships and was measured with. */
const MEMORY_POOL_SINCE_V8 = 14;

let favoured = false;

export function favourMemoryOverSpeed(): void {
  if (favoured) return;
  favoured = true;
  // Both are read by V8 at each collection and page release, so setting them now takes effect (checked on Node 26.10).
  setFlagsFromString('--heap-growing-percent=30');
  // The memory pool came with later V8s: the one of Node 20 (V8 11), which runs the sources in development, would
  // print an unknown-flag error on stderr.
  if (Number(process.versions.v8.split('.')[0]) >= MEMORY_POOL_SINCE_V8) setFlagsFromString('--no-memory-pool');
}
