"""The OpenAPI 3.1 document of the JSON API (`/api/v1/openapi.json`), written out by hand: the
routes are few, and each answer is the command line's JSON, whose schemas `ipscore schema`
gives (referred to here by their addresses, not copied)."""

from __future__ import annotations

from functools import cache
from typing import Any

from .._version import __version__

_BODY_TYPES = (
    "application/yaml",
    "application/x-yaml",
    "text/yaml",
    "application/json",
    "text/csv",
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
)


def _query(
    name: str, about: str, kind: str = "string", many: bool = False, required: bool = False
) -> dict[str, Any]:
    schema: dict[str, Any] = {"type": kind}
    if many:
        schema = {"type": "array", "items": schema}
    found: dict[str, Any] = {"name": name, "in": "query", "description": about, "schema": schema}
    if many:
        found["explode"] = True
    if required:
        found["required"] = True
    return found


def _path(name: str, about: str, kind: str = "string") -> dict[str, Any]:
    return {"name": name, "in": "path", "required": True, "description": about,
            "schema": {"type": kind}}  # fmt: skip


FILE = [
    _query(
        "name", "提交文件的文件名（如 wuhan-2015.yaml），其扩展名说明格式；不写时按 Content-Type"
    ),
    _query("pack", "规则包编号（默认读提交文件的 pack 键）"),
]
STAMP = _query("timestamp", "0：不写生成时间（produced_at 为 null），与命令行 --no-timestamp 相同")


def _answer(about: str, schema: dict[str, Any] | None = None) -> dict[str, Any]:
    found = {
        "200": {
            "description": about,
            "content": {"application/json": {"schema": schema or {"type": "object"}}},
        },
        "400": {"$ref": "#/components/responses/Problems"},
        "401": {"$ref": "#/components/responses/Unauthorized"},
        "403": {"$ref": "#/components/responses/Forbidden"},
        "404": {"$ref": "#/components/responses/NotFound"},
    }
    return found


def _post(summary: str, about: str, extra: list[dict[str, Any]]) -> dict[str, Any]:
    return {
        "post": {
            "summary": summary,
            "parameters": [*FILE, STAMP, *extra],
            "requestBody": {
                "required": True,
                "description": "一个城市的提交文件（YAML、JSON、CSV 或 Excel 填报表），原样发送；"
                "结构见 /api/v1/packs/{pack}/schema",
                "content": {t: {"schema": {}} for t in _BODY_TYPES},
            },
            "responses": {
                **_answer(about),
                "413": {"description": "请求体超过服务的上传上限（--max-upload）"},
            },
        }
    }


def _get(summary: str, params: list[dict[str, Any]], about: str) -> dict[str, Any]:
    return {"get": {"summary": summary, "parameters": params, "responses": _answer(about)}}


@cache
def document() -> dict[str, Any]:
    problem = {
        "type": "object",
        "properties": {
            "file": {"type": ["string", "null"]},
            "line": {"type": ["integer", "null"]},
            "field": {"type": ["string", "null"]},
            "message": {"type": "string"},
            "message_en": {"type": "string"},
        },
    }
    error = {
        "type": "object",
        "required": ["error"],
        "properties": {
            "error": {"type": "string"},
            "problems": {"type": "array", "items": {"$ref": "#/components/schemas/Problem"}},
        },
    }
    ref = {"content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}}
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "ipscore API",
            "version": __version__,
            "description": "国家知识产权示范城市评估：提交城市数据，取回每条要求的结论、得分和"
            "等级，读取归档和公布名单。返回的 JSON 与命令行 --format json 的输出相同。",
        },
        "servers": [{"url": "/"}],
        "security": [{"token": []}],
        "paths": {
            "/api/v1/assess": _post("评估", "assess --format json 的结果", []),
            "/api/v1/validate": _post("检查能否评估，列出缺报项", "validate --format json", []),
            "/api/v1/whatif": _post(
                "假设分析",
                "whatif --format json",
                [
                    _query("set", "改一个填报值：字段=值", many=True),
                    _query("drop", "假设不做这项任务，如 T7", many=True),
                    _query("complete", "假设完成这项任务", many=True),
                    _query("param", "改规则包参数：名称=值，如 T4.R2=1.15", many=True),
                ],
            ),
            "/api/v1/plan": _post(
                "达到目标等级最少还要做什么",
                "plan --format json",
                [_query("target", "目标等级代码，如 excellent、good、pass", required=True)],
            ),
            "/api/v1/archive/submissions": _get(
                "归档列表（只列令牌可看的城市）",
                [
                    _query("city", "只列这个城市"),
                    _query("year", "只列这个年度", "integer"),
                    _query("pack", "只列这个规则包"),
                    _query("all", "1：连同被更正取代的旧版本"),
                    STAMP,
                ],
                "archive list --format json",
            ),
            "/api/v1/archive/{city}/{year}": _get(
                "一条存档",
                [
                    _path("city", "城市"),
                    _path("year", "年度", "integer"),
                    _query("pack", "规则包编号"),
                    _query("version", "第几版（默认当前版）", "integer"),
                ],
                "archive show --format json",
            ),
            "/api/v1/history/{city}": _get(
                "一个城市历年的考核",
                [
                    _path("city", "城市"),
                    _query("pack", "规则包编号"),
                    _query("from", "起始年度", "integer"),
                    _query("to", "截止年度", "integer"),
                    STAMP,
                ],
                "history --format json",
            ),
            "/api/v1/published": _get(
                "公布名单（审核令牌；省级令牌只得本省城市，排名同全国名单）",
                [
                    _query("year", "考核年度", "integer", required=True),
                    _query("pack", "规则包编号"),
                    _query("with_scores", "1：同时公布得分和同级排名"),
                    _query("score", "declared（申报的）或 verified（核验后的）"),
                    STAMP,
                ],
                "publish -o 名单.json",
            ),
            "/api/v1/packs": _get("规则包列表", [], "编号、版本、标题、年度、指纹"),
            "/api/v1/packs/{pack}/schema": _get(
                "提交文件（或评估结果）的 JSON Schema",
                [
                    _path("pack", "规则包编号"),
                    _query("result", "1：评估结果的结构"),
                    _query("year", "另一年度的数据文件的结构", "integer"),
                ],
                "ipscore schema --pack 的输出",
            ),
        },
        "components": {
            "securitySchemes": {
                "token": {
                    "type": "http",
                    "scheme": "bearer",
                    "description": "令牌由 ipscore serve --new-token 生成；用户文件 tokens: 下"
                    "只存其散列、角色（city 或 reviewer）和城市或省份",
                }
            },
            "schemas": {"Problem": problem, "Error": error},
            "responses": {
                "Problems": {"description": "提交的文件或参数有问题，逐条列出", **ref},
                "Unauthorized": {"description": "没有令牌或令牌不对", **ref},
                "Forbidden": {"description": "令牌无权看这个城市（公布名单：只给审核令牌）", **ref},
                "NotFound": {"description": "没有这条存档、这个规则包或这个接口", **ref},
            },
        },
    }
