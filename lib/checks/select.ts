// Which checks run: all of them, or those the user picked with glob patterns on their ids.

/** A glob on check ids: `*` is any run of characters (dots included), `?` one character. */
export function globToRegExp(pattern: string): RegExp {
  const source = pattern
    .split("")
    .map((char) => (char === "*" ? ".*" : char === "?" ? "." : char.replace(/[.+^${}()|[\]\\-]/g, "\\$&")))
    .join("");
  return new RegExp(`^${source}$`);
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
      const regexp = globToRegExp(pattern);
      if (!ids.some((id) => regexp.test(id))) {
        problems.push({
          key,
          message: `pattern "${pattern}" matches no check; the checks are: ${ids.join(", ")}.`,
        });
      }
      return regexp;
    });
  const onlyMatchers = matchers("checksOnly", only);
  const skipMatchers = matchers("checksSkip", skip);
  const runs = (id: string) =>
    (onlyMatchers.length === 0 || onlyMatchers.some((m) => m.test(id))) &&
    !skipMatchers.some((m) => m.test(id));
  return {
    selected: ids.filter(runs),
    leftOut: ids.filter((id) => !runs(id)),
    problems,
  };
}
