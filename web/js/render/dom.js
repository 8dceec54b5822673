// Building elements inside a given parent (renderers are handed their elements, never document).

// A new <tag> appended to parent, with a class and text when given; → the element.
export function el(parent, tag, className, text) {
  const e = parent.ownerDocument.createElement(tag);
  if (className) e.className = className;
  if (text !== undefined) e.textContent = text;
  parent.append(e);
  return e;
}
