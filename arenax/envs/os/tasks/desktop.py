"""Desktop tasks: a text editor (mousepad), a terminal (xterm), a file manager (pcmanfm), a calculator
(galculator) and a browser (chromium) on the sandbox's X display, scored on the state they leave behind."""

from __future__ import annotations

import ast
import shlex
from dataclasses import replace
from urllib.parse import parse_qs

import numpy as np

from arenax.envs.os.desktop import ACCESSIBILITY_SOURCE, DESKTOP_LIMITS, NODE_LINE, find_node
from arenax.envs.os.evaluators import Checks, CommandOutput, Evaluator, ExactText, FileText, fraction_passed
from arenax.envs.os.tasks.common import integer, sentence, words
from arenax.envs.os.types import SetupFile, TaskInstance, TaskSpec

EDITOR = ("mousepad", "mousepad")
TERMINAL = ("xterm -geometry 120x40", "xterm")
CENTRE = "click(512, 400)"
KEYFILE = ".config/glib-2.0/settings/keyfile"


def click_node(role: str, label: str):
    """An oracle step: click the centre of the node the accessibility tree shows (None while it is absent)."""

    def act(observation: dict) -> str | None:
        centre = find_node(observation["accessibility_tree"], role, label)
        return None if centre is None else f"click({centre[0]}, {centre[1]})"

    return act


def save_note(rng: np.random.Generator) -> TaskInstance:
    name, text = words(rng, 1)[0], sentence(rng, integer(rng, 5, 9))
    return TaskInstance(
        goal=f"In the open text editor, write the line '{text}' and save the document as ~/notes/{name}.txt.",
        setup=("mkdir -p ~/notes",),
        apps=(EDITOR,),
        evaluator=Evaluator(FileText(f"notes/{name}.txt"), ExactText(text)),
        solution=(CENTRE, f"type({text!r})", 'hotkey("ctrl", "s")', "wait(1)",
                  f"type({f'/home/agent/notes/{name}.txt'!r})", 'key("Return")', "wait(1)"),
    )


def append_todo(rng: np.random.Generator) -> TaskInstance:
    items = [f"- {sentence(rng, 3)}" for _ in range(integer(rng, 2, 5))]
    new_item = f"- {sentence(rng, 3)}"
    return TaskInstance(
        goal=f"The text editor shows ~/todo.txt. Add the line '{new_item}' at the end of the list and save the file.",
        files=(SetupFile("todo.txt", "\n".join(items) + "\n"),),
        apps=(("mousepad ~/todo.txt", "mousepad"),),
        evaluator=Evaluator(FileText("todo.txt"), ExactText("\n".join([*items, new_item]))),
        solution=(CENTRE, 'hotkey("ctrl", "End")', f"type({new_item + chr(10)!r})", 'hotkey("ctrl", "s")', "wait(1)"),
    )


def fix_spelling(rng: np.random.Generator) -> TaskInstance:
    lines = [f"the {words(rng, 1)[0]} colour is {sentence(rng, 2)}" for _ in range(integer(rng, 2, 4))]
    text = "\n".join(lines)
    return TaskInstance(
        goal="The text editor shows ~/style.txt. Replace every 'colour' with 'color' and save the file.",
        files=(SetupFile("style.txt", text + "\n"),),
        apps=(("mousepad ~/style.txt", "mousepad"),),
        evaluator=Evaluator(FileText("style.txt"), ExactText(text.replace("colour", "color"))),
        solution=(CENTRE, 'hotkey("ctrl", "a")', f"type({text.replace('colour', 'color') + chr(10)!r})",
                  'hotkey("ctrl", "s")', "wait(1)"),
    )


def terminal_make_project(rng: np.random.Generator) -> TaskInstance:
    name, text = words(rng, 1)[0], sentence(rng, 4)
    command = f"mkdir -p ~/projects/{name} && echo {shlex.quote(text)} > ~/projects/{name}/README\n"
    return TaskInstance(
        goal=f"Use the terminal window to create the folder ~/projects/{name} containing a file README whose only "
        f"line is '{text}'.",
        apps=(TERMINAL,),
        evaluator=Evaluator(Checks((f"test -d ~/projects/{name}",
                                    f"test \"$(cat ~/projects/{name}/README)\" = {shlex.quote(text)}")),
                            fraction_passed),
        solution=(CENTRE, f"type({command!r})", "wait(1)"),
    )


