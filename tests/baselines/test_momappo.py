"""MOMAPPO: the weight-conditioned wrapper, a short training run, and its evaluation into a front with correct metrics."""

import itertools
import json

import jax
import jax.numpy as jnp
import numpy as np
import pytest

import arenax
from arenax.baselines import momappo, ppo
from arenax.wrappers import AutoReset


def brute_force_hypervolume(points, ref):
    """The union of the boxes [ref, p] measured cell by cell on the grid of every coordinate."""
    points = np.asarray(points, float)
    axes = [np.unique(np.concatenate([[r], points[:, d]])) for d, r in enumerate(ref)]
    volume = 0.0
    for cell in itertools.product(*(range(len(a) - 1) for a in axes)):
        upper = np.array([axes[d][i + 1] for d, i in enumerate(cell)])
        lower = np.array([axes[d][i] for d, i in enumerate(cell)])
        if np.any(np.all(points >= upper, axis=1)):
            volume += float(np.prod(upper - lower))
    return volume


@pytest.fixture(scope="module")
def item_gathering():
    env = arenax.make("MO-ItemGathering-v0")
    return env, momappo.WeightConditioned(env)


def test_reward_is_the_weighted_sum_and_observations_carry_the_weights(item_gathering):
    env, wrapped = item_gathering
    key = jax.random.PRNGKey(3)
    weights = jnp.array([0.2, 0.5, 0.3])
    state, ts = jax.jit(wrapped.reset_with_weights)(key, weights)
    inner_state, inner_ts = env.reset(key)
    step = jax.jit(wrapped.step)
    act = env.scripted_policies()["nearest_item"]
    gathered = 0.0
    for t in range(10):
        action = act(jax.random.fold_in(key, t), inner_state, inner_ts)
        state, ts = step(state, action)
        inner_state, inner_ts = env.step(inner_state, action)
        np.testing.assert_allclose(ts.reward, np.asarray(inner_ts.reward) @ np.asarray(weights), rtol=1e-6)
        np.testing.assert_array_equal(ts.obs[:, -3:], np.broadcast_to(weights, (2, 3)))
        np.testing.assert_array_equal(ts.obs[:, :-3], np.asarray(inner_ts.obs).reshape(2, -1))
        np.testing.assert_array_equal(ts.info["world_state"][-3:], weights)
        gathered += float(np.sum(inner_ts.reward))
    assert gathered > 0, "walking to the nearest items picks some up within 10 steps"
    assert wrapped.observation_space.contains(np.asarray(ts.obs)) and wrapped.reward_space is None


def test_each_episode_draws_its_weights(item_gathering):
    env, wrapped = item_gathering
    simplex = jax.vmap(lambda k: wrapped.reset(k)[0].weights)(jax.random.split(jax.random.PRNGKey(0), 200))
    np.testing.assert_allclose(simplex.sum(axis=1), 1.0, rtol=1e-5)
    assert float(simplex.min()) >= 0 and float(simplex.std(axis=0).min()) > 0.1
    grid = momappo.training_weights("grid", 3, 2)
    gridded = momappo.WeightConditioned(env, grid)
    drawn = np.asarray(jax.vmap(lambda k: gridded.reset(k)[0].weights)(jax.random.split(jax.random.PRNGKey(1), 200)))
    rows = {tuple(row) for row in np.round(drawn, 6)}
    assert rows == {tuple(row) for row in np.round(grid.astype(np.float32), 6)}, "all 6 grid points, nothing else"
    # auto-reset starts the next episode with new weights (10 steps to an item-gathering episode's end)
    auto = AutoReset(wrapped)
    state, ts = auto.reset(jax.random.PRNGKey(2))
    first = state.weights
    for _ in range(10):
        state, ts = auto.step(state, jnp.zeros(2, jnp.int32))
    assert bool(ts.truncated) and not np.allclose(state.weights, first)


