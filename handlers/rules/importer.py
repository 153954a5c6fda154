"""Turn a .txt, .md or .docx file into numbered articles.

Three layouts are recognised, in this order:
- 第X条 articles (regulations): each 第X条 starts an article; 第X章/第X节 lines become its section;
- outline numbering 一、 / （一） / 1. / （1） (lists such as a 小微权力清单 or 负面清单): each numbered
  item is an article labelled with its whole numbering path, and an item that is only a short heading
  over deeper items becomes their section instead;
- otherwise every paragraph is an article, labelled 第N段.
Numbers are kept exactly as the document writes them, so a citation matches the printed text.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

import cn2an

SUPPORTED_SUFFIXES = (".txt", ".md", ".docx")

_NUM = "零〇一二三四五六七八九十百千两"
ARTICLE = re.compile(rf"^\s*(第[{_NUM}\d]+条)[\s　:：、．.]*")
CHAPTER = re.compile(rf"^\s*第[{_NUM}\d]+(章|节|编|部分)(\s|　|$)")
# Outline levels in the order Chinese official documents nest them.
OUTLINE = (
    re.compile(r"^\s*([一二三四五六七八九十]+)[、．.]\s*"),
    re.compile(r"^\s*([（(][一二三四五六七八九十]+[）)])\s*"),
    re.compile(r"^\s*(\d{1,3})[.．、](?!\d)\s*"),
    re.compile(r"^\s*([（(]\d{1,3}[）)])\s*"),
)
_OUTLINE_SUFFIX = ("、", "", ".", "")
# A numbered line this short, without sentence punctuation, that has items under it is a heading.
HEADING_MAX_CHARS = 30
_SENTENCE_END = re.compile(r"[。；;！!？?]")

_MD_HEADING = re.compile(r"^\s{0,3}#{1,6}\s*")
_MD_MARKUP = re.compile(r"(\*\*|__|`)")
_MD_BULLET = re.compile(r"^\s*([-*+>]\s+)+")
_HTML_COMMENT = re.compile(r"<!--.*?-->", re.S)


class RulesImportError(ValueError):
    """The file cannot be imported; the message (Chinese) says what to fix."""


@dataclass(frozen=True)
class ParsedArticle:
    label: str
    section: str
    text: str


@dataclass(frozen=True)
class _Line:
    text: str
    heading: bool = False  # a markdown heading: never body text of the article before it


def read_file(path: Path) -> list[ParsedArticle]:
    suffix = path.suffix.lower()
    if suffix not in SUPPORTED_SUFFIXES:
        raise RulesImportError(f"不支持{suffix or '无扩展名'}文件，请导入 .txt、.md 或 .docx。")
    if not path.is_file():
        raise RulesImportError(f"找不到文件：{path}")
    if suffix == ".docx":
        lines = _docx_lines(path)
    else:
        lines = _text_lines(_decode(path.read_bytes()), markdown=suffix == ".md")
    articles = split_articles(lines)
    if not articles:
        raise RulesImportError(f"{path.name} 里没有找到任何条文（文件是空的吗？）。")
    return articles


def parse_text(text: str, markdown: bool = False) -> list[ParsedArticle]:
    return split_articles(_text_lines(text, markdown))


def _decode(raw: bytes) -> str:
    # Office PCs in China still save plain text as GBK; accept it rather than make people convert.
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            return raw.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise RulesImportError("文件编码无法识别，请另存为 UTF-8 编码的文本再导入。")


def _text_lines(text: str, markdown: bool) -> list[_Line]:
    if markdown:
        text = _HTML_COMMENT.sub("", text)
    lines: list[_Line] = []
    for raw in text.splitlines():
        heading = False
        if markdown:
            if _MD_HEADING.match(raw):
                heading = True
                raw = _MD_HEADING.sub("", raw)
            raw = _MD_BULLET.sub("", _MD_MARKUP.sub("", raw))
        line = raw.strip().strip("　")
        if line:
            lines.append(_Line(line, heading))
    return lines


def split_articles(lines: list[_Line]) -> list[ParsedArticle]:
    if sum(1 for line in lines if ARTICLE.match(line.text)) >= 1:
        return _by_article(lines)
    if sum(1 for line in lines if any(p.match(line.text) for p in OUTLINE)) >= 2:
        return _by_outline(lines)
    return _by_paragraph(lines)


def _by_article(lines: list[_Line]) -> list[ParsedArticle]:
    articles: list[ParsedArticle] = []
    section = ""
    label: str | None = None
    body: list[str] = []

    def flush() -> None:
        if label is not None and body:
            articles.append(ParsedArticle(label, section, "\n".join(body)))

    for line in lines:
        if CHAPTER.match(line.text) and len(line.text) <= HEADING_MAX_CHARS:
            flush()
            label, body = None, []
            section = line.text
            continue
        found = ARTICLE.match(line.text)
        if found:
            flush()
            label = found.group(1)
            rest = line.text[found.end():].strip()
            body = [rest] if rest else []
        elif label is not None and not line.heading:
            body.append(line.text)
        # Lines before the first article (title, preamble) are not articles.
    flush()
    return articles


@dataclass
class _Item:
    rank: int
    path: tuple[str, ...]
    text: list[str]
    parents: tuple[int, ...]  # indexes of enclosing items


def _by_outline(lines: list[_Line]) -> list[ParsedArticle]:
    items: list[_Item] = []
    stack: list[int] = []
    for line in lines:
        matched = _outline_level(line.text)
        if matched is None:
            if items and not line.heading:
                items[-1].text.append(line.text)
            continue
        rank, number, rest = matched
        while stack and items[stack[-1]].rank >= rank:
            stack.pop()
        path = (items[stack[-1]].path if stack else ()) + (number + _OUTLINE_SUFFIX[rank],)
        items.append(_Item(rank, path, [rest] if rest else [], tuple(stack)))
        stack.append(len(items) - 1)

    has_children = {parent for item in items for parent in item.parents[-1:]}
    headings = {
        index
        for index in has_children
        if len("".join(items[index].text)) <= HEADING_MAX_CHARS and not _SENTENCE_END.search("".join(items[index].text))
    }
    articles: list[ParsedArticle] = []
    for index, item in enumerate(items):
        if index in headings or not item.text:
            continue
        section = " ".join("".join(items[p].text) for p in item.parents if p in headings)
        articles.append(ParsedArticle("".join(item.path), section, "\n".join(item.text)))
    return articles


def _outline_level(text: str) -> tuple[int, str, str] | None:
    for rank, pattern in enumerate(OUTLINE):
        found = pattern.match(text)
        if found:
            number = found.group(1).replace("(", "（").replace(")", "）")
            return rank, number, text[found.end():].strip()
    return None


def _by_paragraph(lines: list[_Line]) -> list[ParsedArticle]:
    articles: list[ParsedArticle] = []
    section = ""
    for line in lines:
        if line.heading:
            section = line.text
            continue
        articles.append(ParsedArticle(f"第{len(articles) + 1}段", section, line.text))
    return articles


# --- .docx -----------------------------------------------------------------------------------------

_W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"


def _docx_lines(path: Path) -> list[_Line]:
    import docx
    from docx.opc.exceptions import PackageNotFoundError
    from docx.table import Table

    try:
        document = docx.Document(str(path))
    except (PackageNotFoundError, KeyError, ValueError) as exc:
        raise RulesImportError(f"{path.name} 不是有效的 Word（.docx）文件，请用 Word 另存为 .docx 后再导入。") from exc
    numbering = _WordNumbering(document)
    lines: list[_Line] = []
    for block in document.iter_inner_content():
        if isinstance(block, Table):
            for row in block.rows:
                cells: list[str] = []
                for cell in row.cells:
                    value = cell.text.strip()
                    if value and (not cells or cells[-1] != value):  # merged cells repeat their text
                        cells.append(value)
                if cells:
                    lines.append(_Line(_table_row(cells)))
            continue
        text = block.text.strip()
        if not text:
            continue
        prefix = numbering.prefix(block)
        style = (block.style.name or "") if block.style is not None else ""
        lines.append(_Line(prefix + text, heading=style.startswith(("Heading", "Title", "标题"))))
    return lines


def _table_row(cells: list[str]) -> str:
    """A list row like ｜3｜事项｜要求｜ reads as the item "3. 事项：要求"."""
    if len(cells) > 1 and cells[0].isdigit():
        return f"{cells[0]}. " + "：".join(cells[1:])
    return "：".join(cells)


class _WordNumbering:
    """Render Word's automatic numbering (第%1条, %1、, (%1) …), which is not part of the paragraph text."""

    def __init__(self, document) -> None:
        self.levels: dict[str, dict[int, tuple[str, str, int]]] = {}
        self.abstract_of: dict[str, str] = {}
        self.counters: dict[str, dict[int, int]] = {}
        try:
            root = document.part.numbering_part.element
        except (KeyError, NotImplementedError):
            return
        for abstract in root.iter(f"{_W}abstractNum"):
            levels: dict[int, tuple[str, str, int]] = {}
            for lvl in abstract.iter(f"{_W}lvl"):
                fmt = lvl.find(f"{_W}numFmt")
                text = lvl.find(f"{_W}lvlText")
                start = lvl.find(f"{_W}start")
                levels[int(lvl.get(f"{_W}ilvl"))] = (
                    fmt.get(f"{_W}val") if fmt is not None else "decimal",
                    text.get(f"{_W}val") if text is not None else "",
                    int(start.get(f"{_W}val")) if start is not None else 1,
                )
            self.levels[abstract.get(f"{_W}abstractNumId")] = levels
        for num in root.iter(f"{_W}num"):
            ref = num.find(f"{_W}abstractNumId")
            if ref is not None:
                self.abstract_of[num.get(f"{_W}numId")] = ref.get(f"{_W}val")

    def prefix(self, paragraph) -> str:
        num_id, ilvl = self._num_pr(paragraph)
        abstract = self.abstract_of.get(num_id or "")
        if abstract is None or abstract not in self.levels:
            return ""
        levels = self.levels[abstract]
        if ilvl not in levels:
            return ""
        counters = self.counters.setdefault(abstract, {})
        counters[ilvl] = counters.get(ilvl, levels[ilvl][2] - 1) + 1
        for deeper in [level for level in counters if level > ilvl]:
            del counters[deeper]
        fmt, text, _start = levels[ilvl]
        if fmt in ("none", "bullet"):
            return ""
        for level in range(ilvl + 1):
            value = counters.get(level, levels.get(level, ("decimal", "", 1))[2])
            text = text.replace(f"%{level + 1}", _format_number(value, levels.get(level, (fmt,))[0]))
        return text + ("" if text.endswith(("、", " ", "　")) or text.startswith("第") else " ")

    def _num_pr(self, paragraph) -> tuple[str | None, int]:
        for ppr in (paragraph._p.pPr, _style_ppr(paragraph)):
            num_pr = ppr.find(f"{_W}numPr") if ppr is not None else None
            if num_pr is None:
                continue
            num_id = num_pr.find(f"{_W}numId")
            ilvl = num_pr.find(f"{_W}ilvl")
            return (
                num_id.get(f"{_W}val") if num_id is not None else None,
                int(ilvl.get(f"{_W}val")) if ilvl is not None else 0,
            )
        return None, 0


def _style_ppr(paragraph):
    style = paragraph.style
    return style.element.pPr if style is not None else None


def _format_number(value: int, fmt: str) -> str:
    if fmt.startswith(("chinese", "ideograph", "japaneseCounting", "taiwaneseCounting")):
        return cn2an.an2cn(value)
    return str(value)
