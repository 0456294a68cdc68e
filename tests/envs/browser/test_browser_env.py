"""BrowserEnv in real Chromium: Gymnasium conformance, seeding, isolation, loopback only, errors, crashes, hangs, close."""

import asyncio
import importlib.util
import os
import signal
import time
from pathlib import Path

import gymnasium as gym
import numpy as np
import pytest
from gymnasium.utils.env_checker import check_env

from arenax.envs.browser.aio import make_async
from arenax.envs.browser.axtree import AXTree
from arenax.envs.browser import browser as browser_module
from arenax.envs.browser.browser import CHROMIUM
from arenax.envs.browser.env import BrowserEnv
from arenax.envs.browser.session import Session

pytestmark = pytest.mark.skipif(
    importlib.util.find_spec("playwright") is None or not Path(CHROMIUM).is_file(),
    reason="needs the browser extra (playwright) and Debian's chromium",
)


def live_pids(pids):
    """The pids that still run (zombies, already dead but not yet reaped by their parent, do not count)."""
    alive = []
    for pid in pids:
        try:
            state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
        except (OSError, IndexError):
            continue
        if state != "Z":
            alive.append(pid)
    return alive


def _solve_click_button(observation):
    target = observation["goal"].split('"')[1]
    return f'click("{AXTree(observation["axtree_txt"]).bid("button", target)}")'


@pytest.fixture(scope="module")
def env(browser):
    environment = BrowserEnv("click-button", difficulty="medium", browser=browser, step_timeout=4.0)
    yield environment
    environment.close()


def test_gymnasium_checker(browser):
    environment = BrowserEnv("enter-text", browser=browser, screenshot=True, render_mode="rgb_array")
    check_env(environment, skip_render_check=False)
    observation, _ = environment.reset(seed=1)
    assert observation["screenshot"].shape == (600, 800, 3) and observation["screenshot"].dtype == np.uint8
    assert observation["screenshot"].std() > 0
    environment.close()


def test_same_seed_same_episode_other_seed_other_episode(env):
    first, info = env.reset(seed=11)
    again, _ = env.reset(seed=11)
    other, _ = env.reset(seed=12)
    assert first["goal"] == again["goal"] and first["axtree_txt"] == again["axtree_txt"]
    assert (first["goal"], first["axtree_txt"]) != (other["goal"], other["axtree_txt"])
    assert info["seed"] == 11 and info["task"] == "click-button"
    assert env.observation_space.contains(first)


def test_solving_terminates_with_reward_and_wrong_answer_scores_zero(env):
    observation, _ = env.reset(seed=3)
    observation, reward, terminated, truncated, info = env.step(_solve_click_button(observation))
    assert (reward, terminated, truncated, info["success"]) == (1.0, True, False, True)
    observation, _ = env.reset(seed=3)
    target = observation["goal"].split('"')[1]
    wrong = next(n for n in AXTree(observation["axtree_txt"]).find_all("button") if n.name != target)
    observation, reward, terminated, truncated, info = env.step(f'click("{wrong.bid}")')
    assert (reward, terminated, info["success"]) == (0.0, True, False)


def test_bad_actions_cost_a_step_and_never_raise(browser):
    environment = BrowserEnv("click-button", browser=browser, max_steps=4)
    environment.reset(seed=0)
    for action, message in [("click(", "cannot parse"), ('click("9999")', "no element with bid"),
                            ('fill("2", "x")', "not a text field"), ("rm -rf /", "cannot parse")]:
        observation, reward, terminated, truncated, info = environment.step(action)
        assert message in observation["last_action_error"] and reward == 0.0 and not terminated
    assert truncated and info["truncation_reason"] == "step limit reached"
    environment.close()


def test_no_state_leaks_between_episodes(env, assert_no_state_leaks):
    assert_no_state_leaks(env, 0)


def test_next_context_is_made_after_reset_or_after_the_episode(env, browser):
    env.reset(seed=1)
    assert env.session.prepared == 2
    after_episode = BrowserEnv("click-button", browser=browser, spare_context="after_episode", spare_contexts=1)
    observation, _ = after_episode.reset(seed=7)
    first_context = after_episode.session.context
    assert not after_episode.session.prepared
    _, reward, terminated, *_ = after_episode.step(_solve_click_button(observation))
    assert reward == 1.0 and terminated and after_episode.session.prepared
    again, _ = after_episode.reset(seed=7)
    assert again["axtree_txt"] == observation["axtree_txt"] and after_episode.session.context is not first_context
    assert not after_episode.session.prepared
    after_episode.close()


def test_several_contexts_kept_ahead_are_each_used_once_and_closed(browser, assert_no_state_leaks):
    contexts_before = len(browser._browser.contexts)
    environment = BrowserEnv("click-button", browser=browser, spare_contexts=3)
    seen = []
    for seed in range(5):
        observation, _ = environment.reset(seed=seed)
        assert environment.session.prepared == 3
        seen.append(environment.session.context)
        assert environment.step(_solve_click_button(observation))[1] == 1.0
    assert len({id(context) for context in seen}) == len(seen)
    assert_no_state_leaks(environment, 9)
    assert len(browser._browser.contexts) <= contexts_before + 1 + 3 + 1  # page's, spares, last episode's
    environment.close()
    deadline = time.time() + 5
    while len(browser._browser.contexts) > contexts_before and time.time() < deadline:
        time.sleep(0.05)
    assert len(browser._browser.contexts) == contexts_before


