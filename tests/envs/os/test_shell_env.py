"""The shell tier behind Gymnasium: spaces, episodes, evaluators, the oracle and random agents, vectorisation."""

import shutil

import gymnasium as gym
import numpy as np
import pytest
from gymnasium.utils.env_checker import check_env

import arenax
from arenax.envs.os import SHELL_TASKS, OraclePolicy, RandomPolicy, ShellTaskEnv, rollout

pytestmark = pytest.mark.skipif(
    shutil.which("bwrap") is None, reason="bubblewrap is not installed (apt-get install bubblewrap)"
)

ORACLE_SEEDS = (11, 12)


@pytest.fixture(scope="module")
def organize():
    env = gym.make("arenax/os-organize-files-v0")
    yield env
    env.close()


def test_every_task_is_registered_as_a_python_env():
    ids = arenax.list_envs("os")
    assert len(ids) >= 25
    assert {f"os-{name}-v0" for name in SHELL_TASKS} <= set(ids)
    assert all(arenax.spec(env_id).kind == "python" for env_id in ids)
    assert sum(not SHELL_TASKS[name].generate(np.random.default_rng(0)).feasible for name in SHELL_TASKS) >= 3


@pytest.mark.parametrize("action_mode", ["text", "structured"])
def test_gymnasium_env_checker(action_mode):
    env = ShellTaskEnv("sort-unique", action_mode=action_mode, max_steps=3)
    check_env(env, skip_render_check=True)
    env.close()


@pytest.mark.parametrize("name", sorted(SHELL_TASKS))
def test_oracle_solves_every_task(name):
    env = gym.make(f"arenax/os-{name}-v0")
    policy = OraclePolicy(env)
    scores = [rollout(env, policy, seed)["score"] for seed in ORACLE_SEEDS]
    env.close()
    assert scores == [1.0] * len(ORACLE_SEEDS)


def test_random_agent_is_far_below_the_oracle():
    names = ["organize-files", "sum-csv-column", "git-commit-changes", "edit-json", "infeasible-download"]
    scores = []
    for name in names:
        env = gym.make(f"arenax/os-{name}-v0", max_steps=6)
        policy = RandomPolicy(env, seed=3)
        scores += [rollout(env, policy, seed)["score"] for seed in range(2)]
        env.close()
    assert np.mean(scores) < 0.5


def test_observation_and_episode_flow(organize):
    observation, info = organize.reset(seed=5)
    assert organize.observation_space.contains(observation)
    assert "~/inbox" in observation["goal"] and "DONE" in observation["goal"]
    assert observation["cwd"] == "/home/agent" and "inbox/" in observation["listing"]
    observation, reward, terminated, truncated, info = organize.step("cd inbox && ls | wc -l && ls nothing")
    assert observation["cwd"] == "/home/agent/inbox"
    assert int(observation["stdout"]) >= 8 and "nothing" in observation["stderr"] and observation["exit_code"] == 2
    assert (reward, terminated, truncated) == (0.0, False, False)
    observation, reward, terminated, truncated, info = organize.step("DONE")
    assert terminated and not truncated and reward == 0.0 and info["score"] == 0.0


def test_partial_credit_and_a_fresh_sandbox_at_reset(organize):
    organize.reset(seed=6)
    organize.step("cd ~/inbox && for f in *.txt *.csv; do "
                  "[ -e \"$f\" ] && mkdir -p \"${f##*.}\" && mv \"$f\" \"${f##*.}/\"; done; touch ~/left-behind")
    _, reward, terminated, _, info = organize.step("DONE")
    assert terminated and 0.0 < reward < 1.0
    observation, _ = organize.reset(seed=6)
    assert "left-behind" not in observation["listing"]
    assert "No such file" in organize.step("cat ~/left-behind")[0]["stderr"]


def test_same_seed_same_instance_and_different_seeds_differ():
    env = ShellTaskEnv("sum-csv-column")
    first = env.reset(seed=1)[0]["goal"], env.step("cat sales.csv")[0]["stdout"]
    second = env.reset(seed=1)[0]["goal"], env.step("cat sales.csv")[0]["stdout"]
    third = env.reset(seed=2)[0]["goal"], env.step("cat sales.csv")[0]["stdout"]
    env.close()
    assert first == second and first[1] != third[1]


