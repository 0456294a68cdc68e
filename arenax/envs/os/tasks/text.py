"""Text-processing tasks: CSV sums and filters, log counts, sed replacements, JSON edits, sorting, word counts."""

from __future__ import annotations

import json
from collections import Counter

import numpy as np

from arenax.envs.os.evaluators import (
    Evaluator,
    ExactText,
    FileText,
    FileTree,
    JsonFields,
    NumberClose,
    SetOverlap,
)
from arenax.envs.os.tasks.common import integer, sentence, words
from arenax.envs.os.tasks.files import tree_entries
from arenax.envs.os.types import SetupFile, TaskInstance, TaskSpec

LEVELS = ("DEBUG", "INFO", "WARNING", "ERROR")


def sum_csv_column(rng: np.random.Generator) -> TaskInstance:
    regions, products = words(rng, 4), words(rng, 5)
    rows = [(regions[integer(rng, 0, 3)], products[integer(rng, 0, 4)], integer(rng, 1, 500), integer(rng, 1, 99))
            for _ in range(integer(rng, 12, 30))]
    text = "region,product,units,price\n" + "".join(f"{r},{p},{u},{c}\n" for r, p, u, c in rows)
    return TaskInstance(
        goal="Write the sum of the 'units' column of ~/sales.csv (a CSV file with a header row) to ~/answer.txt "
        "as a plain integer.",
        files=(SetupFile("sales.csv", text),),
        evaluator=Evaluator(FileText("answer.txt"), NumberClose(sum(row[2] for row in rows))),
        solution=("awk -F, 'NR > 1 {s += $3} END {print s}' ~/sales.csv > ~/answer.txt",),
    )


def count_log_levels(rng: np.random.Generator) -> TaskInstance:
    levels = [LEVELS[i] for i in rng.choice(4, size=integer(rng, 20, 60), p=[0.3, 0.4, 0.2, 0.1])]
    lines = [f"2024-05-{integer(rng, 1, 28):02d} {integer(rng, 0, 23):02d}:{integer(rng, 0, 59):02d} {level} "
             f"{sentence(rng, 4)}\n" for level in levels]
    counts = dict(Counter(levels))
    return TaskInstance(
        goal="Each line of ~/app.log reads '<date> <time> <LEVEL> <message>'. Write to ~/counts.json a JSON object "
        "mapping each level that occurs to its number of lines, e.g. {\"INFO\": 3, \"ERROR\": 1}.",
        files=(SetupFile("app.log", "".join(lines)),),
        evaluator=Evaluator(FileText("counts.json"), JsonFields(counts)),
        solution=("python3 -c 'import collections, json; c = collections.Counter(l.split()[2] for l in "
                  "open(\"/home/agent/app.log\") if l.strip()); "
                  "json.dump(c, open(\"/home/agent/counts.json\", \"w\"))'",),
    )


def replace_hostname(rng: np.random.Generator) -> TaskInstance:
    old, new = (f"db-{name}.internal" for name in words(rng, 2))
    files = {}
    for name in words(rng, integer(rng, 3, 5)):
        lines = [f"{key} = {sentence(rng, 2)}" for key in words(rng, 3)]
        lines.insert(integer(rng, 0, 3), f"host = {old}")
        if rng.integers(0, 2):
            lines.append(f"replica = {old}:5433")
        files[f"{name}.conf"] = "\n".join(lines) + "\n"
    files["notes.txt"] = f"the old database was {old}\n"
    expected = {path: data.replace(old, new) if path.endswith(".conf") else data for path, data in files.items()}
    return TaskInstance(
        goal=f"The database moved: in every .conf file in ~/config replace each occurrence of '{old}' with '{new}'. "
        "Do not change other files.",
        files=tuple(SetupFile(f"config/{path}", data) for path, data in files.items()),
        evaluator=Evaluator(FileTree("~/config"), SetOverlap(tree_entries(expected), tree_entries(files))),
        solution=(f"sed -i 's/{old.replace('.', '[.]')}/{new}/g' ~/config/*.conf",),
    )


def edit_json(rng: np.random.Generator) -> TaskInstance:
    settings = {key: integer(rng, 1, 100) for key in words(rng, 3)}
    settings.update({"theme": "light", "max_items": integer(rng, 5, 50), "deprecated_mode": True})
    theme, max_items = ["dark", "solarized", "contrast"][integer(rng, 0, 2)], integer(rng, 51, 500)
    expected = {key: value for key, value in settings.items() if key != "deprecated_mode"}
    expected.update(theme=theme, max_items=max_items)
    return TaskInstance(
        goal=f"Edit ~/settings.json: set \"theme\" to \"{theme}\", set \"max_items\" to {max_items}, remove the key "
        "\"deprecated_mode\", and keep every other key as it is.",
        files=(SetupFile("settings.json", json.dumps(settings, indent=2) + "\n"),),
        evaluator=Evaluator(FileText("settings.json"), JsonFields(expected)),
        solution=("python3 - <<'EOF'\nimport json\npath = '/home/agent/settings.json'\nd = json.load(open(path))\n"
                  f"d.update(theme={theme!r}, max_items={max_items})\nd.pop('deprecated_mode', None)\n"
                  "json.dump(d, open(path, 'w'), indent=2)\nEOF",),
    )


