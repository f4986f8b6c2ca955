"""One worked example per language and domain: the model sees the layout and the tone it should
copy. The example's names are invented and its facts self-contained, so copying it is caught by
the verifier like any other unsupported fact.
"""

from __future__ import annotations

#: the invented titles below; the verifier rejects a draft that names one
EXAMPLE_TITLES = ("Alder Trail Socks", "Alder Running Cap", "Quiet Harbor", "Night Ferry",
                  "City Rivers Return", "Cleaning the Canal", "松木越野袜", "松木跑步帽", "静港",
                  "夜渡", "城市河流回来了", "清理运河")

# (item, about, facts, short answer, longer answer)
_EXAMPLES: dict[str, dict[str, tuple[str, str, tuple[str, ...], str, str]]] = {
    "en": {
        "ecommerce": (
            "Alder Trail Socks", "category \u201csports\u201d; tags \u201crunning\u201d",
            ("Because you bought \u201cAlder Running Cap\u201d.",
             "It is rated 4.6/5 by 31 people."),
            "We picked \u201cAlder Trail Socks\u201d because you bought \u201cAlder Running "
            "Cap\u201d.",
            "We picked \u201cAlder Trail Socks\u201d because you bought \u201cAlder Running "
            "Cap\u201d. It is also rated 4.6/5 by 31 people.",
        ),
        "movies": (
            "Quiet Harbor", "category \u201cDrama\u201d",
            ("Because you rated \u201cNight Ferry\u201d 5/5.",
             "It is rated 4.1/5 by 57 people."),
            "\u201cQuiet Harbor\u201d is here because you rated \u201cNight Ferry\u201d 5/5.",
            "\u201cQuiet Harbor\u201d is here because you rated \u201cNight Ferry\u201d 5/5. "
            "It is also rated 4.1/5 by 57 people.",
        ),
        "news": (
            "City Rivers Return", "category \u201cenvironment\u201d",
            ("Because you read \u201cCleaning the Canal\u201d.",
             "64 people read it."),
            "\u201cCity Rivers Return\u201d is here because you read \u201cCleaning the "
            "Canal\u201d.",
            "\u201cCity Rivers Return\u201d is here because you read \u201cCleaning the "
            "Canal\u201d. 64 people read it.",
        ),
    },
    "zh": {
        "ecommerce": (
            "松木越野袜", "类别 \u201c运动\u201d；标签 \u201c跑步\u201d",
            ("因为你购买过《松木跑步帽》。", "31人给它的平均评分是4.6分（满分5分）。"),
            "推荐《松木越野袜》，因为你购买过《松木跑步帽》。",
            "推荐《松木越野袜》，因为你购买过《松木跑步帽》。它的平均评分是4.6分，共31人评价。",
        ),
        "movies": (
            "静港", "类别 \u201c剧情\u201d",
            ("因为你给《夜渡》打了5分。", "57人给它的平均评分是4.1分（满分5分）。"),
            "推荐《静港》，因为你给《夜渡》打了5分。",
            "推荐《静港》，因为你给《夜渡》打了5分。它的平均评分是4.1分，共57人评价。",
        ),
        "news": (
            "城市河流回来了", "类别 \u201c环境\u201d",
            ("因为你读过《清理运河》。", "已有64人读过它。"),
            "推荐《城市河流回来了》，因为你读过《清理运河》。",
            "推荐《城市河流回来了》，因为你读过《清理运河》。已有64人读过它。",
        ),
    },
}

def example_for(language: str, domain: str, length: str) -> tuple[str, str, list[str], str]:
    """(item title, item details, fact sentences, answer) of the worked example."""
    item, about, facts, short, longer = _EXAMPLES[language].get(
        domain, _EXAMPLES[language]["ecommerce"])
    return item, about, list(facts), short if length == "short" else longer


def example_titles() -> list[str]:
    """Every title the worked examples use: a draft that repeats one copied the example."""
    return sorted(EXAMPLE_TITLES)
