"""Reading YAML and JSON while keeping the line of every key, for errors that point at it."""

from __future__ import annotations

import datetime as dt
import json
import os
import re
from decimal import Decimal
from pathlib import Path
from typing import Any

import yaml
from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap, CommentedSeq
from ruamel.yaml.error import MarkedYAMLError, YAMLError
from ruamel.yaml.scalarbool import ScalarBoolean

from .errors import InputError, IpscoreError, Problem, display_path, resolved

Lines = dict[tuple[str | int, ...], int]


class _TooBig(Exception):
    pass


def _plain(node: Any, path: tuple[str | int, ...], lines: Lines, budget: list[int]) -> Any:
    """Turn either reader's tree into plain Python; from ruamel's round-trip nodes, record the
    1-based line of every key and item by path.

    An alias is a reference in the tree but a copy here: `budget` (items left) stops a
    document whose aliases multiply it beyond reason."""
    budget[0] -= 1
    if budget[0] < 0:
        raise _TooBig
    if isinstance(node, dict):
        out = {}
        for key, value in node.items():
            key_path = (*path, str(key))
            pos = node.lc.key(key) if isinstance(node, CommentedMap) else None
            if pos is not None:
                lines[key_path] = pos[0] + 1
            out[str(key)] = _plain(value, key_path, lines, budget)
        return out
    if isinstance(node, list):
        out_list = []
        for i, value in enumerate(node):
            item_path = (*path, i)
            pos = node.lc.item(i) if isinstance(node, CommentedSeq) else None
            if pos is not None:
                lines[item_path] = pos[0] + 1
            out_list.append(_plain(value, item_path, lines, budget))
        return out_list
    if isinstance(node, dt.datetime):
        return dt.datetime(*node.timetuple()[:6]) if node.time() != dt.time() else node.date()
    if isinstance(node, str):
        return str(node)
    if isinstance(node, (bool, ScalarBoolean)):  # an anchored true is ruamel's int subclass
        return bool(node)
    if isinstance(node, int):
        return int(node)
    return node


# Untrusted files are read whole: past these a file is refused, not parsed.
MAX_BYTES = int(os.environ.get("IPSCORE_MAX_INPUT_MB", "20")) * 2**20
MAX_ALIASES = 100  # a YAML alias bomb expands exponentially; honest files need a handful
MAX_DEPTH = 100  # nesting; a submission needs four levels
MAX_NODES = 1_000_000  # items once aliases are expanded
# Every file this process has read: an output may never overwrite one of them.
# A file is known by its device and inode: through any name or link, it is the same file.
READ: set[tuple[int, int]] = set()
# A file a submission or a scenario names (`reference:`, `base:`) must lie inside the folder of
# the file naming it, so that a file sent in cannot make ipscore read /etc/passwd or a
# neighbour's data; `--allow-outside` lifts this for one's own files.
OUTSIDE = {"allowed": False}


def within(folder: Path, named: Path) -> bool:
    """Whether a file named from `folder` may be read: inside it (links followed), or anywhere
    when reading outside was allowed."""
    real = resolved(named)
    return OUTSIDE["allowed"] or (real is not None and real.is_relative_to(folder.resolve()))


def read_bytes(
    path: Path,
    error: type[IpscoreError] = InputError,
    limit: tuple[int, str] = (MAX_BYTES, "IPSCORE_MAX_INPUT_MB"),
) -> bytes:
    """The file's bytes, or one readable error naming it. Only a regular file is read, and only
    up to `limit` (bytes, and the variable that sets it): /dev/zero, a FIFO or a huge file is
    refused before it is read."""
    name = display_path(path)
    most, knob = limit
    try:
        info = path.stat()
        if path.is_file() and info.st_size > most:
            raise _error(
                error,
                name,
                f"文件太大（{info.st_size // 2**20} MB），上限 {most // 2**20} MB"
                f"（可用环境变量 {knob} 调整）",
                f"the file is too large ({info.st_size // 2**20} MB); the limit is "
                f"{most // 2**20} MB ({knob})",
            )
        if not path.is_file() and not path.is_dir():
            raise _error(error, name, "这不是普通文件，不能读取", "this is not a regular file")
        data = path.read_bytes()
        READ.add((info.st_dev, info.st_ino))
        return data
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


