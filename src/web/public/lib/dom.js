/**
 * DOM building without innerHTML: every text goes in through textContent or an attribute, so
 * nothing the server (or an exchange, or a reason string) sends can become markup.
 */

/**
 * `h('td', { class: 'num', title: 'x', dataset: { id } }, 'text', childNode)`. Attributes with
 * null, undefined or false values are left out; `on` maps event names to listeners; `style` is
 * an object of CSSOM properties.
 */
export function h(tag, attrs, ...children) {
  const node = document.createElement(tag);
  if (attrs) applyAttributes(node, attrs);
  append(node, children);
  return node;
}

function applyAttributes(node, attrs) {
  for (const [key, value] of Object.entries(attrs)) {
    if (value === null || value === undefined || value === false) continue;
    if (key === 'class') node.className = value;
    else if (key === 'dataset') Object.assign(node.dataset, value);
    // through the CSSOM: a style attribute would be inline CSS, which the page's policy refuses
    else if (key === 'style') Object.assign(node.style, value);
    else if (key === 'on')
      for (const [event, listener] of Object.entries(value)) node.addEventListener(event, listener);
    else node.setAttribute(key, value === true ? '' : String(value));
  }
}

/** Appends strings as text nodes and nodes as they are; arrays are flattened; null is skipped. */
export function append(parent, children) {
  for (const child of children) {
    if (child === null || child === undefined || child === false) continue;
    if (Array.isArray(child)) append(parent, child);
    else if (child instanceof Node) parent.appendChild(child);
    else parent.appendChild(document.createTextNode(String(child)));
  }
  return parent;
}

/** Replaces all children of `parent`. */
export function replaceChildren(parent, ...children) {
  parent.replaceChildren();
  return append(parent, children);
}

export function byId(id) {
  const node = document.getElementById(id);
  if (!node) throw new Error(`the page has no element #${id}`);
  return node;
}

/** A definition list from [label, value, title?] pairs, each pair in its own div (a grid cell); a value may be a node. */
export function definitionList(className, pairs) {
  return h(
    'dl',
    { class: className },
    pairs.map(([label, value, title]) =>
      h('div', null, h('dt', null, label), h('dd', title ? { title } : null, value)),
    ),
  );
}

const SVG_NS = 'http://www.w3.org/2000/svg';

/** `h` for SVG: attributes set as they are (no class/dataset/style shortcuts), children as in `h`. */
export function svg(tag, attrs, ...children) {
  const node = document.createElementNS(SVG_NS, tag);
  for (const [key, value] of Object.entries(attrs ?? {})) {
    if (value === null || value === undefined || value === false) continue;
    node.setAttribute(key, String(value));
  }
  return append(node, children);
}
