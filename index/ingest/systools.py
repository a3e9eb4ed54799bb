"""The system programs the loaders call (poppler, tesseract, antiword, catdoc), behind one function.

Each is a Debian package that ``scripts/setup.sh`` installs when it can. When one is missing, the
file that needs it is refused with a message that names the package, instead of a traceback.
"""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

# program -> (Debian package, what it reads), for the message when it is absent
TOOLS: dict[str, tuple[str, str]] = {
    "pdftotext": ("poppler-utils", "PDF"),
    "pdftoppm": ("poppler-utils", "PDF bản scan"),
    "pdffonts": ("poppler-utils", "PDF"),
    "pdfinfo": ("poppler-utils", "PDF"),
    "pdfimages": ("poppler-utils", "PDF bản scan"),
    "tesseract": ("tesseract-ocr tesseract-ocr-vie", "PDF bản scan (nhận dạng chữ)"),
    "antiword": ("antiword", "Word 97-2003 (.doc)"),
    "catdoc": ("catdoc", "Word 97-2003 (.doc)"),
}


class ToolError(Exception):
    """A system program is missing, failed or ran too long; the message is for the user."""


class ToolMissing(ToolError):
    """The program is not installed."""


def available(tool: str) -> bool:
    """Whether the program is on PATH."""
    return shutil.which(tool) is not None


def missing_message(tool: str) -> str:
    """Vietnamese sentence: which package to install for which files."""
    package, reads = TOOLS.get(tool, (tool, "tệp này"))
    return (
        f"Máy chủ chưa cài chương trình «{tool}» nên chưa đọc được tệp {reads}. "
        f"Quản trị viên hãy chạy: sudo apt-get install {package} (hoặc bash scripts/setup.sh)."
    )


def run(tool: str, args: list[str], timeout: float, cwd: Path | None = None) -> bytes:
    """Run a program and return its standard output; raise ToolError on absence, failure, time-out."""
    path = shutil.which(tool)
    if path is None:
        raise ToolMissing(missing_message(tool))
    try:
        done = subprocess.run(
            [path, *args], capture_output=True, timeout=timeout, cwd=cwd, check=False, stdin=subprocess.DEVNULL
        )
    except subprocess.TimeoutExpired as exc:
        raise ToolError(f"«{tool}» chạy quá {timeout:.0f} giây") from exc
    except OSError as exc:
        raise ToolError(f"không chạy được «{tool}»: {exc.strerror}") from exc
    if done.returncode != 0:
        err = done.stderr.decode("utf-8", "replace").strip().splitlines()
        raise ToolError(f"«{tool}» báo lỗi: {err[-1][:200] if err else done.returncode}")
    return done.stdout
