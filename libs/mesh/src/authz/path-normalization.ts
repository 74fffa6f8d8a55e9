/**
 * Istio's default path normalization (`BASE`: Envoy's `normalize_path`, with `merge_slashes`
 * off and `path_with_escaped_slashes_action: KEEP_UNCHANGED`), applied before any policy
 * looks at a path, exactly as the sidecar does before its RBAC filters:
 *
 * - dot segments are removed (RFC 3986 5.2.4), `%2E` counting as a dot; `..` never climbs above `/`;
 * - `\` becomes `/`;
 * - escapes of unreserved characters (`%41` → `A`, `%7E` → `~`, `%2D`, `%5F`) are decoded once;
 *   other escapes stay as they are, hex case kept (`%2F`, `%5C`, `%25` are not decoded);
 * - characters a path may not hold (space, `"`, `<`, `>`, `` ` ``, `{`, `|`, `}`, `^`, controls,
 *   bytes ≥ 0x80) are percent-encoded;
 * - `%00` makes the request invalid (Envoy answers 400).
 *
 * The query string is kept apart and appended unchanged. Works on the path as Node hands it
 * over (one char per byte, latin1), the algorithm of Envoy's PathUtil::canonicalPath.
 */
export type NormalizedPath = { ok: true; path: string } | { ok: false; reason: string };

const UNRESERVED = /^[A-Za-z0-9\-._~]$/;
/** Characters Envoy's canonicalizer escapes in a path (its kPathCharLookup ESCAPE entries). */
const ESCAPED = new Set([' ', '"', '#', '<', '>', '`', '{', '|', '}', '^']);

export function normalizeRequestPath(url: string): NormalizedPath {
  // Envoy drops a fragment before anything else looks at the path.
  const withoutFragment = url.split('#')[0] ?? url;
  const queryAt = withoutFragment.indexOf('?');
  const rawPath = queryAt < 0 ? withoutFragment : withoutFragment.slice(0, queryAt);
  const query = queryAt < 0 ? '' : withoutFragment.slice(queryAt);
  const canonical = canonicalPath(rawPath);
  return canonical.ok ? { ok: true, path: canonical.path + query } : canonical;
}

/** The path a policy matches: normalized, without query or fragment (Envoy's removeQueryAndFragment). */
export function pathForMatching(normalizedUrl: string): string {
  const end = normalizedUrl.search(/[?#]/);
  return end < 0 ? normalizedUrl : normalizedUrl.slice(0, end);
}

function canonicalPath(input: string): NormalizedPath {
  let out = isSlash(input[0]) ? '' : '/';
  let i = 0;
  while (i < input.length) {
    const dot = dotLength(input, i);
    if (dot > 0) {
      const segment = out.endsWith('/') ? dotSegment(input, i + dot) : undefined;
      if (segment === 'current') i = skipSlash(input, i + dot);
      else if (segment === 'parent') {
        out = backUp(out);
        i = skipSlash(input, i + dot + dotLength(input, i + dot));
      } else {
        out += '.';
        i += dot;
      }
      continue;
    }
    const char = input[i] as string;
    i += 1;
    if (char === '\\') out += '/';
    else if (char === '%') {
      const hex = input.slice(i, i + 2);
      if (!/^[0-9A-Fa-f]{2}$/.test(hex)) {
        out += '%';
        continue;
      }
      const decoded = String.fromCharCode(parseInt(hex, 16));
      if (decoded === '\0') return { ok: false, reason: 'the path holds %00' };
      out += UNRESERVED.test(decoded) ? decoded : `%${hex}`;
      i += 2;
    } else if (char === '\0') return { ok: false, reason: 'the path holds a NUL byte' };
    else if (char.charCodeAt(0) < 0x20 || char.charCodeAt(0) >= 0x7f || ESCAPED.has(char))
      out += `%${char.charCodeAt(0).toString(16).toUpperCase().padStart(2, '0')}`;
    else out += char;
  }
  return { ok: true, path: out };
}

/**
 * What a dot right after a slash starts: `.` then a slash or the end is the current directory,
 * `..` then a slash or the end the parent; anything else (`.hidden`, `..x`) is a name.
 */
function dotSegment(input: string, afterDot: number): 'current' | 'parent' | undefined {
  if (afterDot === input.length || isSlash(input[afterDot])) return 'current';
  const second = dotLength(input, afterDot);
  if (second === 0) return undefined;
  const afterSecond = afterDot + second;
  return afterSecond === input.length || isSlash(input[afterSecond]) ? 'parent' : undefined;
}

function skipSlash(input: string, at: number): number {
  return isSlash(input[at]) ? at + 1 : at;
}

/** `/a/b/` → `/a/`; never above the leading slash. */
function backUp(out: string): string {
  if (out.length <= 1) return out;
  const previous = out.lastIndexOf('/', out.length - 2);
  return out.slice(0, Math.max(previous, 0) + 1);
}

function dotLength(input: string, at: number): number {
  if (input[at] === '.') return 1;
  return input[at] === '%' && input[at + 1] === '2' && (input[at + 2] === 'e' || input[at + 2] === 'E') ? 3 : 0;
}

function isSlash(char: string | undefined): boolean {
  return char === '/' || char === '\\';
}
