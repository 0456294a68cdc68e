"""Single-widget tasks: buttons, links, checkboxes, text fields, lists, sliders, reading text and tables."""

from __future__ import annotations

import random

from arenax.envs.browser.axtree import AXTree
from arenax.envs.browser.tasks.base import CITIES, FIRST_NAMES, WORDS, Instance, attr_json, call, escape, page, task

ORDINALS = ("1st", "2nd", "3rd", "4th", "5th", "6th", "7th", "8th", "9th", "10th", "11th", "12th")


def _labels(rng: random.Random, count: int) -> list[str]:
    return [word.capitalize() for word in rng.sample(WORDS, count)]


def _submit_or_fill(tree: AXTree, fields: dict[str, str], submit: str = "Submit") -> str:
    """Fills the first textbox (by name) whose value differs from `fields`, else clicks `submit`."""
    for name, value in fields.items():
        node = tree.get("textbox", name)
        if node.value != value:
            return call("fill", node.bid, value)
    return call("click", tree.bid("button", submit))


def _click_button_oracle(instance: Instance, tree: AXTree, memory: dict) -> str:
    return call("click", tree.bid("button", instance.data["target"]))


@task("click-button", "click the button with the given label among distractors", oracle=_click_button_oracle,
      max_steps=(3, 3, 3))
def click_button(rng: random.Random, level: int) -> Instance:
    labels = _labels(rng, (3, 6, 10)[level])
    target = rng.choice(labels)
    buttons = "".join(f"<button data-arenax-submit='{attr_json({'clicked': b})}'>{b}</button>" for b in labels)
    body = f"<p>{escape(' '.join(rng.sample(WORDS, 5)))}</p><div>{buttons}</div>"
    return Instance(f'Click on the "{target}" button.', {"index.html": page("Click a button", body)},
                    {"clicked": target}, {"target": target})


def _click_link_oracle(instance: Instance, tree: AXTree, memory: dict) -> str:
    return call("click", tree.bid("link", instance.data["target"]))


@task("click-link", "click the link with the given text inside a paragraph", oracle=_click_link_oracle,
      max_steps=(3, 3, 3))
def click_link(rng: random.Random, level: int) -> Instance:
    words = rng.sample(WORDS, (8, 14, 24)[level])
    linked = rng.sample(words, (2, 4, 7)[level])
    target = rng.choice(linked)
    parts = [
        f"<a href='#' data-arenax-submit='{attr_json({'clicked': w})}'>{w}</a>" if w in linked else w for w in words
    ]
    return Instance(f'Click on the link "{target}".', {"index.html": page("Click a link", f"<p>{' '.join(parts)}</p>")},
                    {"clicked": target}, {"target": target})


def _checkboxes_oracle(instance: Instance, tree: AXTree, memory: dict) -> str:
    for label in instance.data["labels"]:
        node = tree.get("checkbox", label)
        if node.checked != (label in instance.data["targets"]):
            return call("click", node.bid)
    return call("click", tree.bid("button", "Submit"))


def _same_set(instance: Instance, submission: dict) -> bool:
    wanted = sorted(instance.expected["choice"])
    return isinstance(submission, dict) and sorted(submission.get("choice") or []) == wanted


@task("click-checkboxes", "tick exactly the named checkboxes, then submit", oracle=_checkboxes_oracle,
      max_steps=(6, 10, 14), validate=_same_set)
def click_checkboxes(rng: random.Random, level: int) -> Instance:
    labels = _labels(rng, (3, 5, 8)[level])
    targets = rng.sample(labels, rng.randint(0, (2, 3, 5)[level]))
    boxes = "".join(f"<label><input type='checkbox' name='choice' value='{b}'>{b}</label><br>" for b in labels)
    body = f"<form data-arenax-form>{boxes}<button type='submit'>Submit</button></form>"
    wanted = ", ".join(t for t in labels if t in targets)
    goal = f"Select {wanted} and nothing else, then click Submit." if targets else "Select nothing, then click Submit."
    return Instance(goal, {"index.html": page("Checkboxes", body)}, {"choice": targets},
                    {"labels": labels, "targets": targets})


def _enter_text_oracle(instance: Instance, tree: AXTree, memory: dict) -> str:
    return _submit_or_fill(tree, {instance.data["field"]: instance.data["text"]})


def _field_matches(instance: Instance, submission: dict) -> bool:
    field = instance.data["field"]
    return isinstance(submission, dict) and submission.get(field.lower()) == instance.data["text"]


@task("enter-text", "type the given text into the named field and submit", oracle=_enter_text_oracle,
      max_steps=(4, 5, 6), validate=_field_matches)
