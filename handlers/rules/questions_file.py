"""A file of known questions (`gridbot rules questions import`): TOML, one [[q]] per question, each naming
the article that answers it as the bot cites it:

    [[q]]
    text = "过节收了两盒月饼咋办"
    article = "《示范街道干部廉洁自律若干规定（示例）》第三条"
"""

from __future__ import annotations

import tomllib
from collections.abc import Mapping
from pathlib import Path

from handlers.rules.alike import KnownQuestion, bare_label
from handlers.rules.models import QUESTION_MAX


class QuestionsFileError(ValueError):
    """What is wrong with the file, in words for the admin."""


def read_questions(path: Path, articles: Mapping[str, tuple[str, str]]) -> list[KnownQuestion]:
    """The file's questions; `articles` maps each citation (《title》label) to its (title, label)."""
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise QuestionsFileError(f"找不到文件 {path}") from None
    except (UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        raise QuestionsFileError(f"{path.name} 不是 UTF-8 的 TOML：{exc}") from None
    entries = data.get("q")
    if not isinstance(entries, list) or not entries:
        raise QuestionsFileError("文件里没有 [[q]] 条目（每条要有 text 和 article）。")
    found = []
    for number, entry in enumerate(entries, start=1):
        text = str(entry.get("text", "")).strip() if isinstance(entry, dict) else ""
        citation = str(entry.get("article", "")).strip() if isinstance(entry, dict) else ""
        if not text or not citation:
            raise QuestionsFileError(f"第{number}条缺 text 或 article。")
        if len(text) > QUESTION_MAX:
            raise QuestionsFileError(f"第{number}条问法太长（{len(text)}字），请控制在{QUESTION_MAX}字以内。")
        article = articles.get(bare_label(citation))
        if article is None:
            raise QuestionsFileError(f"第{number}条的条文“{citation}”不在知识库里（写法同回答里的引用：《标题》第几条）。")
        found.append(KnownQuestion(article[0], article[1], text))
    return found
