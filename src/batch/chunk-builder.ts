import type { BatchValue, RowChunk } from "./values.ts";

/** Groups converted rows into chunks of roughly `rowChunkBytes` serialized bytes. */
export class ChunkBuilder {
  private readonly columns: readonly string[];
  private readonly rowChunkBytes: number;
  private rows: BatchValue[][] = [];
  private bytes = 0;
  private nextRow = 1;

  constructor(columns: readonly string[], rowChunkBytes: number) {
    this.columns = columns;
    this.rowChunkBytes = rowChunkBytes;
  }

  /** Adds one row; true when the chunk has reached its size and should be taken. */
  add(row: BatchValue[], bytes: number): boolean {
    this.rows.push(row);
    this.bytes += bytes;
    return this.bytes >= this.rowChunkBytes;
  }

  /** The rows added since the last take, or undefined when there are none. */
  take(): RowChunk | undefined {
    if (this.rows.length === 0) return undefined;
    const chunk: RowChunk = {
      columns: this.columns,
      rows: this.rows,
      firstRow: this.nextRow,
      bytes: this.bytes,
    };
    this.nextRow += this.rows.length;
    this.rows = [];
    this.bytes = 0;
    return chunk;
  }
}
