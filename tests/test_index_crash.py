"""A re-index killed half-way (kill -9) leaves the previous index answering; the next run finishes."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time

import pytest

from index.store.generations import current_generation
from tests.conftest import ROOT

pytestmark = pytest.mark.slow


def test_killed_rebuild_keeps_old_index(engine, model_settings, tmp_path):
    data = tmp_path / "data"
    data.mkdir()
    (data / "models").symlink_to(model_settings.models_dir.resolve(), target_is_directory=True)
    env = {**os.environ, "DOCBOT_DATA_DIR": str(data), "DOCBOT_CORPUS_DIR": str(ROOT / "corpus")}
    # first a complete index (vectors from the shared cache, so it is quick)
    (data / "cache").mkdir()
    cache = model_settings.data_dir / "cache" / "vectors.sqlite"
    (data / "cache" / "vectors.sqlite").write_bytes(cache.read_bytes())
    subprocess.run([sys.executable, "-m", "bot.cli", "index"], env=env, cwd=ROOT, check=True, capture_output=True)
    settings = model_settings.model_copy(update={"data_dir": data})
    live = current_generation(settings.index_dir).name
    # then a full rebuild (cache dropped: it must embed for minutes), killed mid-way
    proc = subprocess.Popen(
        [sys.executable, "-m", "bot.cli", "index", "--rebuild"],
        env=env,
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    time.sleep(12)
    assert proc.poll() is None, "the rebuild finished too fast to be interrupted"
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait()
    assert current_generation(settings.index_dir).name == live  # still the old, complete generation
    out = subprocess.run(
        [sys.executable, "-m", "bot.cli", "ask", "hội nghị tổng kết ở đâu?"],
        env=env,
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert out.returncode == 0 and "Hội trường Thành ủy" in out.stdout
