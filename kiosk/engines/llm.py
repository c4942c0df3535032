"""Local language model through llama.cpp (``llama-cpp-python``), for a Qwen-style chat GGUF.

Loading is explicit and once (:meth:`LlmEngine.load`); generation streams text pieces by iteration and stops
when the caller sets a cancel event from another thread, also while llama.cpp is still reading the prompt (its
abort callback, asked between the steps of a batch). Prompts are built from token pieces: the template's
special tokens are parsed as such, while everything that came from a visitor or a document is tokenized as
plain text, so a fake ``<|im_start|>system`` inside a question stays words. Every prompt starts with the same
system turn, which llama.cpp keeps in its KV cache between calls; only the variable tail is read again.
"""

from __future__ import annotations

import ctypes
import json
import os
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

from kiosk import modelstore

GGUF_MAGIC = b"GGUF"
STOP = ("<|im_end|>", "<|endoftext|>", "<|im_start|>")


class LlmUnavailable(Exception):
    """The model cannot be used; the message says why in Chinese, and the kiosk answers extractively."""


# One chat message: (role, text), role being "system" | "user" | "assistant".
Message = tuple[str, str]


@dataclass
class GenerationStats:
    prompt_tokens: int = 0
    cached_tokens: int = 0
    completion_tokens: int = 0
    first_token_s: float = 0.0
    total_s: float = 0.0
    cancelled: bool = False


