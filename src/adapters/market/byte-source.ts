import { type FileHandle, open } from 'node:fs/promises';
import { basename } from 'node:path';
import { pipeline, type Readable } from 'node:stream';
import { createGunzip } from 'node:zlib';
import { CandleFileError } from './candle-file-error.js';
import { openZipCsv } from './zip.js';

export type Container = 'plain' | 'gzip' | 'zip';

/** The decompressed bytes of a candle file, chunk by chunk. */
export interface ByteSource {
  readonly container: Container;
  /** For a zip: the entry being read. */
  readonly entryName?: string;
  /** The next chunk, or null at the end. Read errors come out as CandleFileError. */
  next(): Promise<Buffer | null>;
  close(): void;
}

/** Large chunks keep the per-chunk overhead (promises, carry-over lines) negligible. */
const CHUNK_BYTES = 1 << 18;

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

function codeOf(error: unknown): string | undefined {
  if (typeof error === 'object' && error !== null && 'code' in error) {
    const code = (error as { code: unknown }).code;
    return typeof code === 'string' ? code : undefined;
  }
  return undefined;
}

/** The container is decided by the first bytes; the name only has to agree with them. */
function sniffContainer(magic: Buffer): Container {
  if (magic.length >= 2 && magic[0] === 0x1f && magic[1] === 0x8b) return 'gzip';
  // Local file header, or the end record of an empty archive.
  if (magic.length >= 4 && magic[0] === 0x50 && magic[1] === 0x4b) {
    if ((magic[2] === 3 && magic[3] === 4) || (magic[2] === 5 && magic[3] === 6)) return 'zip';
  }
  return 'plain';
}

export async function openByteSource(path: string): Promise<ByteSource> {
  let handle: FileHandle;
  try {
    handle = await open(path, 'r');
  } catch (error) {
    const code = codeOf(error);
    if (code === 'ENOENT') throw new CandleFileError(path, 'file not found');
    if (code === 'EACCES') throw new CandleFileError(path, 'permission denied');
    throw new CandleFileError(path, `cannot be opened (${messageOf(error)})`);
  }
  let container: Container;
  try {
    const stat = await handle.stat();
    if (stat.isDirectory()) throw new CandleFileError(path, 'is a directory, not a candle file');
    if (stat.size === 0) throw new CandleFileError(path, 'is empty (0 bytes)');
    const magic = Buffer.alloc(4);
    const { bytesRead } = await handle.read(magic, 0, 4, 0);
    container = sniffContainer(magic.subarray(0, bytesRead));
    const name = basename(path).toLowerCase();
    if (name.endsWith('.zip') && container !== 'zip') {
      throw new CandleFileError(
        path,
        'is not a zip archive: it does not start with the zip signature "PK\\x03\\x04"',
      );
    }
    if (name.endsWith('.gz') && container !== 'gzip') {
      throw new CandleFileError(
        path,
        'is not gzip-compressed: it does not start with the gzip magic bytes 1f 8b',
      );
    }
  } catch (error) {
    await handle.close();
    if (error instanceof CandleFileError) throw error;
    throw new CandleFileError(path, `cannot be read (${messageOf(error)})`);
  }

  if (container === 'zip') {
    await handle.close();
    const zip = await openZipCsv(path);
    return streamSource(
      'zip',
      zip.stream,
      (error) =>
        new CandleFileError(path, `zip entry ${zip.entryName} is truncated or corrupt (${messageOf(error)})`),
      () => {
        zip.stream.destroy();
        zip.close();
      },
      zip.entryName,
    );
  }

  const file = handle.createReadStream({ highWaterMark: CHUNK_BYTES });
  if (container === 'plain') {
    return streamSource(
      'plain',
      file,
      (error) => new CandleFileError(path, `cannot be read (${messageOf(error)})`),
      () => file.destroy(),
    );
  }
  const gunzip = createGunzip({ chunkSize: CHUNK_BYTES });
  // Errors of either stream reach the reader through the gunzip iterator; the callback only
  // keeps pipeline from reporting them a second time.
  pipeline(file, gunzip, () => {});
  return streamSource(
    'gzip',
    gunzip,
    (error) => gzipError(path, error),
    () => {
      gunzip.destroy();
      file.destroy();
    },
  );
}

function gzipError(path: string, error: unknown): CandleFileError {
  const code = codeOf(error);
  if (code === 'Z_BUF_ERROR') {
    return new CandleFileError(
      path,
      `gzip data is truncated: the file ends before its compressed stream does (${messageOf(error)})`,
    );
  }
  if (code === 'Z_DATA_ERROR') return new CandleFileError(path, `gzip data is corrupt (${messageOf(error)})`);
  return new CandleFileError(path, `cannot be read (${messageOf(error)})`);
}

function streamSource(
  container: Container,
  stream: Readable,
  describeError: (error: unknown) => CandleFileError,
  close: () => void,
  entryName?: string,
): ByteSource {
  const chunks = stream[Symbol.asyncIterator]();
  return {
    container,
    entryName,
    async next() {
      try {
        const step = await chunks.next();
        return step.done ? null : (step.value as Buffer);
      } catch (error) {
        throw describeError(error);
      }
    },
    close,
  };
}
