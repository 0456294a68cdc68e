"""Git tasks in a local repository made at set-up: commit changes, branch, find the commit that added a line."""

from __future__ import annotations

import shlex

import numpy as np

from arenax.envs.os.evaluators import Checks, Evaluator, GatedFraction, fraction_passed
from arenax.envs.os.tasks.common import integer, sentence, words
from arenax.envs.os.types import SetupFile, TaskInstance, TaskSpec

INIT = "cd ~/project && git init -q -b main && git add -A && git commit -q -m 'initial import'"


def history_files(rng: np.random.Generator) -> dict[str, str]:
    return {f"{name}.txt": sentence(rng, 6) + "\n" for name in words(rng, integer(rng, 3, 5))}


def commit_changes(rng: np.random.Generator) -> TaskInstance:
    files = history_files(rng)
    changed = sorted(files)[0]
    new_file = f"{words(rng, 1)[0]}_notes.md"
    message = f"Update {changed.removesuffix('.txt')} and add notes"
    tests = (
        "cd ~/project && test -z \"$(git status --porcelain)\"",
        f"cd ~/project && test \"$(git log -1 --format=%s)\" = {shlex.quote(message)}",
        f"cd ~/project && git show --name-only --format= HEAD | grep -qx {shlex.quote(new_file)}",
        f"cd ~/project && git show --name-only --format= HEAD | grep -qx {shlex.quote(changed)}",
        "cd ~/project && test \"$(git rev-list --count HEAD)\" = 2",
    )
    return TaskInstance(
        goal=f"The git repository ~/project has uncommitted work: a modified {changed} and a new file {new_file}. "
        f"Commit all of it in one commit on the current branch with the message '{message}'.",
        files=tuple(SetupFile(f"project/{name}", data) for name, data in files.items()),
        setup=(INIT, f"cd ~/project && echo {shlex.quote(sentence(rng, 5))} >> {changed} && "
               f"echo '# notes' > {new_file}"),
        evaluator=Evaluator(Checks(tests), fraction_passed),
        solution=(f"cd ~/project && git add -A && git commit -q -m {shlex.quote(message)}",),
    )


def create_branch(rng: np.random.Generator) -> TaskInstance:
    files = history_files(rng)
    branch = f"feature/{words(rng, 1)[0]}"
    content = sentence(rng, 6)
    untouched = ("cd ~/project && test \"$(git rev-list --count main)\" = 1",)
    targets = (
        f"cd ~/project && git rev-parse -q --verify refs/heads/{branch}",
        f"cd ~/project && test \"$(git show {branch}:NOTES.md)\" = {shlex.quote(content)}",
        f"cd ~/project && git merge-base --is-ancestor main {branch}",
    )
    return TaskInstance(
        goal=f"In the git repository ~/project, create a branch '{branch}' from main and commit on it a new file "
        f"NOTES.md containing the single line '{content}'. Leave main as it is.",
        files=tuple(SetupFile(f"project/{name}", data) for name, data in files.items()),
        setup=(INIT,),
        evaluator=Evaluator(Checks(untouched + targets), GatedFraction(len(untouched))),
        solution=(f"cd ~/project && git checkout -q -b {branch} && echo {shlex.quote(content)} > NOTES.md && "
                  "git add NOTES.md && git commit -q -m 'Add notes'",),
    )


def find_commit(rng: np.random.Generator) -> TaskInstance:
    files = history_files(rng)
    ticket = f"TICKET-{integer(rng, 100, 999)}"
    steps = integer(rng, 3, 6)
    marked = integer(rng, 0, steps - 1)
    commands = [INIT]
    for step in range(steps):
        target = sorted(files)[step % len(files)]
        line = f"fix for {ticket}" if step == marked else sentence(rng, 4)
        commands.append(f"cd ~/project && echo {shlex.quote(line)} >> {target} && git commit -q -am 'change {step}'")
    expected = f"git -C ~/project log --format=%H -S {shlex.quote(ticket)} | tail -n 1"
    return TaskInstance(
        goal=f"In the git repository ~/project, find the commit that first added the text '{ticket}' and write its "
        "full 40-character hash to ~/answer.txt.",
        files=tuple(SetupFile(f"project/{name}", data) for name, data in files.items()),
        setup=tuple(commands),
        evaluator=Evaluator(Checks((f"e=\"$({expected})\" && test -n \"$e\" && "
                                    "test \"$(tr -d '[:space:]' < ~/answer.txt)\" = \"$e\"",)), fraction_passed),
        solution=(f"git -C ~/project log --format=%H -S {shlex.quote(ticket)} | tail -n 1 > ~/answer.txt",),
    )


TASKS = (
    TaskSpec("git-commit-changes", "commit modified and new files with a given message", commit_changes),
    TaskSpec("git-create-branch", "branch from main and commit a file on the branch", create_branch),
    TaskSpec("git-find-commit", "find the commit that introduced a ticket id", find_commit),
)
