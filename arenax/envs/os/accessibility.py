"""The AT-SPI accessibility tree as text, one visible node a line; runs inside the sandbox under the system python.

Each line is `<indent>[role] 'name' (x, y, w, h)` in screen pixels, followed by the node's text for text
widgets and its notable states (focused, checked, selected). Nodes that are not showing are left out,
like OSWorld's Linux accessibility observation. The host passes this file's source to the sandbox's
executor (which keeps it loaded) or to `python3 -c` (evaluators).
"""

import sys

import pyatspi

NOTABLE = (("focused", pyatspi.STATE_FOCUSED), ("checked", pyatspi.STATE_CHECKED), ("selected", pyatspi.STATE_SELECTED))


def describe(node, depth):
    states = node.getState()
    if depth > 1 and not states.contains(pyatspi.STATE_SHOWING):
        return None
    line = f"{'  ' * depth}[{node.getRoleName()}] {node.name or ''!r}"
    try:
        box = node.queryComponent().getExtents(pyatspi.DESKTOP_COORDS)
        line += f" ({box.x}, {box.y}, {box.width}, {box.height})"
    except NotImplementedError:
        pass
    try:
        text = node.queryText()
        content = text.getText(0, min(text.characterCount, 500))
        if content:
            line += f" text={content!r}"
    except NotImplementedError:
        pass
    flags = [label for label, state in NOTABLE if states.contains(state)]
    return line + (f" {{{', '.join(flags)}}}" if flags else "")


def walk(node, depth, lines, max_nodes):
    """Appends the lines of `node` and its showing descendants; widgets that vanish while read are skipped."""
    if node is None or len(lines) >= max_nodes:
        return
    try:
        line = describe(node, depth)
        children = [node.getChildAtIndex(index) for index in range(node.childCount)] if line else []
    except Exception:
        return
    if line is None:
        return
    lines.append(line)
    for child in children:
        walk(child, depth + 1, lines, max_nodes)


def tree_text(max_nodes=400):
    lines = []
    walk(pyatspi.Registry.getDesktop(0), 0, lines, max_nodes)
    return "\n".join(lines)


def main():
    print(tree_text(int(sys.argv[1]) if len(sys.argv) > 1 else 400))


if __name__ == "__main__":
    main()
