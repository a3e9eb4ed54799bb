"""The question-answering service: settings → model → live index → search → answer.

Both the CLI and the Telegram bot use this one object. It notices when a new index generation
goes live (after ``docbot index`` or an upload) and reloads it, so a long-running bot never needs
a restart to see new documents.
"""

from __future__ import annotations

import gc
import threading
import time

from index.answer.lines import Answer, make_answer
from index.ingest.deadlines import Deadline
from index.model.embedding import Embedder
from index.retrieval.search import Retrieval, Searcher
from index.settings import Settings
from index.store.generations import (
    BuildReport,
    LoadedIndex,
    build_index,
    current_generation,
    load_deadlines,
    load_index,
    shares_base,
)


class Engine:
    """Loads the model once and answers questions from the current index generation."""

    def __init__(self, settings: Settings, embedder: Embedder | None = None):
        self.settings = settings
        self.embedder = embedder or Embedder(settings)
        self._lock = threading.Lock()
        self._searcher: Searcher | None = None
        self._generation: str | None = None
        self.reranker = None
        if settings.reranker_model:
            from sentence_transformers import CrossEncoder

            self.reranker = CrossEncoder(settings.reranker_model, device="cpu")

    def _current(self) -> Searcher:
        gen = current_generation(self.settings.index_dir).name
        with self._lock:
            if self._searcher is None or gen != self._generation:
                old = self._searcher
                index = load_index(self.settings, previous=old.index if old is not None else None)
                if old is not None and shares_base(index, old.index):
                    # an upload added a part: only the added parts are read, the base is shared (and stays
                    # frozen: unfreezing it would make the collector walk the whole archive once more)
                    self._searcher = old.over(index)
                else:
                    gc.unfreeze()
                    self._searcher = old = None  # let the old generation go before the new one is built
                    self._searcher = Searcher(index, self.embedder, self.settings.search, self.reranker)
                    gc.collect()
                self._generation = index.generation
                # The index is millions of long-lived objects; left to the cyclic collector, every full
                # collection walks them all mid-question (a 50-100 ms pause at 10× the seed corpus).
                gc.freeze()
            return self._searcher

    @property
    def index(self) -> LoadedIndex:
        """The live index (loaded on first use)."""
        return self._current().index

    def retrieve(self, question: str, top_k: int = 5) -> Retrieval:
        """Search alone, without building an answer (the benchmark times the two apart)."""
        searcher = self._current()
        return searcher.search(searcher.read(question[: self.settings.max_question_chars]), top_k=top_k)

    def ask(self, question: str, top_k: int = 5) -> tuple[Answer, float]:
        """Answer a question; returns the answer and the search time in milliseconds. The question
        is read once (a Query) and that reading goes to search and to the answer."""
        searcher = self._current()
        start = time.perf_counter()
        query = searcher.read(question[: self.settings.max_question_chars])
        retrieval = searcher.search(query, top_k=top_k)
        answer = make_answer(retrieval, self.settings.search)
        return answer, (time.perf_counter() - start) * 1000

    def deadlines(self) -> list[Deadline]:
        """Deadlines extracted from the live index generation."""
        return load_deadlines(self.settings)

    def passage(self, pid: str):
        """A passage of the live index by id, or None (it may have gone with a re-index)."""
        return self.index.by_pid.get(pid)

    def section_text(self, pid: str) -> tuple[str, str] | None:
        """(section path, whole text of the section) around a passage, overlaps removed."""
        first = self.passage(pid)
        if first is None:
            return None
        index = self.index
        lines: list[str] = []
        seen: set[str] = set()
        for i in index.by_section.get(first.section_key, []):
            for line in index.passages[i].text.split("\n"):
                if line not in seen:
                    seen.add(line)
                    lines.append(line)
        return first.section, "\n".join(lines)

    def rebuild(self, progress: bool = True, on_progress=None, full: bool = False) -> BuildReport:
        """Bring the index in line with the corpus (new documents only, unless ``full``) and switch to it."""
        report = build_index(self.settings, self.embedder, progress=progress, on_progress=on_progress, full=full)
        self._current()
        return report
