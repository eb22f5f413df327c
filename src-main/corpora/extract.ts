import path from 'node:path';
import { AppError, isAppError } from '../contract/errors.ts';
import { CORPUS_EXTENSIONS_TEXT, corpusFormatOf, type CorpusFormat } from '../contract/vocabulary.ts';
import { fdxToFountain } from '../documents/fdx.ts';
import { decodeText } from './decode.ts';

export type SourceFormat = CorpusFormat;

export interface ExtractedText {
  text: string;
  encoding: string;
  format: SourceFormat;
}

/** The format of a file from its extension, or `E_UNSUPPORTED_TYPE` naming the file. */
export function formatOf(filePath: string): SourceFormat {
  const format = corpusFormatOf(path.extname(filePath));
  if (format === undefined) {
    throw new AppError(
      'E_UNSUPPORTED_TYPE',
      `${path.basename(filePath)} cannot be imported: only ${CORPUS_EXTENSIONS_TEXT} files are supported.`,
    );
  }
  return format;
}

async function extractDocx(bytes: Uint8Array, name: string): Promise<string> {
  if (!(bytes[0] === 0x50 && bytes[1] === 0x4b)) {
    throw new AppError('E_IO', `${name} is not a Word document (.docx files are zip archives).`);
  }
  // mammoth is large; load it only when someone imports a Word file.
  const { default: mammoth } = await import('mammoth');
  try {
    const result = await mammoth.extractRawText({
      buffer: Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength),
    });
    return result.value;
  } catch (error) {
    throw new AppError('E_IO', `${name} could not be read as a Word document: ${String(error)}`);
  }
}

/** Raw (not yet normalised) text of a supported file's bytes. */
export async function extractText(bytes: Uint8Array, filePath: string): Promise<ExtractedText> {
  const name = path.basename(filePath);
  const format = formatOf(filePath);
  if (format === 'docx') return { text: await extractDocx(bytes, name), encoding: 'docx', format };
  const decoded = decodeText(bytes, name);
  if (format !== 'fdx') return { ...decoded, format };
  try {
    return { text: fdxToFountain(decoded.text), encoding: decoded.encoding, format };
  } catch (error) {
    // A malformed Final Draft file keeps its E_FDX_INVALID code (the message names the line), prefixed with the file.
    if (isAppError(error)) throw new AppError(error.code, `${name}: ${error.message}`);
    throw new AppError('E_IO', `${name} could not be read: ${String(error)}`);
  }
}
