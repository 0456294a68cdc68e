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


LEAVE_STATE_JS = """async () => {
  localStorage.setItem('k', 'v');
  sessionStorage.setItem('arenax.submission', '{}');
  document.cookie = 'c=1; max-age=3600';
  window.leftBehind = 1;
  document.body.dataset.leftBehind = '1';
  await new Promise((resolve) => { const open = indexedDB.open('left', 1); open.onsuccess = open.onerror = resolve;
    open.onupgradeneeded = () => open.result.createObjectStore('s'); });
}"""
READ_STATE_JS = """async () => [localStorage.length, sessionStorage.length, document.cookie, typeof window.leftBehind,
  document.body.dataset.leftBehind || '', (await indexedDB.databases()).length]"""
NO_STATE = [0, 0, "", "undefined", "", 0]


def _assert_no_state_leaks(environment, seed):
    """Storage, cookies, IndexedDB, globals and DOM state left by one episode are gone in the next."""
    environment.reset(seed=seed)
    first_context = environment.session.context
    environment._run(environment.session.evaluate(LEAVE_STATE_JS))
    assert environment._run(environment.session.evaluate(READ_STATE_JS)) != NO_STATE
    environment.reset(seed=seed)
    assert environment.session.context is not first_context
    assert environment._run(environment.session.evaluate(READ_STATE_JS)) == NO_STATE


@pytest.fixture
def assert_no_state_leaks():
    """`check(env, seed)`: what one episode leaves in the page and its storage is gone in the next."""
    return _assert_no_state_leaks
