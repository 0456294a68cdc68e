"""Browser tests share one Chromium per test module; they are skipped (saying why) where Chromium or Playwright is absent."""

from pathlib import Path

import pytest

from arenax.envs.browser.browser import CHROMIUM


@pytest.fixture(scope="module")
def browser():
    pytest.importorskip("playwright", reason="the browser extra (playwright) is not installed")
    if not Path(CHROMIUM).is_file():
        pytest.skip(f"Chromium is not installed at {CHROMIUM} (apt-get install chromium)")
    from arenax.envs.browser.browser import Browser

    shared = Browser()
    yield shared
    shared.close()

