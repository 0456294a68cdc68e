"""Multi-objective Connect Four: two players drop tokens in turn; win, win fast, and (optionally) hold columns."""

from __future__ import annotations

import jax
import jax.numpy as jnp
import numpy as np
from flax import struct
from gymnasium import spaces

from arenax.core import Environment, EnvState, TimeStep
from arenax.envs.momarl.render import BLUE, WHITE, YELLOW, canvas, disc

EMPTY = 0


@struct.dataclass
class Connect4Params:
    illegal_move_penalty: float = 1.0
    """A mover who plays a full column (or passes) loses the game, scored as a loss of this size."""


@struct.dataclass
class Connect4State(EnvState):
    board: jax.Array
    """`[height, width]`: 0 empty, 1 player_0's token, 2 player_1's."""
    mover: jax.Array


def four_in_a_row(tokens: jax.Array) -> jax.Array:
    """Whether a boolean `[height, width]` board has four in a row, across, down or diagonally."""
    h, w = tokens.shape
    across = tokens[:, : w - 3] & tokens[:, 1 : w - 2] & tokens[:, 2 : w - 1] & tokens[:, 3:]
    down = tokens[: h - 3] & tokens[1 : h - 2] & tokens[2 : h - 1] & tokens[3:]
    falling = tokens[: h - 3, : w - 3] & tokens[1 : h - 2, 1 : w - 2] & tokens[2 : h - 1, 2 : w - 1] & tokens[3:, 3:]
    rising = tokens[3:, : w - 3] & tokens[2 : h - 1, 1 : w - 2] & tokens[1 : h - 2, 2 : w - 1] & tokens[: h - 3, 3:]
    return jnp.any(across) | jnp.any(down) | jnp.any(falling) | jnp.any(rising)


