"""A pack as one self-contained document: what the archive stores of the pack that made a
result, so that the result can be replayed after the pack file is edited or gone.

The document is the pack's YAML with whatever it `extends` already merged in (the amendments
it lists, the thresholds they set): nothing outside it is needed to load it again. Loading it
must give the same content hash the pack had; `pack_from_document` refuses a document that
does not (one made under rules this ipscore reads differently).
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import yaml

from ..errors import PackError, Problem
from .load import built
from .model import Pack

FORMAT = 1  # the layout of a stored document, named in it


class _Dumper(yaml.CSafeDumper):
    """Plain YAML: every value written out where it stands (no anchors), numbers exact."""

    def ignore_aliases(self, data: Any) -> bool:
        return True


def _decimal(dumper: _Dumper, value: Decimal) -> yaml.Node:
    text = format(value, "f")
    # With its point it reads back as an exact number (yamlio.parse_fast), never a whole one.
    return dumper.represent_scalar("tag:yaml.org,2002:float", text if "." in text else text + ".0")


_Dumper.add_representer(Decimal, _decimal)


def has_document(pack: Pack) -> bool:
    """Whether the pack is still the one its document describes (a what-if copy is not)."""
    return pack._document is not None and pack._document[0] == pack.content_hash


def document_of(pack: Pack) -> str:
    """The pack's document as YAML text, headed by what it is."""
    if not has_document(pack):
        raise PackError(
            [
                Problem(
                    f"规则包 {pack.id} 已在载入后被改动（如 --param），无法存档",
                    f"pack {pack.id} was changed after it was loaded (e.g. --param): "
                    "it cannot be stored",
                )
            ]
        )
    assert pack._document is not None
    _, data, params = pack._document
    body = {"stored_pack": FORMAT, "params": params, "document": data}
    head = (
        f"# 规则包 {pack.id} {pack.pack.version}（内容哈希 {pack.content_hash}）\n"
        "# 存档保存的完整规则包：所扩展的规则包已并入，可用 ipscore archive replay 重放。\n"
    )
    return head + yaml.dump(body, Dumper=_Dumper, allow_unicode=True, sort_keys=False, width=100)


def pack_from_document(text: str, name: str, sha256: str | None = None) -> Pack:
    """The pack a stored document describes; with `sha256`, refused unless it has that hash."""
    from ..yamlio import parse_fast

    try:
        body = parse_fast(text)
    except (yaml.YAMLError, ValueError):
        body = None
    if not isinstance(body, dict) or body.get("stored_pack") != FORMAT:
        raise PackError(
            [
                Problem(
                    "不是 ipscore 存档的规则包",
                    "not a pack document stored by ipscore",
                    name,
                )
            ]
        )
    pack = built(name, body["document"], body.get("params") or {}, {})
    if sha256 is not None and pack.content_hash != sha256:
        raise PackError(
            [
                Problem(
                    f"存档的规则包载入后哈希为 {pack.content_hash[:12]}…，"
                    f"与存入时的 {sha256[:12]}… 不同：本版 ipscore 对它的理解已不同",
                    f"the stored pack loads with hash {pack.content_hash[:12]}…, not "
                    f"{sha256[:12]}… as stored: this ipscore reads it differently",
                    name,
                )
            ]
        )
    return pack
