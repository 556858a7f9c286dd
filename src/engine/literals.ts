// Derives prefilter literals from a regular expression: the longest plain run in each top-level alternative.

/** Runs shorter than this are too common to be worth a prefilter entry. */
export const MIN_DERIVED_LITERAL = 4;

/** Escapes whose character is itself (`\.`, `\"`, `\/`); every other escape is a class or an assertion. */
const IDENTITY_ESCAPE = /[^A-Za-z0-9]/;

/**
 * Returns one literal per top-level alternative, or the alternative that has no plain run of at
 * least MIN_DERIVED_LITERAL characters (as `{ missing }`). Groups, classes, `.` and quantified
 * characters end a run; an optional character (`?`, `*`, `{0,n}`) is removed from it.
 */
export function deriveLiterals(source: string): { literals: string[] } | { missing: string } {
  const literals: string[] = [];
  for (const alternative of splitTopLevel(source)) {
    const best = longestRun(alternative);
    if (best.length < MIN_DERIVED_LITERAL) return { missing: alternative };
    literals.push(best);
  }
  return { literals };
}

/** Splits at `|` outside groups and classes. */
export function splitTopLevel(source: string): string[] {
  const parts: string[] = [];
  let depth = 0;
  let inClass = false;
  let start = 0;
  for (let i = 0; i < source.length; i++) {
    const c = source[i];
    if (c === '\\') {
      i++;
    } else if (inClass) {
      if (c === ']') inClass = false;
    } else if (c === '[') inClass = true;
    else if (c === '(') depth++;
    else if (c === ')') depth--;
    else if (c === '|' && depth === 0) {
      parts.push(source.slice(start, i));
      start = i + 1;
    }
  }
  parts.push(source.slice(start));
  return parts;
}

/** Index just after the group or class that starts at `i`. */
function skipBalanced(source: string, i: number): number {
  let depth = 0;
  let inClass = false;
  for (; i < source.length; i++) {
    const c = source[i];
    if (c === '\\') i++;
    else if (inClass) {
      if (c === ']') {
        inClass = false;
        if (depth === 0) return i + 1;
      }
    } else if (c === '[') inClass = true;
    else if (c === '(') depth++;
    else if (c === ')') {
      depth--;
      if (depth === 0) return i + 1;
    }
  }
  return source.length;
}

function longestRun(alternative: string): string {
  let best = '';
  let run = '';
  const endRun = () => {
    if (run.length > best.length) best = run;
    run = '';
  };
  let i = 0;
  while (i < alternative.length) {
    const c = alternative[i]!;
    let atom: string | undefined;
    if (c === '\\') {
      const next = alternative[i + 1] ?? '';
      if (IDENTITY_ESCAPE.test(next)) {
        atom = next;
        i += 2;
      } else {
        // \d, \b, \xHH, \uHHHH, \u{…}, \k<name>, \p{…}: not plain characters.
        endRun();
        if (next === 'x') i += 4;
        else if (next === 'u') i = alternative[i + 2] === '{' ? alternative.indexOf('}', i) + 1 || alternative.length : i + 6;
        else if (next === 'k') i = alternative.indexOf('>', i) + 1 || alternative.length;
        else if (next === 'p' || next === 'P') i = alternative.indexOf('}', i) + 1 || alternative.length;
        else i += 2;
      }
    } else if (c === '(' || c === '[') {
      endRun();
      i = skipBalanced(alternative, i);
    } else if (c === '.' || c === '^' || c === '$') {
      endRun();
      i++;
    } else {
      atom = c;
      i++;
    }
    // A quantifier applies to the atom just read (or to the group or class just skipped).
    const q = alternative[i];
    if (q === '?' || q === '*' || q === '+' || q === '{') {
      let optional = q !== '+';
      let end = i + 1;
      if (q === '{') {
        const m = /^\{(\d+)(,\d*)?\}/.exec(alternative.slice(i));
        if (!m) {
          // A literal brace.
          if (atom !== undefined) run += atom;
          continue;
        }
        optional = m[1] === '0';
        end = i + m[0].length;
      }
      if (alternative[end] === '?') end++;
      if (atom !== undefined && !optional) {
        // `ab+c`: "ab" and "bc" are in every match, "abc" is not.
        run += atom;
        endRun();
        run = atom;
      } else endRun();
      i = end;
      continue;
    }
    if (atom !== undefined) run += atom;
  }
  endRun();
  return best;
}
