// Walks the page (open shadow roots and same-origin iframes included), gives every element a stable
// `data-arenax-bid`, and returns the accessibility-tree text: one line per element as `[bid] role 'name'`.
(options) => {
  const BID = "data-arenax-bid";
  const top = window;
  if (top.__arenaxNextBid === undefined) top.__arenaxNextBid = 1;
  const lines = [];
  const boxes = [];
  const MAX_NAME = 160;
  const MAX_TEXT = 2000;
  const NAME_FROM_CONTENT = new Set(["button", "link", "heading", "option", "tab", "treeitem", "menuitem",
    "cell", "columnheader", "rowheader", "listitem", "checkbox", "radio", "switch", "LabelText", "gridcell", "summary"]);
  const TEXT_INPUT_TYPES = new Set(["", "text", "email", "tel", "url", "password", "date", "time", "datetime-local", "month", "week"]);
  const clean = (s) => (s || "").replace(/\s+/g, " ").trim();
  const quote = (s, limit = MAX_NAME) => "'" + s.slice(0, limit).replace(/\\/g, "\\\\").replace(/'/g, "\\'") + "'";

  function implicitRole(el) {
    const tag = el.localName;
    const type = (el.getAttribute("type") || "").toLowerCase();
    switch (tag) {
      case "a": case "area": return el.hasAttribute("href") ? "link" : null;
      case "button": return "button";
      case "input":
        if (type === "hidden") return null;
        if (["button", "submit", "reset", "image"].includes(type)) return "button";
        if (type === "checkbox") return "checkbox";
        if (type === "radio") return "radio";
        if (type === "range") return "slider";
        if (type === "number") return "spinbutton";
        if (type === "search") return el.hasAttribute("list") ? "combobox" : "searchbox";
        return el.hasAttribute("list") ? "combobox" : "textbox";
      case "select": return el.multiple || el.size > 1 ? "listbox" : "combobox";
      case "option": return "option";
      case "textarea": return "textbox";
      case "h1": case "h2": case "h3": case "h4": case "h5": case "h6": return "heading";
      case "img": return el.getAttribute("alt") === "" ? null : "img";
      case "ul": case "ol": return "list";
      case "li": return "listitem";
      case "table": return "table";
      case "tr": return "row";
      case "th": return el.closest("tbody") && !el.closest("thead") ? "rowheader" : "columnheader";
      case "td": return "cell";
      case "nav": return "navigation";
      case "main": return "main";
      case "form": return "form";
      case "dialog": return "dialog";
      case "label": return "LabelText";
      case "p": return "paragraph";
      case "iframe": return "Iframe";
      case "summary": return "summary";
      case "progress": return "progressbar";
      case "fieldset": return "group";
      case "legend": return "legend";
      case "article": return "article";
      case "aside": return "complementary";
      case "section": return el.hasAttribute("aria-label") || el.hasAttribute("aria-labelledby") ? "region" : null;
      case "hr": return "separator";
    }
    if (el.isContentEditable && !(el.parentElement && el.parentElement.isContentEditable)) return "textbox";
    return null;
  }

  function labelContent(label) {
    let text = "";
    for (const child of label.childNodes) {
      if (child.nodeType === Node.TEXT_NODE) text += child.textContent;
      else if (child.nodeType === Node.ELEMENT_NODE && !["input", "select", "textarea", "button"].includes(child.localName)) text += " " + labelContent(child);
    }
    return text;
  }

  function labelText(el) {
    const doc = el.ownerDocument;
    const root = el.getRootNode();
    const byId = (id) => (root.getElementById ? root.getElementById(id) : doc.getElementById(id));
    const aria = el.getAttribute("aria-label");
    if (aria) return clean(aria);
    const labelledby = el.getAttribute("aria-labelledby");
    if (labelledby) {
      const text = labelledby.split(/\s+/).map((id) => byId(id)).filter(Boolean).map((n) => n.textContent).join(" ");
      if (clean(text)) return clean(text);
    }
    if (el.labels && el.labels.length) return clean(Array.from(el.labels).map(labelContent).join(" "));
    return "";
  }

  function accessibleName(el, role) {
    const fromLabel = labelText(el);
    if (fromLabel) return fromLabel;
    const tag = el.localName;
    if (tag === "img") return clean(el.getAttribute("alt") || el.getAttribute("title"));
    if (tag === "input" && ["button", "submit", "reset"].includes(el.type)) return clean(el.value || el.type);
    if (tag === "input" || tag === "textarea") return clean(el.getAttribute("placeholder") || el.getAttribute("title"));
    if (tag === "iframe") return clean(el.getAttribute("title") || el.getAttribute("name"));
    if (tag === "select") return clean(el.getAttribute("title"));
    if (NAME_FROM_CONTENT.has(role) || role === "generic") return clean(el.innerText !== undefined ? el.innerText : el.textContent);
    return clean(el.getAttribute("title"));
  }

  function states(el, role, focused) {
    const out = [];
    const tag = el.localName;
    if (el === focused) out.push("focused");
    if (role === "checkbox" || role === "radio" || role === "switch") {
      const checked = tag === "input" ? el.checked : el.getAttribute("aria-checked") === "true";
      out.push("checked=" + checked);
    }
    const pressed = el.getAttribute("aria-pressed");
    if (pressed) out.push("pressed=" + pressed);
    const expanded = el.getAttribute("aria-expanded");
    if (expanded) out.push("expanded=" + expanded);
    const selected = tag === "option" ? el.selected : el.getAttribute("aria-selected") === "true";
    if (selected) out.push("selected");
    const sort = el.getAttribute("aria-sort");
    if (sort) out.push("sort=" + sort);
    if (el.disabled || el.getAttribute("aria-disabled") === "true") out.push("disabled");
    if (el.required || el.getAttribute("aria-required") === "true") out.push("required");
    if (el.getAttribute("aria-invalid") === "true") out.push("invalid");
    if (tag === "input" || tag === "textarea") {
      if (el.type === "password") out.push("value=" + quote("•".repeat(el.value.length)));
      else if (!["checkbox", "radio", "button", "submit", "reset"].includes(el.type)) out.push("value=" + quote(el.value));
      if (role === "slider" || role === "spinbutton") out.push("min=" + el.min, "max=" + el.max);
    } else if (tag === "select") {
      out.push("value=" + quote(clean(Array.from(el.selectedOptions).map((o) => o.text).join(", "))));
    } else if (el.isContentEditable && role === "textbox") {
      out.push("value=" + quote(clean(el.textContent)));
    } else if (el.hasAttribute("aria-valuenow")) {
      out.push("value=" + el.getAttribute("aria-valuenow"));
    }
    if (tag === "h1" || tag === "h2" || tag === "h3" || tag === "h4" || tag === "h5" || tag === "h6") out.push("level=" + tag[1]);
    if (el.getAttribute("draggable") === "true") out.push("draggable");
    return out;
  }

  function isInteractive(el, style) {
    return el.hasAttribute("onclick") || el.getAttribute("tabindex") !== null || el.getAttribute("draggable") === "true"
      || style.cursor === "pointer";
  }

  function intersects(rect, clip) {
    if (!clip) return true;
    if (rect.width === 0 && rect.height === 0) return true;
    return rect.right > clip.left && rect.left < clip.right && rect.bottom > clip.top && rect.top < clip.bottom;
  }

  function deepActive(doc) {
    let active = doc.activeElement;
    while (active) {
      if (active.shadowRoot && active.shadowRoot.activeElement) active = active.shadowRoot.activeElement;
      else if (active.localName === "iframe" && active.contentDocument && active.contentDocument.activeElement
               && active.contentDocument.activeElement !== active.contentDocument.body) active = active.contentDocument.activeElement;
      else break;
    }
    return active;
  }
  const focused = deepActive(top.document);

  function assignBid(el) {
    let bid = el.getAttribute(BID);
    if (bid === null) {
      bid = String(top.__arenaxNextBid++);
      el.setAttribute(BID, bid);
    }
    return bid;
  }

  function walkChildren(parent, depth, clip, offset, ownerBid, skipText) {
    let children;
    if (parent.localName === "slot") children = parent.assignedNodes({ flatten: true });
    else if (parent.shadowRoot) children = parent.shadowRoot.childNodes;
    else children = parent.childNodes;
    if (parent.localName === "slot" && children.length === 0) children = parent.childNodes;
    for (const child of children) walk(child, depth, clip, offset, ownerBid, skipText);
  }

  function walk(node, depth, clip, offset, ownerBid, skipText) {
    if (node.nodeType === Node.TEXT_NODE) {
      if (skipText) return;
      const text = clean(node.textContent);
      if (!text) return;
      if (clip) {
        const range = node.ownerDocument.createRange();
        range.selectNodeContents(node);
        if (!intersects(range.getBoundingClientRect(), clip)) return;
      }
      lines.push("\t".repeat(depth) + (ownerBid ? "[" + ownerBid + "] " : "") + "StaticText " + quote(text, MAX_TEXT));
      return;
    }
    if (node.nodeType !== Node.ELEMENT_NODE) return;
    const el = node;
    const tag = el.localName;
    if (["script", "style", "noscript", "template", "head", "meta", "link", "title"].includes(tag)) return;
    const bid = assignBid(el);
    if (el.getAttribute("aria-hidden") === "true") return;
    if (tag === "input" && el.type === "hidden") return;
    if (tag !== "option" && el.checkVisibility && !el.checkVisibility({ visibilityProperty: true })) {
      if (!(el.shadowRoot || tag === "slot")) return;
    }
    const style = el.ownerDocument.defaultView.getComputedStyle(el);
    const rect = el.getBoundingClientRect();
    if (!intersects(rect, clip)) return;
    const explicit = (el.getAttribute("role") || "").split(/\s+/)[0];
    let role = explicit || implicitRole(el);
    if (role === "none" || role === "presentation") role = null;
    if (!role && isInteractive(el, style) && tag !== "body" && tag !== "html") role = "generic";
    let childDepth = depth;
    let childOwner = ownerBid;
    let childSkipText = skipText;
    if (role) {
      const name = role === "LabelText" ? clean(labelContent(el)) : accessibleName(el, role);
      const parts = ["[" + bid + "]", role];
      if (name || role !== "paragraph") parts.push(quote(name));
      const stateList = states(el, role, focused);
      lines.push("\t".repeat(depth) + parts.join(" ") + (stateList.length ? ", " + stateList.join(", ") : ""));
      if (options.bboxes) boxes.push([Number(bid), rect.x + offset.x, rect.y + offset.y, rect.width, rect.height]);
      childDepth = depth + 1;
      childOwner = null;
      childSkipText = NAME_FROM_CONTENT.has(role) || role === "generic" || (name !== "" && role === "LabelText");
    } else if (tag !== "body" && tag !== "html") {
      childOwner = bid;
    }
    if (tag === "select" || tag === "textarea") {
      if (tag === "select") for (const option of el.options) walk(option, childDepth, null, offset, null, true);
      return;
    }
    if (tag === "iframe") {
      let doc = null;
      try { doc = el.contentDocument; } catch (error) { doc = null; }
      if (!doc || !doc.body) { lines.push("\t".repeat(childDepth) + "StaticText '(cross-origin or empty frame)'"); return; }
      const frameOffset = { x: offset.x + rect.x + el.clientLeft, y: offset.y + rect.y + el.clientTop };
      walk(doc.body, childDepth, null, frameOffset, null, false);
      return;
    }
    let childClip = clip;
    const scrolls = (v) => v === "auto" || v === "scroll" || v === "hidden" || v === "clip";
    if ((scrolls(style.overflowX) || scrolls(style.overflowY)) && tag !== "body" && tag !== "html") {
      const inner = { left: rect.left + el.clientLeft, top: rect.top + el.clientTop };
      inner.right = inner.left + el.clientWidth;
      inner.bottom = inner.top + el.clientHeight;
      childClip = clip ? { left: Math.max(clip.left, inner.left), top: Math.max(clip.top, inner.top),
        right: Math.min(clip.right, inner.right), bottom: Math.min(clip.bottom, inner.bottom) } : inner;
    }
    walkChildren(el, childDepth, childClip, offset, childOwner, childSkipText);
  }

  walk(top.document.body || top.document.documentElement, 0, null, { x: 0, y: 0 }, null, false);
  return { text: lines.join("\n"), boxes: boxes, url: top.location.href, title: top.document.title };
}
