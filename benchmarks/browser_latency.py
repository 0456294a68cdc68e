"""Reset and step latency (median, p95) and steps/s of the browser tasks, side by side with the miniwob package.

Setups, each on MiniWoB++'s click-button task (and arenax's own web-click-button):
  miniwob-selenium   the `miniwob` package's own Selenium environment (Debian's chromium-driver driving the
                     same Chromium binary as arenax unless --selenium-chromium names another), screenshots
                     off, element observations
  arenax-miniwob     gym.make("arenax/miniwob.click-button-v0"): the same page through Playwright,
                     accessibility-tree observation, no screenshot
  arenax-web         gym.make("arenax/web-click-button-v0"): arenax's own task
Each episode: reset, 3 clicks on a text element (the episode goes on), 1 click on the asked button (it
ends). A step is action + observation. With --workers 1 2, that many processes run side by side, one
browser each; steps/s is all their steps over the wall-clock time. Ratios are against miniwob-selenium.
--think-ms T sleeps T ms before every step and before every reset (an agent choosing its action, e.g. an
LLM); the sleeps are not counted in any figure. "episode ms" is the median wall time of reset plus steps.

--spare-context after_reset after_episode runs the arenax setups once per choice of when the next
episode's browser context is made (BrowserEnv's `spare_context`), --spare-contexts 1 2 once per number of
contexts kept made ahead (`spare_contexts`).

--rounds R (default 3) splits the episodes into R rounds in which the setups take turns, so that the load of a
shared machine, which changes over a run, falls on every setup alike; medians are over all rounds' episodes.

Usage: python benchmarks/browser_latency.py --episodes 30 --workers 1 2 [--rounds 3] [--think-ms 0 200]
       [--spare-context after_reset after_episode] [--spare-contexts 1 2]
       [--selenium-chromium /usr/lib/chromium/chromium]
Needs the `browser` extra (playwright, miniwob), Debian's chromium-headless-shell (or chromium) and chromium-driver.
"""

from __future__ import annotations

import argparse
import multiprocessing
import os
import signal
import time
from pathlib import Path

import numpy as np

FILLER_STEPS = 3


Timings = tuple[list[float], list[float], list[float], float]  # resets, steps, episodes (s), wall minus sleeps


def _arenax_episodes(env_id: str, episodes: int, seed0: int, think: float, spare: tuple[str, int]) -> Timings:
    import gymnasium as gym

    import arenax  # noqa: F401 (registers the environments)
    from arenax.envs.browser.axtree import AXTree

    env = gym.make(env_id, spare_context=spare[0], spare_contexts=spare[1])
    resets, steps, lengths = [], [], []
    env.reset(seed=seed0 - 1)
    start = time.perf_counter()
    for episode in range(episodes):
        time.sleep(think)
        tick = time.perf_counter()
        observation, _ = env.reset(seed=seed0 + episode)
        resets.append(time.perf_counter() - tick)
        tree = AXTree(observation["axtree_txt"])
        target = observation["goal"].split('"')[1]
        filler = next(n for n in tree.nodes if n.bid and n.role in ("StaticText", "paragraph"))
        for action in [f'click("{filler.bid}")'] * FILLER_STEPS + [f'click("{tree.bid("button", target)}")']:
            time.sleep(think)
            tick = time.perf_counter()
            observation, reward, terminated, truncated, _ = env.step(action)
            steps.append(time.perf_counter() - tick)
        lengths.append(resets[-1] + sum(steps[-FILLER_STEPS - 1:]))
        assert reward == 1.0 and terminated, f"{env_id} episode {episode} was not solved"
    wall = time.perf_counter() - start - think * episodes * (FILLER_STEPS + 2)
    env.close()
    return resets, steps, lengths, wall


