import { z } from 'zod';

const pageNumber = /^[1-9]\d*$/;

/** A list command's words, ending with an optional `page N`: the words before it, and the page (1 without one). */
export const wordsAndPage = z.array(z.string()).transform((words, ctx) => {
  const at = words.map((w) => w.toLowerCase()).lastIndexOf('page');
  if (at < 0 || at < words.length - 2) return { words, page: 1 };
  const number = words[at + 1];
  if (number === undefined || !pageNumber.test(number)) {
    ctx.addIssue({ code: 'custom', message: 'the page must be a whole number from 1, such as `page 2`' });
    return z.NEVER;
  }
  return { words: words.slice(0, at), page: Number(number) };
});
