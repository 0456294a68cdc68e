"""Multi-page tasks whose answer is shown early and asked for later.

Pages expire once left, so the answer must be remembered rather than looked up again."""

from __future__ import annotations

import random

from arenax.envs.browser.axtree import AXTree
from arenax.envs.browser.tasks.base import CITIES, COLORS, FIRST_NAMES, WORDS, Instance, call, page, task

GOAL = "Read each page carefully and press Next to go on; pages cannot be revisited. {ask}"

EXPIRE_JS = """
const key = 'left.' + location.pathname;
if (arenax.recall(key)) document.getElementById('area').innerHTML = '<p>This page has expired.</p>';
else document.getElementById('next').addEventListener('click', () => arenax.remember(key, true));
"""


def _chain(contents: list[str], final: str, final_script: str = "") -> dict[str, str]:
    """Pages p0..pn-1 showing `contents`, each linking to the next, and the last page `final` with the question."""
    pages = {}
    for index, content in enumerate(contents):
        name = "index.html" if index == 0 else f"p{index}.html"
        target = f"p{index + 1}.html" if index + 1 < len(contents) else "question.html"
        body = f"<h2>Page {index + 1}</h2>{content}<a id='next' href='{target}'>Next</a>"
        pages[name] = page(f"Page {index + 1}", body, EXPIRE_JS)
    pages["question.html"] = page("Question", f"<h2>Question</h2>{final}", final_script)
    return pages


def _answer_form(label: str) -> str:
    return (
        f"<form data-arenax-form><label>{label} <input name='answer'></label>"
        "<button type='submit'>Submit</button></form>"
    )


def _distractor(rng: random.Random) -> str:
    return f"<p>{' '.join(rng.sample(WORDS, 8))}.</p><p>Reference number: {rng.randint(1000, 9999)}</p>"


def _next_or_answer(tree: AXTree, answer: str) -> str:
    next_link = tree.find("link", "Next")
    if next_link is not None:
        return call("click", next_link.bid)
    field = tree.get("textbox")
    if field.value != answer:
        return call("fill", field.bid, answer)
    return call("click", tree.bid("button", "Submit"))


def _code_oracle(instance: Instance, tree: AXTree, memory: dict) -> str:
    return _next_or_answer(tree, instance.data["answer"])


@task("memory-code", "remember a code from the first page and type it on the last", oracle=_code_oracle,
      max_steps=(5, 8, 12), multi_page=True)
def memory_code(rng: random.Random, level: int) -> Instance:
    code = "".join(rng.choice("ABCDEFGHJKLMNPQRSTUVWXYZ23456789") for _ in range((4, 5, 6)[level]))
    contents = [f"<p>Your access code is <b>{code}</b>.</p>"] + [_distractor(rng) for _ in range((1, 3, 6)[level])]
    pages = _chain(contents, _answer_form("Access code"))
    return Instance(GOAL.format(ask="On the last page, enter the access code you were given."), pages,
                    {"answer": code}, {"answer": code})


@task("memory-sequence", "remember one word per page and type them all, in order, at the end",
      oracle=_code_oracle, max_steps=(6, 9, 12), multi_page=True)
def memory_sequence(rng: random.Random, level: int) -> Instance:
    words = rng.sample(WORDS, (2, 4, 7)[level])
    contents = [f"<p>Word {i + 1} of {len(words)}: <b>{w}</b></p>" for i, w in enumerate(words)]
    answer = " ".join(words)
    pages = _chain(contents, _answer_form("Words in order"))
    return Instance(GOAL.format(ask="On the last page, enter every word you saw, in order, separated by spaces."),
                    pages, {"answer": answer}, {"answer": answer})


@task("memory-sum", "add up the numbers shown one per page and enter the total", oracle=_code_oracle,
      max_steps=(6, 9, 12), multi_page=True)
def memory_sum(rng: random.Random, level: int) -> Instance:
    numbers = [rng.randint(1, (9, 50, 99)[level]) for _ in range((2, 4, 7)[level])]
    contents = [f"<p>{_distractor(rng)}</p><p>The number on this page is <b>{n}</b>.</p>" for n in numbers]
    answer = str(sum(numbers))
    pages = _chain(contents, _answer_form("Total"))
    return Instance(GOAL.format(ask="On the last page, enter the sum of the numbers on the pages."), pages,
                    {"answer": answer}, {"answer": answer})


def _instruction_oracle(instance: Instance, tree: AXTree, memory: dict) -> str:
    next_link = tree.find("link", "Next")
    if next_link is not None:
        return call("click", next_link.bid)
    return call("click", tree.bid("button", instance.data["answer"]))


@task("memory-instruction", "follow an instruction given on the first page on the last page",
      oracle=_instruction_oracle, max_steps=(4, 7, 10), multi_page=True)
def memory_instruction(rng: random.Random, level: int) -> Instance:
    colors = [c.capitalize() for c in rng.sample(COLORS, (3, 5, 8)[level])]
    target = rng.choice(colors)
    contents = [f"<p>When you reach the last page, press the <b>{target}</b> button.</p>"]
    contents += [f"<p>Do not press {rng.choice(colors)} yet.</p>" + _distractor(rng) for _ in range((1, 3, 5)[level])]
    buttons = "".join(f"<button data-arenax-submit='{{\"pressed\": \"{c}\"}}'>{c}</button>" for c in colors)
    pages = _chain(contents, f"<p>Press the button you were told to press.</p>{buttons}")
    return Instance(GOAL.format(ask="Follow the instruction of the first page."), pages, {"pressed": target},
                    {"answer": target})


def _profile_oracle(instance: Instance, tree: AXTree, memory: dict) -> str:
    next_link = tree.find("link", "Next")
    if next_link is not None:
        return call("click", next_link.bid)
    for label, value in instance.data["asked"].items():
        field = tree.get("textbox", label)
        if field.value != value:
            return call("fill", field.bid, value)
    return call("click", tree.bid("button", "Submit"))


@task("memory-profile", "remember a profile card and answer questions about it after several pages",
      oracle=_profile_oracle, max_steps=(6, 9, 12), multi_page=True)
def memory_profile(rng: random.Random, level: int) -> Instance:
    profile = {"Name": rng.choice(FIRST_NAMES), "City": rng.choice(CITIES), "Pet": rng.choice(WORDS),
               "Color": rng.choice(COLORS), "Number": str(rng.randint(10, 99))}
    card = "".join(f"<li>{k}: {v}</li>" for k, v in profile.items())
    contents = [f"<h3>Profile</h3><ul>{card}</ul>"] + [_distractor(rng) for _ in range((1, 2, 4)[level])]
    asked = {k: profile[k] for k in rng.sample(list(profile), (1, 2, 3)[level])}
    fields = "".join(f"<label>{k} <input name='{k.lower()}'></label><br>" for k in asked)
    pages = _chain(contents, f"<form data-arenax-form>{fields}<button type='submit'>Submit</button></form>")
    return Instance(GOAL.format(ask="On the last page, answer the questions about the profile you saw."), pages,
                    {k.lower(): v for k, v in asked.items()}, {"asked": asked})
