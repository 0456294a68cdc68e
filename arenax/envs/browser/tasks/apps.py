"""Small web applications: a search engine, an e-mail inbox, flight booking, a social feed, forms, a checkout."""

from __future__ import annotations

import json
import random

from arenax.envs.browser.axtree import AXTree
from arenax.envs.browser.tasks.base import CITIES, FIRST_NAMES, WORDS, Instance, call, escape, page, task

PER_PAGE = 3


def _search_oracle(instance: Instance, tree: AXTree, memory: dict) -> str:
    query, index, titles = instance.data["query"], instance.data["index"], instance.data["titles"]
    target = tree.find("link", titles[index])
    if target is not None:
        return call("click", target.bid)
    if tree.find("navigation", "Result pages") is not None:
        return call("click", tree.bid("link", f"Page {index // PER_PAGE + 1}"))
    box = tree.get("searchbox", "Search")
    if box.value != query:
        return call("fill", box.bid, query)
    return call("click", tree.bid("button", "Search"))


SEARCH_JS = """
const data = JSON.parse(document.getElementById('data').textContent);
const out = document.getElementById('results');
function show(pageIndex) {
  out.innerHTML = '';
  const query = document.getElementById('q').value.trim().toLowerCase();
  if (query !== data.query.toLowerCase()) { out.textContent = 'No results.'; return; }
  data.results.slice(pageIndex * %(per)d, pageIndex * %(per)d + %(per)d).forEach((r, i) => {
    const index = pageIndex * %(per)d + i;
    const div = document.createElement('div');
    div.innerHTML = '<a href="#"></a><div></div>';
    div.firstChild.textContent = r.title; div.lastChild.textContent = r.snippet;
    div.firstChild.onclick = (e) => { e.preventDefault(); arenax.submit({clicked: index}); };
    out.appendChild(div);
  });
  const nav = document.createElement('nav'); nav.setAttribute('aria-label', 'Result pages');
  for (let p = 0; p < Math.ceil(data.results.length / %(per)d); p++) {
    const a = document.createElement('a'); a.href = '#'; a.textContent = 'Page ' + (p + 1);
    if (p === pageIndex) a.setAttribute('aria-current', 'page');
    a.onclick = (e) => { e.preventDefault(); show(p); }; nav.appendChild(a); nav.append(' ');
  }
  out.appendChild(nav);
}
document.getElementById('go').onclick = () => show(0);
""" % {"per": PER_PAGE}


@task("search-engine", "search for a query and click the n-th result across result pages",
      oracle=_search_oracle, max_steps=(5, 6, 7))
def search_engine(rng: random.Random, level: int) -> Instance:
    query = rng.choice(FIRST_NAMES)
    count = (3, 6, 9)[level]
    titles = [f"{query} {w}" for w in rng.sample(WORDS, count)]
    results = [{"title": t, "snippet": " ".join(rng.sample(WORDS, 5))} for t in titles]
    index = rng.randrange(count)
    body = (
        f"<script type='application/json' id='data'>{escape(json.dumps({'query': query, 'results': results}), quote=False)}"
        "</script><input type='search' id='q' aria-label='Search'><button id='go'>Search</button><div id='results'></div>"
    )
    ordinal = f"{index + 1}{'st' if index == 0 else 'nd' if index == 1 else 'rd' if index == 2 else 'th'}"
    return Instance(f'Use the search engine to find "{query}" and click the {ordinal} search result.',
                    {"index.html": page("Search", body, SEARCH_JS)}, {"clicked": index},
                    {"query": query, "index": index, "titles": titles})


def _email_oracle(instance: Instance, tree: AXTree, memory: dict) -> str:
    job = instance.data
    if tree.find("button", "Send") is not None:
        field = tree.get("textbox", "Reply" if job["action"] == "reply" else "To")
        wanted = job["text"] if job["action"] == "reply" else job["to"]
        if field.value != wanted:
            return call("fill", field.bid, wanted)
        return call("click", tree.bid("button", "Send"))
    if tree.find("heading", f"From {job['sender']}") is not None:
        return call("click", tree.bid("button", job["action"].capitalize()))
    if tree.find("button", "Back to inbox") is not None:
        return call("click", tree.bid("button", "Back to inbox"))
    return call("click", tree.bid("button", contains=f"{job['sender']}:"))


