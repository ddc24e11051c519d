import { InputError } from './errors';
import { readManifests } from './read';
import { Manifest } from '../policy/rule';

export { InputError, NotKubernetesError, escapeControls } from './errors';
export { readYamlDocument } from './read';
export { MAX_ALIAS_COUNT, MAX_DEPTH, MAX_EXPANDED_VALUES } from './read';

function lineOfOffset(text: string | Uint8Array, offset: number): number {
  let line = 1;
  for (let i = 0; i < offset && i < text.length; i++) {
    if ((typeof text === 'string' ? text.charCodeAt(i) : text[i]) === 0x0a) {
      line++;
    }
  }
  return line;
}

/** The length of the valid UTF-8 sequence starting at `i`, or 0 when the bytes there are not valid UTF-8. */
function utf8SequenceLength(bytes: Uint8Array, i: number): number {
  const b = bytes[i];
  if (b < 0x80) {
    return 1;
  }
  const cont = (j: number, lo = 0x80, hi = 0xbf) => j < bytes.length && bytes[j] >= lo && bytes[j] <= hi;
  if (b >= 0xc2 && b <= 0xdf) {
    return cont(i + 1) ? 2 : 0;
  }
  if (b >= 0xe0 && b <= 0xef) {
    const lo = b === 0xe0 ? 0xa0 : 0x80;
    const hi = b === 0xed ? 0x9f : 0xbf; // no UTF-16 surrogates
    return cont(i + 1, lo, hi) && cont(i + 2) ? 3 : 0;
  }
  if (b >= 0xf0 && b <= 0xf4) {
    const lo = b === 0xf0 ? 0x90 : 0x80;
    const hi = b === 0xf4 ? 0x8f : 0xbf;
    return cont(i + 1, lo, hi) && cont(i + 2) && cont(i + 3) ? 4 : 0;
  }
  return 0;
}

/**
 * Decodes the bytes of a manifest file as UTF-8 (the encoding Kubernetes tools read), refusing what is not
 * text: UTF-16/UTF-32 files, NUL bytes (binary files) and invalid UTF-8, each with the line where it starts.
 * A UTF-8 byte order mark is kept for `parseManifests` to drop.
 */
export function decodeManifestBytes(bytes: Uint8Array, file: string): string {
  if ((bytes[0] === 0xff && bytes[1] === 0xfe) || (bytes[0] === 0xfe && bytes[1] === 0xff)
    || (bytes[0] === 0 && bytes[1] === 0 && bytes[2] === 0xfe && bytes[3] === 0xff)) {
    throw new InputError(`${file}: is UTF-16 or UTF-32 encoded; save it as UTF-8`);
  }
  const nul = bytes.indexOf(0);
  if (nul >= 0) {
    throw new InputError(`${file}, line ${lineOfOffset(bytes, nul)}: not a text file (it contains NUL bytes)`);
  }
  try {
    // The native decoder validates as strictly as the loop below; the loop only runs to say where it fails.
    return STRICT_UTF8.decode(bytes);
  } catch {
    for (let i = 0; i < bytes.length;) {
      const n = utf8SequenceLength(bytes, i);
      if (n === 0) {
        throw new InputError(`${file}, line ${lineOfOffset(bytes, i)}: not UTF-8 text (invalid byte 0x${bytes[i].toString(16).padStart(2, '0')}); `
          + 'save it as UTF-8');
      }
      i += n;
    }
    throw new InputError(`${file}: not UTF-8 text; save it as UTF-8`);
  }
}

/** A UTF-8 decoder that refuses invalid input and keeps a byte order mark (parseManifests drops it). */
const STRICT_UTF8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

/**
 * Parses a YAML or JSON stream (one or many documents) into manifests exactly as kubectl 1.28 reads it (see
 * `readManifests`). Pure: the caller reads the file. Every problem is an InputError with a one-line message
 * naming the file, the document and, where known, the line.
 */
export function parseManifests(text: string, file: string): Manifest[] {
  return readManifests(text, file);
}
