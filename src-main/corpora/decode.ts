import chardet from 'chardet';
import iconv from 'iconv-lite';
import { AppError } from '../contract/errors.ts';

export interface DecodedText {
  text: string;
  /** Lower-case WHATWG-style label, e.g. `utf-8`, `utf-8-bom`, `utf-16le`, `windows-1252`. */
  encoding: string;
}

const SNIFF_BYTES = 64 * 1024;

/** Magic numbers of common binary formats that people rename to `.txt` by mistake. */
const BINARY_SIGNATURES: readonly (readonly number[])[] = [
  [0x25, 0x50, 0x44, 0x46], // %PDF
  [0x89, 0x50, 0x4e, 0x47], // PNG
  [0x50, 0x4b, 0x03, 0x04], // zip (docx, odt, epub)
  [0x47, 0x49, 0x46, 0x38], // GIF
  [0xff, 0xd8, 0xff], // JPEG
  [0x7f, 0x45, 0x4c, 0x46], // ELF
  [0xd0, 0xcf, 0x11, 0xe0], // OLE (old .doc)
];

function startsWith(bytes: Uint8Array, prefix: readonly number[]): boolean {
  return prefix.length <= bytes.length && prefix.every((byte, i) => bytes[i] === byte);
}

/** True when the bytes look like a binary file rather than text in some 8-bit or UTF-8 encoding. */
export function looksBinary(bytes: Uint8Array): boolean {
  if (BINARY_SIGNATURES.some((signature) => startsWith(bytes, signature))) return true;
  const sample = bytes.subarray(0, SNIFF_BYTES);
  let controls = 0;
  for (const byte of sample) {
    if (byte === 0) return true;
    if (byte < 0x20 && byte !== 0x09 && byte !== 0x0a && byte !== 0x0d && byte !== 0x0c) controls += 1;
  }
  return controls > sample.length * 0.01;
}

function decodeUtf8Strict(bytes: Uint8Array): string | null {
  try {
    return new TextDecoder('utf-8', { fatal: true, ignoreBOM: true }).decode(bytes);
  } catch {
    return null;
  }
}

/** C1 bytes 0x80-0x9F are printable in windows-1252 but controls in ISO-8859-1; browsers read them as 1252 too. */
function legacyLabel(bytes: Uint8Array): string {
  const detected = chardet.detect(bytes.subarray(0, SNIFF_BYTES))?.toLowerCase() ?? 'windows-1252';
  if (detected === 'iso-8859-1' && bytes.some((byte) => byte >= 0x80 && byte <= 0x9f)) return 'windows-1252';
  return iconv.encodingExists(detected) ? detected : 'windows-1252';
}

/** UTF-8 (± BOM), UTF-16 LE/BE with BOM, else the legacy encoding chardet names; `E_BINARY` if not text. */
export function decodeText(bytes: Uint8Array, fileName: string): DecodedText {
  if (startsWith(bytes, [0xef, 0xbb, 0xbf])) {
    return { text: new TextDecoder('utf-8').decode(bytes.subarray(3)), encoding: 'utf-8-bom' };
  }
  if (startsWith(bytes, [0xff, 0xfe])) {
    return { text: new TextDecoder('utf-16le').decode(bytes.subarray(2)), encoding: 'utf-16le' };
  }
  if (startsWith(bytes, [0xfe, 0xff])) {
    return { text: new TextDecoder('utf-16be').decode(bytes.subarray(2)), encoding: 'utf-16be' };
  }
  if (looksBinary(bytes)) {
    throw new AppError('E_BINARY', `${fileName} looks like a binary file, not text.`);
  }
  const utf8 = decodeUtf8Strict(bytes);
  if (utf8 !== null) return { text: utf8, encoding: 'utf-8' };
  const encoding = legacyLabel(bytes);
  return { text: iconv.decode(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength), encoding), encoding };
}
