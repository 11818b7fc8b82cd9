/**
 * A durable JSON document in a data folder. Every change is written to a temporary file, flushed
 * to disk, and renamed over the old one before the caller is answered, so a crash at any moment
 * leaves either the old or the new document, and nothing already acknowledged is lost.
 */
import { mkdir, open, readFile, rename, rm } from 'node:fs/promises';
import { join } from 'node:path';

export class DurableStore<T> {
  private queue: Promise<unknown> = Promise.resolve();

  private constructor(
    private readonly dir: string,
    private data: T,
  ) {}

  static async open<T>(dir: string, seed: () => T): Promise<DurableStore<T>> {
    await mkdir(dir, { recursive: true });
    // A temporary file is a write that never got renamed: it was never acknowledged.
    await rm(join(dir, FILE + '.tmp'), { force: true });
    let data: T;
    try {
      data = JSON.parse(await readFile(join(dir, FILE), 'utf8')) as T;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
      data = seed();
    }
    const store = new DurableStore(dir, data);
    await store.persist();
    return store;
  }

  /** A deep copy: callers cannot change the document without going through `update`. */
  read(): T {
    return structuredClone(this.data);
  }

  /**
   * Applies `change` to a copy of the document and makes it durable before resolving. Changes run
   * one at a time, in call order.
   */
  update<R>(change: (draft: T) => R): Promise<R> {
    const run = this.queue.then(async () => {
      const draft = structuredClone(this.data);
      const result = change(draft);
      const previous = this.data;
      this.data = draft;
      try {
        await this.persist();
      } catch (error) {
        this.data = previous;
        throw error;
      }
      return result;
    });
    this.queue = run.catch(() => undefined);
    return run;
  }

  private async persist(): Promise<void> {
    const target = join(this.dir, FILE);
    const temporary = target + '.tmp';
    const file = await open(temporary, 'w');
    try {
      await file.writeFile(JSON.stringify(this.data, null, 2));
      await file.sync();
    } finally {
      await file.close();
    }
    await rename(temporary, target);
    // The rename itself is durable only once the folder is flushed.
    const folder = await open(this.dir, 'r');
    try {
      await folder.sync();
    } finally {
      await folder.close();
    }
  }
}

const FILE = 'workspace.json';
