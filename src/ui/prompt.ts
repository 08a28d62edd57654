// Asks before a change: --yes skips the question, no terminal to ask means refuse, anything but yes means stop.

import { createInterface } from 'node:readline/promises';
import { SafetyRefusal } from '../errors.ts';
import type { Terminal } from './terminal.ts';

async function ask(question: string): Promise<boolean> {
  const readline = createInterface({ input: process.stdin, output: process.stderr });
  try {
    const answer = await readline.question(`${question} [y/N] `);
    return /^(y|yes)$/i.test(answer.trim());
  } finally {
    readline.close();
  }
}

/** Returns when the change may go ahead; throws a SafetyRefusal (nothing changed) otherwise. */
export async function confirmOrRefuse(terminal: Terminal, yes: boolean, action: string, question: string): Promise<void> {
  if (yes) return;
  if (!terminal.interactive) throw new SafetyRefusal(`refusing to ${action} without confirmation: no terminal to ask; pass --yes`);
  if (!(await ask(question))) throw new SafetyRefusal('cancelled: nothing was changed');
}
