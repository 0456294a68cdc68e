"""Archive, permission, checksum and configuration tasks."""

from __future__ import annotations

import configparser
import hashlib
import io
import json
import shlex

import numpy as np

from arenax.envs.os.evaluators import (
    Checks,
    CommandOutput,
    Evaluator,
    FileText,
    FileTree,
    LineSetOverlap,
    SetOverlap,
    GatedFraction,
)
from arenax.envs.os.tasks.common import integer, sentence, words
from arenax.envs.os.tasks.files import digest, tree_entries
from arenax.envs.os.types import SetupFile, TaskInstance, TaskSpec

ARCHIVE_LISTING = (
    "import hashlib, sys, tarfile\n"
    "with tarfile.open(sys.argv[1], 'r:gz') as archive:\n"
    "    for member in archive.getmembers():\n"
    "        if member.isfile():\n"
    "            data = archive.extractfile(member).read()\n"
    "            print(member.name.removeprefix('./'), hashlib.sha256(data).hexdigest())\n"
)
INI_DUMP = (
    "import configparser, json, sys\n"
    "parser = configparser.ConfigParser(interpolation=None)\n"
    "parser.read(sys.argv[1])\n"
    "print(json.dumps({s: dict(parser[s]) for s in parser.sections()}, sort_keys=True))\n"
)


def make_archive(rng: np.random.Generator) -> TaskInstance:
    folders = ["", "letters/", "letters/old/"]
    files = {f"{folders[integer(rng, 0, 2)]}{name}.txt": sentence(rng, 7) + "\n"
             for name in words(rng, integer(rng, 4, 8))}
    expected = frozenset(f"documents/{path} {digest(data)}" for path, data in files.items())
    command = f"python3 -c {shlex.quote(ARCHIVE_LISTING)} backup.tar.gz"
    return TaskInstance(
        goal="Create ~/backup.tar.gz, a gzip-compressed tar archive of the folder ~/documents whose member paths "
        "start with 'documents/' (as `tar -czf backup.tar.gz documents` run in ~ makes).",
        files=tuple(SetupFile(f"documents/{path}", data) for path, data in files.items()),
        evaluator=Evaluator(CommandOutput(command), LineSetOverlap(expected)),
        solution=("cd ~ && tar -czf backup.tar.gz documents",),
    )


def extract_archive(rng: np.random.Generator) -> TaskInstance:
    folders = ["", "images/", "notes/"]
    files = {f"{folders[integer(rng, 0, 2)]}{name}.txt": sentence(rng, 7) + "\n"
             for name in words(rng, integer(rng, 4, 8))}
    return TaskInstance(
        goal="Extract the archive ~/bundle.tar.gz into the folder ~/extracted so that its top-level entries sit "
        "directly inside ~/extracted.",
        files=tuple(SetupFile(f"/tmp/stage/{path}", data) for path, data in files.items()),
        setup=("tar -czf ~/bundle.tar.gz -C /tmp/stage . && rm -rf /tmp/stage",),
        evaluator=Evaluator(FileTree("~/extracted"), SetOverlap(tree_entries(files))),
        solution=("mkdir -p ~/extracted && tar -xzf ~/bundle.tar.gz -C ~/extracted",),
    )


def set_permissions(rng: np.random.Generator) -> TaskInstance:
    scripts = [f"{name}.sh" for name in words(rng, integer(rng, 2, 4))]
    others = [f"{name}.txt" for name in words(rng, 2) if f"{name}.sh" not in scripts]
    files = [SetupFile(f"scripts/{name}", f"#!/bin/sh\necho {name}\n", mode=0o644) for name in scripts]
    files += [SetupFile(f"scripts/{name}", sentence(rng, 4) + "\n", mode=0o644) for name in others]
    files.append(SetupFile("secret.txt", f"token-{integer(rng, 10**6, 10**7)}\n", mode=0o644))
    untouched = tuple(f"test \"$(stat -c %a ~/scripts/{name})\" = 644" for name in others)
    targets = tuple(f"test \"$(stat -c %a ~/scripts/{name})\" = 755" for name in scripts)
    targets += ("test \"$(stat -c %a ~/secret.txt)\" = 600",)
    return TaskInstance(
        goal="Make every .sh file in ~/scripts executable with mode 755, leave the other files there at 644, and "
        "make ~/secret.txt readable and writable by its owner only (mode 600).",
        files=tuple(files),
        evaluator=Evaluator(Checks(untouched + targets), GatedFraction(len(untouched))),
        solution=("chmod 755 ~/scripts/*.sh && chmod 600 ~/secret.txt",),
    )


