"""Every task of ours is solvable through the observation and the actions: its scripted oracle succeeds.

CI plays one hard and one easy episode per task; `benchmarks/browser_oracle.py` plays 50 seeds
per task and records the success rates, and those of the random-action baseline, (at least 95% asked) in benchmarks/RESULTS.md.
"""

import pytest

from arenax.envs.browser.actions import parse_actions
from arenax.envs.browser.env import BrowserEnv
from arenax.envs.browser.policies import OracleAgent, RandomAgent
from arenax.envs.browser.tasks import TASKS

EPISODES = (("hard", 101), ("easy", 202))


def play(env, agent, seed):
    observation, _ = env.reset(seed=seed)
    agent.reset()
    while True:
        observation, reward, terminated, truncated, info = env.step(agent.act(observation))
        if terminated or truncated:
            return reward, info


@pytest.mark.parametrize("name", sorted(TASKS))
def test_oracle_solves_every_task(browser, name):
    failures = []
    for difficulty, seed in EPISODES:
        # One episode per environment: its next context would never be used, so it is not made during the episode.
        env = BrowserEnv(name, difficulty=difficulty, browser=browser, spare_context="after_episode")
        reward, info = play(env, OracleAgent(env), seed)
        if reward != 1.0:
            failures.append((difficulty, seed, info))
        env.close()
    assert not failures, failures


def test_random_agent_acts_on_the_tree():
    tree = "[1] main ''\n\t[2] textbox 'Name', value=''\n\t[3] button 'Go'\n\t[4] combobox 'Pick', value='a'"
    actions = {RandomAgent(seed).act({"axtree_txt": tree}) for seed in range(40)}
    assert any(a.startswith("fill('2'") for a in actions) and "click('3')" in actions
    assert all(parse_actions(a) for a in actions)
    assert RandomAgent(0).act({"axtree_txt": ""}) == "noop(100)"
