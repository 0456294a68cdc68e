"""Test set-up: JAX's persistent compilation cache outside the repository, float32, the CPU."""

import os

os.environ.setdefault("JAX_PLATFORMS", "cpu")

import arenax  # noqa: E402,F401  (sets XLA's CPU flags before JAX starts)
import jax  # noqa: E402

jax.config.update("jax_compilation_cache_dir", os.path.expanduser("~/.cache/arenax/jax-compilation"))
jax.config.update("jax_persistent_cache_min_compile_time_secs", 0.2)
jax.config.update("jax_persistent_cache_min_entry_size_bytes", 0)
