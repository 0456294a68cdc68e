"""Composite widgets: date picker, autocomplete, tabs, tree, drag and drop, scrolling, iframes, shadow DOM, modals."""

from __future__ import annotations

import calendar
import json
import random

from arenax.envs.browser.axtree import AXTree
from arenax.envs.browser.tasks.base import WORDS, Instance, attr_json, call, escape, page, task

MONTHS = list(calendar.month_name)[1:]


def _choose_date_oracle(instance: Instance, tree: AXTree, memory: dict) -> str:
    year, month, day = instance.data["target"]
    if tree.find("StaticText", f"Selected: {month:02d}/{day:02d}/{year}"):
        return call("click", tree.bid("button", "Submit"))
    shown_month, shown_year = tree.get("heading").name.split()
    shown = int(shown_year) * 12 + MONTHS.index(shown_month)
    wanted = year * 12 + month - 1
    if shown != wanted:
        return call("click", tree.bid("button", "Previous month" if shown > wanted else "Next month"))
    return call("click", tree.bid("button", f"{MONTHS[month - 1]} {day}, {year}"))


CALENDAR_JS = """
const state = JSON.parse(document.getElementById('start').textContent);
const names = %s;
function render() {
  document.getElementById('month').textContent = names[state.month] + ' ' + state.year;
  const days = new Date(state.year, state.month + 1, 0).getDate();
  const grid = document.getElementById('days');
  grid.innerHTML = '';
  for (let d = 1; d <= days; d++) {
    const b = document.createElement('button');
    b.type = 'button'; b.textContent = d; b.setAttribute('aria-label', names[state.month] + ' ' + d + ', ' + state.year);
    b.onclick = () => { const mm = String(state.month + 1).padStart(2, '0'), dd = String(d).padStart(2, '0');
      document.getElementById('chosen').value = mm + '/' + dd + '/' + state.year;
      document.getElementById('shown').textContent = 'Selected: ' + mm + '/' + dd + '/' + state.year; };
    grid.appendChild(b);
  }
}
function shift(delta) { state.month += delta; if (state.month < 0) { state.month = 11; state.year--; }
  if (state.month > 11) { state.month = 0; state.year++; } render(); }
render();
"""


@task("choose-date", "pick a date in a month-by-month calendar widget and submit", oracle=_choose_date_oracle,
      max_steps=(6, 10, 20))
def choose_date(rng: random.Random, level: int) -> Instance:
    year, month = rng.randint(2019, 2028), rng.randint(1, 12)
    offset = rng.randint(-(0, 2, 8)[level], (0, 2, 8)[level])
    index = year * 12 + month - 1 + offset
    target_year, target_month = divmod(index, 12)
    day = rng.randint(1, calendar.monthrange(target_year, target_month + 1)[1])
    body = (
        f"<script type='application/json' id='start'>{json.dumps({'year': year, 'month': month - 1})}</script>"
        "<form data-arenax-form><h3 id='month'></h3><button type='button' onclick='shift(-1)'>Previous month</button>"
        "<button type='button' onclick='shift(1)'>Next month</button><div id='days'></div>"
        "<input type='hidden' name='date' id='chosen'><p id='shown'>Selected: none</p>"
        "<button type='submit'>Submit</button></form>"
    )
    target = f"{target_month + 1:02d}/{day:02d}/{target_year}"
    return Instance(f"Select {target} as the date and hit Submit.",
                    {"index.html": page("Choose a date", body, CALENDAR_JS % json.dumps(MONTHS))},
                    {"date": target}, {"target": (target_year, target_month + 1, day)})


def _autocomplete_oracle(instance: Instance, tree: AXTree, memory: dict) -> str:
    target = instance.data["target"]
    field = tree.get("combobox", "Item")
    if field.value == target:
        return call("click", tree.bid("button", "Submit"))
    option = tree.find("option", target)
    if option is not None:
        return call("click", option.bid)
    return call("fill", field.bid, instance.data["prefix"])


