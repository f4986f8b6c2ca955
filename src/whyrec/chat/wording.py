"""The sentences of chat answers, in English and Chinese. Each states only what its arguments
say: titles, ranks and features come from the model and the catalog."""

from __future__ import annotations

from typing import Any

from whyrec.privacy.clean import quotable
from whyrec.text import quote_title
from whyrec.types import SharedFeature


class Wording:
    """Answer sentences for one language (``en`` or ``zh``)."""

    def __init__(self, language: str, translations: dict[str, str] | None = None) -> None:
        self.zh = language == "zh"
        self.translations = translations or {}

    def word(self, value: str) -> str:
        """A catalog word in this language (the dataset's own translations)."""
        return self.translations.get(value, self.translations.get(value.lower(), value))

    def feature(self, value: str) -> str:
        """A catalog feature in this language, quotable (see :func:`quotable`)."""
        return quotable(self.word(value))

    def title(self, title: str) -> str:
        """A title quoted as the answer's language marks one (“X” or 《X》)."""
        return quote_title(quotable(title), "zh" if self.zh else "en")

    def ranks(self, ours: str, our_rank: int, other: str, other_rank: int) -> str:
        ours, other = self.title(ours), self.title(other)
        if self.zh:
            return f"{other}在你的列表中排第{other_rank}位，{ours}排第{our_rank}位"
        return f"{other} is number {other_rank} on your list and {ours} number {our_rank}"

    def lacks(self, other: str, feature: SharedFeature) -> str:
        # what the feature has to do with the person ("shares … with 3 of your items") is the
        # explanation's own sentence, which follows: said here too, it would be said twice
        other, value = self.title(other), self.feature(feature.value)
        if self.zh:
            return f"{other}没有“{value}”这一点"
        return f"{other} does not have “{value}”"

    def driver(self, history_title: str, other: str) -> str:
        history_title, other = self.title(history_title), self.title(other)
        if self.zh:
            return f"你的{history_title}对它的推荐作用比对{other}更大"
        return f"Your {history_title} counts more toward it than toward {other}"

    def similar(self, title: str, items: list[dict[str, Any]]) -> str:
        title = quotable(title)
        if not items:
            return (f"目录中没有找到和“{title}”相似的其他物品。" if self.zh
                    else f"I can't find other items like “{title}” in the catalog.")
        sep = "、" if self.zh else ", "
        parts = [f"“{quotable(i['title'])}”（{sep.join(map(self.feature, i['shared']))}）"
                 if self.zh else
                 f"“{quotable(i['title'])}” ({sep.join(map(self.feature, i['shared']))})"
                 for i in items]
        if self.zh:
            return f"和“{title}”相似的有：" + "；".join(parts) + "。"
        return f"Like “{title}”: " + "; ".join(parts) + "."

    def noted(self, title: str, features: list[str]) -> str:
        sep = "、" if self.zh else ", "
        title, features = quotable(title), [self.feature(f) for f in features]
        if self.zh:
            detail = f"（{sep.join(features)}）" if features else ""
            return f"好的，以后会少推荐像“{title}”{detail}这样的物品。"
        detail = f" ({sep.join(features)})" if features else ""
        return f"Noted: you will see fewer items like “{title}”{detail}."

    def not_in_catalog(self, name: str) -> str:
        # the person's own words are never echoed: they may carry an injected instruction
        return "目录中找不到这件物品。" if self.zh else "I can't find that item in the catalog."

    def same_item(self, title: str) -> str:
        title = quotable(title)
        return (f"“{title}”就是我们推荐给你的物品。" if self.zh
                else f"“{title}” is the item we recommended.")

    def already_have(self, title: str) -> str:
        title = quotable(title)
        return (f"“{title}”已经在你的记录里了，所以不会再推荐它。" if self.zh
                else f"“{title}” is already in your history, so we don't recommend it again.")

    def detail(self, title: str, field: str, value: Any) -> str:
        """What the catalog says of the item's ``field`` (price, brand, category), or that it
        says nothing; a price is the catalog's number, in the catalog's currency."""
        title = quotable(title)
        names = {"price": ("price", "价格"), "brand": ("brand", "品牌"),
                 "category": ("category", "类别")}[field]
        if value is None:
            return (f"目录中没有《{title}》的{names[1]}。" if self.zh
                    else f"The catalog gives no {names[0]} for “{title}”.")
        if field == "price":
            amount = f"{value:,.2f}"
            return (f"目录中《{title}》的价格是{amount}。" if self.zh
                    else f"The catalog lists “{title}” at {amount}.")
        value = quotable(str(value))
        if field == "brand":
            return (f"《{title}》的品牌是“{value}”。" if self.zh
                    else f"“{title}” is made by {value}.")
        return (f"《{title}》属于“{value}”类。" if self.zh
                else f"“{title}” is in the {value} category.")

    def cannot_tell(self) -> str:
        return "从你的数据中我无法判断。" if self.zh else "I can't tell from your data."
