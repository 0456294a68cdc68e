"""POPGym-like memory tasks that a memoryless policy cannot solve, and CartPole-v1 and Pendulum-v1 as sanity tasks."""

from arenax.core import register
from arenax.envs.memory.autoencode import Autoencode
from arenax.envs.memory.cartpole import CartPole, NoisyPositionOnlyCartPole, PositionOnlyCartPole
from arenax.envs.memory.count_recall import CountRecall
from arenax.envs.memory.minesweeper import MineSweeper
from arenax.envs.memory.pendulum import Pendulum
from arenax.envs.memory.repeat_first import RepeatFirst
from arenax.envs.memory.repeat_previous import RepeatPrevious
from arenax.envs.memory.tmaze import TMaze

FAMILY = "memory"

register(
    "CartPole-v1",
    CartPole,
    family=FAMILY,
    description="Gymnasium's CartPole-v1 (fully observed), a sanity task for learners",
)

# (id suffix, constructor arguments, what the variant asks of memory); POPGym's difficulty settings
VARIANTS = {
    RepeatPrevious: [
        ("easy", {"num_decks": 1, "k": 4}, "name the suit of the card 3 steps back, 1 deck"),
        ("medium", {"num_decks": 2, "k": 32}, "name the suit of the card 31 steps back, 2 decks"),
        ("hard", {"num_decks": 3, "k": 64}, "name the suit of the card 63 steps back, 3 decks"),
    ],
    RepeatFirst: [
        ("easy", {"num_decks": 1}, "name the suit of the episode's first card at every step, 51 steps"),
        ("medium", {"num_decks": 8}, "name the suit of the episode's first card at every step, 415 steps"),
        ("hard", {"num_decks": 16}, "name the suit of the episode's first card at every step, 831 steps"),
    ],
    CountRecall: [
        ("easy", {"num_decks": 1, "deck_type": "colors"}, "count the dealt cards of the queried color, 1 deck"),
        ("medium", {"num_decks": 2, "deck_type": "suits"}, "count the dealt cards of the queried suit, 2 decks"),
        ("hard", {"num_decks": 4, "deck_type": "ranks"}, "count the dealt cards of the queried rank, 4 decks"),
    ],
    Autoencode: [
        ("easy", {"num_decks": 1}, "watch 52 cards, then recite their suits in reverse order"),
        ("medium", {"num_decks": 2}, "watch 104 cards, then recite their suits in reverse order"),
        ("hard", {"num_decks": 3}, "watch 156 cards, then recite their suits in reverse order"),
    ],
    PositionOnlyCartPole: [
        ("easy", {"max_steps": 200}, "CartPole seeing only cart position and pole angle, 200 steps"),
        ("medium", {"max_steps": 400}, "CartPole seeing only cart position and pole angle, 400 steps"),
        ("hard", {"max_steps": 600}, "CartPole seeing only cart position and pole angle, 600 steps"),
    ],
    NoisyPositionOnlyCartPole: [
        ("easy", {"noise": 0.1}, "position-only CartPole with Gaussian observation noise of std 0.1, 200 steps"),
        ("medium", {"noise": 0.2}, "position-only CartPole with Gaussian observation noise of std 0.2, 200 steps"),
        ("hard", {"noise": 0.3}, "position-only CartPole with Gaussian observation noise of std 0.3, 200 steps"),
    ],
    TMaze: [
        ("easy", {"corridor_length": 10}, "passive T-maze: recall the start cue after a 10-step corridor"),
        ("medium", {"corridor_length": 100}, "passive T-maze: recall the start cue after a 100-step corridor"),
        ("hard", {"corridor_length": 1000}, "passive T-maze: recall the start cue after a 1000-step corridor"),
        ("long", {"corridor_length": 10000}, "passive T-maze: recall the start cue after a 10000-step corridor"),
    ],
    MineSweeper: [
        ("easy", {"height": 4, "width": 4, "num_mines": 2}, "MineSweeper with a hidden 4x4 board and 2 mines"),
        ("medium", {"height": 6, "width": 6, "num_mines": 6}, "MineSweeper with a hidden 6x6 board and 6 mines"),
        ("hard", {"height": 8, "width": 8, "num_mines": 10}, "MineSweeper with a hidden 8x8 board and 10 mines"),
    ],
}

for task, variants in VARIANTS.items():
    for difficulty, kwargs, description in variants:
        register(f"{task.__name__}-{difficulty}-v0", task, family=FAMILY, description=description, kwargs=kwargs)

register(
    "Pendulum-v1",
    Pendulum,
    family=FAMILY,
    description="Gymnasium's Pendulum-v1 (continuous torque, fully observed), a continuous-action sanity task",
)

__all__ = [
    "Autoencode",
    "CartPole",
    "CountRecall",
    "MineSweeper",
    "NoisyPositionOnlyCartPole",
    "Pendulum",
    "PositionOnlyCartPole",
    "RepeatFirst",
    "RepeatPrevious",
    "TMaze",
]
