// A queue between one producer and many consumers that holds at most `capacity` items: the producer waits when it is
// full (so memory stays bounded however many objects there are), consumers wait when it is empty.

export class BoundedQueue<T> {
  private readonly items: T[] = [];
  private closed = false;
  private readonly waitingConsumers: Array<(item: T | undefined) => void> = [];
  private readonly waitingProducers: Array<() => void> = [];

  constructor(private readonly capacity: number) {}

  /** Resolves false when the queue was closed, the item then dropped: the producer should stop. */
  async push(item: T): Promise<boolean> {
    while (!this.closed && this.items.length >= this.capacity) await new Promise<void>((resolve) => this.waitingProducers.push(resolve));
    if (this.closed) return false;
    const consumer = this.waitingConsumers.shift();
    if (consumer) consumer(item);
    else this.items.push(item);
    return true;
  }

  /** The next item, or undefined once the queue is closed and drained. */
  async shift(): Promise<T | undefined> {
    if (this.items.length > 0) {
      const item = this.items.shift()!;
      this.waitingProducers.shift()?.();
      return item;
    }
    if (this.closed) return undefined;
    return await new Promise<T | undefined>((resolve) => this.waitingConsumers.push(resolve));
  }

  /** No more items will come; items already queued are still handed out. */
  close(): void {
    this.closed = true;
    for (const consumer of this.waitingConsumers.splice(0)) consumer(undefined);
    for (const producer of this.waitingProducers.splice(0)) producer();
  }
}