AUTOCOMPLETE_JS = """
const items = JSON.parse(document.getElementById('items').textContent);
const field = document.getElementById('item'), list = document.getElementById('suggestions');
field.addEventListener('input', () => {
  list.innerHTML = '';
  const typed = field.value.toLowerCase();
  if (!typed) return;
  for (const item of items.filter((i) => i.toLowerCase().startsWith(typed)).slice(0, 8)) {
    const li = document.createElement('li'); li.setAttribute('role', 'option'); li.textContent = item;
    li.onclick = () => { field.value = item; list.innerHTML = ''; }; list.appendChild(li);
  }
});
"""


@task("use-autocomplete", "type a prefix, pick the right suggestion, and submit", oracle=_autocomplete_oracle,
      max_steps=(5, 6, 8))
def use_autocomplete(rng: random.Random, level: int) -> Instance:
    stems = rng.sample(WORDS, 12)
    items = sorted({(stem + suffix).capitalize() for stem in stems for suffix in ("ia", "ola", "ton", "ville")})
    target = rng.choice(items)
    prefix = target[: (4, 3, 2)[level]]
    suffix = target[-3:]
    body = (
        f"<script type='application/json' id='items'>{json.dumps(items)}</script>"
        "<form data-arenax-form><label>Item <input id='item' name='item' list='' role='combobox' "
        "autocomplete='off'></label><ul id='suggestions' role='listbox'></ul><button type='submit'>Submit</button></form>"
    )
    goal = f'Enter an item that starts with "{prefix}" and ends with "{suffix}", then press Submit.'
    if sum(1 for i in items if i.startswith(prefix) and i.endswith(suffix)) > 1:
        goal = f'Enter the item "{target}" using the suggestions, then press Submit.'
    return Instance(goal, {"index.html": page("Autocomplete", body, AUTOCOMPLETE_JS)}, {"item": target},
                    {"target": target, "prefix": prefix})


def _click_tab_oracle(instance: Instance, tree: AXTree, memory: dict) -> str:
    link = tree.find("link", instance.data["target"])
    if link is not None:
        return call("click", link.bid)
    return call("click", tree.bid("tab", f"Tab #{instance.data['tab'] + 1}"))


TABS_JS = """
document.querySelectorAll('[role=tab]').forEach((tab, i) => tab.addEventListener('click', () => {
  document.querySelectorAll('[role=tab]').forEach((t, j) => t.setAttribute('aria-selected', String(i === j)));
  document.querySelectorAll('[role=tabpanel]').forEach((p, j) => p.classList.toggle('hidden', i !== j));
}));
"""


@task("click-tab", "switch tabs to find a link and click it", oracle=_click_tab_oracle, max_steps=(4, 5, 6))
def click_tab(rng: random.Random, level: int) -> Instance:
    count = (2, 4, 6)[level]
    words = rng.sample(WORDS, count * 3)
    panels = [words[i * 3 : i * 3 + 3] for i in range(count)]
    tab = rng.randrange(count)
    target = rng.choice(panels[tab])
    tabs = "".join(
        f"<button role='tab' aria-selected='{str(i == 0).lower()}'>Tab #{i + 1}</button>" for i in range(count)
    )
    bodies = "".join(
        f"<div role='tabpanel' class='{'' if i == 0 else 'hidden'}'><p>"
        + " ".join(f"<a href='#' data-arenax-submit='{attr_json({'clicked': w})}'>{w}</a>" for w in panel)
        + "</p></div>"
        for i, panel in enumerate(panels)
    )
    return Instance(f'Switch between the tabs to find and click on the link "{target}".',
                    {"index.html": page("Tabs", f"<div role='tablist'>{tabs}</div>{bodies}", TABS_JS)},
                    {"clicked": target}, {"target": target, "tab": tab})


def _tree_oracle(instance: Instance, tree: AXTree, memory: dict) -> str:
    for folder in instance.data["path"]:
        node = tree.get("treeitem", folder)
        if node.states.get("expanded") == "false":
            return call("click", node.bid)
    return call("click", tree.bid("treeitem", instance.data["target"]))


TREE_JS = """
document.querySelectorAll('[aria-expanded]').forEach((folder) => folder.addEventListener('click', () => {
  const open = folder.getAttribute('aria-expanded') === 'true';
  folder.setAttribute('aria-expanded', String(!open));
  folder.nextElementSibling.classList.toggle('hidden', open);
}));
"""