EMAIL_JS = """
const mails = JSON.parse(document.getElementById('mails').textContent);
const view = document.getElementById('view'), inbox = document.getElementById('inbox');
function open(i) {
  const m = mails[i];
  inbox.classList.add('hidden');
  view.innerHTML = '<button id="back">Back to inbox</button><h3></h3><p></p>' +
    '<button id="reply">Reply</button><button id="forward">Forward</button><button id="delete">Delete</button><div id="compose"></div>';
  view.querySelector('h3').textContent = 'From ' + m.sender; view.querySelector('p').textContent = m.subject + ': ' + m.body;
  view.querySelector('#back').onclick = () => { view.innerHTML = ''; inbox.classList.remove('hidden'); };
  view.querySelector('#delete').onclick = () => arenax.submit({action: 'delete', email: i});
  for (const kind of ['reply', 'forward']) view.querySelector('#' + kind).onclick = () => {
    const compose = view.querySelector('#compose');
    compose.innerHTML = kind === 'reply' ? '<label>Reply <textarea id="field"></textarea></label>' :
      '<label>To <input id="field"></label>';
    const send = document.createElement('button'); send.textContent = 'Send';
    send.onclick = () => arenax.submit(kind === 'reply' ? {action: kind, email: i, text: compose.querySelector('#field').value}
      : {action: kind, email: i, to: compose.querySelector('#field').value});
    compose.appendChild(send);
  };
}
mails.forEach((m, i) => {
  const li = document.createElement('li'); const b = document.createElement('button');
  b.textContent = m.sender + ': ' + m.subject; b.onclick = () => open(i); li.appendChild(b); inbox.appendChild(li);
});
"""


@task("email-inbox", "reply to, forward, or delete a given e-mail in an inbox", oracle=_email_oracle,
      max_steps=(6, 7, 8))
def email_inbox(rng: random.Random, level: int) -> Instance:
    senders = rng.sample(FIRST_NAMES, (3, 6, 10)[level])
    mails = [{"sender": s, "subject": rng.choice(WORDS).capitalize(), "body": " ".join(rng.sample(WORDS, 6))}
             for s in senders]
    index = rng.randrange(len(mails))
    sender = senders[index]
    action = rng.choice(["reply", "forward", "delete"])
    job = {"action": action, "sender": sender}
    if action == "reply":
        job["text"] = " ".join(rng.sample(WORDS, 2))
        goal = f'Find the email by {sender} and reply to them with the text "{job["text"]}".'
        expected = {"action": "reply", "email": index, "text": job["text"]}
    elif action == "forward":
        job["to"] = rng.choice([n for n in FIRST_NAMES if n not in senders])
        goal = f"Find the email by {sender} and forward that email to {job['to']}."
        expected = {"action": "forward", "email": index, "to": job["to"]}
    else:
        goal = f"Find the email by {sender} and delete it."
        expected = {"action": "delete", "email": index}
    body = (
        f"<script type='application/json' id='mails'>{escape(json.dumps(mails), quote=False)}</script>"
        "<h2>Inbox</h2><ul id='inbox'></ul><div id='view'></div>"
    )
    return Instance(goal, {"index.html": page("Inbox", body, EMAIL_JS)}, expected, job)


def _flight_oracle(instance: Instance, tree: AXTree, memory: dict) -> str:
    job = instance.data
    book = tree.find("button", f"Book flight {job['flight']}")
    if book is not None:
        return call("click", book.bid)
    for name, value in (("From", job["from"]), ("To", job["to"]), ("Date", job["date"])):
        field = tree.get("textbox", name)
        if field.value != value:
            return call("fill", field.bid, value)
    return call("click", tree.bid("button", "Search flights"))


FLIGHT_JS = """
const data = JSON.parse(document.getElementById('flights').textContent);
document.getElementById('search').onclick = () => {
  const out = document.getElementById('results'); out.innerHTML = '';
  const from = document.getElementById('from').value.trim(), to = document.getElementById('to').value.trim();
  const date = document.getElementById('date').value.trim();
  if (from !== data.from || to !== data.to || date !== data.date) { out.textContent = 'No flights found.'; return; }
  const table = document.createElement('table');
  table.innerHTML = '<thead><tr><th>Departs</th><th>Duration</th><th>Price</th><th></th></tr></thead><tbody></tbody>';
  for (const f of data.flights) {
    const row = table.tBodies[0].insertRow();
    for (const v of [f.departs, f.duration + ' min', '$' + f.price]) row.insertCell().textContent = v;
    const b = document.createElement('button'); b.textContent = 'Book'; b.setAttribute('aria-label', 'Book flight ' + f.id);
    b.onclick = () => arenax.submit({from, to, date, flight: f.id}); row.insertCell().appendChild(b);
  }
  out.appendChild(table);
};
"""


