/**
 * Request headers as Node hands them over (`IncomingHttpHeaders`) or as a client builds them.
 * Names are matched case-insensitively, because hand-built header objects are not lower-cased.
 */
export type HttpHeaders = Readonly<Record<string, string | readonly string[] | undefined>>;

/**
 * The first value of a header, whatever the case of its name; `undefined` when absent.
 * Why first: a repeated header (two values) is a proxy's concatenation, the original wins.
 */
export function headerValue(headers: HttpHeaders, name: string): string | undefined {
  const lower = name.toLowerCase();
  let value = headers[lower];
  if (value === undefined) {
    const key = Object.keys(headers).find((candidate) => candidate.toLowerCase() === lower);
    value = key === undefined ? undefined : headers[key];
  }
  return typeof value === 'string' ? value : value?.[0];
}
