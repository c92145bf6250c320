/**
 * How a command is typed, as chat markdown: the command word in bold, each `<placeholder>` in italics
 * ("**permission** on|off *customer*"). Teams and the Agents Playground show `<customer>` inside a code span as
 * `&lt;customer&gt;`, and may take it for an HTML tag outside one; italics read the same in a chat message and in
 * an Adaptive Card's TextBlock.
 */
export const usageMarkdown = (usage: string): string => usage.replace(/^(\S+)/, '**$1**').replace(/<([^<>]+)>/g, '*$1*');