@task("book-flight", "search flights between two cities on a date and book the cheapest or shortest",
      oracle=_flight_oracle, max_steps=(7, 8, 9))
def book_flight(rng: random.Random, level: int) -> Instance:
    origin, destination = rng.sample(CITIES, 2)
    date = f"{rng.randint(1, 12):02d}/{rng.randint(1, 28):02d}/{rng.randint(2026, 2028)}"
    count = (3, 5, 8)[level]
    prices = rng.sample(range(80, 900), count)
    durations = rng.sample(range(60, 720, 5), count)
    flights = [{"id": f"{rng.choice('ABCDEF')}{rng.randint(100, 999)}{i}", "departs": f"{rng.randint(5, 22):02d}:"
                f"{rng.choice(['00', '15', '30', '45'])}", "duration": durations[i], "price": prices[i]}
               for i in range(count)]
    criterion = rng.choice(["cheapest", "shortest"]) if level else "cheapest"
    best = min(flights, key=lambda f: f["price"] if criterion == "cheapest" else f["duration"])
    data = {"from": origin, "to": destination, "date": date, "flights": flights}
    body = (
        f"<script type='application/json' id='flights'>{escape(json.dumps(data), quote=False)}</script>"
        "<h2>Book a flight</h2><label>From <input id='from'></label> <label>To <input id='to'></label> "
        "<label>Date <input id='date' placeholder='mm/dd/yyyy'></label> <button id='search'>Search flights</button>"
        "<div id='results'></div>"
    )
    goal = f"Book the {criterion} one-way flight from {origin} to {destination} on {date}."
    expected = {"from": origin, "to": destination, "date": date, "flight": best["id"]}
    return Instance(goal, {"index.html": page("Flights", body, FLIGHT_JS)}, expected,
                    {"from": origin, "to": destination, "date": date, "flight": best["id"]})


def _social_oracle(instance: Instance, tree: AXTree, memory: dict) -> str:
    job = instance.data
    post = tree.get("article", f"Post by @{job['user']}")
    inside = tree.subtree(post)
    wanted = next((n for n in inside if n.role in ("button", "menuitem") and n.name == job["action"]), None)
    if wanted is not None:
        return call("click", wanted.bid)
    more = next(n for n in inside if n.role == "button" and n.name == "More")
    return call("click", more.bid)


SOCIAL_JS = """
document.querySelectorAll('article').forEach((post) => {
  const user = post.dataset.user;
  post.querySelectorAll('[data-action]').forEach((b) => b.onclick = () => arenax.submit({user, action: b.dataset.action}));
  const more = post.querySelector('.more'), menu = post.querySelector('[role=menu]');
  more.onclick = () => { const open = more.getAttribute('aria-expanded') === 'true';
    more.setAttribute('aria-expanded', String(!open)); menu.classList.toggle('hidden', open); };
});
"""


@task("social-media", "press an action button (some in a menu) on a given user's post", oracle=_social_oracle,
      max_steps=(3, 4, 4))
def social_media(rng: random.Random, level: int) -> Instance:
    users = rng.sample([w + str(rng.randint(1, 99)) for w in WORDS], (3, 5, 8)[level])
    actions = ["Reply", "Retweet", "Like"]
    menu = ["Share", "Mute", "Block"]
    user = rng.choice(users)
    action = rng.choice(actions + (menu if level else []))
    posts = "".join(
        f"<article aria-label='Post by @{u}' data-user='{u}'><b>@{u}</b> <p>{' '.join(rng.sample(WORDS, 6))}</p>"
        + "".join(f"<button data-action='{a}'>{a}</button>" for a in actions)
        + "<button class='more' aria-expanded='false'>More</button><div role='menu' class='hidden'>"
        + "".join(f"<button role='menuitem' data-action='{a}'>{a}</button>" for a in menu)
        + "</div></article>"
        for u in users
    )
    return Instance(f'For the user @{user}, click on the "{action}" button.',
                    {"index.html": page("Feed", posts, SOCIAL_JS)}, {"user": user, "action": action},
                    {"user": user, "action": action})