def filter_csv_rows(rng: np.random.Generator) -> TaskInstance:
    statuses = ("paid", "shipped", "failed", "pending")
    rows = [f"{1000 + i},{words(rng, 1)[0]},{statuses[integer(rng, 0, 3)]},{integer(rng, 5, 900)}"
            for i in range(integer(rng, 12, 30))]
    rows.append(f"{1000 + len(rows)},{words(rng, 1)[0]},failed,{integer(rng, 5, 900)}")
    header = "order_id,customer,status,amount"
    failed = [header] + [row for row in rows if row.split(",")[2] == "failed"]
    return TaskInstance(
        goal="Write to ~/failed.csv the header row of ~/orders.csv followed by every row whose status column is "
        "'failed', in their original order.",
        files=(SetupFile("orders.csv", "\n".join([header, *rows]) + "\n"),),
        evaluator=Evaluator(FileText("failed.csv"), ExactText("\n".join(failed))),
        solution=("awk -F, 'NR == 1 || $3 == \"failed\"' ~/orders.csv > ~/failed.csv",),
    )


def sort_unique(rng: np.random.Generator) -> TaskInstance:
    names = [word.capitalize() for word in words(rng, integer(rng, 8, 15))]
    listed = [names[i] for i in rng.integers(0, len(names), size=integer(rng, 20, 40))]
    return TaskInstance(
        goal="~/names.txt lists names, one per line, with repeats. Write the distinct names to ~/unique.txt, "
        "one per line, sorted alphabetically.",
        files=(SetupFile("names.txt", "\n".join(listed) + "\n"),),
        evaluator=Evaluator(FileText("unique.txt"), ExactText("\n".join(sorted(set(listed))))),
        solution=("sort -u ~/names.txt > ~/unique.txt",),
    )


def tsv_to_csv(rng: np.random.Generator) -> TaskInstance:
    columns = words(rng, integer(rng, 3, 5))
    rows = ["\t".join(columns)] + ["\t".join(str(integer(rng, 0, 999)) for _ in columns)
                                   for _ in range(integer(rng, 5, 15))]
    text = "\n".join(rows) + "\n"
    return TaskInstance(
        goal="Convert the tab-separated file ~/data.tsv to a comma-separated file ~/data.csv with the same rows "
        "and columns.",
        files=(SetupFile("data.tsv", text),),
        evaluator=Evaluator(FileText("data.csv"), ExactText(text.replace("\t", ","))),
        solution=("tr '\\t' ',' < ~/data.tsv > ~/data.csv",),
    )


def count_python_lines(rng: np.random.Generator) -> TaskInstance:
    folders = ["", "pkg/", "pkg/sub/", "tests/"]
    files, total = {}, 0
    for name in words(rng, integer(rng, 5, 9)):
        lines = integer(rng, 3, 40)
        extension = ["py", "py", "txt", "cfg"][integer(rng, 0, 3)]
        files[f"{folders[integer(rng, 0, 3)]}{name}.{extension}"] = "".join(f"x_{i} = {i}\n" for i in range(lines))
        total += lines if extension == "py" else 0
    return TaskInstance(
        goal="Count the lines of all Python files (*.py) under ~/src, subfolders included, and write the total to "
        "~/answer.txt as a plain integer.",
        files=tuple(SetupFile(f"src/{path}", data) for path, data in files.items()),
        evaluator=Evaluator(FileText("answer.txt"), NumberClose(total)),
        solution=("find ~/src -type f -name '*.py' -exec cat {} + | wc -l > ~/answer.txt",),
    )


def most_frequent_word(rng: np.random.Generator) -> TaskInstance:
    vocabulary = words(rng, 12)
    counts = {word: integer(rng, 1, 8) for word in vocabulary}
    winner = vocabulary[0]
    counts[winner] = max(counts.values()) + integer(rng, 1, 3)
    tokens = [word for word, count in counts.items() for _ in range(count)]
    tokens = [tokens[i].capitalize() if rng.integers(0, 4) == 0 else tokens[i] for i in rng.permutation(len(tokens))]
    text = "".join(token + [" ", ", ", ". ", "\n"][integer(rng, 0, 3)] for token in tokens)
    return TaskInstance(
        goal="Find the most frequent word in ~/essay.txt, ignoring case and punctuation, and write it in lowercase "
        "to ~/answer.txt.",
        files=(SetupFile("essay.txt", text),),
        evaluator=Evaluator(FileText("answer.txt"), ExactText(winner)),
        solution=("tr -cs 'A-Za-z' '\\n' < ~/essay.txt | tr 'A-Z' 'a-z' | grep -v '^$' | sort | uniq -c | sort -rn "
                  "| head -n 1 | awk '{print $2}' > ~/answer.txt",),
    )


TASKS = (
    TaskSpec("sum-csv-column", "sum one column of a CSV file", sum_csv_column),
    TaskSpec("count-log-levels", "count log lines per level into JSON", count_log_levels),
    TaskSpec("replace-hostname", "sed-replace a hostname across config files", replace_hostname),
    TaskSpec("edit-json", "set, change and remove keys of a JSON settings file", edit_json),
    TaskSpec("filter-csv-rows", "keep the CSV rows with a given status", filter_csv_rows),
    TaskSpec("sort-unique", "sorted distinct lines of a file", sort_unique),
    TaskSpec("tsv-to-csv", "convert a TSV file to CSV", tsv_to_csv),
    TaskSpec("count-python-lines", "total lines of Python files in a tree", count_python_lines),
    TaskSpec("most-frequent-word", "most frequent word of a text, ignoring case", most_frequent_word),
)
