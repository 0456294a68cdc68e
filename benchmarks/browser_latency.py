"""Reset and step latency (median, p95) and steps/s of the browser tasks, side by side with the miniwob package.

Setups, each on MiniWoB++'s click-button task (and arenax's own web-click-button):
  miniwob-selenium   the `miniwob` package's own Selenium environment (Debian's chromium + chromium-driver),
                     screenshots off, element observations
  arenax-miniwob     gym.make("arenax/miniwob.click-button-v0"): the same page through Playwright,
                     accessibility-tree observation, no screenshot
  arenax-web         gym.make("arenax/web-click-button-v0"): arenax's own task
Each episode: reset, 3 clicks on a text element (the episode goes on), 1 click on the asked button (it
ends). A step is action + observation. With --workers 1 2, that many processes run side by side, one
browser each; steps/s is all their steps over the wall-clock time. Ratios are against miniwob-selenium.

Usage: python benchmarks/browser_latency.py --episodes 30 --workers 1 2
Needs the `browser` extra (playwright, miniwob), Debian's chromium and chromium-driver.
"""

from __future__ import annotations

import argparse
import multiprocessing
import os
import time

import numpy as np

FILLER_STEPS = 3


def _arenax_episodes(env_id: str, episodes: int, seed0: int) -> tuple[list[float], list[float], float]:
    import gymnasium as gym

    import arenax  # noqa: F401 (registers the environments)
    from arenax.envs.browser.axtree import AXTree

    env = gym.make(env_id)
    resets, steps = [], []
    env.reset(seed=seed0 - 1)
    start = time.perf_counter()
    for episode in range(episodes):
        tick = time.perf_counter()
        observation, _ = env.reset(seed=seed0 + episode)
        resets.append(time.perf_counter() - tick)
        tree = AXTree(observation["axtree_txt"])
        target = observation["goal"].split('"')[1]
        filler = next(n for n in tree.nodes if n.bid and n.role in ("StaticText", "paragraph"))
        for action in [f'click("{filler.bid}")'] * FILLER_STEPS + [f'click("{tree.bid("button", target)}")']:
            tick = time.perf_counter()
            observation, reward, terminated, truncated, _ = env.step(action)
            steps.append(time.perf_counter() - tick)
        assert reward == 1.0 and terminated, f"{env_id} episode {episode} was not solved"
    wall = time.perf_counter() - start
    env.close()
    return resets, steps, wall


def _selenium_episodes(task: str, episodes: int, seed0: int) -> tuple[list[float], list[float], float]:
    import gymnasium as gym
    import miniwob
    from miniwob.action import ActionTypes

    os.environ.setdefault("MINIWOB_CHROME_BINARY", "/usr/lib/chromium/chromium")
    os.environ.setdefault("MINIWOB_CHROMEDRIVER", "/usr/bin/chromedriver")
    gym.register_envs(miniwob)
    env = gym.make(f"miniwob/{task}-v1")
    resets, steps = [], []
    env.reset(seed=seed0 - 1, options={"record_screenshots": False})
    start = time.perf_counter()
    for episode in range(episodes):
        tick = time.perf_counter()
        observation, _ = env.reset(seed=seed0 + episode)
        resets.append(time.perf_counter() - tick)
        target = observation["utterance"].split('"')[1]
        elements = observation["dom_elements"]
        button = next(e for e in elements if e["tag"] == "button" and e["text"] == target)
        filler = next(e for e in elements if e["tag"] == "div" and e["text"].strip())
        actions = [env.unwrapped.create_action(ActionTypes.CLICK_ELEMENT, ref=filler["ref"])] * FILLER_STEPS
        actions.append(env.unwrapped.create_action(ActionTypes.CLICK_ELEMENT, ref=button["ref"]))
        for action in actions:
            tick = time.perf_counter()
            observation, reward, terminated, truncated, _ = env.step(action)
            steps.append(time.perf_counter() - tick)
        assert reward > 0 and terminated, f"miniwob {task} episode {episode} was not solved"
    wall = time.perf_counter() - start
    env.close()
    return resets, steps, wall


def _worker(job: tuple[str, int, int]) -> tuple[list[float], list[float], float]:
    setup, episodes, seed0 = job
    if setup == "miniwob-selenium":
        return _selenium_episodes("click-button", episodes, seed0)
    env_id = "arenax/miniwob.click-button-v0" if setup == "arenax-miniwob" else "arenax/web-click-button-v0"
    return _arenax_episodes(env_id, episodes, seed0)


def measure(setup: str, workers: int, episodes: int) -> dict[str, float]:
    context = multiprocessing.get_context("spawn")
    with context.Pool(workers) as pool:
        results = pool.map(_worker, [(setup, episodes, 1000 * (w + 1)) for w in range(workers)])
    resets = np.concatenate([r for r, _, _ in results]) * 1000
    steps = np.concatenate([s for _, s, _ in results]) * 1000
    wall = max(w for _, _, w in results)
    return {
        "reset_median_ms": float(np.median(resets)),
        "reset_p95_ms": float(np.percentile(resets, 95)),
        "step_median_ms": float(np.median(steps)),
        "step_p95_ms": float(np.percentile(steps, 95)),
        "steps_per_s": len(steps) / wall,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--episodes", type=int, default=30, help="episodes per worker")
    parser.add_argument("--workers", type=int, nargs="+", default=[1, 2])
    parser.add_argument("--setups", nargs="+", default=["miniwob-selenium", "arenax-miniwob", "arenax-web"])
    args = parser.parse_args()
    print("| setup | browsers | reset median ms | reset p95 ms | step median ms | step p95 ms | steps/s | "
          "reset vs miniwob | step vs miniwob | steps/s vs miniwob |")
    print("| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |")
    for workers in args.workers:
        baseline = None
        for setup in args.setups:
            row = measure(setup, workers, args.episodes)
            baseline = baseline or (row if setup == "miniwob-selenium" else None)
            ratios = ["-", "-", "-"]
            if baseline is not None:
                ratios = [f"{row['reset_median_ms'] / baseline['reset_median_ms']:.2f}x",
                          f"{row['step_median_ms'] / baseline['step_median_ms']:.2f}x",
                          f"{row['steps_per_s'] / baseline['steps_per_s']:.2f}x"]
            print(f"| {setup} | {workers} | {row['reset_median_ms']:.0f} | {row['reset_p95_ms']:.0f} | "
                  f"{row['step_median_ms']:.0f} | {row['step_p95_ms']:.0f} | {row['steps_per_s']:.1f} | "
                  + " | ".join(ratios) + " |", flush=True)


if __name__ == "__main__":
    main()
