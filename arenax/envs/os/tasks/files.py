"""File-management tasks: organise, rename, de-duplicate, clean up, find, link, scaffold."""

from __future__ import annotations

import hashlib

import numpy as np

from arenax.envs.os.evaluators import Checks, Evaluator, FileText, FileTree, LineSetOverlap, SetOverlap, fraction_passed
from arenax.envs.os.tasks.common import integer, sentence, words
from arenax.envs.os.types import SetupFile, TaskInstance, TaskSpec


def digest(data: str | bytes) -> str:
    return hashlib.sha256(data.encode() if isinstance(data, str) else data).hexdigest()


def tree_entries(files: dict[str, str]) -> frozenset[str]:
    return frozenset(f"{path} {digest(data)}" for path, data in files.items())


def organize_files(rng: np.random.Generator) -> TaskInstance:
    extensions = ["txt", "csv", "jpg", "pdf", "md", "log"]
    names = words(rng, integer(rng, 8, 14))
    files = {f"{name}.{extensions[integer(rng, 0, len(extensions) - 1)]}": sentence(rng, 6) + "\n" for name in names}
    expected = {f"{name.rsplit('.', 1)[1]}/{name}": data for name, data in files.items()}
    return TaskInstance(
        goal="Organise ~/inbox by file extension: move every file in ~/inbox into a subfolder of ~/inbox named "
        "after its extension (for example ~/inbox/txt/notes.txt). No file may stay directly in ~/inbox.",
        files=tuple(SetupFile(f"inbox/{name}", data) for name, data in files.items()),
        evaluator=Evaluator(FileTree("~/inbox"), SetOverlap(tree_entries(expected))),
        solution=('cd ~/inbox && for f in *.*; do mkdir -p "${f##*.}" && mv -- "$f" "${f##*.}/"; done',),
    )


def rename_by_pattern(rng: np.random.Generator) -> TaskInstance:
    numbers = sorted(rng.choice(10000, size=integer(rng, 5, 9), replace=False))
    files = {f"IMG_{n:04d}.jpeg": f"jpeg-bytes-{n}-{sentence(rng, 3)}\n" for n in numbers}
    expected = {f"photo-{n:04d}.jpg": files[f"IMG_{n:04d}.jpeg"] for n in numbers}
    return TaskInstance(
        goal="In ~/photos, rename every file named IMG_<number>.jpeg to photo-<number>.jpg "
        "(IMG_0042.jpeg becomes photo-0042.jpg). Keep the files' contents.",
        files=tuple(SetupFile(f"photos/{name}", data) for name, data in files.items()),
        evaluator=Evaluator(FileTree("~/photos"), SetOverlap(tree_entries(expected))),
        solution=('cd ~/photos && for f in IMG_*.jpeg; do n="${f#IMG_}"; mv -- "$f" "photo-${n%.jpeg}.jpg"; done',),
    )


def remove_duplicates(rng: np.random.Generator) -> TaskInstance:
    contents = [sentence(rng, 8) + "\n" for _ in range(integer(rng, 4, 7))]
    names = iter(sorted(words(rng, 24)))
    files: dict[str, str] = {}
    for content in contents:
        for _ in range(integer(rng, 1, 3)):
            files[f"{next(names)}.dat"] = content
    keep: dict[str, str] = {}
    for name in sorted(files):
        keep.setdefault(files[name], name)
    expected = {name: data for data, name in keep.items()}
    return TaskInstance(
        goal="~/downloads holds duplicate files (identical contents under different names). Delete the duplicates: "
        "for each distinct content keep only the file whose name sorts first alphabetically.",
        files=tuple(SetupFile(f"downloads/{name}", data) for name, data in files.items()),
        evaluator=Evaluator(FileTree("~/downloads"), SetOverlap(tree_entries(expected), tree_entries(files))),
        solution=("cd ~/downloads && sha256sum -- * | LC_ALL=C sort -k1,1 -k2,2 | awk 'seen[$1]++ {print $2}' "
                  "| xargs -r rm --",),
    )


def replace_spaces_in_names(rng: np.random.Generator) -> TaskInstance:
    files = {
        " ".join(words(rng, integer(rng, 2, 4))) + ".txt": sentence(rng, 5) + "\n" for _ in range(integer(rng, 4, 7))
    }
    files.update({f"{name}.txt": sentence(rng, 5) + "\n" for name in words(rng, 2) if f"{name}.txt" not in files})
    expected = {name.replace(" ", "_"): data for name, data in files.items()}
    return TaskInstance(
        goal="Replace every space in the names of the files in ~/docs with an underscore "
        "('annual report.txt' becomes 'annual_report.txt'). Leave names without spaces alone.",
        files=tuple(SetupFile(f"docs/{name}", data) for name, data in files.items()),
        evaluator=Evaluator(FileTree("~/docs"), SetOverlap(tree_entries(expected), tree_entries(files))),
        solution=('cd ~/docs && for f in *\\ *; do mv -- "$f" "${f// /_}"; done',),
    )