def test_bad_configurations_are_rejected(item_gathering):
    env, _ = item_gathering
    with pytest.raises(ValueError, match="vector rewards"):
        momappo.WeightConditioned(arenax.make("SMAX-3m-v0"))
    with pytest.raises(ValueError, match="shape"):
        momappo.WeightConditioned(env, [[0.5, 0.5]])
    with pytest.raises(ValueError, match="sum to 1"):
        momappo.WeightConditioned(env, [[0.5, 0.5, 0.5]])
    with pytest.raises(ValueError, match="weights must be one of"):
        momappo.training_weights("corners", 3, 2)
    with pytest.raises(ValueError, match="ref-point"):
        momappo.reference_point("MO-Surround-v0", None, 2)


@pytest.fixture(scope="module")
def trained(tmp_path_factory):
    out = tmp_path_factory.mktemp("momappo")
    argv = [
        "--env", "MO-ItemGathering-v0", "--algorithm", "mappo", "--weights", "grid", "--divisions", "2",
        "--seeds", "2", "--total-timesteps", "15000", "--num-envs", "16", "--rollout-length", "32",
        "--learning-rate", "1e-3", "--episodes", "8", "--out", str(out),
    ]
    return out, momappo.main(argv)


def test_training_raises_the_scalarised_return(trained):
    out, _ = trained
    for seed in (0, 1):
        records = [json.loads(line) for line in (out / "ppo" / str(seed) / "metrics.jsonl").read_text().splitlines()]
        assert records[-1]["episode_return"] > 2 * records[0]["episode_return"], [r["episode_return"] for r in records]


def test_results_hold_the_front_and_its_metrics(trained):
    out, results = trained
    assert json.loads((out / "results.json").read_text()) == json.loads(json.dumps(results))
    weights = np.asarray(results["weights"])
    assert weights.shape == (6, 3) and results["ref_point"] == [0.0, 0.0, 0.0]
    for seed in results["seeds"]:
        points, front = np.asarray(seed["points"]), np.asarray(seed["front"])
        assert points.shape == (6, 3) and np.all(points >= 0) and np.all(points <= [3, 3, 2])
        for p in front:
            assert any(np.array_equal(p, q) for q in points)
            assert not np.any(np.all(points >= p, axis=1) & np.any(points > p, axis=1)), "front points are non-dominated"
        for q in points:
            assert np.any(np.all(front >= q, axis=1)), "every evaluated point is weakly dominated by the front"
        assert seed["hypervolume"] == pytest.approx(brute_force_hypervolume(front, [0, 0, 0]), rel=1e-9)
        assert seed["hypervolume"] > 0
        assert seed["eum"] == pytest.approx(np.mean(np.max(weights @ points.T, axis=1)), rel=1e-9)
    union = np.concatenate([np.asarray(s["points"]) for s in results["seeds"]])
    assert results["union"]["hypervolume"] == pytest.approx(brute_force_hypervolume(union, [0, 0, 0]), rel=1e-9)


def test_evaluation_is_reproducible_and_scripted_points_are_bounded(item_gathering):
    env, wrapped = item_gathering
    config = ppo.PPOConfig(env_id="MO-ItemGathering-v0", algorithm="ippo", num_envs=2, num_minibatches=1)
    policy = ppo.make_policy(config, 5)
    size = wrapped.single_agent_observation_space.shape[0]
    params = policy.init(jax.random.PRNGKey(0), (), jnp.zeros((1, 2, size)), jnp.ones((1, 2), bool))
    params = jax.tree_util.tree_map(lambda leaf: leaf[None], params)
    weights = np.array([[1.0, 0.0, 0.0], [0.5, 0.5, 0.0], [0.0, 0.0, 1.0]])
    points = momappo.evaluate_weights(wrapped, config, params, weights, episodes=4, seed=5)
    again = momappo.evaluate_weights(wrapped, config, params, weights, episodes=4, seed=5)
    assert points.shape == (1, 3, 3) and np.array_equal(points, again)
    assert np.all(points >= 0) and np.all(points <= env.item_counts)
    scripted = momappo.scripted_points(env, episodes=4)
    assert set(scripted) >= {"random", "nearest_item"} and len(scripted["random"]) == 3
    assert sum(scripted["nearest_item"]) > sum(scripted["random"]), "walking to items gathers more than walking at random"