def _folder_html(rng: random.Random, names: list[str], depth: int, width: int, paths: list, prefix: list) -> str:
    items = []
    for _ in range(width):
        name = names.pop()
        if depth > 0 and rng.random() < 0.6:
            inner = _folder_html(rng, names, depth - 1, width, paths, prefix + [name])
            items.append(
                f"<li role='none'><span role='treeitem' aria-expanded='false'>{name}</span>"
                f"<ul role='group' class='hidden'>{inner}</ul></li>"
            )
        else:
            paths.append((prefix, name))
            items.append(f"<li role='none'><span role='treeitem' data-arenax-submit='{attr_json({'clicked': name})}'>"
                         f"{name}</span></li>")
    return "".join(items)


@task("navigate-tree", "expand folders of a file tree to find and click a file", oracle=_tree_oracle,
      max_steps=(4, 6, 8))
def navigate_tree(rng: random.Random, level: int) -> Instance:
    names = [w.capitalize() + suffix for w in WORDS for suffix in ("", "s")]
    rng.shuffle(names)
    paths: list = []
    items = _folder_html(rng, names, (1, 2, 3)[level], (2, 3, 2)[level], paths, [])
    deep = [p for p in paths if p[0]] or paths
    path, target = rng.choice(deep)
    body = f"<ul role='tree' aria-label='Files'>{items}</ul>"
    return Instance(f'Navigate through the file tree. Find and click on the file "{target}".',
                    {"index.html": page("File tree", body, TREE_JS)}, {"clicked": target},
                    {"path": path, "target": target})


def _drag_oracle(instance: Instance, tree: AXTree, memory: dict) -> str:
    for item, box in instance.data["moves"].items():
        region = tree.get("region", f"Box {box}")
        if not any(node.name == item for node in tree.subtree(region)):
            return call("drag_and_drop", tree.bid("button", item), region.bid)
    return call("click", tree.bid("button", "Submit"))


DRAG_JS = """
let dragged = null;
document.querySelectorAll('.item').forEach((item) => item.addEventListener('mousedown', (e) => { dragged = item; e.preventDefault(); }));
document.addEventListener('mouseup', (e) => {
  if (!dragged) return;
  const target = document.elementFromPoint(e.clientX, e.clientY);
  const box = target && target.closest('.box');
  if (box) box.appendChild(dragged);
  dragged = null;
});
document.getElementById('done').addEventListener('click', () => {
  const placement = {};
  document.querySelectorAll('.item').forEach((item) => {
    const box = item.closest('.box'); placement[item.textContent] = box ? box.dataset.name : null; });
  arenax.submit({placement});
});
"""


def _placement_matches(instance: Instance, submission: dict) -> bool:
    if not isinstance(submission, dict) or not isinstance(submission.get("placement"), dict):
        return False
    wanted = {item: instance.data["moves"].get(item) for item in instance.data["items"]}
    return submission["placement"] == wanted


@task("drag-and-drop", "drag items into the named boxes, then submit", oracle=_drag_oracle, max_steps=(4, 5, 7),
      validate=_placement_matches)
def drag_and_drop(rng: random.Random, level: int) -> Instance:
    items = [w.capitalize() for w in rng.sample(WORDS, (1, 3, 4)[level])]
    boxes = ["A", "B", "C"][: (2, 3, 3)[level]]
    moves = {item: rng.choice(boxes) for item in rng.sample(items, (1, 1, 2)[level])}
    body = (
        "<div>" + "".join(f"<div class='item' role='button' tabindex='0'>{i}</div>" for i in items) + "</div><div>"
        + "".join(f"<div class='box' role='region' aria-label='Box {b}' data-name='{b}'></div>" for b in boxes)
        + "</div><button id='done'>Submit</button>"
    )
    goal = " ".join(f'Drag "{item}" into Box {box}.' for item, box in moves.items()) + " Then press Submit."
    return Instance(goal, {"index.html": page("Drag and drop", body, DRAG_JS)}, None,
                    {"moves": moves, "items": items})


def _scroll_text_oracle(instance: Instance, tree: AXTree, memory: dict) -> str:
    region = tree.get("region", "Text area")
    if not memory.get("scrolled"):
        memory["scrolled"] = True
        return f"{call('hover', region.bid)}\n{call('scroll', 0, 100000)}"
    last = [node.name for node in tree.subtree(region) if node.role == "StaticText"][-1]
    return call("fill", tree.bid("textbox", "Answer"), last.split()[-1]) if tree.get(
        "textbox", "Answer").value != last.split()[-1] else call("click", tree.bid("button", "Submit"))