def clean_temp_files(rng: np.random.Generator) -> TaskInstance:
    folders = ["", "build/", "build/objects/", "logs/"]
    files = {}
    for name in words(rng, integer(rng, 8, 14)):
        folder = folders[integer(rng, 0, len(folders) - 1)]
        extension = ["tmp", "tmp", "txt", "log", "dat"][integer(rng, 0, 4)]
        files[f"{folder}{name}.{extension}"] = sentence(rng, 4) + "\n"
    expected = {path: data for path, data in files.items() if not path.endswith(".tmp")}
    return TaskInstance(
        goal="Delete every file ending in .tmp anywhere under ~/cache (subfolders included); keep all other files.",
        files=tuple(SetupFile(f"cache/{path}", data) for path, data in files.items()),
        evaluator=Evaluator(FileTree("~/cache"), SetOverlap(tree_entries(expected), tree_entries(files))),
        solution=("find ~/cache -type f -name '*.tmp' -delete",),
    )


def find_large_files(rng: np.random.Generator) -> TaskInstance:
    threshold_kib = integer(rng, 4, 12)
    folders = ["", "raw/", "raw/2024/", "archive/"]
    files, large = {}, []
    for name in words(rng, integer(rng, 8, 12)):
        path = f"{folders[integer(rng, 0, len(folders) - 1)]}{name}.bin"
        big = bool(rng.integers(0, 2))
        size = threshold_kib * 1024 + integer(rng, 100, 4000) * (1 if big else -1)
        files[path] = bytes(rng.integers(97, 123, size=size, dtype=np.uint8))
        if big:
            large.append(path)
    return TaskInstance(
        goal=f"Write to ~/large.txt the paths, relative to ~/data, of all files under ~/data larger than "
        f"{threshold_kib} KiB ({threshold_kib * 1024} bytes), one per line, sorted.",
        files=tuple(SetupFile(f"data/{path}", data) for path, data in files.items()),
        evaluator=Evaluator(FileText("large.txt"), LineSetOverlap(frozenset(large))),
        solution=(f"cd ~/data && find . -type f -size +{threshold_kib * 1024}c -printf '%P\\n' | sort > ~/large.txt",),
    )


def link_latest_release(rng: np.random.Generator) -> TaskInstance:
    versions = {(1, integer(rng, 0, 12), integer(rng, 0, 12)) for _ in range(8)} | {(1, 9, 0), (1, 10, 0)}
    names = [f"v{a}.{b}.{c}" for a, b, c in sorted(versions)]
    latest = names[-1]
    return TaskInstance(
        goal="~/releases holds one folder per version (v<major>.<minor>.<patch>). Create a symbolic link "
        "~/releases/latest that points to the folder of the highest version (compare versions numerically).",
        files=tuple(SetupFile(f"releases/{name}/VERSION", name + "\n") for name in names),
        evaluator=Evaluator(
            Checks((f'test "$(readlink ~/releases/latest)" = {latest} -o "$(readlink ~/releases/latest)" = '
                    f'"$HOME/releases/{latest}"', f"test -L ~/releases/latest && grep -qx {latest} "
                    "~/releases/latest/VERSION")),
            fraction_passed,
        ),
        solution=('cd ~/releases && ln -sfn "$(ls -d v* | sort -V | tail -1)" latest',),
    )


def scaffold_project(rng: np.random.Generator) -> TaskInstance:
    name = "-".join(words(rng, 2))
    folders = ("src", "tests", "docs")
    return TaskInstance(
        goal=f"Create a project skeleton ~/{name} with the subfolders src, tests and docs, and a file "
        f"~/{name}/README.md whose first line is exactly '# {name}'.",
        evaluator=Evaluator(
            Checks(tuple(f"test -d ~/{name}/{folder}" for folder in folders)
                   + (f"test \"$(head -n 1 ~/{name}/README.md)\" = '# {name}'",)),
            fraction_passed,
        ),
        solution=(f"mkdir -p ~/{name}/src ~/{name}/tests ~/{name}/docs && echo '# {name}' > ~/{name}/README.md",),
    )


TASKS = (
    TaskSpec("organize-files", "move the files of a folder into subfolders named by extension", organize_files),
    TaskSpec("rename-by-pattern", "rename IMG_<n>.jpeg files to photo-<n>.jpg", rename_by_pattern),
    TaskSpec("remove-duplicates", "delete duplicate files, keeping the first name of each content", remove_duplicates),
    TaskSpec("replace-spaces", "replace spaces in file names with underscores", replace_spaces_in_names),
    TaskSpec("clean-temp-files", "delete *.tmp files recursively and keep the rest", clean_temp_files),
    TaskSpec("find-large-files", "list the files above a size threshold", find_large_files),
    TaskSpec("link-latest-release", "symlink the highest semantic version folder", link_latest_release),
    TaskSpec("scaffold-project", "create a project folder skeleton with a README", scaffold_project),
)