def test_command_line_routes_train_momappo_and_reports_bad_input(tmp_path, capsys):
    from arenax.cli import main

    assert main(["train", "momappo", "--env", "CartPole-v1", "--out", str(tmp_path)]) == 2
    assert "arenax train momappo: no default hypervolume reference point for CartPole-v1" in capsys.readouterr().err


@pytest.fixture(scope="module")
def walker_run(tmp_path_factory):
    """A short MOMAPPO run on a continuous task: 3 walkers with Box(-1, 1, (2,)) actions (push, lift)."""
    out = tmp_path_factory.mktemp("momappo_walker")
    argv = [
        "--env", "MO-WalkerLite-v0", "--divisions", "2", "--total-timesteps", "8192", "--num-envs", "8",
        "--rollout-length", "32", "--learning-rate", "1e-3", "--features", "32", "--episodes", "2",
        "--ref-point", "-40", "-200", "--out", str(out),
    ]
    return out, momappo.main(argv)


def test_continuous_actions_train_through_a_gaussian_head(walker_run):
    out, _ = walker_run
    records = [json.loads(line) for line in (out / "ppo" / "0" / "metrics.jsonl").read_text().splitlines()]
    returns = [record["episode_return"] for record in records]
    # the first policies drop the beam within a few steps (-10 per walker); training keeps it up longer
    assert returns[-1] > returns[0] + 3, returns


def test_continuous_front_is_well_formed(walker_run):
    _, results = walker_run
    weights = np.asarray(results["weights"])
    assert weights.shape == (3, 2) and results["ref_point"] == [-40.0, -200.0]
    points, front = np.asarray(results["seeds"][0]["points"]), np.asarray(results["seeds"][0]["front"])
    assert points.shape == (3, 2) and np.all(np.isfinite(points))
    for p in front:
        assert any(np.array_equal(p, q) for q in points)
        assert not np.any(np.all(points >= p, axis=1) & np.any(points > p, axis=1)), "front points are non-dominated"
    dominating = front[np.all(front > [-40.0, -200.0], axis=1)]
    assert results["seeds"][0]["hypervolume"] == pytest.approx(brute_force_hypervolume(dominating, [-40, -200]), rel=1e-9)


def test_continuous_evaluation_clips_actions_to_the_bounds():
    env = arenax.make("MO-WalkerLite-v0", num_walkers=2)
    wrapped = momappo.WeightConditioned(env)
    config = ppo.PPOConfig(env_id="MO-WalkerLite-v0", algorithm="ippo", num_envs=2, num_minibatches=1, features=8)
    policy = ppo.make_policy(config, 2, continuous=True)
    size = wrapped.single_agent_observation_space.shape[0]
    params = policy.init(jax.random.PRNGKey(0), (), jnp.zeros((1, 2, size)), jnp.ones((1, 2), bool))
    assert params["params"]["log_std"].shape == (2,)

    def constant_mean(push, lift):
        """Parameters whose Gaussian has mean (push, lift) whatever the observation."""
        tree = jax.tree_util.tree_map(lambda leaf: leaf, params)
        tree["params"]["actor_out"]["kernel"] = jnp.zeros_like(tree["params"]["actor_out"]["kernel"])
        tree["params"]["actor_out"]["bias"] = jnp.array([push, lift], jnp.float32)
        return jax.tree_util.tree_map(lambda leaf: leaf[None], tree)

    weights = np.array([[1.0, 0.0], [0.0, 1.0]])

    def evaluate(push, lift):
        return momappo.evaluate_weights(wrapped, config, constant_mean(push, lift), weights, episodes=2, greedy=True)

    beyond, far_beyond, inside = evaluate(3.0, -0.5), evaluate(30.0, -0.5), evaluate(0.5, -0.5)
    assert beyond.shape == (1, 2, 2) and np.all(np.isfinite(beyond))
    np.testing.assert_array_equal(beyond, far_beyond)  # both pushes clip to 1
    assert not np.array_equal(beyond, inside)