@task("scroll-text", "scroll a text box to its end and enter its last word", oracle=_scroll_text_oracle,
      max_steps=(5, 6, 8))
def scroll_text(rng: random.Random, level: int) -> Instance:
    lines = [" ".join(rng.choice(WORDS) for _ in range(6)) + "." for _ in range((12, 25, 50)[level])]
    last_word = lines[-1].rstrip(".").split()[-1]
    lines[-1] = lines[-1].rstrip(".")
    text = "".join(f"<p>{line}</p>" for line in lines)
    body = (
        f"<div class='scroll' role='region' aria-label='Text area' tabindex='0'>{text}</div>"
        "<form data-arenax-form><label>Answer <input name='answer'></label><button type='submit'>Submit</button></form>"
    )
    return Instance("Find the last word in the text area, enter it into the Answer field and press Submit.",
                    {"index.html": page("Scroll text", body)}, {"answer": last_word}, {"word": last_word})


def _iframe_oracle(instance: Instance, tree: AXTree, memory: dict) -> str:
    fields = {name.capitalize(): value for name, value in instance.data["fields"].items()}
    for name, value in fields.items():
        node = tree.get("textbox", name)
        if node.value != value:
            return call("fill", node.bid, value)
    return call("click", tree.bid("button", "Send"))


@task("iframe-form", "fill and send a form that lives inside an iframe", oracle=_iframe_oracle, max_steps=(4, 5, 6))
def iframe_form(rng: random.Random, level: int) -> Instance:
    names = ["name", "city", "team"][: level + 1]
    fields = {name: rng.choice(WORDS) + str(rng.randint(1, 9)) for name in names}
    inputs = "".join(f"<label>{n.capitalize()} <input name='{n}'></label><br>" for n in names)
    form = page("Frame", f"<form data-arenax-form>{inputs}<button type='submit'>Send</button></form>")
    pages = {"form.html": form}
    src = "form.html"
    if level == 2:
        pages["outer.html"] = page("Outer frame", "<iframe src='form.html' title='Inner frame' height='160'></iframe>")
        src = "outer.html"
    pages["index.html"] = page("Embedded form", f"<h2>Contact</h2><iframe src='{src}' title='Form frame' "
                                                f"width='500' height='220'></iframe>")
    wanted = ", ".join(f'{n} "{v}"' for n, v in fields.items())
    return Instance(f"In the embedded form, enter {wanted} and press Send.", pages, fields, {"fields": fields})


def _shadow_oracle(instance: Instance, tree: AXTree, memory: dict) -> str:
    stars = instance.data["stars"]
    star = tree.get("button", f"{stars} stars")
    if star.states.get("pressed") != "true":
        return call("click", star.bid)
    comment = instance.data.get("comment")
    if comment and tree.get("textbox", "Comment").value != comment:
        return call("fill", tree.bid("textbox", "Comment"), comment)
    return call("click", tree.bid("button", "Rate"))


SHADOW_JS = """
class StarRating extends HTMLElement {
  connectedCallback() {
    const root = this.attachShadow({mode: 'open'});
    const comment = this.hasAttribute('comment') ? "<label>Comment <input id='comment'></label>" : '';
    root.innerHTML = '<style>button{margin:1px}</style><div>' + [1,2,3,4,5].map((n) =>
      `<button aria-label="${n} stars" aria-pressed="false" data-n="${n}">&#9733;</button>`).join('') + '</div>' +
      comment + '<button id="rate">Rate</button>';
    let rating = 0;
    root.querySelectorAll('[data-n]').forEach((b) => b.addEventListener('click', () => {
      rating = Number(b.dataset.n);
      root.querySelectorAll('[data-n]').forEach((o) => o.setAttribute('aria-pressed', String(o === b)));
    }));
    root.getElementById('rate').addEventListener('click', () => {
      const c = root.getElementById('comment');
      arenax.submit(c ? {rating, comment: c.value} : {rating});
    });
  }
}
class RatingCard extends HTMLElement {
  connectedCallback() {
    this.attachShadow({mode: 'open'}).innerHTML = '<h3>Your review</h3><slot></slot>';
  }
}
customElements.define('star-rating', StarRating);
customElements.define('rating-card', RatingCard);
"""


