import type { IncomingHttpHeaders } from 'node:http';
import { type ProblemDocument, problemType } from '@meshmart/mesh';

/** What the public API reads: JSON, in UTF-8 (its only encoding, RFC 8259), uncompressed. */
const JSON_MEDIA_TYPE = 'application/json';

function unsupported(detail: string): ProblemDocument {
  return { type: problemType('unsupported-media-type'), title: 'unsupported media type', status: 415, detail };
}

function carriesBody(headers: IncomingHttpHeaders): boolean {
  return headers['transfer-encoding'] !== undefined || Number(headers['content-length'] ?? 0) > 0;
}

/**
 * The 415 for a request body the public API does not read, before anything parses it: another
 * media type (text, forms), another charset (UTF-16 would be read as UTF-8), or a content
 * encoding (gzip would be read as if it were plain). `undefined` when the body is acceptable.
 */
export function bodyRefusal(headers: IncomingHttpHeaders): ProblemDocument | undefined {
  if (!carriesBody(headers)) return undefined;
  const encoding = headers['content-encoding']?.trim().toLowerCase();
  if (encoding && encoding !== 'identity') return unsupported('send the body uncompressed, without a Content-Encoding');
  const [mediaType = '', ...parameters] = (headers['content-type'] ?? '').split(';').map((part) => part.trim().toLowerCase());
  if (mediaType !== JSON_MEDIA_TYPE) return unsupported(`send the body as ${JSON_MEDIA_TYPE}`);
  for (const parameter of parameters) {
    const [name, value = ''] = parameter.split('=').map((part) => part.trim());
    if (name === 'charset' && value.replace(/^"|"$/g, '') !== 'utf-8') return unsupported(`send the body as ${JSON_MEDIA_TYPE} in UTF-8`);
  }
  return undefined;
}