def enter_text(rng: random.Random, level: int) -> Instance:
    fields = ["Answer"] if level == 0 else rng.sample(["Answer", "City", "Nickname", "Color", "Pet", "Team"], level + 2)
    field = rng.choice(fields)
    text = rng.choice(WORDS) + (str(rng.randint(10, 99)) if level == 2 else "")
    inputs = "".join(f"<label>{f} <input type='text' name='{f.lower()}'></label><br>" for f in fields)
    body = f"<form data-arenax-form>{inputs}<button type='submit'>Submit</button></form>"
    goal = f'Enter "{text}" into the {field} field and press Submit.'
    return Instance(goal, {"index.html": page("Enter text", body)}, None, {"field": field, "text": text})


def _fill_once_then_click(tree: AXTree, memory: dict, fields: dict[str, str], submit: str) -> str:
    """Fills each (textbox name, value) once (password values are masked), then clicks `submit`."""
    for name, value in fields.items():
        if name not in memory.setdefault("filled", set()):
            memory["filled"].add(name)
            return call("fill", tree.bid("textbox", name), value)
    return call("click", tree.bid("button", submit))


def _password_oracle(instance: Instance, tree: AXTree, memory: dict) -> str:
    password = instance.data["password"]
    return _fill_once_then_click(tree, memory, {"Password": password, "Verify password": password}, "Submit")


@task("enter-password", "type the password into both password fields and submit", oracle=_password_oracle,
      max_steps=(5, 6, 7))
def enter_password(rng: random.Random, level: int) -> Instance:
    password = rng.choice(WORDS) + ("", str(rng.randint(0, 9)), f"{rng.randint(10, 99)}!")[level]
    body = (
        "<form data-arenax-form><label>Password <input type='password' name='password'></label><br>"
        "<label>Verify password <input type='password' name='verify'></label><br>"
        "<button type='submit'>Submit</button></form>"
    )
    return Instance(f'Enter the password "{password}" into both fields and press Submit.',
                    {"index.html": page("Password", body)}, {"password": password, "verify": password},
                    {"password": password})


def _login_validate(instance: Instance, submission: dict) -> bool:
    return isinstance(submission, dict) and all(submission.get(k) == v for k, v in instance.expected.items())


def _login_oracle(instance: Instance, tree: AXTree, memory: dict) -> str:
    fields = {"Username": instance.data["username"], "Password": instance.data["password"]}
    return _fill_once_then_click(tree, memory, fields, "Log in")


@task("login-user", "log in with the given username and password", oracle=_login_oracle, max_steps=(5, 6, 7),
      validate=_login_validate)
def login_user(rng: random.Random, level: int) -> Instance:
    username = rng.choice(FIRST_NAMES).lower() + str(rng.randint(1, 99))
    password = rng.choice(WORDS) + str(rng.randint(100, 999))
    decoy = "<label>Email <input type='email' name='email'></label><br>" if level >= 1 else ""
    remember = "<label><input type='checkbox' name='remember' value='yes'>Remember me</label><br>" if level == 2 else ""
    body = (
        f"<h2>Sign in</h2><form data-arenax-form>{decoy}<label>Username <input type='text' name='username'></label><br>"
        f"<label>Password <input type='password' name='password'></label><br>{remember}"
        "<button type='submit'>Log in</button></form>"
    )
    expected = {"username": username, "password": password}
    return Instance(f'Log in with username "{username}" and password "{password}".',
                    {"index.html": page("Login", body)}, expected, expected)


def _focus_oracle(instance: Instance, tree: AXTree, memory: dict) -> str:
    return call("click", tree.find_all("textbox")[instance.data["index"]].bid)


@task("focus-text", "put the focus into the n-th text field", oracle=_focus_oracle, max_steps=(3, 3, 3))
def focus_text(rng: random.Random, level: int) -> Instance:
    count = (1, 3, 5)[level]
    index = rng.randrange(count)
    inputs = f"<p>{escape(' '.join(rng.sample(WORDS, 4)))}</p>" + "".join(
        f"<input type='text' data-index='{i}' placeholder='{rng.choice(WORDS)}'><br>" for i in range(count))
    script = (
        "document.querySelectorAll('input').forEach((el) => el.addEventListener('focus', () =>"
        " arenax.submit({focused: Number(el.dataset.index)})));"
    )
    goal = "Focus into the text field." if count == 1 else f"Focus into the {ORDINALS[index]} text field."
    return Instance(goal, {"index.html": page("Focus", inputs, script)}, {"focused": index}, {"index": index})


def _choose_list_oracle(instance: Instance, tree: AXTree, memory: dict) -> str:
    target = instance.data["target"]
    combo = tree.get("combobox")
    if combo.value != target:
        return call("select_option", combo.bid, target)
    return call("click", tree.bid("button", "Submit"))


