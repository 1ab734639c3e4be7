"""Fixtures of the git tests: the test's own git config, and a site (bare remote, the desktop's
and the CMS's clones) over file:// or git daemon."""

from __future__ import annotations

import pytest

from tests.core.git_helpers import make_site, own_git_config, served_site


@pytest.fixture
def gitenv(tmp_path, monkeypatch):
    return own_git_config(tmp_path, monkeypatch)


@pytest.fixture
def site(tmp_path, gitenv):
    return make_site(tmp_path)


@pytest.fixture
def daemon_site(tmp_path, gitenv):
    yield from served_site(tmp_path)
