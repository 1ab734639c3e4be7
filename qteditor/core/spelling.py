"""Offline spell checking with the dictionary pyspellchecker ships (no network, no system
library). Words in math, code and URLs are the caller's to skip."""

from __future__ import annotations

import re
import threading
from collections.abc import Callable
from functools import lru_cache
from typing import Any

_SKIP = re.compile(r"^[A-Z]{2,}$|\d")  # acronyms and words with digits are not checked


class Speller:
    """Loads its dictionary in the background; until then every word counts as right."""

    def __init__(self, language: str = "en", start: bool = True):
        self.language = language
        self._checker: Any = None  # a SpellChecker once loaded
        self._extra: set[str] = set()
        self._ready = threading.Event()
        self._thread = threading.Thread(target=self._load, daemon=True)
        # called (on the loading thread) once the dictionary is there
        self.on_ready: Callable[[], object] | None = None
        if start:
            self.start()

    def start(self) -> None:
        if not self._thread.is_alive() and not self._ready.is_set():
            self._thread.start()

    def _load(self) -> None:
        try:
            from spellchecker import SpellChecker

            self._checker = SpellChecker(language=self.language)
        except Exception:  # noqa: BLE001 - no dictionary: spell checking is simply off
            self._checker = None
        self._ready.set()
        self.known.cache_clear()
        if self.on_ready is not None:
            self.on_ready()

    @property
    def ready(self) -> bool:
        return self._ready.is_set() and self._checker is not None

    def wait(self, timeout: float | None = None) -> bool:
        self._ready.wait(timeout)
        return self.ready

    def add(self, word: str) -> None:
        self._extra.add(word.lower())
        self.known.cache_clear()

    @lru_cache(maxsize=50_000)  # noqa: B019 - one speller per app, words are few
    def known(self, word: str) -> bool:
        if not self.ready or _SKIP.search(word) or len(word) < 3:
            return True
        lower = word.lower().strip("'")
        if lower in self._extra:
            return True
        return bool(self._checker.known([lower]))

    def suggestions(self, word: str, limit: int = 6) -> list[str]:
        if not self.ready:
            return []
        found = self._checker.candidates(word.lower()) or set()
        best = self._checker.correction(word.lower())
        ranked = sorted(found, key=lambda w: (w != best, -self._checker.word_usage_frequency(w)))[:limit]
        if word[:1].isupper():
            ranked = [w.capitalize() for w in ranked]
        return ranked