def test_infeasible_tasks_score_only_fail_and_feasible_tasks_never_do():
    env = ShellTaskEnv("infeasible-add-user")
    env.reset(seed=0)
    assert env.step("DONE")[1] == 0.0
    env.reset(seed=0)
    env.step("sudo useradd x")
    assert env.step("FAIL")[1] == 1.0
    env.close()
    env = ShellTaskEnv("sort-unique")
    env.reset(seed=0)
    env.step("sort -u ~/names.txt > ~/unique.txt")
    assert env.step("FAIL")[1] == 0.0
    env.close()


def test_step_limit_truncates_and_scores_the_final_state():
    env = ShellTaskEnv("sort-unique", max_steps=2)
    env.reset(seed=0)
    assert env.step("ls")[3] is False
    _, reward, terminated, truncated, info = env.step("sort -u ~/names.txt > ~/unique.txt")
    env.close()
    assert truncated and not terminated and reward == 1.0 and info["steps"] == 2


def test_structured_actions():
    env = ShellTaskEnv("sort-unique", action_mode="structured")
    env.reset(seed=0)
    names = env.step({"kind": 1, "path": "names.txt", "command": "", "content": ""})[0]["stdout"]
    unique = "\n".join(sorted(set(names.split()))) + "\n"
    observation = env.step({"kind": 2, "path": "unique.txt", "content": unique, "command": ""})[0]
    assert observation["exit_code"] == 0 and "unique.txt" in observation["listing"]
    assert "unique.txt" in env.step({"kind": 3, "path": ".", "command": "", "content": ""})[0]["stdout"]
    assert env.step({"kind": 0, "command": "cat unique.txt", "path": "", "content": ""})[0]["stdout"] == unique
    assert env.step({"kind": 4, "command": "", "path": "", "content": ""})[1] == 1.0
    env.close()


def test_long_output_is_truncated_with_a_flag_and_binary_output_stays_in_the_space():
    env = ShellTaskEnv("sort-unique")
    env.reset(seed=0)
    observation = env.step("seq 1 20000; head -c 300 /dev/urandom >&2")[0]
    env.close()
    assert observation["stdout_truncated"] == 1 and len(observation["stdout"]) <= 4096
    assert observation["stdout"].startswith("1\n2\n") and observation["stdout"].endswith("19999\n20000\n")
    assert env.observation_space.contains(observation)


def test_bad_configuration_is_rejected():
    with pytest.raises(ValueError, match="unknown shell task"):
        ShellTaskEnv("no-such-task")
    with pytest.raises(ValueError, match="action_mode"):
        ShellTaskEnv("sort-unique", action_mode="mouse")
    env = ShellTaskEnv("sort-unique")
    with pytest.raises(RuntimeError, match="reset"):
        env.step("ls")
    env.reset(seed=0)
    with pytest.raises(ValueError, match="kind"):
        env.step({"kind": "teleport"})
    env.close()


@pytest.mark.filterwarnings("ignore:os.fork:RuntimeWarning")  # the workers never touch JAX, only sandboxes
def test_async_vector_env_runs_episodes_in_parallel_sandboxes():
    envs = gym.make_vec("arenax/os-sort-unique-v0", num_envs=2, vectorization_mode="async",
                        vector_kwargs={"shared_memory": False})
    observations, _ = envs.reset(seed=[0, 1])
    assert observations["goal"][0] == observations["goal"][1]
    observations, *_ = envs.step(("echo one > ~/mark; cat ~/mark", "cat ~/mark"))
    assert observations["stdout"][0] == "one\n" and observations["stdout"][1] == ""
    _, rewards, terminated, _, _ = envs.step(("sort -u ~/names.txt > ~/unique.txt", "DONE"))
    _, rewards_after, terminated_after, _, _ = envs.step(("DONE", "ls"))
    envs.close()
    assert list(terminated) == [False, True] and rewards[1] == 0.0
    assert terminated_after[0] and rewards_after[0] == 1.0