def load_fast(path: Path, error: type[IpscoreError] = InputError) -> tuple[Any, bytes] | None:
    """The document through libyaml's C parser, ten times faster than the line-tracking one, or
    None when it needs the careful reader (a syntax error, a duplicate key, an odd value): the
    careful reader then gives the message with its line. Numbers with a point are exact."""
    raw = read_bytes(path, error)
    try:
        text = decode(raw, display_path(path))
        if path.suffix.lower() == ".json":  # JSON is read as JSON: a trailing comma is an error
            data = json.loads(text, parse_float=Decimal, object_pairs_hook=_unique)
            return _plain(data, (), {}, [MAX_NODES]), raw
        # Aliases are expanded within MAX_NODES (past it, the careful reader gives the message);
        # a file with more `*` than aliases allowed goes to it straight away.
        if text.count("*") > MAX_ALIASES:
            return None
        return parse_fast(text), raw
    except _TooBig:  # as the careful reader would find, after expanding it all again
        raise _bomb(error, display_path(path)) from None
    except (yaml.YAMLError, ValueError, RecursionError, InputError):
        return None


def parse_fast(text: str) -> Any:
    """YAML text as `load_fast` reads it (numbers with a point exact); a ValueError or a
    YAMLError where it needs the careful reader."""
    loader = yaml.CSafeLoader(text)
    try:
        node = loader.get_single_node()
        return None if node is None else _built(node, loader, [MAX_NODES])
    finally:
        loader.dispose()


def _built(node: Any, loader: Any, budget: list[int]) -> Any:
    """Plain Python straight from libyaml's nodes (PyYAML's generic constructor is most of the
    time of reading a submission). Whatever is not plain data of the usual kinds — a merge
    key, a duplicate key, an unusual tag — is a ValueError: the careful reader then decides."""
    budget[0] -= 1
    if budget[0] < 0:
        raise _TooBig
    if isinstance(node, yaml.ScalarNode):
        tag, text = node.tag, node.value
        if tag == _STR:
            return text
        if tag == _INT:
            return _whole(loader, node)
        if tag == _FLOAT:
            return _exact_float(loader, node)
        if tag in _SIMPLE:
            return _plain(loader.construct_object(node), (), {}, budget)
        raise ValueError(f"unusual tag {tag}")
    if isinstance(node, yaml.MappingNode) and node.tag == _MAP:
        out = {}
        for key_node, value_node in node.value:
            if not isinstance(key_node, yaml.ScalarNode) or key_node.tag == _MERGE:
                raise ValueError("merge key or complex key")
            key = str(_built(key_node, loader, budget))
            if key in out:
                raise ValueError("duplicate key")
            out[key] = _built(value_node, loader, budget)
        return out
    if isinstance(node, yaml.SequenceNode) and node.tag == _SEQ:
        return [_built(item, loader, budget) for item in node.value]
    raise ValueError(f"unusual node {node.tag}")


_TAG = "tag:yaml.org,2002:"
_STR, _INT, _FLOAT, _MAP, _SEQ, _MERGE = (
    _TAG + t for t in ("str", "int", "float", "map", "seq", "merge")
)
_SIMPLE = {_TAG + t for t in ("bool", "null", "timestamp")}


