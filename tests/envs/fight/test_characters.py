"""Character tables: six distinct characters parsed from text tables, and clear errors for malformed tables."""

import numpy as np
import pytest

from arenax.envs.fight import characters
from arenax.envs.fight.characters import COLUMN, MOVE_DATA, NAMES, SPECIAL_NAMES, STAT, STAT_DATA
from arenax.envs.fight.characters import ryn
from arenax.envs.fight.characters.table import parse_moves, parse_stats
from arenax.envs.fight.types import FIRST_SPECIAL, NUM_MOVES


def test_six_characters_with_distinct_stats_and_specials():
    assert len(NAMES) == 6 and len(set(NAMES)) == 6
    assert MOVE_DATA.shape == (6, NUM_MOVES, len(characters.COLUMNS)) and MOVE_DATA.dtype == np.int32
    assert len({tuple(row) for row in STAT_DATA}) == 6, "every character has its own stats"
    assert len({names for names in SPECIAL_NAMES}) == 6
    specials = {MOVE_DATA[c, FIRST_SPECIAL:].tobytes() for c in range(6)}
    assert len(specials) == 6, "every character has its own special moves"


def test_archetypes_show_in_the_data():
    health = STAT_DATA[:, STAT["health"]]
    assert NAMES[int(np.argmax(health))] == "bruno" and NAMES[int(np.argmin(health))] == "mirage"
    projectiles = (MOVE_DATA[:, FIRST_SPECIAL:, COLUMN["projectile"]] > 0).sum(axis=1)
    assert NAMES[int(np.argmax(projectiles))] == "vela", "the zoner has the most projectiles"
    throw_damage = MOVE_DATA[:, :, COLUMN["damage"]] * (MOVE_DATA[:, :, COLUMN["guard"]] == 3)
    assert NAMES[int(np.argmax(throw_damage.max(axis=1)))] == "tusk", "the grappler has the strongest grab"
    walk = STAT_DATA[:, STAT["walk_forward"]]
    assert NAMES[int(np.argmax(walk))] == "blaze", "the rushdown walks fastest"


def test_every_attack_has_active_frames_and_idle_is_empty():
    assert (MOVE_DATA[:, 0] == 0).all()
    attacks = MOVE_DATA[..., COLUMN["width"]] > 0
    assert (MOVE_DATA[..., COLUMN["active"]][attacks] > 0).all()


def test_character_index_is_case_insensitive_and_rejects_unknown_names():
    assert characters.character_index("Tusk") == 2
    with pytest.raises(ValueError, match="unknown character 'ken'"):
        characters.character_index("ken")


def _table_text():
    import inspect

    source = inspect.getsource(ryn)
    return source[source.index('"""\nmove') + 4 : source.rindex('"""')]


def test_malformed_tables_are_rejected_with_the_problem_named():
    text = _table_text()
    data, specials = parse_moves("copy", text)
    np.testing.assert_array_equal(data, ryn.MOVES)
    assert specials == ryn.SPECIALS
    with pytest.raises(ValueError, match="header"):
        parse_moves("bad", text.replace("startup", "start", 1))
    without_throw = "\n".join(line for line in text.splitlines() if not line.startswith("throw "))
    with pytest.raises(ValueError, match="rows must be"):
        parse_moves("bad", without_throw)
    with pytest.raises(ValueError, match="values"):
        parse_moves("bad", text.replace("stand_lp             3      2", "stand_lp             3", 1))
    with pytest.raises(ValueError, match="only advance, teleport, box_y go negative"):
        parse_moves("bad", text.replace("stand_lp             3", "stand_lp            -3", 1))
    with pytest.raises(ValueError, match="stats must name exactly"):
        parse_stats("bad", {"health": 10})
