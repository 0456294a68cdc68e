"""Dataset generation speed: arenax's on-device rollouts vs Gymnasium's SyncVectorEnv through Minari's DataCollector.

Both sides collect the same number of CartPole-v1 transitions under a uniform
random policy, in whole episodes, and end with a Minari dataset on disk. Two
figures per side: collection (transitions per second until the data is in
memory as episodes; the DataCollector also writes each finished episode to
its HDF5 file as it goes) and end to end (until `minari.load_dataset` can
open the dataset). arenax's compilation is done in a warm-up run first.

    nice -n 10 .venv/bin/python benchmarks/dataset_generation.py --steps 200000
"""

from __future__ import annotations

import argparse
import os
import tempfile
import time
import warnings

import numpy as np


def arenax_side(steps: int, num_envs: int, chunk_length: int) -> dict[str, float]:
    import jax

    from arenax.datasets import storage
    from arenax.datasets.behaviour import behaviour_config
    from arenax.datasets.generation import episode_buffers
    from arenax.datasets.rollout import Collector, random_policy

    collector = Collector(behaviour_config("CartPole-v1"), random_policy(), num_envs, chunk_length)
    collector.collect(None, steps, jax.random.PRNGKey(1))  # compiles
    started = time.perf_counter()
    episodes = collector.collect(None, steps, jax.random.PRNGKey(0))
    collected = time.perf_counter()
    with storage.claim("arenax/bench-cartpole/random-v0") as writer:
        writer.write(episode_buffers(episodes), env="arenax/CartPole-v1", algorithm_name="random")
    written = time.perf_counter()
    return {
        "transitions": episodes.num_steps,
        "episodes": episodes.num_episodes,
        "collect_s": collected - started,
        "total_s": written - started,
    }


def gymnasium_side(steps: int, num_envs: int) -> dict[str, float]:
    import gymnasium as gym
    from minari import DataCollector

    collectors = []

    def make():
        collector = DataCollector(gym.make("CartPole-v1"))
        collectors.append(collector)
        return collector

    envs = gym.vector.SyncVectorEnv([make for _ in range(num_envs)])
    envs.action_space.seed(0)
    started = time.perf_counter()
    envs.reset(seed=0)
    transitions, autoresetting = 0, np.zeros(num_envs, bool)
    # Same-size data as arenax: whole episodes covering `steps` (the NEXT_STEP autoreset step is no transition).
    while transitions < steps:
        _, _, terminated, truncated, _ = envs.step(envs.action_space.sample())
        transitions += int((~autoresetting).sum())
        autoresetting = terminated | truncated
    collected = time.perf_counter()
    dataset = collectors[0].create_dataset("gym/bench-cartpole/random-v0", algorithm_name="random")
    for other in collectors[1:]:
        other.add_to_dataset(dataset)
    written = time.perf_counter()
    return {
        "transitions": transitions,
        "episodes": dataset.total_episodes,
        "collect_s": collected - started,
        "total_s": written - started,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--steps", type=int, default=200_000)
    parser.add_argument("--arenax-envs", type=int, default=2048)
    parser.add_argument("--chunk-length", type=int, default=64)
    parser.add_argument("--gym-envs", type=int, default=16)
    args = parser.parse_args()
    warnings.filterwarnings("ignore")
    with tempfile.TemporaryDirectory() as folder:
        os.environ["MINARI_DATASETS_PATH"] = folder
        ours = arenax_side(args.steps, args.arenax_envs, args.chunk_length)
        peer = gymnasium_side(args.steps, args.gym_envs)
    print("| side | transitions | episodes | collect s | collect transitions/s | end-to-end s | end-to-end transitions/s |")
    print("| --- | --- | --- | --- | --- | --- | --- |")
    for name, side in ((f"arenax ({args.arenax_envs} envs, device)", ours), (f"gym SyncVectorEnv ({args.gym_envs}) + DataCollector", peer)):
        print(
            f"| {name} | {side['transitions']} | {side['episodes']} | {side['collect_s']:.2f} |"
            f" {side['transitions'] / side['collect_s']:,.0f} | {side['total_s']:.2f} | {side['transitions'] / side['total_s']:,.0f} |"
        )
    collect_ratio = (ours["transitions"] / ours["collect_s"]) / (peer["transitions"] / peer["collect_s"])
    total_ratio = (ours["transitions"] / ours["total_s"]) / (peer["transitions"] / peer["total_s"])
    print(f"\nratio (arenax / peer): collection {collect_ratio:.1f}x, end to end {total_ratio:.1f}x")


if __name__ == "__main__":
    main()
