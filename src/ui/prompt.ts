// Asks a yes/no question on the terminal (stderr), defaulting to no.

import { createInterface } from 'node:readline/promises';

export async function confirm(question: string): Promise<boolean> {
  const readline = createInterface({ input: process.stdin, output: process.stderr });
  try {
    const answer = await readline.question(`${question} [y/N] `);
    return /^(y|yes)$/i.test(answer.trim());
  } finally {
    readline.close();
  }
}
