// The progress bar on stderr while a class is graded (one line, redrawn on a
// terminal; a line per student otherwise, for logs and CI).

export class Progress {
  private done = 0;
  private running = 0;
  private readonly started = Date.now();

  constructor(
    private readonly total: number,
    private readonly out: NodeJS.WriteStream = process.stderr,
  ) {}

  start(): void {
    this.running++;
    this.draw();
  }

  finish(line: string): void {
    this.running = Math.max(0, this.running - 1);
    this.done++;
    if (this.out.isTTY) this.out.write(`\r\u001b[K${line}\n`);
    else this.out.write(`[${this.done}/${this.total}] ${line}\n`);
    this.draw();
  }

  end(): void {
    if (this.out.isTTY) this.out.write('\r\u001b[K');
  }

  private draw(): void {
    if (!this.out.isTTY) return;
    const width = 30;
    const filled = this.total ? Math.round((this.done / this.total) * width) : width;
    const elapsed = (Date.now() - this.started) / 1000;
    const eta = this.done ? Math.round((elapsed / this.done) * (this.total - this.done)) : undefined;
    const etaText = eta === undefined ? '' : ` · about ${eta >= 60 ? `${Math.floor(eta / 60)} min ${eta % 60} s` : `${eta} s`} left`;
    this.out.write(`\r\u001b[K[${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${this.done}/${this.total} graded · ${this.running} running${etaText}`);
  }
}
