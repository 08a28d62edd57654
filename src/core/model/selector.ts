// Label selectors applied to objects read from a dump, with the API server's equality and set syntax:
// `a=b`, `a==b`, `a!=b`, `a`, `!a`, `a in (x,y)`, `a notin (x,y)`, joined by commas.

import { UsageError } from '../../errors.ts';

type Requirement = (labels: Record<string, string>) => boolean;

function splitTerms(selector: string): string[] {
  const terms: string[] = [];
  let depth = 0;
  let current = '';
  for (const character of selector) {
    if (character === '(') depth += 1;
    if (character === ')') depth -= 1;
    if (character === ',' && depth === 0) {
      terms.push(current.trim());
      current = '';
    } else {
      current += character;
    }
  }
  if (current.trim()) terms.push(current.trim());
  return terms;
}

function parseTerm(term: string): Requirement {
  const set = /^([\w./-]+)\s+(in|notin)\s+\(([^)]*)\)$/.exec(term);
  if (set) {
    const [, key, operator, list] = set as unknown as [string, string, string, string];
    const values = new Set(list.split(',').map((value) => value.trim()).filter(Boolean));
    return operator === 'in' ? (labels) => values.has(labels[key] ?? '\u0000') : (labels) => !values.has(labels[key] ?? '\u0000');
  }
  const comparison = /^([\w./-]+)\s*(==|=|!=)\s*([\w.-]*)$/.exec(term);
  if (comparison) {
    const [, key, operator, value] = comparison as unknown as [string, string, string, string];
    return operator === '!=' ? (labels) => labels[key] !== value : (labels) => labels[key] === value;
  }
  const exists = /^(!?)([\w./-]+)$/.exec(term);
  if (exists) {
    const [, negated, key] = exists as unknown as [string, string, string];
    return negated ? (labels) => !(key in labels) : (labels) => key in labels;
  }
  throw new UsageError(`invalid label selector term "${term}"`);
}

export function labelMatcher(selector: string | undefined): (labels: Record<string, string> | undefined) => boolean {
  if (!selector || !selector.trim()) return () => true;
  const requirements = splitTerms(selector).map(parseTerm);
  return (labels) => requirements.every((requirement) => requirement(labels ?? {}));
}
