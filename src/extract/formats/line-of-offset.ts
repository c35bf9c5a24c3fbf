import { createReadStream } from 'node:fs';

/** 1-based physical line of a byte offset in a file (LF, CRLF or CR line ends); used only for error messages. */
export async function lineOfOffset(path: string, offset: number): Promise<number> {
  if (offset <= 0) return 1;
  let line = 1;
  let previous = -1;
  const stream = createReadStream(path, { start: 0, end: offset - 1, highWaterMark: 1 << 20 });
  for await (const chunk of stream as AsyncIterable<Buffer>) {
    for (let i = 0; i < chunk.length; i += 1) {
      const b = chunk[i]!;
      if (b === 0x0a && previous !== 0x0d) line += 1;
      else if (b === 0x0d) line += 1;
      previous = b;
    }
  }
  return line;
}
