// Bounded concurrency for the steps that read or write one object at a time: here, in the lowest room, so that every
// step can use the same pool.

/** Runs `work` over items with at most `limit` in flight, keeping their order in the result. */
export async function inParallel<T, R>(items: readonly T[], limit: number, work: (item: T) => Promise<R>): Promise<R[]> {
  const results: R[] = new Array<R>(items.length);
  let next = 0;
  await Promise.all(Array.from({ length: Math.max(1, Math.min(limit, items.length)) }, async () => {
    for (let index = next++; index < items.length; index = next++) results[index] = await work(items[index]!);
  }));
  return results;
}
