// A bounded "seen" set: redelivered webhooks and repeated replies are recognised without the memory
// growing with the server's uptime.
export class SeenSet {
  readonly #max: number;
  readonly #items = new Set<string>();

  constructor(max: number) {
    this.#max = max;
  }

  /** True the first time a key is offered; false for a key already seen. */
  add(key: string): boolean {
    if (this.#items.has(key)) return false;
    this.#items.add(key);
    if (this.#items.size > this.#max) this.#items.delete(this.#items.values().next().value!);
    return true;
  }
}
