"""Benchmark suites end to end: run every (algorithm, variant, task) job of a suite, score the runs, write one report."""

from arenax.bench.report import write_suite_report
from arenax.bench.runner import run_jobs
from arenax.bench.suite import Job, Suite, load_suite, packaged_suites

__all__ = ["Job", "Suite", "load_suite", "packaged_suites", "run_jobs", "write_suite_report"]