@task("shadow-dom-widget", "use a rating widget whose controls live in a shadow root", oracle=_shadow_oracle,
      max_steps=(4, 5, 6))
def shadow_dom_widget(rng: random.Random, level: int) -> Instance:
    stars = rng.randint(1, 5)
    comment = rng.choice(WORDS) if level >= 1 else None
    widget = f"<star-rating{' comment' if comment else ''}></star-rating>"
    if level == 2:
        widget = f"<rating-card>{widget}</rating-card>"
    goal = f"Give {stars} stars" + (f' with the comment "{comment}"' if comment else "") + ", then press Rate."
    expected = {"rating": stars, **({"comment": comment} if comment else {})}
    return Instance(goal, {"index.html": page("Rating", f"<p>Rate the product.</p>{widget}", SHADOW_JS)}, expected,
                    {"stars": stars, "comment": comment})


def _modal_oracle(instance: Instance, tree: AXTree, memory: dict) -> str:
    accept = tree.find("button", "Accept cookies")
    if accept is not None:
        return call("click", accept.bid)
    dialog = tree.find("dialog", "Settings")
    if dialog is None:
        return call("click", tree.bid("button", "Open settings"))
    field = tree.get("textbox", "Display name")
    if field.value != instance.data["name"]:
        return call("fill", field.bid, instance.data["name"])
    return call("click", tree.bid("button", "Save"))


MODAL_JS = """
const cookie = document.getElementById('cookie');
if (cookie) document.getElementById('accept').onclick = () => cookie.remove();
document.getElementById('open').onclick = () => document.getElementById('settings').classList.remove('hidden');
document.getElementById('cancel').onclick = () => document.getElementById('settings').classList.add('hidden');
document.getElementById('save').onclick = () => arenax.submit({name: document.getElementById('name').value});
"""


@task("modal-dialog", "open a modal dialog, edit a field, and save (after dismissing a banner)",
      oracle=_modal_oracle, max_steps=(5, 6, 7))
def modal_dialog(rng: random.Random, level: int) -> Instance:
    name = rng.choice(WORDS).capitalize() + rng.choice(WORDS)
    cookie = (
        "<div id='cookie'><div class='backdrop'></div><div role='dialog' aria-label='Cookies'>We use cookies. "
        "<button id='accept'>Accept cookies</button></div></div>" if level >= 1 else ""
    )
    decoy = "<button>Open profile</button>" if level == 2 else ""
    body = (
        f"<h2>Account</h2>{decoy}<button id='open'>Open settings</button>{cookie}"
        "<div id='settings' class='hidden'><div class='backdrop'></div><div role='dialog' aria-label='Settings'"
        " aria-modal='true'><label>Display name <input id='name' value='guest'></label>"
        "<button id='cancel'>Cancel</button><button id='save'>Save</button></div></div>"
    )
    return Instance(f'Open the settings dialog, change the display name to "{name}" and save.',
                    {"index.html": page("Settings", body, MODAL_JS)}, {"name": name}, {"name": name})


def _infinite_oracle(instance: Instance, tree: AXTree, memory: dict) -> str:
    target = tree.find("button", instance.data["target"])
    if target is not None:
        return call("click", target.bid)
    feed = tree.get("feed", "Items")
    # Less than the list's 120 px height per step, so that no entry scrolls past unseen.
    return f"{call('hover', feed.bid)}\n{call('scroll', 0, 100)}"


INFINITE_JS = """
const all = JSON.parse(document.getElementById('names').textContent);
const feed = document.getElementById('feed');
let shown = 0;
function more() {
  for (const name of all.slice(shown, shown + 10)) {
    const b = document.createElement('button'); b.textContent = name; b.style.display = 'block';
    b.onclick = () => arenax.submit({clicked: name}); feed.appendChild(b);
  }
  shown = Math.min(all.length, shown + 10);
}
feed.addEventListener('scroll', () => { if (feed.scrollTop + feed.clientHeight >= feed.scrollHeight - 20) more(); });
more();
"""


