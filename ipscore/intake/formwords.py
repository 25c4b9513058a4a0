"""The words of the fill-in form in both languages: its sheet's name, headings, notes, hints,
drop-downs, checks and sign-off rows (`formsheet` writes them, `formlayout` heads its
sections with them), and a pack's texts in the form's language (its English where the pack
has one, else its Chinese: a place's or a document's name has no other). `sheets` reads a
form back by the headings of either language, so an English form reads exactly like its
Chinese twin."""

from __future__ import annotations

from dataclasses import dataclass

from ..packs import FieldDecl

FORM_SHEET = "填报表"
FORM_HEAD = ("项目", "填报值", "单位", "填写说明", "佐证材料", "字段代码")
CODE, VALUE, EVIDENCE = "字段代码", "填报值", "佐证材料"  # the columns a form is read by
# A points sheet's form is laid out like the office's 考核评分表; it is read by the same columns,
# and by the 自评分 of each item, on the row that names the item in 评分项代码.
SELF, ITEM = "自评分", "评分项代码"
POINTS_HEAD = (
    "考核内容",
    "分值",
    "评分标准",
    "填报项",
    VALUE,
    SELF,
    "填写说明",
    EVIDENCE,
    CODE,
    ITEM,
)


@dataclass(frozen=True)
class Words:
    """The tool's own words on a form, in one language."""

    sheet: str
    head: tuple[str, ...]  # a weighted pack's columns, as FORM_HEAD
    points_head: tuple[str, ...]  # a points sheet's, as POINTS_HEAD
    title: str  # after the pack's title
    points_title: str
    pack_line: str  # {id} {version} {hash}
    note: str
    points_note: str
    pack: str
    year: str
    keep: str  # beside the pack and the year: do not change
    kinds: dict[str, str]  # what to fill in, by field type; {decimals}, {labels}
    list_sep: str  # between a drop-down's labels in a hint
    fill: str  # {kind}{unit}
    unit: str  # {unit}
    yes_no: str  # the drop-down's formula
    choose_yes_no: str
    choose: str
    between: str  # {low} {top}
    a_date: str
    a_score: str
    wrong: str  # a broken check's title
    documents: str  # the comment on the documents' heading
    sign_off: tuple[str, ...]  # the rows to sign and seal, as SIGN_OFF's
    nothing: str  # an item with no figure of its own
    total: str
    start: str  # {points}
    see: str  # {label} {where}
    profile: str
    used_by: str
    task_sep: str
    worth: str  # {points}
    veto: str  # {title}
    others: str
    quoted: str  # {title}
    with_unit: str  # {label} {unit}


ZH = Words(
    sheet=FORM_SHEET,
    head=FORM_HEAD,
    points_head=POINTS_HEAD,
    title=" — 数据填报表",
    points_title=" — 考核评分表（自评填报）",
    pack_line="规则包 {id} {version}（指纹 {hash}）",
    note=(
        "只填黄色格：“填报值”和“佐证材料”。不知道的留空（算缺报），不要填0代替；"
        "是/否请从下拉中选；金额单位为万元。“佐证材料”每行一份：文号；标题；日期；文件"
        "（文件放在本表所在文件夹内，写相对路径）。最右一列的字段代码不要修改。"
    ),
    points_note=(
        "只填黄色格：“填报值”“自评分”和“佐证材料”。不知道的留空（算缺报），不要填0代替；"
        "是/否请从下拉中选；金额单位为万元。“自评分”按评分标准自己打分，每项一格（可留空），"
        "评估结果逐项列出自评分与计算得分之差。“佐证材料”每行一份：文号；标题；日期；文件。"
        "最右两列的代码不要修改。"
    ),
    pack="规则包",
    year="评估年度",
    keep="不要修改",
    kinds={
        "bool": "从下拉中选“是”或“否”",
        "count": "不小于0的整数",
        "amount": "不小于0的数，最多{decimals}位小数",
        "date": "日期，如 2015-12-31",
        "enum": "从下拉中选：{labels}",
        "text": "文字",
    },
    list_sep="、",
    fill="填写：{kind}{unit}",
    unit="（单位：{unit}）",
    yes_no='"是,否"',
    choose_yes_no="请选“是”或“否”",
    choose="请从下拉中选",
    between="请填 {low} 到 {top} 之间的数",
    a_date="请填日期，如 2015-12-31",
    a_score="请填一个数（自评分）",
    wrong="填写有误",
    documents=(
        "每行一份佐证材料：文号；标题；日期；文件，不知道的部分留空，如\n"
        "某政发〔2015〕12号；某市知识产权工作方案；2015-11-20；附件/方案.pdf\n"
        "文件须在本表所在文件夹内；只写文件名或只写文号也可以。"
    ),
    sign_off=("填报单位（盖章）", "填报人", "联系电话", "填报日期"),
    nothing="（无需另外填报）",
    total="合计",
    start="基础分{points}分",
    see="{label}：见{where}",
    profile="城市概况",
    used_by="用于：",
    task_sep="；",
    worth="（{points}分）",
    veto="一票否决：{title}",
    others="其他填报项",
    quoted="“{title}”",
    with_unit="{label}（{unit}）",
)