@task("choose-list", "pick the named entry of a drop-down list and submit", oracle=_choose_list_oracle,
      max_steps=(4, 4, 5))
def choose_list(rng: random.Random, level: int) -> Instance:
    options = rng.sample(CITIES, (5, 10, 20)[level])
    target = rng.choice(options)
    choices = "".join(f"<option>{o}</option>" for o in options)
    body = (
        f"<form data-arenax-form><select name='choice'>{choices}</select>"
        "<button type='submit'>Submit</button></form>"
    )
    return Instance(f"Select {target} from the list and click Submit.", {"index.html": page("Choose", body)},
                    {"choice": target}, {"target": target})


def _slider_oracle(instance: Instance, tree: AXTree, memory: dict) -> str:
    slider = tree.get("slider")
    if slider.value != str(instance.data["target"]):
        return call("fill", slider.bid, str(instance.data["target"]))
    return call("click", tree.bid("button", "Submit"))


@task("use-slider", "set a slider to a given value and submit", oracle=_slider_oracle, max_steps=(5, 6, 8))
def use_slider(rng: random.Random, level: int) -> Instance:
    top = (10, 50, 200)[level]
    start, target = rng.sample(range(top + 1), 2)
    body = (
        f"<form data-arenax-form><label>Amount <input type='range' name='amount' min='0' max='{top}' value='{start}'"
        f" oninput='this.nextElementSibling.textContent=this.value'><span>{start}</span></label><br>"
        "<button type='submit'>Submit</button></form>"
    )
    return Instance(f"Set the slider to {target} and click Submit.", {"index.html": page("Slider", body)},
                    {"amount": str(target)}, {"target": target})


def _copy_paste_oracle(instance: Instance, tree: AXTree, memory: dict) -> str:
    source = tree.get("textbox", "Source").value
    return _submit_or_fill(tree, {"Answer": source})


@task("copy-paste", "copy the text of a read-only area into a field and submit", oracle=_copy_paste_oracle,
      max_steps=(4, 5, 6))
def copy_paste(rng: random.Random, level: int) -> Instance:
    text = " ".join(rng.choice(WORDS) for _ in range((3, 6, 12)[level]))
    body = (
        f"<form data-arenax-form><label>Source <textarea readonly>{escape(text)}</textarea></label><br>"
        "<label>Answer <input type='text' name='answer'></label><button type='submit'>Submit</button></form>"
    )
    return Instance("Copy the text from the Source area, paste it into the Answer field, and press Submit.",
                    {"index.html": page("Copy and paste", body)}, {"answer": text}, {"text": text})


def _find_word_oracle(instance: Instance, tree: AXTree, memory: dict) -> str:
    words = " ".join(tree.texts()).split()
    return call("send_msg_to_user", words[instance.data["index"]])


@task("find-word", "read a paragraph and send its n-th word to the user", oracle=_find_word_oracle,
      max_steps=(2, 2, 2), answer_by_message=True)
def find_word(rng: random.Random, level: int) -> Instance:
    words = [rng.choice(WORDS) for _ in range((8, 20, 40)[level])]
    index = rng.randrange(len(words))
    ordinal = ORDINALS[index] if index < len(ORDINALS) else f"{index + 1}th"
    goal = f"Send the {ordinal} word of the paragraph to the user."
    return Instance(goal, {"index.html": page("Find a word", f"<p>{' '.join(words)}</p>")}, words[index],
                    {"index": index})


def _read_table_oracle(instance: Instance, tree: AXTree, memory: dict) -> str:
    header = tree.get("rowheader", instance.data["key"])
    position = tree.nodes.index(header)
    value = next(node.name for node in tree.nodes[position + 1 :] if node.role == "cell")
    return _submit_or_fill(tree, {"Answer": value})


@task("read-table", "read the value of a row of a table and enter it", oracle=_read_table_oracle,
      max_steps=(4, 4, 5))
def read_table(rng: random.Random, level: int) -> Instance:
    keys = rng.sample(["Name", "City", "Color", "Age", "Pet", "Team", "Code", "Fruit", "Sport", "Day"],
                      (3, 5, 8)[level])
    values = {k: rng.choice(WORDS) + (str(rng.randint(1, 9)) if level else "") for k in keys}
    key = rng.choice(keys)
    rows = "".join(f"<tr><th>{k}</th><td>{values[k]}</td></tr>" for k in keys)
    body = (
        f"<table><tbody>{rows}</tbody></table><form data-arenax-form><label>Answer "
        "<input type='text' name='answer'></label><button type='submit'>Submit</button></form>"
    )
    return Instance(f"Enter the value of {key} from the table into the Answer field and press Submit.",
                    {"index.html": page("Read a table", body)}, {"answer": values[key]}, {"key": key})