def _selenium_episodes(task: str, episodes: int, seed0: int, think: float, chromium: str) -> Timings:
    import gymnasium as gym
    import miniwob
    from miniwob.action import ActionTypes

    os.environ["MINIWOB_CHROME_BINARY"] = chromium
    os.environ.setdefault("MINIWOB_CHROMEDRIVER", "/usr/bin/chromedriver")
    gym.register_envs(miniwob)
    env = gym.make(f"miniwob/{task}-v1")
    resets, steps, lengths = [], [], []
    env.reset(seed=seed0 - 1, options={"record_screenshots": False})
    start = time.perf_counter()
    for episode in range(episodes):
        time.sleep(think)
        tick = time.perf_counter()
        observation, _ = env.reset(seed=seed0 + episode)
        resets.append(time.perf_counter() - tick)
        target = observation["utterance"].split('"')[1]
        elements = observation["dom_elements"]
        button = next(e for e in elements if e["tag"] == "button" and e["text"] == target)
        filler = next(e for e in elements if e["tag"] not in ("body", "button") and e["text"].strip())
        actions = [env.unwrapped.create_action(ActionTypes.CLICK_ELEMENT, ref=filler["ref"])] * FILLER_STEPS
        actions.append(env.unwrapped.create_action(ActionTypes.CLICK_ELEMENT, ref=button["ref"]))
        for action in actions:
            time.sleep(think)
            tick = time.perf_counter()
            observation, reward, terminated, truncated, _ = env.step(action)
            steps.append(time.perf_counter() - tick)
        lengths.append(resets[-1] + sum(steps[-FILLER_STEPS - 1:]))
        assert reward > 0 and terminated, f"miniwob {task} episode {episode} was not solved"
    wall = time.perf_counter() - start - think * episodes * (FILLER_STEPS + 2)
    env.close()
    _kill(_descendants())
    return resets, steps, lengths, wall


def _descendants() -> list[int]:
    from arenax.envs.browser.browser import _process_tree

    return _process_tree(os.getpid())[1:]


def _kill(pids: list[int]) -> None:
    """SIGKILLs those of `pids` that are still chromedriver or Chromium processes. miniwob's `driver.quit()` can
    leave them running: left to themselves they outlive the worker (2-worker runs left one tree in two runs)."""
    for pid in reversed(pids):
        try:
            if b"chrom" in Path(f"/proc/{pid}/cmdline").read_bytes():
                os.kill(pid, signal.SIGKILL)
        except (OSError, ProcessLookupError):
            pass


def _worker(job: tuple[str, int, int, float, tuple[str, int], str]) -> tuple[Timings, int]:
    """The job's timings and the worker's session id (the pool's initializer made each worker a session leader),
    so that whatever it started and left behind can be found after it ended, reparented or not."""
    setup, episodes, seed0, think, spare, selenium_chromium = job
    if setup == "miniwob-selenium":
        return _selenium_episodes("click-button", episodes, seed0, think, selenium_chromium), os.getsid(0)
    env_id = "arenax/miniwob.click-button-v0" if setup == "arenax-miniwob" else "arenax/web-click-button-v0"
    return _arenax_episodes(env_id, episodes, seed0, think, spare), os.getsid(0)


def measure(setup: str, workers: int, episodes: int, think: float = 0.0,
            spare: tuple[str, int] = ("after_reset", 2), selenium_chromium: str = "", first_seed: int = 0) -> Timings:
    """`episodes` episodes in each of `workers` processes side by side (seeds from `first_seed` on in each)."""
    from arenax.envs.browser.browser import CHROMIUM, SESSION_FIELD, processes_with

    context = multiprocessing.get_context("spawn")
    jobs = [(setup, episodes, 1000 * (w + 1) + first_seed, think, spare, selenium_chromium or CHROMIUM)
            for w in range(workers)]
    with context.Pool(workers, initializer=os.setsid) as pool:
        done = pool.map(_worker, jobs)
    _kill(processes_with(SESSION_FIELD, {session for _, session in done}))
    results = [timings for timings, _ in done]
    return ([t for r, _, _, _ in results for t in r], [t for _, s, _, _ in results for t in s],
            [t for _, _, e, _ in results for t in e], max(w for _, _, _, w in results))