def physical_cores() -> int:
    """Physical cores (hyper-threads share an FPU, so more threads than cores slows llama.cpp down)."""
    try:
        cores = set()
        physical = core = ""
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            key, _, value = line.partition(":")
            key = key.strip()
            if key == "physical id":
                physical = value.strip()
            elif key == "core id":
                core = value.strip()
                cores.add((physical, core))
        if cores:
            return len(cores)
    except OSError:
        pass
    return max(1, (os.cpu_count() or 2) // 2)


def check_gguf(path: Path) -> None:
    """Refuse files that are not GGUF before llama.cpp gets them (it would print a wall of log instead)."""
    if not path.is_file():
        raise LlmUnavailable(f"找不到语言模型文件 {path}")
    with path.open("rb") as fh:
        if fh.read(4) != GGUF_MAGIC:
            raise LlmUnavailable(f"{path.name} 不是 GGUF 模型文件（可能已损坏）：请运行 `kiosk models verify`")


class LlmEngine:
    """One loaded model; calls are serialised because a llama.cpp context is not thread-safe."""

    def __init__(self, llama, path: Path, load_s: float):
        self._llama = llama
        self.path = path
        self.load_s = load_s
        self._lock = threading.Lock()
        self.last = GenerationStats()
        self._cancel: threading.Event | None = None  # the running call's, read by the abort callback
        self._abort = _abort_callback(llama, self._cancelled)  # kept here: llama.cpp holds only its address

    def _cancelled(self) -> bool:
        cancel = self._cancel
        return cancel is not None and cancel.is_set()

    @classmethod
    def load(cls, path: Path | None = None, *, n_ctx: int = 2048, n_threads: int | None = None) -> LlmEngine:
        """Load the configured GGUF (default: the installed default LLM); raise LlmUnavailable when it cannot."""
        if path is None:
            path = default_model_path()
        if path is None:
            raise LlmUnavailable("没有安装语言模型：运行 `kiosk models install` 安装默认模型")
        check_gguf(path)
        try:
            from llama_cpp import Llama
        except ImportError as exc:
            raise LlmUnavailable("未安装 llama-cpp-python：语言模型暂不可用") from exc
        threads = n_threads or physical_cores()
        started = time.perf_counter()
        try:
            llama = Llama(
                model_path=str(path),
                n_ctx=n_ctx,
                n_threads=threads,
                n_threads_batch=threads,
                n_batch=256,
                verbose=False,
            )
        except (ValueError, RuntimeError, OSError) as exc:
            raise LlmUnavailable(f"语言模型 {path.name} 无法加载（文件可能不完整或已损坏）：{exc}") from exc
        return cls(llama, path, time.perf_counter() - started)

    # ------------------------------------------------------------------------------------------ prompts

    def _tokens(self, text: str, special: bool) -> list[int]:
        return self._llama.tokenize(text.encode("utf-8"), add_bos=False, special=special)

    def prompt_tokens(self, turns: Sequence[Message]) -> list[int]:
        """ChatML (Qwen's template) from token pieces; only the template's own markers count as special."""
        tokens: list[int] = []
        for role, text in turns:
            tokens += self._tokens(f"<|im_start|>{role}\n", special=True)
            tokens += self._tokens(_plain(text), special=False)
            tokens += self._tokens("<|im_end|>\n", special=True)
        tokens += self._tokens("<|im_start|>assistant\n", special=True)
        return tokens

    def warm(self, prefix: Sequence[Message]) -> float:
        """Read the fixed opening turns once so later prompts that start with them reuse their KV cache."""
        started = time.perf_counter()
        for _ in self.stream([*prefix, ("user", "你好")], max_tokens=1):
            pass
        return time.perf_counter() - started

    # ------------------------------------------------------------------------------------------ generation

    def stream(
        self,
        turns: Sequence[Message],
        *,
        max_tokens: int = 160,
        temperature: float = 0.2,
        cancel: threading.Event | None = None,
        grammar: str | None = None,
    ) -> Iterator[str]:
        """Yield text pieces as the model writes them; stops early when ``cancel`` is set."""
        with self._lock:
            tokens = self.prompt_tokens(turns)
            cached = _common_prefix(self._llama, tokens)
            stats = GenerationStats(prompt_tokens=len(tokens), cached_tokens=cached)
            self.last = stats
            kwargs = {}
            if grammar:
                from llama_cpp import LlamaGrammar

                kwargs["grammar"] = LlamaGrammar.from_string(grammar, verbose=False)
            started = time.perf_counter()
            self._cancel = cancel
            chunks = _aborted_when(self._llama.create_completion(
                tokens,
                max_tokens=max_tokens,
                temperature=temperature,
                top_p=0.9,
                repeat_penalty=1.1,
                stop=list(STOP),
                stream=True,
                **kwargs,
            ), self._cancelled)
            try:
                for chunk in chunks:
                    if self._cancelled():
                        break
                    text = chunk["choices"][0]["text"]
                    if not text:
                        continue
                    if not stats.completion_tokens:
                        stats.first_token_s = time.perf_counter() - started
                    stats.completion_tokens += 1
                    yield text
            finally:
                stats.cancelled = self._cancelled()
                self._cancel = None
                chunks.close()
                stats.total_s = time.perf_counter() - started

    def complete_json(self, turns: Sequence[Message], grammar: str, max_tokens: int = 48) -> dict:
        """A JSON object constrained by a GBNF grammar; raises ValueError if the model still fails to close it."""
        text = "".join(self.stream(turns, max_tokens=max_tokens, temperature=0.0, grammar=grammar))
        return json.loads(text)


def _abort_callback(llama, cancelled: Callable[[], bool]) -> object:
    """Installs ``cancelled`` as llama.cpp's abort callback, so a cancel also ends the reading of a long prompt
    (between tokens is too late there: a prompt takes seconds on a busy CPU). Returns the ctypes callback, which
    must outlive the context. An aborted batch is removed from the KV cache by llama.cpp and never counted by
    llama-cpp-python, so the next call finds the cache consistent with the tokens it records."""
    import llama_cpp

    callback = llama_cpp.ggml_abort_callback(lambda _data: cancelled())
    llama_cpp.llama_set_abort_callback(llama.ctx, callback, ctypes.c_void_p())
    return callback


def _aborted_when(pieces: Iterator[dict], cancelled: Callable[[], bool]) -> Iterator[dict]:
    """The completion's chunks; llama.cpp's refusal to go on after an abort ends them quietly when it was ours."""
    try:
        yield from pieces
    except RuntimeError:
        if not cancelled():
            raise


def _plain(text: str) -> str:
    # Template markers typed into untrusted text are tokenized as plain text anyway; dropping the bars as well
    # keeps them from being echoed back as if they meant something.
    return text.replace("<|", "<").replace("|>", ">")


def _common_prefix(llama, tokens: Sequence[int]) -> int:
    n = 0
    for a, b in zip(llama._input_ids[: llama.n_tokens], tokens, strict=False):
        if a != b:
            break
        n += 1
    return n


def try_load(name: str | None = None, warm: Sequence[Message] = ()) -> tuple[LlmEngine | None, str]:
    """(the loaded and warmed model, "") or (None, the reason in Chinese): callers then answer extractively."""
    try:
        engine = LlmEngine.load(default_model_path(name))
    except LlmUnavailable as exc:
        return None, str(exc)
    if warm:
        engine.warm(warm)
    return engine, ""


def default_model_path(name: str | None = None) -> Path | None:
    """The GGUF to use: ``name`` if installed, else the manifest's preferred installed LLM."""
    if name:
        found = modelstore.path_for("llm", name)
        if found is not None:
            return found
    return modelstore.path_for("llm")