def test_page_tools_cannot_be_replaced_by_the_page(env):
    observation, _ = env.reset(seed=3)
    kept = env._run(env.session.evaluate(
        "() => { try { window.__arenaxTools = null; delete window.__arenaxTools; } catch (error) {} "
        "return typeof window.__arenaxTools.axtree === 'function'; }"
    ))
    assert kept is True
    assert env.step("noop(0)")[0]["axtree_txt"] == observation["axtree_txt"]


def test_a_page_without_the_tools_is_observed_with_their_source_sent(browser):
    session = Session(browser, (800, 600), 4000.0, "bid")

    async def observe_bare_page():
        context = await browser.new_context((800, 600), 4000.0)  # no tools in its init script
        session.context, session.page = context, await context.new_page()
        try:
            await session.page.set_content("<button>Go</button>")
            observation = await session.observe(False, False)
            button = AXTree(observation["axtree_txt"]).bid("button", "Go")
            return observation, await session._element(button, "locate")
        finally:
            await context.close()

    observation, located = browser.runtime.run(observe_bare_page(), 20)
    assert "button 'Go'" in observation["axtree_txt"] and located["tag"] == "button"


def test_only_loopback_is_reachable(env):
    observation, _ = env.reset(seed=0)
    observation, *_ = env.step('goto("http://example.com/")')
    assert "only loopback" in observation["last_action_error"] and observation["url"].startswith("http://127.0.0.1")
    fetched = env._run(env.session.evaluate(
        "() => fetch('http://example.com/').then(() => 'reached', (error) => 'refused: ' + error.message)"))
    assert fetched.startswith("refused")
    failed = []

    async def listen():  # Playwright's listeners are added on the browser's own event loop
        env.session.page.on("requestfailed", lambda request: failed.append((request.url, request.failure)))

    env._run(listen())
    env._run(env.session.evaluate("() => { location.href = 'https://www.wikipedia.org/'; }"))
    observation, *_ = env.step("noop(200)")
    assert ("https://www.wikipedia.org/", "net::ERR_BLOCKED_BY_CLIENT") in failed
    # Chromium's error page stands instead (the full browser's names the reason; the headless shell's is empty).
    assert observation["url"] == "chrome-error://chromewebdata/" and observation["last_action_error"] == ""


def test_crashed_browser_is_restarted_and_episode_truncated(env):
    env.reset(seed=0)
    os.kill(env.browser.pid, signal.SIGKILL)
    observation, reward, terminated, truncated, info = env.step("noop(10)")
    assert truncated and not terminated and "crashed" in info["truncation_reason"]
    observation, _ = env.reset(seed=5)
    _, reward, terminated, *_ = env.step(_solve_click_button(observation))
    assert reward == 1.0 and terminated


def test_hung_page_is_restarted_within_the_timeout(env):
    env.reset(seed=0)
    env._run(env.session.evaluate("() => { setTimeout(() => { while (true) {} }, 0); }"))
    start = time.perf_counter()
    observation, reward, terminated, truncated, info = env.step("noop(10)")
    assert truncated and "hung" in info["truncation_reason"] and "hung" in observation["last_action_error"]
    assert time.perf_counter() - start < env.step_timeout + 15
    observation, _ = env.reset(seed=6)
    assert env.step(_solve_click_button(observation))[1] == 1.0


def test_extra_disabled_features_join_playwrights_own_list(browser):
    switches = browser_module.command_line_switch(browser.pid, "--disable-features")
    assert len(switches) == 1  # Chromium would honour only the last one
    playwright_list = browser_module._playwright_disabled_features.split(",")
    assert len(playwright_list) > 1
    assert set(switches[0].split(",")) == {*playwright_list, *browser_module.EXTRA_DISABLED_FEATURES}


def test_close_leaves_no_chromium_process():
    environment = gym.make("arenax/web-click-button-v0")
    environment.reset(seed=0)
    pids = environment.unwrapped.browser.process_ids()
    assert len(pids) >= 2
    environment.close()
    deadline = time.time() + 5
    while live_pids(pids) and time.time() < deadline:
        time.sleep(0.1)
    assert live_pids(pids) == []


def test_asyncio_entry_point():
    async def play():
        env = await make_async("arenax/web-click-button-v0")
        async with env:
            observation, _ = await env.reset(seed=2)
            return await env.step(_solve_click_button(observation))

    _, reward, terminated, _, _ = asyncio.run(play())
    assert reward == 1.0 and terminated


def test_async_vector_env_runs_one_browser_per_worker():
    envs = gym.make_vec("arenax/web-click-button-v0", num_envs=2, vectorization_mode="async")
    try:
        observations, _ = envs.reset(seed=[4, 9])
        assert observations["goal"][0] != observations["goal"][1]
        actions = [_solve_click_button({"goal": g, "axtree_txt": t})
                   for g, t in zip(observations["goal"], observations["axtree_txt"])]
        _, rewards, terminated, _, _ = envs.step(actions)
        assert rewards.tolist() == [1.0, 1.0] and terminated.all()
    finally:
        envs.close()


def test_constructor_refuses_bad_configuration(browser):
    with pytest.raises(ValueError, match="unknown browser task"):
        BrowserEnv("click-everything", browser=browser)
    with pytest.raises(ValueError, match="difficulty"):
        BrowserEnv("click-button", difficulty="extreme", browser=browser)
    with pytest.raises(ValueError, match="action_set"):
        BrowserEnv("click-button", action_set="telepathy", browser=browser)
    with pytest.raises(ValueError, match="spare_context"):
        BrowserEnv("click-button", spare_context="never", browser=browser)
    with pytest.raises(ValueError, match="spare_contexts must be at least 1"):
        BrowserEnv("click-button", spare_contexts=0, browser=browser)
