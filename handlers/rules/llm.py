"""Optional: let an OpenAI-compatible model phrase the answer from the retrieved articles only.

The model sees nothing but the question and the articles, is told to answer from them alone, and
the citations in the reply come from retrieval, not from the model. Any timeout, HTTP error or
odd response returns None, and the caller answers from retrieval instead.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence

from bot.config import LlmConfig
from handlers.rules.search import IndexedArticle

log = logging.getLogger(__name__)

NOT_COVERED = "无相关规定"

SYSTEM_PROMPT = (
    "你是街道干部的规定问答助手。只能依据用户消息里给出的条文回答，不得使用条文以外的任何知识，不得推测。"
    "用不超过100个汉字回答：先给结论（可以／不可以／需要怎么做），再用《文件名》第X条的形式注明依据。"
    f"如果这些条文不能回答这个问题，只回复“{NOT_COVERED}”四个字。"
)


def is_configured(config: LlmConfig) -> bool:
    return bool(config.base_url and config.model)


def build_messages(question: str, articles: Sequence[IndexedArticle]) -> list[dict[str, str]]:
    quoted = "\n".join(f"{a.citation}：{a.text}" for a in articles)
    return [
        {"role": "system", "content": SYSTEM_PROMPT},
        {"role": "user", "content": f"条文：\n{quoted}\n\n问题：{question}"},
    ]


def ask(config: LlmConfig, question: str, articles: Sequence[IndexedArticle]) -> str | None:
    """The model's answer, or None when it failed or said the articles do not answer."""
    # Loaded here: most servers have no model configured and need no HTTP client for it.
    import httpx

    url = config.base_url.rstrip("/") + "/chat/completions"
    headers = {"Content-Type": "application/json"}
    key = config.api_key.get_secret_value()
    if key:
        headers["Authorization"] = f"Bearer {key}"
    body = {"model": config.model, "messages": build_messages(question, articles), "temperature": 0, "max_tokens": 300}
    try:
        response = httpx.post(url, json=body, headers=headers, timeout=config.timeout_seconds)
        response.raise_for_status()
        content = response.json()["choices"][0]["message"]["content"]
    except httpx.TimeoutException:
        log.warning("rules LLM timed out after %ss; answering from retrieval", config.timeout_seconds)
        return None
    except httpx.HTTPStatusError as exc:
        log.warning("rules LLM answered HTTP %s; answering from retrieval", exc.response.status_code)
        return None
    except (httpx.HTTPError, ValueError, KeyError, IndexError, TypeError) as exc:
        log.warning("rules LLM failed (%s); answering from retrieval", type(exc).__name__)
        return None
    if not isinstance(content, str) or not content.strip() or NOT_COVERED in content:
        return None
    return content.strip()
