// Which checks run: all of them, or those the user picked with glob patterns on their ids.
import picomatch from "picomatch";

// A check id holds no `/`, and a pattern only letters, digits, `._-` and the wildcards (lib/config.ts
// refuses anything else): picomatch's `*` is then any run of characters, dots included. Braces, extglobs
// and a leading `!` stay literal text, should a caller pass them.
const GLOB_OPTIONS: picomatch.PicomatchOptions = {
  dot: true,
  nobrace: true,
  noextglob: true,
  nonegate: true,
};

/** A glob on check ids: `*` is any run of characters (dots included), `?` one character. */
export function globMatcher(pattern: string): (id: string) => boolean {
  const matcher = picomatch(pattern, GLOB_OPTIONS);
  return (id) => matcher(id);
}

export interface Selection {
  /** Ids that run, in plan order. */
  selected: string[];
  /** Ids left out by the patterns, in plan order. */
  leftOut: string[];
  /** One line per pattern that matches no check, naming the ids there are. */
  problems: { key: string; message: string }[];
}

/** Keeps the checks that match any `only` pattern (all when none is given) and no `skip` pattern. */
export function selectChecks(
  ids: readonly string[],
  only: readonly string[],
  skip: readonly string[],
): Selection {
  const problems: Selection["problems"] = [];
  const matchers = (key: string, patterns: readonly string[]) =>
    patterns.map((pattern) => {
      const matches = globMatcher(pattern);
      if (!ids.some(matches)) {
        problems.push({
          key,
          message: `pattern "${pattern}" matches no check; the checks are: ${ids.join(", ")}.`,
        });
      }
      return matches;
    });
  const onlyMatchers = matchers("checksOnly", only);
  const skipMatchers = matchers("checksSkip", skip);
  const runs = (id: string) =>
    (onlyMatchers.length === 0 || onlyMatchers.some((matches) => matches(id))) &&
    !skipMatchers.some((matches) => matches(id));
  return {
    selected: ids.filter(runs),
    leftOut: ids.filter((id) => !runs(id)),
    problems,
  };
}
