"""Benchmark suites shipped with arenax, one TOML file each (see arenax.bench.suite for the format)."""