class MOConnect4(Environment[Connect4State, Connect4Params]):
    """Connect Four with a second objective for winning early; both players act every step, one of them passes.

    A JAX version of MOMAland's `moconnect4_v0` (7 wide, 6 high) as a
    parallel game: `player_0` moves on even steps, `player_1` on odd ones.
    The player to move chooses a column (`Discrete(width + 1)`, masked in
    `info["action_mask"]` to the columns with room); the other player's
    action is ignored and its mask allows only the last action, "pass".
    A mover who picks a full column or passes loses.

    Objectives (`reward[2, n_objectives]`, maximised, zero-sum between players):
    0. +1 for the winner, -1 for the loser, 0 on a draw;
    1. `±(1 - moves / board_size)` for winner and loser: a fast win scores more;
    2.. (with `column_objectives`) per column, +1 to the player with more
       tokens in it when the game ends, -1 to the other.
    Known front: for one player against a fixed opponent, wins trade against
    speed only through the opponent's play; the ideal point is `(1, 1 - 7 / 42)`
    (a win in the fewest moves, 4 of one's own).

    Observation (`Box(0, 1, (height, width, 2))`, per player): own tokens,
    opponent's tokens. Terminated on a win, an illegal move or a full board.
    `info["world_state"]` is the board (0 empty, 1 and 2 the players' tokens), flattened.
    """

    def __init__(self, width: int = 7, height: int = 6, column_objectives: bool = False):
        if not (4 <= width <= 20 and 4 <= height <= 20):
            raise ValueError(f"board width and height must lie in [4, 20], got {width} x {height}")
        self.width, self.height = int(width), int(height)
        self.column_objectives = bool(column_objectives)
        self.agents = ("player_0", "player_1")
        self.num_objectives = 2 + (self.width if column_objectives else 0)
        self.single_agent_observation_space = spaces.Box(0.0, 1.0, (self.height, self.width, 2), np.float32)
        self.single_agent_action_space = spaces.Discrete(self.width + 1)
        self.reward_space = spaces.Box(-1.0, 1.0, (self.num_objectives,), np.float32)
        self.pass_action = self.width

    @property
    def default_params(self) -> Connect4Params:
        return Connect4Params()

    def check_params(self, params: Connect4Params) -> None:
        if float(params.illegal_move_penalty) < 0:
            raise ValueError(f"illegal_move_penalty must be non-negative, got {params.illegal_move_penalty}")

    def _observe(self, state: Connect4State) -> tuple[jax.Array, dict]:
        player_0 = (state.board == 1).astype(jnp.float32)
        player_1 = (state.board == 2).astype(jnp.float32)
        obs = jnp.stack([jnp.stack([player_0, player_1], -1), jnp.stack([player_1, player_0], -1)])
        room = jnp.append(state.board[0] == EMPTY, False)
        pass_only = jnp.zeros(self.width + 1, bool).at[self.pass_action].set(True)
        is_mover = jnp.arange(2) == state.mover
        mask = jnp.where(is_mover[:, None], room[None, :], pass_only[None, :])
        return obs, {"action_mask": mask, "world_state": state.board.reshape(-1).astype(jnp.float32)}

    def reset_env(self, key, params):
        board = jnp.zeros((self.height, self.width), jnp.int32)
        state = Connect4State(key=key, params=params, time=jnp.int32(0), board=board, mover=jnp.int32(0))
        obs, info = self._observe(state)
        return state, TimeStep(obs, self.zero_reward(), jnp.bool_(False), jnp.bool_(False), info)

    def step_env(self, key, state, action, params):
        column = action.astype(jnp.int32)[state.mover]
        safe_column = jnp.clip(column, 0, self.width - 1)
        legal = (column < self.width) & (state.board[0, safe_column] == EMPTY)
        filled = jnp.sum(state.board[:, safe_column] != EMPTY)
        row = self.height - 1 - filled
        piece = state.mover + 1
        board = jnp.where(legal, state.board.at[jnp.maximum(row, 0), safe_column].set(piece), state.board)
        moves = jnp.sum(board != EMPTY)
        won = legal & four_in_a_row(board == piece)
        full = ~jnp.any(board == EMPTY)
        terminated = won | ~legal | full

        # +1 to the winner; an illegal move hands the win to the other player
        mover_sign = jnp.where(won, 1.0, jnp.where(legal, 0.0, -params.illegal_move_penalty))
        sides = jnp.where(jnp.arange(2) == state.mover, 1.0, -1.0) * mover_sign
        speed = 1.0 - moves / (self.height * self.width)
        objectives = [sides, sides * speed]
        if self.column_objectives:
            own = jnp.sum(board == 1, axis=0)
            other = jnp.sum(board == 2, axis=0)
            lead = jnp.sign(own - other).astype(jnp.float32)
            columns = jnp.stack([lead, -lead]) * terminated
            reward = jnp.concatenate([jnp.stack(objectives, axis=1), columns], axis=1)
        else:
            reward = jnp.stack(objectives, axis=1)
        state = state.replace(time=state.time + 1, board=board, mover=1 - state.mover)
        obs, info = self._observe(state)
        return state, TimeStep(obs, reward.astype(jnp.float32), terminated, jnp.bool_(False), info)

    def scripted_policies(self):
        policies = super().scripted_policies()

        def win_or_block(key, state, ts):
            """Play a winning column if there is one, else block the opponent's, else a random legal column."""
            piece = state.mover + 1
            filled = jnp.sum(state.board != EMPTY, axis=0)
            rows = jnp.maximum(self.height - 1 - filled, 0)
            room = state.board[0] == EMPTY

            def completes(column, who):
                board = state.board.at[rows[column], column].set(who)
                return room[column] & four_in_a_row(board == who)

            columns = jnp.arange(self.width)
            wins = jax.vmap(completes, in_axes=(0, None))(columns, piece)
            blocks = jax.vmap(completes, in_axes=(0, None))(columns, 3 - piece)
            noise = jax.random.uniform(key, (self.width,))
            score = jnp.where(room, noise + 2.0 * blocks + 4.0 * wins, -jnp.inf)
            choice = jnp.argmax(score).astype(jnp.int32)
            return jnp.where(jnp.arange(2) == state.mover, choice, self.pass_action).astype(jnp.int32)

        policies["win_or_block"] = win_or_block
        return policies

    def render(self, state: Connect4State) -> np.ndarray:
        cell = 30
        image = canvas(self.height * cell, self.width * cell, BLUE)
        colors = {0: WHITE, 1: (220, 50, 50), 2: YELLOW}
        for row, values in enumerate(np.asarray(state.board)):
            for col, value in enumerate(values):
                disc(image, row * cell + cell / 2, col * cell + cell / 2, cell / 2 - 3, colors[int(value)])
        return image
