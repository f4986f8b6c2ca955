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
             "It is tagged \u201crunning\u201d, like 2 of your items."),
            "We picked \u201cAlder Trail Socks\u201d because you bought \u201cAlder Running "
            "Cap\u201d.",
            "We picked \u201cAlder Trail Socks\u201d because you bought \u201cAlder Running "
            "Cap\u201d. Like 2 of your items, it is tagged \u201crunning\u201d.",
        ),
        "movies": (
            "Quiet Harbor", "category \u201cDrama\u201d",
            ("Because you rated \u201cNight Ferry\u201d 5/5.",
             "It shares the genre \u201cDrama\u201d with 3 of your films."),
            "\u201cQuiet Harbor\u201d is here because you rated \u201cNight Ferry\u201d 5/5.",
            "\u201cQuiet Harbor\u201d is here because you rated \u201cNight Ferry\u201d 5/5. "
            "It is a Drama, like 3 of your films.",
        ),
        "news": (
            "City Rivers Return", "category \u201cenvironment\u201d",
            ("Because you read \u201cCleaning the Canal\u201d.",
             "It is in environment, like 4 of your articles."),
            "\u201cCity Rivers Return\u201d is here because you read \u201cCleaning the "
            "Canal\u201d.",
            "\u201cCity Rivers Return\u201d is here because you read \u201cCleaning the "
            "Canal\u201d. Like 4 of your articles, it is about the environment.",
        ),
    },
    "zh": {
        "ecommerce": (
            "松木越野袜", "类别 \u201c运动\u201d；标签 \u201c跑步\u201d",
            ("因为你购买过《松木跑步帽》。", "它和你的2件商品一样，带有\u201c跑步\u201d标签。"),
            "推荐《松木越野袜》，因为你购买过《松木跑步帽》。",
            "推荐《松木越野袜》，因为你购买过《松木跑步帽》。它和你的2件商品一样，带有\u201c跑步\u201d"
            "标签。",
        ),
        "movies": (
            "静港", "类别 \u201c剧情\u201d",
            ("因为你给《夜渡》打了5分。", "它与你的3部电影同为\u201c剧情\u201d类型。"),
            "推荐《静港》，因为你给《夜渡》打了5分。",
            "推荐《静港》，因为你给《夜渡》打了5分。它和你的3部电影一样，都是剧情片。",
        ),
        "news": (
            "城市河流回来了", "类别 \u201c环境\u201d",
            ("因为你读过《清理运河》。", "它和你的4篇文章一样，属于\u201c环境\u201d类。"),
            "推荐《城市河流回来了》，因为你读过《清理运河》。",
            "推荐《城市河流回来了》，因为你读过《清理运河》。它和你的4篇文章一样，属于环境类。",
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
