// Finds the element with a given `data-arenax-bid` (through open shadow roots and same-origin iframes)
// and runs one operation on it: locate (scroll into view, centre in page coordinates, hit test),
// fill, select, focus, or state.
([bid, operation, argument]) => {
  const selector = '[data-arenax-bid="' + bid + '"]';
  function search(root, offset) {
    const found = root.querySelector(selector);
    if (found) return { el: found, offset };
    for (const el of root.querySelectorAll("*")) {
      if (el.shadowRoot) {
        const inner = search(el.shadowRoot, offset);
        if (inner) return inner;
      }
      if (el.localName === "iframe") {
        let doc = null;
        try { doc = el.contentDocument; } catch (error) { doc = null; }
        if (doc && doc.documentElement) {
          const r = el.getBoundingClientRect();
          const inner = search(doc, { x: offset.x + r.x + el.clientLeft, y: offset.y + r.y + el.clientTop, frames: offset.frames.concat([el]) });
          if (inner) return inner;
        }
      }
    }
    return null;
  }
  const hit = search(document, { x: 0, y: 0, frames: [] });
  if (!hit) return { error: "no element with bid " + JSON.stringify(bid) + " on the page" };
  const el = hit.el;
  const tag = el.localName;
  const info = { tag, type: (el.type || "").toLowerCase(), editable: el.isContentEditable };
  if (operation === "locate") {
    el.scrollIntoView({ block: "nearest", inline: "nearest" });
    const again = search(document, { x: 0, y: 0, frames: [] });
    const r = el.getBoundingClientRect();
    if (r.width === 0 && r.height === 0) return { ...info, error: "element " + bid + " is not visible" };
    const cx = r.x + r.width / 2, cy = r.y + r.height / 2;
    const covering = el.getRootNode().elementFromPoint(cx, cy);
    let covered = null;
    if (covering && covering !== el && !el.contains(covering) && !(el.shadowRoot && el.shadowRoot.contains(covering))
        && !(tag === "option" || (covering.localName === "label" && covering.control === el))) {
      covered = (covering.getAttribute("data-arenax-bid") || covering.localName);
    }
    return { ...info, x: again.offset.x + cx, y: again.offset.y + cy, covered,
      checked: el.checked === undefined ? null : el.checked };
  }
  if (operation === "focus") { el.focus(); return info; }
  if (operation === "fill") {
    if (el.isContentEditable) {
      el.focus();
      el.textContent = argument;
      el.dispatchEvent(new InputEvent("input", { bubbles: true }));
      return info;
    }
    if (tag === "select") return { ...info, error: "fill cannot set a <select>; use select_option" };
    if (!(tag === "input" || tag === "textarea")) return { ...info, error: "element " + bid + " (" + tag + ") is not a text field" };
    if (["checkbox", "radio", "button", "submit", "reset", "file", "image"].includes(info.type))
      return { ...info, error: "cannot fill an <input type=" + info.type + ">" };
    if (el.disabled || el.readOnly) return { ...info, error: "element " + bid + " is disabled or read-only" };
    el.focus();
    const proto = tag === "input" ? HTMLInputElement.prototype : HTMLTextAreaElement.prototype;
    Object.getOwnPropertyDescriptor(proto, "value").set.call(el, argument);
    if (argument !== "" && el.value === "") return { ...info, error: "value " + JSON.stringify(argument) + " is not accepted by <input type=" + info.type + ">" };
    el.dispatchEvent(new Event("input", { bubbles: true, composed: true }));
    el.dispatchEvent(new Event("change", { bubbles: true, composed: true }));
    return info;
  }
  if (operation === "select") {
    if (tag !== "select") return { ...info, error: "element " + bid + " (" + tag + ") is not a <select>" };
    if (el.disabled) return { ...info, error: "element " + bid + " is disabled" };
    const wanted = argument;
    const matches = Array.from(el.options).filter((o) => wanted.includes(o.value) || wanted.includes(o.text.trim()) || wanted.includes(o.label));
    if (matches.length < wanted.length) return { ...info, error: "no option " + JSON.stringify(wanted) + " in element " + bid };
    if (!el.multiple && matches.length > 1) return { ...info, error: "element " + bid + " accepts a single option" };
    for (const o of el.options) o.selected = matches.includes(o);
    el.dispatchEvent(new Event("input", { bubbles: true, composed: true }));
    el.dispatchEvent(new Event("change", { bubbles: true, composed: true }));
    return info;
  }
  return { ...info, error: "unknown operation " + operation };
}
