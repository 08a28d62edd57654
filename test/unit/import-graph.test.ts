// The source tree's imports run one way: no circle anywhere in src/ (type-only imports included: a circle of types is
// still a circle in the design), core/ never imports the terminal (ui/) or the commands, core's rooms import only
// from the rooms before them (model, discovery, plan, adoption, cleanup, handover, undo), only src/aws/ imports the
// AWS SDK, and no source file grows past 400 lines without saying why at its top. Catches a new import that closes a
// circle or reaches up a layer (checked by adding `import type` of plan.ts to kinds.ts: the circle
// kinds.ts -> plan.ts -> kinds.ts is reported, and so is model importing plan).

import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import test from 'ava';
import { ROOT } from '../support/environment.ts';

const SRC = path.join(ROOT, 'src');

function sourceFiles(directory: string): string[] {
  return readdirSync(directory, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(directory, entry.name);
    if (entry.isDirectory()) return sourceFiles(full);
    return entry.name.endsWith('.ts') ? [full] : [];
  });
}

/** Every module a file imports or re-exports, `import type` and dynamic `import()` included. */
function importsOf(file: string): string[] {
  const text = readFileSync(file, 'utf8');
  const specifiers = [...text.matchAll(/(?:^|\n)\s*(?:import|export)\b[^'"]*?from\s+['"]([^'"]+)['"]/g), ...text.matchAll(/\bimport\(\s*['"]([^'"]+)['"]\s*\)/g)].map((match) => match[1]!);
  return specifiers.map((specifier) => (specifier.startsWith('.') ? path.resolve(path.dirname(file), specifier) : specifier));
}

const graph = new Map(sourceFiles(SRC).map((file) => [file, importsOf(file)]));
const name = (file: string): string => path.relative(SRC, file);

function circles(): string[] {
  const found = new Set<string>();
  const state = new Map<string, 'open' | 'done'>();
  const stack: string[] = [];
  const visit = (file: string): void => {
    state.set(file, 'open');
    stack.push(file);
    for (const target of graph.get(file) ?? []) {
      if (!graph.has(target)) continue;
      if (state.get(target) === 'open') found.add(stack.slice(stack.indexOf(target)).concat(target).map(name).join(' -> '));
      else if (!state.has(target)) visit(target);
    }
    stack.pop();
    state.set(file, 'done');
  };
  for (const file of graph.keys()) if (!state.has(file)) visit(file);
  return [...found];
}

test('no import circle anywhere in src/, type-only imports included', (t) => {
  t.deepEqual(circles(), []);
});

test('imports run one way: core never imports commands or ui, kube and aws never import core, and only aws imports the AWS SDK', (t) => {
  const wrong: string[] = [];
  for (const [file, imports] of graph) {
    const layer = name(file).split(path.sep)[0]!;
    for (const target of imports) {
      const targetLayer = graph.has(target) ? name(target).split(path.sep)[0]! : undefined;
      if (layer === 'core' && (targetLayer === 'commands' || targetLayer === 'ui')) wrong.push(`${name(file)} imports ${name(target)}`);
      if ((layer === 'kube' || layer === 'aws') && (targetLayer === 'core' || targetLayer === 'commands' || targetLayer === 'ui')) wrong.push(`${name(file)} imports ${name(target)}`);
      if (target.startsWith('@aws-sdk/') && layer !== 'aws') wrong.push(`${name(file)} imports ${target}`);
    }
  }
  t.deepEqual(wrong, []);
});

const ROOMS = ['model', 'discovery', 'plan', 'adoption', 'cleanup', 'handover', 'undo'];

function roomOf(file: string): number | undefined {
  const parts = name(file).split(path.sep);
  return parts[0] === 'core' ? ROOMS.indexOf(parts[1] ?? '') : undefined;
}

test("core's rooms stack one way: a room imports only from itself and the rooms before it", (t) => {
  t.true([...graph.keys()].filter((file) => name(file).startsWith(`core${path.sep}`)).every((file) => (roomOf(file) ?? -1) >= 0), 'every core file lives in a room');
  const upward: string[] = [];
  for (const [file, imports] of graph) {
    const room = roomOf(file);
    if (room === undefined) continue;
    for (const target of imports) {
      const targetRoom = graph.has(target) ? roomOf(target) : undefined;
      if (targetRoom !== undefined && targetRoom > room) upward.push(`${name(file)} imports ${name(target)}`);
    }
  }
  t.deepEqual(upward, []);
});

test('no source file is over 400 lines unless its opening comment says why', (t) => {
  const long = [...graph.keys()].filter((file) => {
    const text = readFileSync(file, 'utf8');
    return text.split('\n').length > 400 && !/^\/\/.*over 400 lines/m.test(text.split('\n\n')[0] ?? '');
  });
  t.deepEqual(long.map(name), []);
});