EN = Words(
    sheet="Form",
    head=("Item", "Value", "Unit", "How to fill in", "Supporting documents", "Field code"),
    points_head=(
        "Assessed work",
        "Points",
        "Scoring criteria",
        "Figure",
        "Value",
        "Self-score",
        "How to fill in",
        "Supporting documents",
        "Field code",
        "Item code",
    ),
    title=" — data form",
    points_title=" — score sheet (self-assessment)",
    pack_line="Rule pack {id} {version} (fingerprint {hash})",
    note=(
        "Fill in the yellow cells only: “Value” and “Supporting documents”. Leave a cell blank "
        "when you do not know (it counts as not reported); never write 0 instead. Choose Yes or "
        "No from the drop-down; amounts are in 10k yuan. “Supporting documents”: one per "
        "line, as document number; title; date; file (the file in this workbook's folder, by "
        "its relative path). Do not change the field codes in the last column."
    ),
    points_note=(
        "Fill in the yellow cells only: “Value”, “Self-score” and “Supporting documents”. Leave a "
        "cell blank when you do not know (it counts as not reported); never write 0 instead. "
        "Choose Yes or No from the drop-down; amounts are in 10k yuan. “Self-score”: your "
        "own score by the criteria, one per item (may be left blank); the result lists each "
        "item's self-score beside its computed score. “Supporting documents”: one per line, as "
        "document number; title; date; file. Do not change the codes in the last two columns."
    ),
    pack="Rule pack",
    year="Assessment year",
    keep="Do not change",
    kinds={
        "bool": "choose Yes or No from the drop-down",
        "count": "a whole number, 0 or more",
        "amount": "a number, 0 or more, at most {decimals}",
        "date": "a date such as 2015-12-31",
        "enum": "choose from the drop-down: {labels}",
        "text": "text",
    },
    list_sep="; ",
    fill="Fill in: {kind}{unit}",
    unit=" (unit: {unit})",
    yes_no='"Yes,No"',
    choose_yes_no="Choose Yes or No",
    choose="Choose from the drop-down",
    between="Enter a number from {low} to {top}",
    a_date="Enter a date such as 2015-12-31",
    a_score="Enter a number (self-score)",
    wrong="Invalid entry",
    documents=(
        "One supporting document per line: document number; title; date; file, leaving out "
        "what you do not know, e.g.\n"
        "Some Gov. Doc. (2015) No. 12; City IP work plan; 2015-11-20; annex/plan.pdf\n"
        "The file must be in this workbook's folder; a file name or a document number alone "
        "will do."
    ),
    sign_off=("Reporting office (seal)", "Filled in by", "Telephone", "Date"),
    nothing="(nothing more to fill in)",
    total="Total",
    start="base score {points}",
    see="{label}: see {where}",
    profile="City profile",
    used_by="Used by: ",
    task_sep="; ",
    worth=" ({points} points)",
    veto="Veto: {title}",
    others="Other figures",
    quoted="“{title}”",
    with_unit="{label} ({unit})",
)

WORDS = {"zh": ZH, "en": EN}

# A form's headings in English, as the reader knows them by their Chinese twins.
HEADINGS = {
    **dict(zip(EN.head, ZH.head, strict=True)),
    **dict(zip(EN.points_head, ZH.points_head, strict=True)),
}
SHEETS = (ZH.sheet, EN.sheet)

# Units the tool knows in English, for a pack that gives none (unit_en).
# The shipped packs write 10k yuan for 万元 where they give one.
UNITS_EN = {
    "万元": "10k yuan",
    "元": "yuan",
    "个": "count",
    "件": "items",
    "人": "persons",
    "万人": "10k people",
    "件/万人": "per 10k people",
}


def label(decl: FieldDecl, lang: str) -> str:
    return decl.label_en if lang == "en" else decl.label


def unit(decl: FieldDecl, lang: str) -> str | None:
    if lang != "en" or decl.unit is None:
        return decl.unit
    return decl.unit_en or UNITS_EN.get(decl.unit, decl.unit)


def help_text(decl: FieldDecl, lang: str) -> str | None:
    """A field's note: its English where the pack gives one, else its Chinese."""
    return (decl.help_en or decl.help) if lang == "en" else decl.help


def choices(decl: FieldDecl, lang: str) -> dict[str, str]:
    """An enum field's code → label as its form's drop-down shows it."""
    values = decl.values or {}
    if lang != "en":
        return values
    english = decl.values_en or {}
    return {code: english.get(code, label) for code, label in values.items()}


def in_text(lang: str, zh: str, en: str | None) -> str:
    """A pack's text (a title, a criterion) in the form's language, its Chinese where it has
    no English."""
    return en if lang == "en" and en else zh


def enum_code(decl: FieldDecl, raw: str) -> str | None:
    """The code of an enum field's option typed by its English label (on an English form);
    None where it is no English label (a code or a Chinese label reads as it is)."""
    values = decl.values or {}
    if raw in values or raw in values.values():
        return None
    english = {label.casefold(): code for code, label in (decl.values_en or {}).items()}
    return english.get(raw.strip().casefold())