def _form_oracle(instance: Instance, tree: AXTree, memory: dict) -> str:
    job = instance.data
    alerts = " ".join(n.name for alert in tree.find_all("alert") for n in tree.subtree(alert))
    if "terms" in alerts and not tree.get("checkbox", "I accept the terms").checked:
        return call("click", tree.bid("checkbox", "I accept the terms"))
    fields = {"Full name": job["name"], "Email": job["email"], "Age": job["age"]}
    if "phone" in job:
        fields["Phone"] = job["phone"] if "Phone" not in alerts else "".join(c for c in job["phone"] if c.isdigit())
    for name, value in fields.items():
        field = tree.get("textbox", name)
        if field.value != value and not (name == "Phone" and field.value == "".join(filter(str.isdigit, value))):
            return call("fill", field.bid, value)
    return call("click", tree.bid("button", "Register"))


FORM_JS = """
document.getElementById('form').addEventListener('submit', (event) => {
  event.preventDefault();
  const form = event.target, errors = [];
  const check = (id, ok, message) => { const el = document.getElementById(id); if (!el) return;
    el.setAttribute('aria-invalid', String(!ok)); if (!ok) errors.push(message); };
  const v = (id) => (document.getElementById(id) || {}).value;
  check('name', v('name').trim().length > 0, 'Full name is required.');
  check('email', /^[^@\\s]+@[^@\\s]+\\.[a-z]+$/.test(v('email')), 'Email must look like name@example.com.');
  check('age', /^\\d+$/.test(v('age')) && Number(v('age')) >= 18 && Number(v('age')) <= 99, 'Age must be a whole number from 18 to 99.');
  check('phone', /^\\d{10}$/.test(v('phone') || ''), 'Phone must have exactly 10 digits, with no spaces or dashes.');
  check('terms', !document.getElementById('terms') || document.getElementById('terms').checked, 'You must accept the terms.');
  const box = document.getElementById('errors'); box.innerHTML = '';
  for (const e of errors) { const p = document.createElement('p'); p.setAttribute('role', 'alert'); p.className = 'error'; p.textContent = e; box.appendChild(p); }
  if (!errors.length) arenax.submit(arenax.formData(form));
});
"""


@task("form-validation", "fill a registration form and fix what its validation errors point out",
      oracle=_form_oracle, max_steps=(6, 8, 10))
def form_validation(rng: random.Random, level: int) -> Instance:
    name = f"{rng.choice(FIRST_NAMES)} {rng.choice(WORDS).capitalize()}"
    email = f"{rng.choice(WORDS)}@{rng.choice(WORDS)}.com"
    age = str(rng.randint(18, 90))
    job = {"name": name, "email": email, "age": age}
    phone = None
    if level == 2:
        digits = "".join(str(rng.randint(0, 9)) for _ in range(10))
        phone = f"{digits[:3]}-{digits[3:6]}-{digits[6:]}"
        job["phone"] = phone
    prefill = {"name": "", "email": rng.choice(WORDS), "age": str(rng.randint(1, 17))}
    fields = (
        f"<label>Full name <input id='name' name='name' value='{prefill['name']}'></label><br>"
        f"<label>Email <input id='email' name='email' value='{prefill['email']}'></label><br>"
        f"<label>Age <input id='age' name='age' value='{prefill['age']}'></label><br>"
        + ("<label>Phone <input id='phone' name='phone'></label><br>" if phone else "")
        + ("<label><input type='checkbox' id='terms' name='terms' value='yes'>I accept the terms</label><br>" if level else "")
    )
    body = f"<h2>Register</h2><form id='form'>{fields}<div id='errors'></div><button type='submit'>Register</button></form>"
    goal = f'Register with full name "{name}", email "{email}" and age {age}'
    goal += f', phone "{phone}"' if phone else ""
    goal += ". Fix anything the form reports as an error, then submit it."
    expected = {"name": name, "email": email, "age": age}
    if phone:
        expected["phone"] = phone.replace("-", "")
    if level:
        expected["terms"] = ["yes"]
    return Instance(goal, {"index.html": page("Register", body, FORM_JS)}, expected, job)


