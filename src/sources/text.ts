/**
 * Reading input files as text, and turning character offsets into 1-based line and column.
 */
import { closeSync, fstatSync, openSync, readSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';

/** Files larger than this (bytes) are reported instead of read: 16 MiB, far above any real task definition or template. */
export const DEFAULT_MAX_FILE_BYTES = 16 * 1024 * 1024;

/** Offsets of line starts in a text, for offset to line/column conversion. */
export class LineIndex {
  private starts: number[] | null = null;
  constructor(private readonly text: string) {}

  /** 1-based line and column of a 0-based character offset. */
  position(offset: number): { line: number; column: number } {
    const starts = (this.starts ??= lineStarts(this.text));
    let lo = 0;
    let hi = starts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (starts[mid] <= offset) lo = mid;
      else hi = mid - 1;
    }
    return { line: lo + 1, column: offset - starts[lo] + 1 };
  }
}

/** Line starts after LF, CRLF, and a lone CR (old Mac line ends, which YAML and editors count as breaks). */
function lineStarts(text: string): number[] {
  const starts = [0];
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 10) starts.push(i + 1);
    else if (c === 13 && text.charCodeAt(i + 1) !== 10) starts.push(i + 1);
  }
  return starts;
}

/** The outcome of reading a file as UTF-8 text. */
export type TextRead = { ok: true; text: string } | { ok: false; line: number | null; column: number | null; message: string };

/**
 * Reads `file` as UTF-8 text, refusing (with a human message) what cannot be a text input:
 * a file over `maxBytes`, an empty file, UTF-16/32 text, bytes that are not UTF-8 (with the line
 * of the first bad byte). A UTF-8 byte order mark is dropped.
 */
export function readTextFile(file: string, maxBytes = DEFAULT_MAX_FILE_BYTES): TextRead {
  let fd: number;
  try {
    fd = openSync(file, 'r');
  } catch (e) {
    return { ok: false, line: null, column: null, message: ioMessage(e) };
  }
  try {
    const size = fstatSync(fd).size;
    if (size > maxBytes) {
      return { ok: false, line: null, column: null, message: `file is ${formatBytes(size)}, over the ${formatBytes(maxBytes)} limit for one input file; split it, or raise the limit with --max-file-size` };
    }
    const buf = Buffer.allocUnsafe(size);
    let read = 0;
    while (read < size) {
      const n = readSync(fd, buf, read, size - read, read);
      if (n === 0) break;
      read += n;
    }
    // AWS Config delivers snapshot and history files gzip-compressed (*.json.gz).
    if (file.endsWith('.gz')) {
      try {
        return decodeText(gunzipSync(buf.subarray(0, read), { maxOutputLength: maxBytes }));
      } catch (e) {
        const tooBig = (e as NodeJS.ErrnoException).code === 'ERR_BUFFER_TOO_LARGE' || /maxOutputLength|buffer/i.test((e as Error).message);
        return { ok: false, line: null, column: null, message: tooBig ? `decompressed, the file is over the ${formatBytes(maxBytes)} limit; raise it with --max-file-size` : `not a valid gzip file: ${(e as Error).message}` };
      }
    }
    return decodeText(buf.subarray(0, read));
  } catch (e) {
    return { ok: false, line: null, column: null, message: ioMessage(e) };
  } finally {
    closeSync(fd);
  }
}

const decoder = new TextDecoder('utf-8', { fatal: true, ignoreBOM: false });

/**
 * Reads standard input up to `maxBytes` (an endless `yes |` stops there); refuses more, as for files.
 */
export function readStdin(maxBytes = DEFAULT_MAX_FILE_BYTES): { ok: true; bytes: Buffer } | { ok: false; message: string } {
  const chunks: Buffer[] = [];
  let total = 0;
  const buf = Buffer.allocUnsafe(1 << 16);
  for (;;) {
    let n: number;
    try {
      n = readSync(0, buf, 0, buf.length, null);
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      if (code === 'EAGAIN') continue;
      if (code === 'EOF') break;
      return { ok: false, message: ioMessage(e) };
    }
    if (n === 0) break;
    total += n;
    if (total > maxBytes) return { ok: false, message: `standard input is over the ${formatBytes(maxBytes)} limit for one input; raise it with --max-file-size` };
    chunks.push(Buffer.from(buf.subarray(0, n)));
  }
  return { ok: true, bytes: Buffer.concat(chunks) };
}

/** Decodes bytes as UTF-8 text with the same refusals as {@link readTextFile}. */
export function decodeText(buf: Uint8Array): TextRead {
  if (buf.length === 0 || (buf.length === 3 && buf[0] === 0xef && buf[1] === 0xbb && buf[2] === 0xbf)) {
    return { ok: false, line: null, column: null, message: 'file is empty' };
  }
  if ((buf[0] === 0xff && buf[1] === 0xfe) || (buf[0] === 0xfe && buf[1] === 0xff)) {
    return { ok: false, line: 1, column: 1, message: 'file is UTF-16 text (it starts with a UTF-16 byte order mark); save it as UTF-8' };
  }
  try {
    const text = decoder.decode(buf);
    if (text.trim() === '') return { ok: false, line: null, column: null, message: 'file holds only whitespace' };
    if (text.includes('\u0000')) {
      const at = text.indexOf('\u0000');
      const pos = new LineIndex(text).position(at);
      return { ok: false, line: pos.line, column: pos.column, message: 'file holds NUL characters: it is binary, or UTF-16 without a byte order mark; save it as UTF-8 text' };
    }
    return { ok: true, text };
  } catch {
    const bad = firstInvalidUtf8(buf);
    let line = 1;
    let lineStart = 0;
    for (let i = 0; i < bad; i++) if (buf[i] === 0x0a) { line++; lineStart = i + 1; }
    return { ok: false, line, column: bad - lineStart + 1, message: `file is not UTF-8 text: invalid byte 0x${buf[bad].toString(16).padStart(2, '0')} at byte ${bad}; save it as UTF-8` };
  }
}

/** Byte offset of the first byte that breaks UTF-8 decoding. */
function firstInvalidUtf8(buf: Uint8Array): number {
  let i = 0;
  while (i < buf.length) {
    const b = buf[i];
    const len = b < 0x80 ? 1 : b >= 0xc2 && b < 0xe0 ? 2 : b >= 0xe0 && b < 0xf0 ? 3 : b >= 0xf0 && b < 0xf5 ? 4 : 0;
    if (len === 0 || i + len > buf.length) return i;
    for (let k = 1; k < len; k++) if ((buf[i + k] & 0xc0) !== 0x80) return i;
    i += len;
  }
  return Math.max(0, buf.length - 1);
}

function formatBytes(n: number): string {
  if (n >= 1024 * 1024) return `${(n / (1024 * 1024)).toFixed(1)} MiB`;
  if (n >= 1024) return `${(n / 1024).toFixed(1)} KiB`;
  return `${n} bytes`;
}

/** A short human message for a file system error (ENOENT, EACCES, EISDIR, ELOOP ...). */
export function ioMessage(e: unknown): string {
  const code = (e as NodeJS.ErrnoException)?.code;
  switch (code) {
    case 'ENOENT': return 'no such file or directory';
    case 'EACCES': case 'EPERM': return 'permission denied';
    case 'EISDIR': return 'is a directory';
    case 'ELOOP': return 'symbolic link loop';
    default: return (e as Error)?.message ?? String(e);
  }
}
