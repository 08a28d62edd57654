// Favouring memory prints nothing, on the Node that runs the sources in development (Node 20, whose V8 has no
// memory pool) as on the executable's Node 26. Seen red on Node 20 with --no-memory-pool set whatever the V8
// ("Error: unrecognized flag --no-memory-pool" on stderr).

import test from 'ava';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const LEAN_MEMORY = fileURLToPath(new URL('../../src/lean-memory.ts', import.meta.url));

test('favouring memory over speed writes nothing on stderr on the Node that runs the tests', (t) => {
  const script = `import(${JSON.stringify(LEAN_MEMORY)}).then((module) => { module.favourMemoryOverSpeed(); console.log(require('node:v8').getHeapStatistics().total_heap_size > 0); })`;
  const result = spawnSync(process.execPath, ['--import', 'tsx', '-e', script], { encoding: 'utf8' });
  t.is(result.status, 0, result.stderr);
  t.is(result.stdout.trim(), 'true');
  t.is(result.stderr, '');
});
