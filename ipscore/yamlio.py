"""Reading YAML and JSON while keeping the line of every key, for errors that point at it."""

from __future__ import annotations

import datetime as dt
import json
import re
from pathlib import Path
from typing import Any

from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap, CommentedSeq
from ruamel.yaml.error import MarkedYAMLError, YAMLError

from .errors import InputError, IpscoreError, Problem, display_path

Lines = dict[tuple[str | int, ...], int]


def _plain(node: Any, path: tuple[str | int, ...], lines: Lines) -> Any:
    """Turn ruamel's round-trip nodes into plain Python, recording 1-based lines by path."""
    if isinstance(node, CommentedMap):
        out = {}
        for key, value in node.items():
            key_path = (*path, str(key))
            pos = node.lc.key(key)
            if pos is not None:
                lines[key_path] = pos[0] + 1
            out[str(key)] = _plain(value, key_path, lines)
        return out
    if isinstance(node, CommentedSeq):
        out_list = []
        for i, value in enumerate(node):
            item_path = (*path, i)
            pos = node.lc.item(i)
            if pos is not None:
                lines[item_path] = pos[0] + 1
            out_list.append(_plain(value, item_path, lines))
        return out_list
    if isinstance(node, dt.datetime):
        return dt.datetime(*node.timetuple()[:6]) if node.time() != dt.time() else node.date()
    if isinstance(node, str):
        return str(node)
    if isinstance(node, bool):
        return bool(node)
    if isinstance(node, int):
        return int(node)
    if isinstance(node, float):
        return float(node)
    return node


def read_bytes(path: Path, error: type[IpscoreError] = InputError) -> bytes:
    """The file's bytes, or one readable error naming it."""
    name = display_path(path)
    try:
        return path.read_bytes()
    except FileNotFoundError:
        raise _error(error, name, "文件不存在", "file not found") from None
    except IsADirectoryError:
        raise _error(
            error, name, "这是一个目录，不是文件", "this is a directory, not a file"
        ) from None
    except OSError as exc:
        raise _error(
            error, name, f"无法读取：{exc.strerror}", f"cannot read: {exc.strerror}"
        ) from None


def decode(raw: bytes, name: str, error: type[IpscoreError] = InputError) -> str:
    """UTF-8 text, with or without a byte-order mark."""
    if raw.startswith(b"\xef\xbb\xbf"):
        raw = raw[3:]
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError:
        raise _error(
            error,
            name,
            "文件不是 UTF-8 编码，请另存为 UTF-8",
            "the file is not UTF-8; save it as UTF-8",
        ) from None


def read_text(path: Path, error: type[IpscoreError] = InputError) -> str:
    return decode(read_bytes(path, error), display_path(path), error)


def load_document(path: Path, error: type[IpscoreError] = InputError) -> tuple[Any, Lines]:
    """Load a .yaml/.yml/.json file into plain data plus the line of every key and item."""
    data, lines, _ = load_with_bytes(path, error)
    return data, lines


def load_with_bytes(path: Path, error: type[IpscoreError] = InputError) -> tuple[Any, Lines, bytes]:
    """`load_document`, and the bytes it was read from (for their hash)."""
    raw = read_bytes(path, error)
    name = display_path(path)
    text = decode(raw, name, error)
    if path.suffix.lower() == ".json":
        try:
            json.loads(text)
        except json.JSONDecodeError as exc:
            raise _error(
                error,
                name,
                f"JSON 格式错误（第{exc.lineno}行第{exc.colno}列）：{exc.msg}",
                f"malformed JSON (line {exc.lineno}, column {exc.colno}): {exc.msg}",
                line=exc.lineno,
            ) from None
    yaml = YAML(typ="rt")
    yaml.allow_duplicate_keys = False
    try:
        node = yaml.load(text)
    except MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark else None
        reason = exc.problem or exc.context or "无法解析"
        duplicate = re.search(r'duplicate key "([^"]+)"', str(exc))
        if duplicate:
            key = duplicate.group(1)
            zh, en = f"键 {key} 出现了两次", f"the key {key} appears twice"
        else:
            zh = f"YAML 格式错误（请检查缩进、冒号和引号）：{reason}"
            en = f"malformed YAML (check indentation, colons and quotes): {reason}"
        raise _error(error, name, zh, en, line=line) from None
    except YAMLError as exc:
        raise _error(error, name, f"YAML 格式错误：{exc}", f"malformed YAML: {exc}") from None
    lines: Lines = {}
    return _plain(node, (), lines), lines, raw


def _error(
    error: type[IpscoreError], name: str, zh: str, en: str, line: int | None = None
) -> IpscoreError:
    return error([Problem(zh, en, file=name, line=line)])


def line_of(lines: Lines, path: tuple[str | int, ...]) -> int | None:
    """The line of `path`, or of its nearest ancestor that has one."""
    while path:
        if path in lines:
            return lines[path]
        path = path[:-1]
    return None