def _unique(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    if len({k for k, _ in pairs}) != len(pairs):
        raise ValueError("duplicate key")
    return dict(pairs)


def load_with_bytes(path: Path, error: type[IpscoreError] = InputError) -> tuple[Any, Lines, bytes]:
    """`load_document`, and the bytes it was read from (for their hash)."""
    raw = read_bytes(path, error)
    name = display_path(path)
    data, lines = parse_document(decode(raw, name, error), name, error)
    return data, lines, raw


def parse_document(
    text: str, name: str, error: type[IpscoreError] = InputError
) -> tuple[Any, Lines]:
    """A document's text (a stored one, or a file's) as `load_document` reads it; JSON where
    `name` ends in .json, else YAML."""
    if name.lower().endswith(".json"):
        try:
            json.loads(text, parse_float=Decimal)
        except RecursionError:
            raise _too_deep(error, name) from None
        except ValueError as exc:
            if not isinstance(exc, json.JSONDecodeError):
                raise _too_long(error, name) from None
            raise _error(
                error,
                name,
                f"JSON 格式错误（第{exc.lineno}行第{exc.colno}列）：{exc.msg}",
                f"malformed JSON (line {exc.lineno}, column {exc.colno}): {exc.msg}",
                line=exc.lineno,
            ) from None
    yaml = YAML(typ="rt")
    yaml.allow_duplicate_keys = False
    yaml.constructor.add_constructor("tag:yaml.org,2002:float", _exact_float)
    yaml.constructor.add_constructor("tag:yaml.org,2002:int", _whole)
    yaml.constructor.add_constructor("tag:yaml.org,2002:timestamp", _date_or_text)
    try:
        _check_shape(yaml, text, name, error)
        node = yaml.load(text)
        lines: Lines = {}
        return _plain(node, (), lines, [MAX_NODES]), lines
    except RecursionError:
        raise _too_deep(error, name) from None
    except _TooBig:
        raise _bomb(error, name) from None
    except ValueError as exc:
        if "digits" in str(exc):  # an integer of thousands of digits
            raise _too_long(error, name) from None
        raise _error(
            error, name, f"无法读取的值：{exc}", f"a value that cannot be read: {exc}"
        ) from None
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


_DECIMAL = re.compile(r"[-+]?(0|[1-9][0-9]*)", re.ASCII)


def _whole(constructor: Any, node: Any) -> int | str:
    """A YAML integer in plain decimal digits; any other (1_000, 0x1F, 0o17, 010, 1:30, each
    a different number to YAML 1.1 and 1.2, and none what a form's filler means) its text,
    refused where a number is wanted."""
    text = str(node.value)
    return int(text) if _DECIMAL.fullmatch(text) else text


def _date_or_text(constructor: Any, node: Any) -> Any:
    """A YAML date; one that does not exist (2015-11-31) its text, which the field that reads
    it refuses with its line and the reason, not the whole file with a library's words."""
    try:
        return constructor.construct_yaml_timestamp(node)
    except ValueError:
        return str(node.value)


def _exact_float(constructor: Any, node: Any) -> Any:
    """A YAML number with a point, from its source text: 7799.99999999999999 stays itself,
    never the binary float 7800.0 (rounding a submitted figure could change a verdict)."""
    text = str(node.value)
    if "_" in text or ":" in text:  # 1_000.5, 1:30.5: refused as text, as _whole's are
        return text
    special = {".inf": "Infinity", "+.inf": "Infinity", "-.inf": "-Infinity", ".nan": "NaN"}
    return Decimal(special.get(text.lower(), text))


def _check_shape(yaml: YAML, text: str, name: str, error: type[IpscoreError]) -> None:
    """Refuse an alias bomb, absurd nesting or a merge key from the event stream, before
    anything is built. A merge key (`<<: *d`) is refused: ruamel keeps no line for the keys it
    merges in, and a submission's figures are read where they are written."""
    if "*" not in text and "<<" not in text and text.count("[") + text.count("{") < MAX_DEPTH:
        return
    aliases = 0
    # Per open collection: None for a sequence; for a mapping whether its next node is a key.
    keys: list[bool | None] = []
    for event in yaml.parse(text):
        kind = type(event).__name__
        merge = kind == "ScalarEvent" and event.value == "<<" and event.style is None
        if merge and keys and keys[-1]:  # a plain << where a mapping's key goes
            raise _error(
                error,
                name,
                "不支持 YAML 合并键（<<），请把各项直接写出",
                "YAML merge keys (<<) are not supported: write the keys out",
                line=event.start_mark.line + 1,
            )
        if kind == "AliasEvent":
            aliases += 1
            if aliases > MAX_ALIASES:
                raise _error(
                    error,
                    name,
                    f"YAML 别名（*）超过 {MAX_ALIASES} 个，拒绝读取（可能是“别名炸弹”）",
                    f"more than {MAX_ALIASES} YAML aliases (*): refused (an alias bomb?)",
                )
        if kind in ("MappingStartEvent", "SequenceStartEvent"):
            keys.append(True if kind == "MappingStartEvent" else None)
            if len(keys) > MAX_DEPTH:
                raise _too_deep(error, name)
            continue
        if kind in ("MappingEndEvent", "SequenceEndEvent"):
            keys.pop()
        if keys and keys[-1] is not None:  # a node of the mapping is complete: key ⇄ value
            keys[-1] = not keys[-1]


def _bomb(error: type[IpscoreError], name: str) -> IpscoreError:
    return _error(
        error,
        name,
        f"展开后超过 {MAX_NODES:,} 个数据项，拒绝读取（可能是 YAML“别名炸弹”）",
        f"more than {MAX_NODES:,} items once expanded: refused (a YAML alias bomb?)",
    )


def _too_long(error: type[IpscoreError], name: str) -> IpscoreError:
    return _error(error, name, "有数字超过4300位，无法读取", "a number has more than 4,300 digits")


def _too_deep(error: type[IpscoreError], name: str) -> IpscoreError:
    return _error(
        error,
        name,
        f"嵌套层数超过 {MAX_DEPTH} 层，拒绝读取",
        f"nested more than {MAX_DEPTH} levels deep: refused",
    )


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