def terminal_count_lines(rng: np.random.Generator) -> TaskInstance:
    lines = integer(rng, 5, 60)
    return TaskInstance(
        goal="Use the terminal window to count the lines of ~/data.txt and write the number to ~/count.txt.",
        files=(SetupFile("data.txt", "".join(sentence(rng, 3) + "\n" for _ in range(lines))),),
        apps=(TERMINAL,),
        evaluator=Evaluator(FileText("count.txt"), ExactText(str(lines))),
        solution=(CENTRE, f"type({'wc -l < ~/data.txt > ~/count.txt' + chr(10)!r})", "wait(1)"),
    )


def file_manager_new_folder(rng: np.random.Generator) -> TaskInstance:
    name = "-".join(words(rng, 2))
    return TaskInstance(
        goal=f"In the file manager, create a new folder named '{name}' inside your home folder.",
        files=(SetupFile("readme.txt", "home\n"),),
        apps=(("pcmanfm ~", "pcmanfm"),),
        evaluator=Evaluator(Checks((f"test -d ~/{name}",)), fraction_passed),
        solution=(CENTRE, 'hotkey("ctrl", "shift", "n")', "wait(1)", 'hotkey("ctrl", "a")', f"type({name!r})",
                  'key("Return")', "wait(1)"),
    )


def file_manager_rename(rng: np.random.Generator) -> TaskInstance:
    old, new = (f"{word}.txt" for word in words(rng, 2))
    content = sentence(rng, 5) + "\n"
    return TaskInstance(
        goal=f"In the file manager, rename the file {old} to {new}.",
        files=(SetupFile(f"files/{old}", content),),
        apps=(("pcmanfm ~/files", "pcmanfm"),),
        evaluator=Evaluator(Checks((f"test ! -e ~/files/{old}", f"test \"$(cat ~/files/{new})\" = "
                                    f"{shlex.quote(content.strip())}")), fraction_passed),
        solution=(click_node("icon", old), 'key("F2")', "wait(1)", 'hotkey("ctrl", "a")', f"type({new!r})",
                  'key("Return")', "wait(1)"),
    )


def calculator_product(rng: np.random.Generator) -> TaskInstance:
    a, b = integer(rng, 12, 999), integer(rng, 12, 999)
    return TaskInstance(
        goal=f"Use the calculator to compute {a} * {b} and leave the result on its display.",
        apps=(("galculator", "galculator"),),
        evaluator=Evaluator(AccessibleTexts(), FirstEquals(str(a * b))),
        solution=tuple(click_node("toggle button", key) for key in f"{a}*{b}=") + ("wait(0.5)",),
    )


def editor_word_wrap(rng: np.random.Generator) -> TaskInstance:
    text = "\n".join(sentence(rng, 30) for _ in range(3))
    return TaskInstance(
        goal="Turn on word wrap in the text editor (Document menu), so that long lines wrap at the window's edge.",
        files=(SetupFile("long.txt", text + "\n"),),
        apps=(("mousepad ~/long.txt", "mousepad"),),
        evaluator=Evaluator(
            CommandOutput(f"sed -n '/^\\[org\\/xfce\\/mousepad\\/preferences\\/view\\]/,/^\\[/p' ~/{KEYFILE}"),
            WordWrapOn(),
        ),
        solution=(click_node("menu", "Document"), "wait(0.5)", click_node("menu item", "Word Wrap"), "wait(1)"),
    )


FORM_PAGE = """<!doctype html><html><head><title>Register</title></head><body><h1>Register</h1>
<form method="post" action="/submit">
<label>Name <input name="name"></label><br><label>Email <input name="email"></label><br>
<label>Plan <select name="plan"><option>basic</option><option>pro</option><option>team</option></select></label><br>
<button type="submit">Submit</button></form></body></html>
"""
FORM_SERVER = """import http.server
class Handler(http.server.SimpleHTTPRequestHandler):
    def do_POST(self):
        body = self.rfile.read(int(self.headers["Content-Length"])).decode()
        with open("/run/form-submissions", "a") as log:
            log.write(body + "\\n")
        self.send_response(200)
        self.end_headers()
        self.wfile.write(b"<h1>Thank you</h1>")
http.server.ThreadingHTTPServer(("127.0.0.1", 8080), Handler).serve_forever()
"""
CHROMIUM = (
    "ACCESSIBILITY_ENABLED=1 /usr/lib/chromium/chromium --test-type --no-sandbox --disable-gpu --no-first-run "
    "--disable-dev-shm-usage --disable-background-networking --disable-component-update --disable-sync "
    "--force-renderer-accessibility --password-store=basic --user-data-dir=/tmp/chromium-profile "
    "--app=http://127.0.0.1:8080/"
)
BROWSER_LIMITS = replace(DESKTOP_LIMITS, memory_bytes=None)  # Chromium reserves terabytes of address space