@task("infinite-list", "scroll a list that loads more entries to find one and click it", oracle=_infinite_oracle,
      max_steps=(10, 16, 24))
def infinite_list(rng: random.Random, level: int) -> Instance:
    names = [f"{rng.choice(WORDS).capitalize()} {rng.choice(WORDS)} {i}" for i in range(60)]
    index = rng.randint(*((8, 15), (15, 30), (30, 59))[level])
    target = names[index]
    body = (
        f"<script type='application/json' id='names'>{escape(json.dumps(names), quote=False)}</script>"
        "<div id='feed' class='scroll' role='feed' aria-label='Items' tabindex='0'></div>"
    )
    return Instance(f'Scroll the list to find "{target}" and click it.',
                    {"index.html": page("Infinite list", body, INFINITE_JS)}, {"clicked": target}, {"target": target})


def _sort_oracle(instance: Instance, tree: AXTree, memory: dict) -> str:
    column, order = instance.data["column"], instance.data["order"]
    header = tree.get("columnheader", column)
    if header.states.get("sort") != order:
        return call("click", tree.bid("button", column))
    return call("click", tree.bid("button", "Submit"))


SORT_JS = """
const headers = Array.from(document.querySelectorAll('th'));
headers.forEach((th, column) => th.querySelector('button').addEventListener('click', () => {
  const order = th.getAttribute('aria-sort') === 'ascending' ? 'descending' : 'ascending';
  headers.forEach((h) => h.setAttribute('aria-sort', 'none'));
  th.setAttribute('aria-sort', order);
  const body = document.querySelector('tbody');
  const rows = Array.from(body.rows);
  const key = (row) => { const t = row.cells[column].textContent; return isNaN(Number(t)) ? t : Number(t); };
  rows.sort((a, b) => (key(a) < key(b) ? -1 : key(a) > key(b) ? 1 : 0) * (order === 'ascending' ? 1 : -1));
  rows.forEach((r) => body.appendChild(r));
}));
document.getElementById('submit').onclick = () => {
  const th = headers.find((h) => h.getAttribute('aria-sort') !== 'none');
  arenax.submit(th ? {column: th.textContent, order: th.getAttribute('aria-sort'),
    first: document.querySelector('tbody').rows[0].cells[0].textContent} : {column: null});
};
"""


def _sorted_as_asked(instance: Instance, submission: dict) -> bool:
    """The sort column and order, and the first row (when that is unambiguous), must be the asked ones."""
    if not isinstance(submission, dict):
        return False
    asked = instance.data
    first_ok = asked["first"] is None or submission.get("first") == asked["first"]
    return submission.get("column") == asked["column"] and submission.get("order") == asked["order"] and first_ok


@task("sort-table", "sort a table by a column in the asked order, then submit", oracle=_sort_oracle,
      max_steps=(4, 5, 6), validate=_sorted_as_asked)
def sort_table(rng: random.Random, level: int) -> Instance:
    columns = ["Name", "Price", "Rating", "Stock"][: (2, 3, 4)[level]]
    rows = [
        [rng.choice(WORDS).capitalize() + str(i), str(rng.randint(1, 500)), str(rng.randint(1, 5)),
         str(rng.randint(0, 90))][: len(columns)]
        for i in range((4, 6, 10)[level])
    ]
    column = rng.choice(columns)
    order = rng.choice(["ascending", "descending"])
    index = columns.index(column)
    key = (lambda r: int(r[index])) if column != "Name" else (lambda r: r[index])
    ordered = sorted(rows, key=key, reverse=order == "descending")
    first = ordered[0][0]
    if sum(1 for r in rows if key(r) == key(ordered[0])) > 1:
        first = None
    header = "".join(f"<th aria-sort='none'><button>{c}</button></th>" for c in columns)
    cells = "".join("<tr>" + "".join(f"<td>{v}</td>" for v in r) + "</tr>" for r in rows)
    body = f"<table><thead><tr>{header}</tr></thead><tbody>{cells}</tbody></table><button id='submit'>Submit</button>"
    return Instance(f"Sort the table by {column} in {order} order, then press Submit.",
                    {"index.html": page("Sort a table", body, SORT_JS)}, {"column": column, "order": order},
                    {"column": column, "order": order, "first": first})
