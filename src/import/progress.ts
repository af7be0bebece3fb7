// Progress of `postern import` (issue 16 item 1): on a terminal a bar redrawn in place on stderr (at most ten
// times a second); otherwise a plain line every 10,000 messages and one per mailbox, for logs.
import type { Writable } from 'node:stream';

export class Progress {
  private last = 0;
  private mailbox = '';
  private done = 0;
  private total: number | undefined;

  constructor(
    private readonly out: Writable,
    private readonly tty: boolean,
  ) {}

  start(mailbox: string): void {
    this.mailbox = mailbox;
    this.done = 0;
    this.total = undefined;
    this.last = 0;
  }

  /** One more message read from the source (imported or already there); `total` when the source knows it. */
  tick(total: number | undefined): void {
    this.done += 1;
    this.total = total;
    if (this.tty) {
      const now = Date.now();
      if (now - this.last >= 100) {
        this.last = now;
        this.draw();
      }
    } else if (this.done % 10_000 === 0) {
      this.out.write(`${this.mailbox}: ${this.done}${this.total === undefined ? '' : ` of ${this.total}`} messages\n`);
    }
  }

  /** The mailbox is done: its last line. */
  finish(imported: number, skipped: number): void {
    if (this.tty) {
      this.draw();
      this.out.write('\n');
    }
    this.out.write(`${this.mailbox}: ${imported} imported, ${skipped} already there\n`);
  }

  private draw(): void {
    const width = 30;
    const bar =
      this.total === undefined || this.total === 0
        ? ''
        : `[${'#'.repeat(Math.min(width, Math.round((this.done / this.total) * width))).padEnd(width, '.')}] `;
    const count = this.total === undefined ? `${this.done}` : `${this.done}/${this.total}`;
    this.out.write(`\r\u001b[2K${this.mailbox} ${bar}${count}`);
  }
}