def browser_form(rng: np.random.Generator) -> TaskInstance:
    first, last = (word.capitalize() for word in words(rng, 2))
    fields = {"name": f"{first} {last}", "email": f"{first.lower()}@{words(rng, 1)[0]}.example",
              "plan": ("pro", "team")[integer(rng, 0, 1)]}
    return TaskInstance(
        goal=f"In the browser, fill in the registration form with name '{fields['name']}', email "
        f"'{fields['email']}' and plan '{fields['plan']}', then submit it.",
        files=(SetupFile("/tmp/site/index.html", FORM_PAGE), SetupFile("/tmp/form_server.py", FORM_SERVER)),
        setup=("cd /tmp/site && (python3 /tmp/form_server.py >/tmp/form_server.log 2>&1 &)",),
        apps=((CHROMIUM, "chromium"),),
        evaluator=Evaluator(FileText("/run/form-submissions"), FormFields(tuple(fields.items()))),
        solution=(click_node("entry", "Name"), f"type({fields['name']!r})", 'key("Tab")', f"type({fields['email']!r})",
                  'key("Tab")', f"type({fields['plan']!r})", "wait(0.5)", click_node("push button", "Submit"),
                  "wait(1)"),
    )


class FormFields:
    """Partial credit: the fraction of the form's fields right in the last submission (0 without one)."""

    def __init__(self, expected: tuple[tuple[str, str], ...]):
        self.expected = dict(expected)

    def __call__(self, log: str | None) -> float:
        lines = (log or "").strip().splitlines()
        if not lines:
            return 0.0
        submitted = {key: values[-1] for key, values in parse_qs(lines[-1]).items()}
        return sum(submitted.get(key) == value for key, value in self.expected.items()) / len(self.expected)


class AccessibleTexts:
    """Getter: the contents of every text widget the accessibility tree shows, in tree order."""

    def __call__(self, sandbox) -> list[str]:
        tree = CommandOutput(f"python3 -c {shlex.quote(ACCESSIBILITY_SOURCE)}")(sandbox)
        matches = (NODE_LINE.match(line) for line in tree.splitlines())
        return [ast.literal_eval(m["text"].split(" {")[0]) for m in matches if m and m["role"] == "text" and m["text"]]


class FirstEquals:
    """1 when the first value, stripped, equals `expected`."""

    def __init__(self, expected: str):
        self.expected = expected

    def __call__(self, values: list[str]) -> float:
        return float(bool(values) and values[0].strip() == self.expected)


class WordWrapOn:
    """1 when the editor's keyfile settings section has word-wrap=true."""

    def __call__(self, value: str) -> float:
        return float("word-wrap=true" in value.split())


TASKS = (
    TaskSpec("save-note", "type a line in the text editor and save it under a given name", save_note),
    TaskSpec("append-todo", "add a line to an open list in the text editor and save", append_todo),
    TaskSpec("fix-spelling", "replace a word throughout a document in the text editor and save", fix_spelling),
    TaskSpec("terminal-make-project", "create a folder and a file from the terminal window", terminal_make_project),
    TaskSpec("terminal-count-lines", "count a file's lines from the terminal window", terminal_count_lines),
    TaskSpec("new-folder", "create a folder in the file manager", file_manager_new_folder),
    TaskSpec("rename-file", "rename a file in the file manager", file_manager_rename),
    TaskSpec("calculator-product", "compute a product on the calculator's display", calculator_product),
    TaskSpec("editor-word-wrap", "turn on a setting (word wrap) in the text editor's menu", editor_word_wrap),
    TaskSpec("browser-form", "fill in and submit a web form in Chromium", browser_form, limits=BROWSER_LIMITS),
)

DESKTOP_TASKS: dict[str, TaskSpec] = {spec.name: spec for spec in TASKS}
