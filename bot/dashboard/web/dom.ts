type Child = Node | string | null | undefined | false;
type Attributes = Record<string, string | boolean | ((event: Event) => void) | undefined>;

/** An element with attributes (`on…` ones are listeners) and children; text is always set as text, never as HTML. */
export function h<K extends keyof HTMLElementTagNameMap>(tag: K, attributes: Attributes = {}, ...children: Child[]): HTMLElementTagNameMap[K] {
  const element = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes)) {
    if (value === undefined || value === false) continue;
    if (typeof value === 'function') element.addEventListener(name.slice(2), value);
    else element.setAttribute(name, value === true ? '' : value);
  }
  for (const child of children) if (child) element.append(child);
  return element;
}

export interface Column<T> {
  title: string;
  cell: (row: T) => Child;
  /** Ids and times: never broken at their hyphens. */
  nowrap?: boolean;
}

/** A table that scrolls sideways when the tab is narrow, or a line saying there is nothing to show. */
export function table<T>(label: string, columns: Column<T>[], rows: T[], empty: string): HTMLElement {
  if (rows.length === 0) return h('p', { class: 'empty' }, empty);
  return h(
    'div',
    { class: 'table-wrap' },
    h(
      'table',
      { 'aria-label': label },
      h('thead', {}, h('tr', {}, ...columns.map((c) => h('th', { scope: 'col' }, c.title)))),
      h('tbody', {}, ...rows.map((row) => h('tr', {}, ...columns.map((c) => h('td', { class: c.nowrap ? 'nowrap' : undefined }, c.cell(row)))))),
    ),
  );
}

/** A Fluent-like message bar: good news, a warning, or a refusal. */
export function messageBar(tone: 'good' | 'warning' | 'attention', text: string): HTMLElement {
  return h('div', { class: `message ${tone}`, role: tone === 'attention' ? 'alert' : 'status' }, text);
}

/** Replaces what `host` shows. */
export function show(host: HTMLElement, ...children: Child[]): void {
  host.replaceChildren(...children.filter((c): c is Node | string => Boolean(c)));
}