def _checkout_oracle(instance: Instance, tree: AXTree, memory: dict) -> str:
    job = instance.data
    heading = tree.get("heading").name
    if heading == "Cart":
        field = tree.get("spinbutton", f"Quantity of {job['item']}")
        if field.value != str(job["quantity"]):
            return call("fill", field.bid, str(job["quantity"]))
    elif heading == "Shipping":
        for name in ("Name", "Street"):
            field = tree.get("textbox", name)
            if field.value != job[name.lower()]:
                return call("fill", field.bid, job[name.lower()])
        city = tree.get("combobox", "City")
        if city.value != job["city"]:
            return call("select_option", city.bid, job["city"])
    elif heading == "Payment":
        field = tree.get("textbox", "Card number")
        if field.value != job["card"]:
            return call("fill", field.bid, job["card"])
        radio = tree.get("radio", job["speed"])
        if not radio.checked:
            return call("click", radio.bid)
    elif heading == "Review":
        return call("click", tree.bid("button", "Place order"))
    return call("click", tree.bid("button", "Continue"))


def _step_page(title: str, fields: str, next_page: str) -> str:
    script = f"""
const form = document.getElementById('step');
for (const el of form.elements) {{ const kept = arenax.recall('field.' + el.name); if (el.name && kept !== null) {{
  if (el.type === 'radio') el.checked = el.value === kept; else el.value = kept; }} }}
form.addEventListener('submit', (event) => {{ event.preventDefault();
  for (const [k, v] of Object.entries(arenax.formData(form))) arenax.remember('field.' + k, v);
  location.href = '{next_page}'; }});
"""
    body = f"<h2>{title}</h2><form id='step'>{fields}<button type='submit'>Continue</button></form>"
    return page(title, body, script)


REVIEW_JS = """
const names = JSON.parse(document.getElementById('names').textContent), order = {};
for (const n of names) order[n] = arenax.recall('field.' + n);
const list = document.getElementById('summary');
for (const [k, v] of Object.entries(order)) { const li = document.createElement('li'); li.textContent = k + ': ' + v; list.appendChild(li); }
document.getElementById('place').onclick = () => arenax.submit(order);
"""


@task("checkout", "a multi-page checkout: cart, shipping, payment, review", oracle=_checkout_oracle,
      max_steps=(10, 14, 16), multi_page=True)
def checkout(rng: random.Random, level: int) -> Instance:
    items = [w.capitalize() for w in rng.sample(WORDS, (2, 3, 4)[level])]
    item = rng.choice(items)
    job = {"item": item, "quantity": rng.randint(2, 9), "name": f"{rng.choice(FIRST_NAMES)} {rng.choice(WORDS)}",
           "street": f"{rng.randint(1, 200)} {rng.choice(WORDS).capitalize()} Road", "city": rng.choice(CITIES),
           "card": "".join(str(rng.randint(0, 9)) for _ in range(16)), "speed": rng.choice(["Standard", "Express"])}
    cart = "".join(
        f"<label>Quantity of {i} <input type='number' min='0' max='20' name='qty_{i.lower()}' value='1'></label><br>"
        for i in items
    )
    cities = "".join(f"<option>{c}</option>" for c in CITIES)
    shipping = (
        "<label>Name <input name='name'></label><br><label>Street <input name='street'></label><br>"
        f"<label>City <select name='city'>{cities}</select></label><br>"
    )
    payment = (
        "<label>Card number <input name='card'></label><br>"
        + "".join(f"<label><input type='radio' name='speed' value='{s}'>{s}</label>" for s in ("Standard", "Express"))
    )
    names = [f"qty_{i.lower()}" for i in items] + ["name", "street", "city"] + (["card", "speed"] if level else [])
    pages = {
        "index.html": _step_page("Cart", cart, "shipping.html"),
        "shipping.html": _step_page("Shipping", shipping, "payment.html" if level else "review.html"),
        "review.html": page("Review", "<h2>Review</h2><script type='application/json' id='names'>"
                            f"{json.dumps(names)}</script><ul id='summary'></ul><button id='place'>Place order</button>",
                            REVIEW_JS),
    }
    if level:
        pages["payment.html"] = _step_page("Payment", payment, "review.html")
    expected = {n: "1" for n in names if n.startswith("qty_")}
    expected.update({f"qty_{item.lower()}": str(job["quantity"]), "name": job["name"], "street": job["street"],
                     "city": job["city"]})
    goal = f"Order {job['quantity']} of {item} (leave the other quantities at 1), ship to {job['name']}, " \
           f"{job['street']}, {job['city']}"
    if level:
        expected.update({"card": job["card"], "speed": job["speed"]})
        goal += f", pay with card {job['card']} and {job['speed']} shipping"
    return Instance(goal + ", and place the order.", pages, expected, job)
