/**
 * Group commit: callers submit one item each; items that arrive while earlier batches are running are
 * written together in the next one. Under light load a batch is one item and waits for nothing; under
 * heavy load one round trip serves many callers, which is what lifts throughput past one round trip
 * per message.
 */
export class Batcher<In, Out> {
  private readonly queue: { item: In; resolve: (out: Out) => void; reject: (error: unknown) => void }[] = [];
  private running = 0;

  constructor(
    /** Answers one output per input, in the same order. */
    private readonly run: (items: In[]) => Promise<Out[]>,
    private readonly options: { maxBatch: number; maxConcurrent: number },
  ) {}

  submit(item: In): Promise<Out> {
    return new Promise<Out>((resolve, reject) => {
      this.queue.push({ item, resolve, reject });
      this.pump();
    });
  }

  private pump(): void {
    while (this.running < this.options.maxConcurrent && this.queue.length > 0) {
      const batch = this.queue.splice(0, this.options.maxBatch);
      this.running += 1;
      // The next batch leaves before this one's callers run, so that the database works on it while
      // they do. Their continuations are microtasks, which all run before any later answer (I/O)
      // arrives: one batch at a time, callers still hear of the batches in the order they ran.
      const done = (): void => {
        this.running -= 1;
        this.pump();
      };
      void this.run(batch.map((entry) => entry.item)).then(
        (outputs) => {
          done();
          batch.forEach((entry, i) => entry.resolve(outputs[i]!));
        },
        (error: unknown) => {
          done();
          batch.forEach((entry) => entry.reject(error));
        },
      );
    }
  }
}
