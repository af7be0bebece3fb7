// One task at a time per key in this process (issue 18: \Recent claims of one mailbox): a task starts when the one
// queued before it under the same key has settled, whatever its outcome; keys with nothing queued are forgotten.
export class KeyedQueue<K> {
  private readonly tails = new Map<K, Promise<void>>();

  run<T>(key: K, task: () => Promise<T>): Promise<T> {
    const before = this.tails.get(key) ?? Promise.resolve();
    const result = before.then(task);
    const tail = result.then(
      () => undefined,
      () => undefined,
    );
    this.tails.set(key, tail);
    void tail.then(() => {
      if (this.tails.get(key) === tail) this.tails.delete(key);
    });
    return result;
  }

  /** Keys with a task queued or running (tests). */
  get size(): number {
    return this.tails.size;
  }
}
