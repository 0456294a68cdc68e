"""Training algorithms run end to end under `jit`: recurrent PPO over any backbone (`arenax.baselines.ppo`)."""
