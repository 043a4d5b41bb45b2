import { once } from 'node:events';
import { createWriteStream, renameSync, rmSync, type WriteStream } from 'node:fs';

/** A JSONL file written beside its target and renamed when complete. */
export class JsonlFile {
  private readonly partial: string;
  private readonly stream: WriteStream;
  private pending: string[] = [];
  lines = 0;

  constructor(readonly path: string) {
    this.partial = `${path}.partial`;
    this.stream = createWriteStream(this.partial);
  }

  write(obj: unknown): void {
    this.pending.push(JSON.stringify(obj));
    this.lines++;
  }

  async flush(): Promise<void> {
    if (this.pending.length === 0) return;
    const ok = this.stream.write(`${this.pending.join('\n')}\n`);
    this.pending = [];
    if (!ok) await once(this.stream, 'drain');
  }

  async close(keep: boolean): Promise<void> {
    if (keep) await this.flush();
    this.stream.end();
    await once(this.stream, 'close');
    if (keep) renameSync(this.partial, this.path);
    else rmSync(this.partial, { force: true });
  }
}