def summarize(timings: list[Timings]) -> dict[str, float]:
    """Medians and p95s over every round's episodes; steps/s is all steps over the rounds' summed wall time."""
    resets = np.concatenate([r for r, _, _, _ in timings]) * 1000
    steps = np.concatenate([s for _, s, _, _ in timings]) * 1000
    lengths = np.concatenate([e for _, _, e, _ in timings]) * 1000
    return {
        "episode_median_ms": float(np.median(lengths)),
        "reset_median_ms": float(np.median(resets)),
        "reset_p95_ms": float(np.percentile(resets, 95)),
        "step_median_ms": float(np.median(steps)),
        "step_p95_ms": float(np.percentile(steps, 95)),
        "steps_per_s": len(steps) / sum(w for _, _, _, w in timings),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--episodes", type=int, default=30, help="episodes per worker (over all rounds)")
    parser.add_argument("--rounds", type=int, default=3,
                        help="the setups take turns this many times (each round a fresh process and browser), so that "
                             "a change in the machine's load falls on all of them")
    parser.add_argument("--workers", type=int, nargs="+", default=[1, 2])
    parser.add_argument("--setups", nargs="+", default=["miniwob-selenium", "arenax-miniwob", "arenax-web"])
    parser.add_argument("--think-ms", type=float, nargs="+", default=[0.0],
                        help="sleep before every reset and step (not counted), one run per value")
    parser.add_argument("--spare-context", nargs="+", default=["after_reset"], choices=["after_reset", "after_episode"],
                        help="when arenax makes the next episode's browser context, one run per value")
    parser.add_argument("--spare-contexts", type=int, nargs="+", default=[2],
                        help="how many contexts arenax keeps made ahead, one run per value")
    parser.add_argument("--selenium-chromium", default="",
                        help="Chromium binary for miniwob-selenium (default: the one arenax uses)")
    args = parser.parse_args()
    from arenax.envs.browser.browser import CHROMIUM

    print(f"arenax Chromium: {CHROMIUM}; miniwob-selenium Chromium: {args.selenium_chromium or CHROMIUM}")
    print("| setup | browsers | think ms | reset median ms | reset p95 ms | step median ms | step p95 ms | "
          "episode ms | steps/s | reset vs miniwob | step vs miniwob | episode vs miniwob | steps/s vs miniwob |")
    print("| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |")
    for think in args.think_ms:
        for workers in args.workers:
            choices = [(when, count) for when in args.spare_context for count in args.spare_contexts]
            runs = [(setup, spare) for setup in args.setups
                    for spare in (choices if setup.startswith("arenax") else [None])]
            timings: dict[int, list[Timings]] = {index: [] for index in range(len(runs))}
            per_round = -(-args.episodes // args.rounds)
            for round_index in range(args.rounds):  # every setup once per round, so that they share the load
                for index, (setup, spare) in enumerate(runs):
                    timings[index].append(measure(setup, workers, per_round, think / 1000, spare or ("after_reset", 2),
                                                  args.selenium_chromium, first_seed=round_index * per_round))
            baseline = None
            for index, (setup, spare) in enumerate(runs):
                row = summarize(timings[index])
                baseline = baseline or (row if setup == "miniwob-selenium" else None)
                ratios = ["-"] * 4
                if baseline is not None:
                    ratios = [f"{row[key] / baseline[key]:.2f}x" for key in
                              ("reset_median_ms", "step_median_ms", "episode_median_ms", "steps_per_s")]
                label = f"{setup} ({spare[0]}, {spare[1]} spare)" if spare else setup
                figures = [f"{row[key]:.0f}" for key in ("reset_median_ms", "reset_p95_ms", "step_median_ms",
                                                         "step_p95_ms", "episode_median_ms")]
                print(f"| {label} | {workers} | {think:.0f} | " + " | ".join(figures) + f" | {row['steps_per_s']:.1f} | "
                      + " | ".join(ratios) + " |", flush=True)

if __name__ == "__main__":
    main()