def verify_checksums(rng: np.random.Generator) -> TaskInstance:
    names = [f"{name}.dat" for name in words(rng, integer(rng, 5, 9))]
    files = {name: sentence(rng, 6) + "\n" for name in names}
    corrupted = sorted(names[i] for i in rng.choice(len(names), size=integer(rng, 1, 3), replace=False))
    manifest = "".join(f"{hashlib.sha256(files[name].encode()).hexdigest()}  {name}\n" for name in names)
    on_disk = {name: (data.upper() if name in corrupted else data) for name, data in files.items()}
    return TaskInstance(
        goal="~/MANIFEST.sha256 lists SHA-256 checksums (sha256sum format) of the files in ~/files. Write the names "
        "of the files whose contents no longer match, one per line, sorted, to ~/corrupted.txt.",
        files=tuple(SetupFile(f"files/{name}", data) for name, data in on_disk.items())
        + (SetupFile("MANIFEST.sha256", manifest),),
        evaluator=Evaluator(FileText("corrupted.txt"), LineSetOverlap(frozenset(corrupted))),
        solution=("cd ~/files && sha256sum -c ../MANIFEST.sha256 2>/dev/null | grep -v ': OK$' "
                  "| sed 's/: FAILED$//' | sort > ~/corrupted.txt",),
    )


def edit_ini(rng: np.random.Generator) -> TaskInstance:
    parser = configparser.ConfigParser(interpolation=None)
    parser["server"] = {"host": "127.0.0.1", "port": str(integer(rng, 1024, 8999)), "workers": str(integer(rng, 1, 8))}
    parser["logging"] = {"level": "warning", "file": f"/var/log/{words(rng, 1)[0]}.log"}
    parser["cache"] = {key: str(integer(rng, 1, 99)) for key in words(rng, 2)}
    port = integer(rng, 9000, 9999)
    text = io.StringIO()
    parser.write(text)
    expected = {section: dict(parser[section]) for section in parser.sections()}
    expected["server"]["port"] = str(port)
    expected["logging"]["level"] = "debug"
    command = f"python3 -c {shlex.quote(INI_DUMP)} app.ini"
    return TaskInstance(
        goal=f"Edit ~/app.ini: in section [server] set port to {port}, in section [logging] set level to debug; "
        "keep all other settings.",
        files=(SetupFile("app.ini", text.getvalue()),),
        evaluator=Evaluator(CommandOutput(command),
                            IniMatch(json.dumps(expected), (("server", "port"), ("logging", "level")))),
        solution=(f"sed -i '/^\\[server\\]/,/^\\[/ s/^port = .*/port = {port}/; "
                  "/^\\[logging\\]/,/^\\[/ s/^level = .*/level = debug/' ~/app.ini",),
    )


class IniMatch:
    """Partial credit over the target settings of an INI dump; 0 when any other setting changed, appeared or went."""

    def __init__(self, expected_json: str, targets: tuple[tuple[str, str], ...]):
        self.expected = {(s, k): v for s, items in json.loads(expected_json).items() for k, v in items.items()}
        self.targets = targets

    def __call__(self, value: str) -> float:
        try:
            got = {(s, k): v for s, items in json.loads(value).items() for k, v in items.items()}
        except ValueError:
            return 0.0
        others = set(self.expected) - set(self.targets)
        if set(got) != set(self.expected) or any(got[key] != self.expected[key] for key in others):
            return 0.0
        return sum(got[key] == self.expected[key] for key in self.targets) / len(self.targets)


TASKS = (
    TaskSpec("make-archive", "tar.gz a folder", make_archive),
    TaskSpec("extract-archive", "extract a tar.gz into a folder", extract_archive),
    TaskSpec("set-permissions", "chmod scripts and a secret file", set_permissions),
    TaskSpec("verify-checksums", "list files that fail a SHA-256 manifest", verify_checksums),
    TaskSpec("edit-ini", "change two settings of an INI file", edit_ini),
)
