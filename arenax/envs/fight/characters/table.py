"""Parses one character's frame-data table (a text table, one row per move) into integer arrays."""

from __future__ import annotations

import numpy as np

from arenax.envs.fight.types import GUARD_NAMES, NORMAL_MOVES, NUM_MOVES, NUM_SPECIALS

COLUMNS = (
    "startup",  # frames before the hitbox appears
    "active",  # frames the hitbox is out
    "recovery",  # frames after it
    "damage",  # health points on hit
    "chip",  # health points on block
    "hitstun",  # frames the target cannot act after a hit
    "blockstun",  # frames after a block
    "reach",  # px from the attacker's centre to the hitbox's front edge (forward)
    "width",  # px the hitbox extends back from its front edge; 0: no hitbox
    "box_y",  # px of the hitbox's bottom above the attacker's feet
    "box_h",  # px of hitbox height
    "guard",  # mid (blocked standing or crouching), low (crouching), high (standing), throw (unblockable)
    "pushback",  # subpixels/frame the target slides away on hit or block
    "knockdown",  # 1: a hit knocks down
    "launch",  # subpixels/frame the target is thrown upward on hit
    "cost",  # meter spent to start the move
    "gain",  # meter the attacker gains on hit (half on block)
    "advance",  # subpixels/frame the attacker moves forward during startup and active frames
    "rise",  # subpixels/frame of upward velocity given at the first frame
    "invulnerable",  # frames from the start during which strikes and throws pass through
    "projectile",  # subpixels/frame of a projectile spawned at the first active frame; 0: none
    "teleport",  # px the attacker is moved forward at the first frame
)
COLUMN = {name: i for i, name in enumerate(COLUMNS)}

STATS = (
    "health",  # health points per round
    "walk_forward",  # subpixels/frame
    "walk_back",
    "jump_rise",  # subpixels/frame of upward velocity at take-off
    "jump_forward",  # subpixels/frame of horizontal velocity in a forward or back jump
    "half_width",  # px: half the width of the pushbox and hurtbox
    "height",  # px of the standing hurtbox
    "crouch_height",  # px of the crouching hurtbox
    "preferred_range",  # px the scripted AI tries to keep
)
STAT = {name: i for i, name in enumerate(STATS)}


def parse_moves(character: str, text: str) -> tuple[np.ndarray, tuple[str, ...]]:
    """The `[NUM_MOVES, len(COLUMNS)]` int32 frame data of `text` and the names of its 6 specials.

    `text` has a header line naming the columns, then one line per move: the 17 normal moves
    in `NORMAL_MOVES` order (idle excluded), then the character's 6 specials in slot order.
    """
    lines = [line.split() for line in text.strip().splitlines() if line.strip()]
    header, rows = lines[0], lines[1:]
    if tuple(header) != ("move",) + COLUMNS:
        raise ValueError(f"{character}: the table's header must be 'move {' '.join(COLUMNS)}', got {header}")
    names = tuple(row[0] for row in rows)
    if names[: len(NORMAL_MOVES) - 1] != NORMAL_MOVES[1:] or len(names) != NUM_MOVES - 1:
        raise ValueError(
            f"{character}: rows must be {NORMAL_MOVES[1:]} then {NUM_SPECIALS} specials, got {names}"
        )
    data = np.zeros((NUM_MOVES, len(COLUMNS)), np.int32)
    for index, row in enumerate(rows, start=1):
        if len(row) != len(COLUMNS) + 1:
            raise ValueError(f"{character}: move {row[0]!r} has {len(row) - 1} values, expected {len(COLUMNS)}")
        values = [GUARD_NAMES.index(v) if name == "guard" else int(v) for name, v in zip(COLUMNS, row[1:])]
        data[index] = values
    _check(character, names, data)
    return data, names[-NUM_SPECIALS:]


def parse_stats(character: str, stats: dict[str, int]) -> np.ndarray:
    if set(stats) != set(STATS):
        raise ValueError(f"{character}: stats must name exactly {STATS}, got {sorted(stats)}")
    return np.array([stats[name] for name in STATS], np.int32)


def _check(character: str, names: tuple[str, ...], data: np.ndarray) -> None:
    column = {name: data[1:, i] for name, i in COLUMN.items()}
    duration = column["startup"] + column["active"] + column["recovery"]
    if (duration <= 0).any() or (data[1:] < 0)[:, [COLUMN[c] for c in COLUMNS if c not in ("advance", "teleport", "box_y")]].any():
        raise ValueError(f"{character}: every move lasts at least a frame and only advance, teleport, box_y go negative")
    attacks = column["width"] > 0
    if (attacks & (column["active"] == 0)).any():
        bad = [n for n, a, act in zip(names, attacks, column["active"]) if a and act == 0]
        raise ValueError(f"{character}: moves with a hitbox need active frames: {bad}")
