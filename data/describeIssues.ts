import type { z } from 'zod';

/** Turns zod issues into one line per problem, each naming the field by its path. */
export function describeIssues(error: z.ZodError, max = 5): string {
  const lines = error.issues.slice(0, max).map((issue) => {
    const path = issue.path.length ? issue.path.map((p) => (typeof p === 'number' ? `[${p}]` : `.${String(p)}`)).join('').replace(/^\./, '') : '(top level)';
    return `${path}: ${issue.message}`;
  });
  const more = error.issues.length - max;
  if (more > 0) lines.push(`…and ${more} more problem${more === 1 ? '' : 's'}`);
  return lines.join('\n');
}
