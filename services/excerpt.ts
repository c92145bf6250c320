/** At most `max` characters of `text`: what a person typed is kept and echoed only as a short excerpt (R18). */
export function excerpt(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max - 1)}…`;
}

/** Something a person typed, quoted in a reply: "…", at most 60 characters of it. */
export const quoted = (text: string) => `"${excerpt(text, 60)}"`;
